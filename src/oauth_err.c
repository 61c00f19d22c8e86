/*
 * oauth_err: the error table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "metrics.h"
#include "oauth_err.h"

static const struct {
	int		 status;
	const char	*code;
	const char	*desc;
} errs[OERR__MAX] = {
	[OERR_INVALID_REQUEST] = { 400, "invalid_request",
	    "the request is malformed" },
	/* RFC 6749 §5.2: one answer for every way a client fails. */
	[OERR_INVALID_CLIENT] = { 401, "invalid_client",
	    "client authentication failed" },
	[OERR_INVALID_CLIENT_BASIC] = { 401, "invalid_client",
	    "client authentication failed" },
	[OERR_INVALID_GRANT] = { 400, "invalid_grant",
	    "the grant is invalid, expired or revoked" },
	[OERR_UNAUTHORIZED_CLIENT] = { 400, "unauthorized_client",
	    "this client may not use this grant type" },
	[OERR_UNSUPPORTED_GRANT_TYPE] = { 400, "unsupported_grant_type",
	    "the grant type is not supported" },
	[OERR_INVALID_SCOPE] = { 400, "invalid_scope",
	    "the requested scope is invalid or exceeds what was granted" },
	[OERR_INVALID_TARGET] = { 400, "invalid_target",
	    "the requested audience is not allowed" },
	[OERR_SLOW_DOWN] = { 429, "slow_down",
	    "too many failed attempts, retry later" },
	[OERR_FORBIDDEN] = { 403, "insufficient_scope",
	    "the credential lacks the required scope" },
	[OERR_ACCESS_DENIED] = { 403, "access_denied", "access denied" },
	[OERR_GATE_INVALID_CLIENT] = { 403, "invalid_client",
	    "the API key is not valid" },
	[OERR_RATE_LIMITED] = { 429, "too_many_requests",
	    "rate limit exceeded" },
	[OERR_INVALID_TOKEN] = { 401, "invalid_token",
	    "the access token is invalid, expired or revoked" },
	[OERR_NOT_FOUND] = { 404, "not_found", "no such endpoint" },
	[OERR_METHOD_NOT_ALLOWED] = { 405, "method_not_allowed",
	    "the method is not allowed on this endpoint" },
	[OERR_LENGTH_REQUIRED] = { 411, "invalid_request",
	    "a Content-Length is required" },
	[OERR_TOO_LARGE] = { 413, "invalid_request",
	    "the request body is too large" },
	[OERR_UNSUPPORTED_MEDIA_TYPE] = { 415, "invalid_request",
	    "the body must be application/x-www-form-urlencoded" },
	[OERR_UNAVAILABLE] = { 503, "temporarily_unavailable",
	    "the service is temporarily unavailable, retry later" },
	[OERR_SERVER_ERROR] = { 500, "server_error",
	    "an internal error occurred" },
	[OERR_ADMIN_NOT_FOUND] = { 404, "not_found", "no such resource" },
	[OERR_CONFLICT] = { 409, "conflict",
	    "the resource is not in a state that allows this" },
	[OERR_PRECONDITION_FAILED] = { 412, "precondition_failed",
	    "the resource changed since the version named by If-Match" },
	[OERR_IDEMPOTENCY_REUSED] = { 422, "idempotency_key_reused",
	    "this Idempotency-Key was used with another request" },
};

void
oauth_err(struct resp *p, enum oerr e, const char *desc)
{
	json_t	*o;
	char	*s;

	if ((unsigned)e >= OERR__MAX)
		e = OERR_SERVER_ERROR;
	/* The one place a rate limit's 429 is made: counted here. */
	if (e == OERR_RATE_LIMITED)
		metrics_inc(METRIC_RATE_LIMITED);
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_header(p, "Pragma", "no-cache");
	/* RFC 6749 §5.2: Basic failed → 401 with the scheme used. */
	if (e == OERR_INVALID_CLIENT_BASIC)
		http_resp_header(p, "WWW-Authenticate", "Basic realm=\"jwtmint\"");
	/* RFC 6750 §3.1: the Bearer scheme's errors say what went wrong. */
	if (e == OERR_INVALID_TOKEN)
		http_resp_header(p, "WWW-Authenticate",
		    "Bearer error=\"invalid_token\"");
	if (e == OERR_FORBIDDEN)
		http_resp_header(p, "WWW-Authenticate",
		    "Bearer error=\"insufficient_scope\"");
	if (e == OERR_UNAVAILABLE)
		http_resp_header(p, "Retry-After", "1");
	o = json_pack("{s:s, s:s}", "error", errs[e].code,
	    "error_description", desc ? desc : errs[e].desc);
	s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (s == NULL) {
		p->status = errs[e].status;
		return;
	}
	http_resp_body(p, errs[e].status, s, strlen(s));
}

void
oauth_err_gate(struct resp *p, enum oerr e, const char *desc)
{
	char	 st[16];

	if ((unsigned)e >= OERR__MAX)
		e = OERR_SERVER_ERROR;
	snprintf(st, sizeof(st), "%d", errs[e].status);
	http_resp_header(p, "X-Jwtmint-Status", st);
	/* nginx's auth_request drops the body: its error page names the
	 * error code from this header (docs/GATE.md). */
	http_resp_header(p, "X-Jwtmint-Error", errs[e].code);
	oauth_err(p, e, desc);
}

enum oerr
oauth_err_from_status(int status)
{
	switch (status) {
	case 411:
		return OERR_LENGTH_REQUIRED;
	case 413:
		return OERR_TOO_LARGE;
	case 415:
		return OERR_UNSUPPORTED_MEDIA_TYPE;
	case 503:
		return OERR_UNAVAILABLE;
	default:
		return OERR_INVALID_REQUEST;
	}
}
