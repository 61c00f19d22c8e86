/*
 * ops_revoke: the revocation operations, written once. The HTTP adapter
 * (POST /admin/revocations, h_admin.c) and the CLI adapter (jwtmint-admin
 * revoke, admin_revoke.c) only translate arguments and outcomes.
 *
 * Exactly one of jti (one access token and everything exchanged from it),
 * user (id or username: a new generation, every token and refresh family
 * of the user dead) or key (the key and every token issued to it), in the
 * organization of the context only. Every value is checked here before the
 * database sees it (its constraints are the second line).
 */
#ifndef JWTMINT_OPS_REVOKE_H
#define JWTMINT_OPS_REVOKE_H

#include "ops.h"

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
