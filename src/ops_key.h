/*
 * ops_key: API key operations written once; the CLI (jwtmint-admin key
 * roll) is an adapter, the admin API will be another. Errors and the
 * context are ops_revoke.h's.
 */
#ifndef JWTMINT_OPS_KEY_H
#define JWTMINT_OPS_KEY_H

#include "apikey.h"
#include "ops_revoke.h"

#define OPS_ROLL_MAX_GRACE_SEC	(30 * 86400)	/* 30 days */

struct ops_key_roll {
	const char	*id;		/* the key to roll */
	long long	 grace_sec;	/* 0..OPS_ROLL_MAX_GRACE_SEC; 0: revoke now */
};

struct ops_key_rolled {
	char	 key[APIKEY_LEN + 1];	/* the new key, whole: shown once */
	char	 id[APIKEY_ID_LEN + 1];
	char	 created_at[32];	/* RFC 3339 UTC */
	char	 expires_at[32];	/* the new key's; "" when never */
	char	 old_ends_at[32];	/* the old key stops working then */
};

/*
 * Roll a key of the context's organization: a new key (new id and secret;
 * name, scopes, grants, limits, organization and expiry copied) and the old
 * one working until min(its expiry, now + grace), or revoked now (grace 0,
 * and its tokens with it). Only the newest key of a chain, not revoked nor
 * expired, can be rolled: OPS_CONFLICT otherwise; another organization's
 * key is OPS_NOT_FOUND, as a missing one. One transaction, with its audit
 * row ("key.roll"). out->key must be wiped by the caller (secret_wipe).
 */
enum ops_err	ops_key_roll(const struct ops_ctx *, const struct ops_key_roll *,
		    struct ops_key_rolled *out, const char **field);

#endif
