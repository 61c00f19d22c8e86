/*
 * gatein: the inputs of the /check gate (h_check.c), read the same way
 * every time:
 *   Authorization     from the client: "Bearer" (any case), one space, then
 *                     the token as sent, possibly empty (RFC 6750 §2.1;
 *                     the verifier refuses anything not a token). Any other
 *                     scheme is not a user token.
 *   JWTMINT_TOKEN     from the web server: only the exact value "required"
 *                     requires a user token.
 *   JWTMINT_ACCOUNT   from the web server (often from the request path): an
 *                     account id matched byte for byte against a member of
 *                     the token's space-separated "accounts" list, never as
 *                     a prefix or substring; a value holding a space is no
 *                     account id and never matches.
 *   JWTMINT_SCOPE     from the web server: one scope token, compared exactly
 *                     by scope_has() (scope.h): nothing to parse here.
 * Pure: strings in, answers out; nothing is copied or kept.
 */
#ifndef JWTMINT_GATEIN_H
#define JWTMINT_GATEIN_H

/*
 * The token of an Authorization value (a pointer into it), or NULL when
 * authorization is not the Bearer scheme.
 */
const char	*gatein_bearer(const char *authorization);

/* 1 when the JWTMINT_TOKEN value v (may be NULL) requires a user token. */
int		 gatein_token_required(const char *v);

/*
 * 1 when the token, a user's when is_user (jwtverify_is_user: the one rule),
 * listing accounts ("*", a space-separated list, or "" for none), may touch
 * account (JWTMINT_ACCOUNT, may be NULL): no account asked for, "*", or a
 * token that is not a user's always may; a user's otherwise only when
 * account is a member of the list.
 */
int		 gatein_account_allowed(int is_user, const char *accounts,
		    const char *account);

/*
 * How the gate refuses a request whose headers the reader refused
 * (http_req_init: a header over its bound or repeated, an unusable path).
 * The same order as h_check's own checks: what the web server set first,
 * then the key, then the token.
 */
enum gatein_refusal {
	GATEIN_REFUSE_REQUEST,	/* 403 access_denied */
	GATEIN_REFUSE_KEY,	/* 403 invalid_client: the key is no key */
	GATEIN_REFUSE_TOKEN	/* 401 invalid_token (RFC 6750 §3.1) */
};

/*
 * other: anything but the two below was refused (a repeated Authorization,
 * a server parameter, the path); key: X-API-Key over its bound or
 * repeated; token_long: Authorization over its bound, whatever its scheme
 * (a token that large is no token jwtmint issued).
 */
enum gatein_refusal gatein_refusal(int other, int key, int token_long);

#endif
