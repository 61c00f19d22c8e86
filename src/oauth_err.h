/*
 * oauth_err: the one place that maps an outcome to an HTTP status and an
 * error code (RFC 6749 §5.2 for the token endpoint, plain codes for the
 * rest). Error bodies are {"error","error_description"}; descriptions are
 * constant strings chosen by jwtmint, never an echo of the request.
 */
#ifndef JWTMINT_OAUTH_ERR_H
#define JWTMINT_OAUTH_ERR_H

struct resp;

enum oerr {
	OERR_INVALID_REQUEST,
	OERR_INVALID_CLIENT,
	OERR_INVALID_CLIENT_BASIC,	/* invalid_client after HTTP Basic */
	OERR_INVALID_GRANT,
	OERR_UNAUTHORIZED_CLIENT,
	OERR_UNSUPPORTED_GRANT_TYPE,
	OERR_INVALID_SCOPE,
	OERR_INVALID_TARGET,		/* RFC 8707 §2 */
	OERR_SLOW_DOWN,			/* 429: too many failed logins */
	OERR_FORBIDDEN,			/* 403: authenticated, not allowed */
	OERR_ACCESS_DENIED,		/* 403: the gate refuses */
	OERR_GATE_INVALID_CLIENT,	/* 403: the gate's bad API key */
	OERR_RATE_LIMITED,		/* 429: over the key's rate limit */
	OERR_INVALID_TOKEN,		/* 401: bad Bearer token (RFC 6750) */
	OERR_NOT_FOUND,
	OERR_METHOD_NOT_ALLOWED,
	OERR_LENGTH_REQUIRED,
	OERR_TOO_LARGE,
	OERR_UNSUPPORTED_MEDIA_TYPE,
	OERR_UNAVAILABLE,		/* database down, no signing key */
	OERR_SERVER_ERROR,
	/* the admin API (adminapi.h) */
	OERR_ADMIN_NOT_FOUND,		/* 404: no such resource */
	OERR_CONFLICT,			/* 409: not in a state that allows it */
	OERR_PRECONDITION_FAILED,	/* 412: If-Match names a stale version */
	OERR_IDEMPOTENCY_REUSED,	/* 422: Idempotency-Key, another body */
	OERR__MAX
};

/*
 * Make p the error response for e with the description desc (a constant;
 * NULL for the table's default). Adds Cache-Control: no-store and the
 * headers the error needs (WWW-Authenticate, Retry-After).
 */
void	oauth_err(struct resp *p, enum oerr e, const char *desc);

/*
 * The gate's (/check) form of oauth_err: the same table, plus
 * X-Jwtmint-Status (nginx auth_request passes only 2xx, 401 and 403 on:
 * the configuration reads the real status from it, docs/GATE.md) and
 * X-Jwtmint-Error, the error code (nginx's JSON error page names it).
 */
void	oauth_err_gate(struct resp *p, enum oerr e, const char *desc);

/* The error for an HTTP status from the request reader (400, 411, 413...). */
enum oerr oauth_err_from_status(int status);

#endif
