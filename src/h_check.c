/*
 * /check: the gate. A web server asks, for every request to an API it
 * protects, whether the application's key and the user's token allow it
 * (nginx auth_request; lighttpd and Apache as a FastCGI authorizer).
 *
 *   X-API-Key            required: missing, malformed, unknown, expired,
 *                        revoked, disabled organization → 403
 *   Authorization: Bearer  optional user token: invalid, expired, revoked,
 *                        not ours → 401 with WWW-Authenticate (RFC 6750)
 *   JWTMINT_SCOPE        the scope the location requires: a FastCGI
 *                        parameter or environment variable set by the web
 *                        server, never a request header (a client could
 *                        send one)
 *   JWTMINT_ACCOUNT      optional: the customer account the request touches
 *   JWTMINT_TOKEN        "required": a request without a user token is 401
 *                        (a location only users may reach; also guards a
 *                        server that does not pass Authorization on)
 *
 * Effective scopes are key ∩ token (the key's alone without a token); the
 * key and the token must be of one organization; a user whose token lists
 * accounts may only touch those. Over the key's rate limit → 429 with
 * Retry-After. 200 carries X-Jwtmint-* headers (and Variable-JWTMINT_* for
 * authorizers) for the backend. No database round trip in steady state:
 * keys, revocations and users come from the worker's caches (NOTIFY).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "clientauth.h"
#include "config.h"
#include "gatein.h"
#include "handlers.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "oauth_err.h"
#include "ratelimit.h"
#include "scope.h"
#include "tokencheck.h"

static void
allow(struct req *r, struct resp *p, const char *sub, const char *client,
    const char *org, const char *scope, const char *accounts)
{
	static const char *const names[] = { "Subject", "Client", "Org",
	    "Scope", "Accounts" };
	/* Not JWTMINT_SCOPE: that name is the input (the required scope). */
	static const char *const vars[] = { "SUBJECT", "CLIENT", "ORG",
	    "SCOPES", "ACCOUNTS" };
	const char	*vals[5] = { sub, client, org, scope, accounts };
	char		 h[64];
	size_t		 i;

	snprintf(r->sub, sizeof(r->sub), "%s", sub);	/* the log's */
	for (i = 0; i < 5; i++) {
		snprintf(h, sizeof(h), "X-Jwtmint-%s", names[i]);
		http_resp_header(p, h, vals[i]);
		if (r->authorizer) {
			snprintf(h, sizeof(h), "Variable-JWTMINT_%s", vars[i]);
			http_resp_header(p, h, vals[i]);
		}
	}
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_text(p, 200, "{\"status\":\"allowed\"}", 20);
}

static void
check(struct app *a, struct req *r, struct resp *p)
{
	struct verified	 v;
	struct scope_set	 tok, eff;
	char			 scope[SCOPE_MAX_STRING_BYTES], ra[16];
	const char		*need, *account, *want_token, *bearer = NULL;
	struct client		 c;
	enum oerr		 err;
	int			 retry, per_sec, per_min;

	need = r->io->param(r->io->ctx, "JWTMINT_SCOPE");
	account = r->io->param(r->io->ctx, "JWTMINT_ACCOUNT");
	want_token = r->io->param(r->io->ctx, "JWTMINT_TOKEN");
	if (need == NULL) {
		log_warnx("check: the web server sets no JWTMINT_SCOPE: denied");
		oauth_err_gate(p, OERR_ACCESS_DENIED, "no required scope "
		    "configured");
		return;
	}
	if (r->api_key == NULL) {
		oauth_err_gate(p, OERR_GATE_INVALID_CLIENT, "an API key is "
		    "required");
		return;
	}
	if (clientauth_key(&a->authn, r, r->api_key, NULL, &c, &err) == -1) {
		if (err == OERR_UNAVAILABLE)
			oauth_err_gate(p, OERR_UNAVAILABLE, NULL);
		else
			oauth_err_gate(p, OERR_GATE_INVALID_CLIENT, NULL);
		return;
	}

	per_sec = c.rate_per_sec >= 0 ? c.rate_per_sec : a->cfg->rate_limit_per_sec;
	per_min = c.rate_per_min >= 0 ? c.rate_per_min : a->cfg->rate_limit_per_min;
	if (a->ratelimit == NULL && (per_sec > 0 || per_min > 0)) {
		/* No counters (memory could not be mapped): fail closed. */
		oauth_err_gate(p, OERR_UNAVAILABLE, NULL);
		return;
	}
	if (a->ratelimit != NULL && !ratelimit_hit(a->ratelimit, c.id,
	    (uint32_t)per_sec, (uint32_t)per_min, (uint64_t)time(NULL), &retry)) {
		oauth_err_gate(p, OERR_RATE_LIMITED, NULL);
		snprintf(ra, sizeof(ra), "%d", retry);
		http_resp_header(p, "Retry-After", ra);
		return;
	}

	if (r->authorization != NULL &&
	    (bearer = gatein_bearer(r->authorization)) == NULL) {
		oauth_err_gate(p, OERR_INVALID_TOKEN, "use the Bearer scheme");
		return;
	}
	if (bearer == NULL && gatein_token_required(want_token)) {
		oauth_err_gate(p, OERR_INVALID_TOKEN, "a user token is "
		    "required");
		return;
	}
	if (bearer == NULL) {
		/* The key alone: what it may do in its organization. */
		if (!scope_has(&c.scopes, need)) {
			oauth_err_gate(p, OERR_FORBIDDEN, "the key lacks the "
			    "required scope");
			return;
		}
		if (scope_format(&c.scopes, scope, sizeof(scope)) < 0)
			scope[0] = '\0';
		allow(r, p, c.id, c.id, c.org_id, scope, "*");
		return;
	}

	switch (tokencheck_cached(&a->check, bearer, &v)) {
	case TC_UNAVAILABLE:
		oauth_err_gate(p, OERR_UNAVAILABLE, NULL);
		return;
	case TC_INACTIVE:
		oauth_err_gate(p, OERR_INVALID_TOKEN, "the token is invalid, "
		    "expired or revoked");
		return;
	case TC_ACTIVE:
		break;
	}
	/* Nothing crosses organizations, whatever the scopes say. */
	if (strcmp(v.org, c.org_id) != 0) {
		oauth_err_gate(p, OERR_ACCESS_DENIED, "the key and the token do "
		    "not match");
		return;
	}
	if (scope_parse(&tok, v.scope, strlen(v.scope)) == -1) {
		oauth_err_gate(p, OERR_INVALID_TOKEN, "the token's scope is "
		    "malformed");
		return;
	}
	scope_intersect(&eff, &tok, &c.scopes);
	if (!scope_has(&eff, need)) {
		oauth_err_gate(p, OERR_FORBIDDEN, "the key and the user together "
		    "lack the required scope");
		return;
	}
	/* A limited user touches only the accounts assigned to it. */
	if (!gatein_account_allowed(jwtverify_is_user(&v), v.accounts,
	    account)) {
		oauth_err_gate(p, OERR_ACCESS_DENIED, "the user may not touch this "
		    "account");
		return;
	}
	if (scope_format(&eff, scope, sizeof(scope)) < 0)
		scope[0] = '\0';
	allow(r, p, v.sub, c.id, c.org_id, scope,
	    jwtverify_is_user(&v) ? v.accounts : "*");
}

/* The decision counts: 200 allows; 401, 403 and 429 deny (an error, 503
 * or 500, decides nothing). */
void
h_check(struct app *a, struct req *r, struct resp *p)
{
	check(a, r, p);
	if (p->status == 200)
		metrics_check(1);
	else if (p->status == 401 || p->status == 403 || p->status == 429)
		metrics_check(0);
}
