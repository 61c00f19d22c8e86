/*
 * tokencheck: is a presented access token good right now? Its signature and
 * claims (jwtverify), then its revocation state in one database round trip:
 * its jti on the deny list, its organization disabled, its API key revoked
 * or expired, its user disabled or cut off (a per-user "not before").
 */
#ifndef JWTMINT_TOKENCHECK_H
#define JWTMINT_TOKENCHECK_H

#include "jwtverify.h"
#include "store_user.h"

struct db;
struct appcache;
struct keycache;
struct keyring;
struct revcache;
struct tokcache;

/* What token checks read, and nothing else of the worker. */
struct tokencheck_ctx {
	struct db		*db;
	const struct keyring	*keyring;
	struct jwtverify_opts	 opts;		/* now: set at each use */
	struct tokcache		*tokens;	/* verified tokens (the gate) */
	struct revcache		*revs;		/* deny list, user states */
	struct keycache		*keys;
	struct appcache		*apps;		/* tokens of applications */
	int			 deny_sec;	/* claims_deny_sec() */
};

enum tokencheck {
	TC_ACTIVE,
	TC_INACTIVE,
	TC_UNAVAILABLE		/* the database did not answer */
};

/*
 * The signature and claims only (jwtverify with the worker's options, as
 * of now): TC_ACTIVE or TC_INACTIVE. When org is not NULL the token must
 * belong to it. For what needs no revocation state (RFC 7009 revocation).
 */
enum tokencheck	tokencheck_verify(struct tokencheck_ctx *, const char *token,
		    const char *org, struct verified *v);

/*
 * Check token. When org is not NULL the token must belong to it (anything
 * else is inactive, exactly like an unknown token). v and st are filled as
 * far as the check got.
 */
enum tokencheck	tokencheck(struct tokencheck_ctx *, const char *token, const char *org,
		    struct verified *v, struct store_token_state *st);

/*
 * The same rules with the state taken from the worker's caches (keycache,
 * revcache), kept current by NOTIFY: no database round trip in steady
 * state. For the gate; introspection stays authoritative.
 */
enum tokencheck	tokencheck_cached(struct tokencheck_ctx *, const char *token,
		    struct verified *v);

#endif
