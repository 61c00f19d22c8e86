/*
 * store_user: typed access to users, logins, refresh tokens and the
 * revocation state of access tokens. Every function takes the organization
 * of the authenticated caller and passes it to the statement: no lookup can
 * reach another organization's rows. Lookups return -1 / 0 / 1 like store.h.
 */
#ifndef JWTMINT_STORE_USER_H
#define JWTMINT_STORE_USER_H

#include "claims.h"
#include "password.h"
#include "scope.h"

struct db;

#define STORE_ACCOUNTS_BYTES	2048
#define STORE_ID_BYTES		64

struct store_user {
	char			 id[STORE_ID_BYTES];
	char			 role[STORE_ID_BYTES];
	struct scope_set	 role_scopes;	/* patterns */
	int			 all_accounts;
	int			 read_only;
	struct scope_set	 extra;
	char			 accounts[STORE_ACCOUNTS_BYTES];
	int			 disabled;
	long long		 generation;	/* sql/004_lineage.sql */
};

struct store_login {
	int			 found;
	struct store_user	 user;
	char			 phc[PASSWORD_HASH_BYTES];
	int			 user_failures;
	int			 addr_failures;
	int			 retry_after;	/* seconds until the window ends */
};

int	store_login_lookup(struct db *, const char *org, const char *username,
	    const char *addr, int window_sec, struct store_login *out);
/*
 * Count a failed login of username from addr; the failure that reaches
 * max_user (per username) or max_addr (per address) within the window
 * writes the lockout's audit row (actor: the key). 0 or -1.
 */
int	store_login_failed(struct db *, const char *org, const char *username,
	    const char *addr, int window_sec, const char *actor, int max_user,
	    int max_addr);
/* Family (of the user's generation gen) + first refresh token + counter
 * reset, one statement. 0 or -1. */
int	store_login_succeeded(struct db *, const char *org,
	    const char *username, const char *family, const char *user_id,
	    long long gen, const char *key_id, int absolute_sec,
	    const char *digest_hex, const char *scope, int idle_sec);
int	store_login_reset(struct db *, const char *org, const char *username);
int	store_password_rehash(struct db *, const char *org, const char *user_id,
	    const char *phc);

struct store_refresh {
	char			 family[STORE_ID_BYTES];
	char			 scope[SCOPE_MAX_STRING_BYTES];
	int			 rotated;
	double			 since_rotation;	/* seconds */
	int			 idle_ok;
	char			 key_id[STORE_ID_BYTES];
	int			 absolute_left;	/* seconds to the family's end */
	int			 family_ok;	/* REFRESH_FAMILY_OK */
	struct store_user	 user;
};

int	store_refresh_peek(struct db *, const char *digest_hex, const char *org,
	    struct store_refresh *out);
/*
 * 1 when the token's family, user and key still allow it, as the database
 * decided it (REFRESH_FAMILY_OK in stmt.c, the one rule, which
 * STMT_REFRESH_PEEK_ROTATE applies too). Rotation and idle time are the
 * caller's to judge (the grace window of a rotated token is the refresh
 * grant's alone).
 */
int	store_refresh_family_ok(const struct store_refresh *);
/*
 * store_refresh_peek and, when every rule allows it and key_id is the
 * token's key, the rotation to new_hex, in one round trip. *rotated is 1
 * when this call rotated. -1 / 0 / 1 like store_refresh_peek.
 */
int	store_refresh_peek_rotate(struct db *, const char *digest_hex,
	    const char *org, const char *new_hex, int idle_sec,
	    const char *key_id, struct store_refresh *out, int *rotated);
/* 1 rotated, 0 another request rotated it first, -1 error. */
int	store_refresh_rotate(struct db *, const char *old_hex,
	    const char *new_hex, int idle_sec);
/*
 * Revoke a family; its access tokens stay on the deny list keep_sec. Its
 * audit row: event ("refresh.revoke", "refresh.reuse"), actor, source and
 * outcome ("ok", "denied"). 0 or -1.
 */
int	store_family_revoke(struct db *, const char *family, const char *org,
	    const char *event, int keep_sec, const char *actor,
	    const char *source, const char *outcome);

#define STORE_TOKEN_IDS	(2 + CLAIMS_MAX_CHAIN)	/* jti, sid, parents */

struct store_token_state {
	int	 jti_revoked;		/* any of its ids on the deny list */
	int	 org_disabled;
	int	 key_bad;		/* revoked, expired or not in the org */
	int	 user_found;
	char	 username[STORE_ID_BYTES];
	int	 user_disabled;
	long long gen;			/* the user's generation */
};

/* ids: the token's jti, family and parents (at most STORE_TOKEN_IDS). */
int	store_token_state(struct db *, const char *const *ids, size_t nids,
	    const char *org, const char *key_id, const char *sub,
	    struct store_token_state *out);
int	store_jti_revoke(struct db *, const char *jti, const char *org,
	    long long exp);
/* An administrator's revocation of jti, with its audit row. 0 or -1. */
int	store_jti_revoke_audited(struct db *, const char *jti, const char *org,
	    long long exp, const char *actor, const char *source);
/* Rows affected (0: no such user / key in org), or -1; each writes its
 * audit row ("user.revoke", "key.revoke") naming actor and source. */
int	store_user_cutoff(struct db *, const char *org, const char *user,
	    const char *actor, const char *source);
int	store_key_revoke_in_org(struct db *, const char *key_id, const char *org,
	    const char *actor, const char *source);
int	store_audit(struct db *, const char *org, const char *event,
	    const char *detail);

#endif
