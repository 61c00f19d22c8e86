/*
 * ops_revoke: the revocation operations, written once. The HTTP adapter
 * (POST /admin/revocations, h_admin.c) and the CLI adapter (jwtmint-admin
 * revoke, admin_user.c) only translate arguments and outcomes.
 *
 * Exactly one of jti (one access token and everything exchanged from it),
 * user (id or username: a new generation, every token and refresh family
 * of the user dead) or key (the key and every token issued to it), in the
 * organization of the context only. Every value is checked here before the
 * database sees it (its constraints are the second line).
 */
#ifndef JWTMINT_OPS_REVOKE_H
#define JWTMINT_OPS_REVOKE_H

struct db;

#include <stddef.h>

/* What an operation reads: the database, the caller's organization. */
struct ops_ctx {
	struct db		*db;
	const char		*org;		/* the caller's organization id */
	int			 deny_sec;	/* deny-row life (tokencheck.h) */
	const unsigned char	*pepper;	/* new API keys' hashes */
	size_t			 pepperlen;
};

/* One error enum for every operation (ops_*.h). */
enum ops_err {
	OPS_OK,
	OPS_INVALID,		/* *field names the bad (or missing) field */
	OPS_NOT_FOUND,		/* nothing of that name in the organization */
	OPS_CONFLICT,		/* exists, but not in a state that allows it */
	OPS_UNAVAILABLE,	/* the database failed: nothing was done */
	OPS_FAILED		/* something else failed: nothing was done */
};

struct ops_revoke {
	const char	*jti, *user, *key;	/* exactly one */
};

/*
 * Revoke. Returns OPS_OK with *what set to "jti", "user" or "key", or an
 * error; for OPS_INVALID *field is "jti", "user", "key", or "one of jti,
 * user, key" when not exactly one was given.
 */
enum ops_err	ops_revoke(const struct ops_ctx *, const struct ops_revoke *,
		    const char **what, const char **field);

#endif
