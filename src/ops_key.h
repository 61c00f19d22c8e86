/*
 * ops_key: API key operations written once; jwtmint-admin key ... and the
 * admin API (h_admin_keys.c) are adapters. Errors and the context are
 * ops.h's. Every operation acts in the context's organization only:
 * another organization's key is OPS_NOT_FOUND, as a missing one.
 *
 * A key never grants more than its maker holds: with a limit (the admin
 * API's caller; NULL for the CLI, which acts as the platform operator) a
 * create or a roll of a key with a scope or a grant outside it is
 * OPS_INVALID with *field OPS_KEY_WIDER, and a caller limited to some
 * customer accounts makes or rolls no key at all (a key reaches every
 * account): OPS_FORBIDDEN, *field "accounts". Nor may a limited caller
 * update, disable, enable, revoke or roll a key that holds more than it
 * does (OPS_FORBIDDEN, *field "key"), nor roll a trusted forwarder (a
 * platform operator's setting: OPS_FORBIDDEN, *field "trusted_forwarder").
 */
#ifndef JWTMINT_OPS_KEY_H
#define JWTMINT_OPS_KEY_H

#include <jansson.h>

#include "apikey.h"
#include "ops.h"
#include "scope.h"
#include "store.h"

#define OPS_ROLL_MAX_GRACE_SEC	(30 * 86400)	/* 30 days */
#define OPS_KEY_MAX_EXPIRES_SEC	(10LL * 366 * 86400)
#define OPS_KEY_NAME_BYTES	200	/* of UTF-8, no control characters */
#define OPS_KEY_META_BYTES	8192	/* the JSON text (sql/010) */
#define OPS_KEY_MAX_RATE	1000000

/* *field of a key that would hold a scope its maker lacks. */
extern const char	OPS_KEY_WIDER[];

/* A key as shown: never its secret, salt or hash. "" for a NULL time. */
struct ops_key_view {
	char		 id[APIKEY_ID_LEN + 1];
	char		 start[APIKEY_ID_LEN + 16];	/* "jmk_live_<id>" */
	char		 name[4 * OPS_KEY_NAME_BYTES + 1];
	char		 env[8];
	char		 scopes[SCOPE_MAX_STRING_BYTES];
	char		 grants[256];			/* space-separated */
	int		 rate_per_sec, rate_per_min;	/* -1: the default */
	char		 meta[OPS_KEY_META_BYTES + 1];	/* a JSON object */
	char		 created_at[32], last_used_at[32], expires_at[32];
	char		 disabled_at[32], revoked_at[32];
	char		 status[16];	/* active expiring expired disabled
					   revoked */
	char		 rolled_from[APIKEY_ID_LEN + 1];
	char		 rolled_to[APIKEY_ID_LEN + 1];
	int		 trusted_forwarder;
	long long	 version;	/* the ETag */
	long long	 created_usec;	/* the listing's cursor */
};

/*
 * The view as the admin API and jwtmint-admin key get --json show it
 * (docs/ADMIN-API.md): scopes and grants as arrays, meta as an object, a
 * NULL time or link as null. A new reference, or NULL.
 */
json_t	*ops_key_view_json(const struct ops_key_view *);

/* What the caller of an operation holds (the admin API's caller). */
struct ops_key_limit {
	const struct scope_set	*scopes;	/* the scopes it holds */
	unsigned		 grants;	/* GT_* of its own key */
	int			 all_accounts;	/* reaches every account */
};

struct ops_key_create {
	const char		*name;
	const char		*scopes;	/* space-separated */
	const char		*env;		/* "live" (NULL) or "test" */
	const char		*grants;	/* NULL: client_credentials */
	long long		 expires_in;	/* seconds; 0: never */
	int			 rate_per_sec;	/* -1: the configured default */
	int			 rate_per_min;
	const char		*meta;		/* a JSON object, or NULL */
	int			 trusted_forwarder;
	const struct ops_key_limit *limit;	/* NULL: not limited */
};

struct ops_key_created {
	char			 key[APIKEY_LEN + 1];	/* whole: shown once */
	struct ops_key_view	 view;
};

struct ops_key_list {
	const char	*env;		/* NULL: any */
	const char	*status;	/* NULL: any */
	const char	*name_prefix;	/* NULL: any */
	long long	 expiring_within;	/* seconds; 0: no filter */
	int		 limit;		/* rows, 1.. */
	int		 has_after;	/* after the cursor's position */
	long long	 after_usec;
	const char	*after_id;
};

/* One row of a listing, valid during the call. Returns 0, or -1 to stop
 * (the listing fails with OPS_FAILED). */
typedef int (*ops_key_row_fn)(void *arg, const struct ops_key_view *);

struct ops_key_get {
	const char	*id;
	const struct ops_key_limit *limit;	/* revoke, disable, enable:
						   NULL: not limited */
};

/*
 * What an update changes; anything not "set" stays. Scopes and grants may
 * only narrow, the expiry only come earlier (OPS_INVALID naming the
 * field otherwise).
 */
struct ops_key_update {
	const char	*id;
	long long	 if_version;	/* 0: any; else only at this version
					   (-1: none matches), OPS_CONFLICT */
	const char	*name;		/* NULL: unchanged */
	const char	*meta;		/* NULL: unchanged */
	int		 set_rate_per_sec, rate_per_sec;	/* -1: default */
	int		 set_rate_per_min, rate_per_min;
	int		 disabled;	/* -1 unchanged, 0 enable, 1 disable */
	long long	 expires_in;	/* 0: unchanged; else from now */
	const char	*scopes;	/* NULL: unchanged */
	const char	*grants;	/* NULL: unchanged */
	const struct ops_key_limit *limit;	/* NULL: not limited */
};

struct ops_key_roll {
	const char		*id;		/* the key to roll */
	long long		 grace_sec;	/* 0..OPS_ROLL_MAX_GRACE_SEC; 0:
						   revoke now */
	int			 revoke_tokens;	/* the old key's tokens end with
						   it (grace 0 implies it) */
	const struct ops_key_limit *limit;	/* NULL: not limited */
};

struct ops_key_rolled {
	char	 key[APIKEY_LEN + 1];	/* the new key, whole: shown once */
	char	 id[APIKEY_ID_LEN + 1];
	char	 created_at[32];	/* RFC 3339 UTC */
	char	 expires_at[32];	/* the new key's; "" when never */
	char	 old_ends_at[32];	/* the old key stops working then */
};

/*
 * Create a key (one statement with its audit row, "key.create"). A
 * disabled organization is OPS_CONFLICT. out->key must be wiped by the
 * caller (secret_wipe).
 */
enum ops_err	ops_key_create(const struct ops_ctx *, const struct ops_key_create *,
		    struct ops_key_created *out, const char **field);

/*
 * List the organization's keys, at most rq->limit, in (created_at, id)
 * order after the cursor's position, calling fn per row. *n is the number
 * of rows.
 */
enum ops_err	ops_key_list(const struct ops_ctx *, const struct ops_key_list *,
		    ops_key_row_fn fn, void *arg, int *n, const char **field);

/* One key. */
enum ops_err	ops_key_get(const struct ops_ctx *, const struct ops_key_get *,
		    struct ops_key_view *out, const char **field);

/*
 * Update a key (one transaction with its audit row: "key.update", or
 * "key.disable" / "key.enable" when that is all it does). A stale
 * if_version is OPS_CONFLICT with *field "version".
 */
enum ops_err	ops_key_update(const struct ops_ctx *, const struct ops_key_update *,
		    struct ops_key_view *out, const char **field);

/* ops_key_update with only disabled set: refused at /token, /introspect,
 * /revoke and /check like an invalid key, with its tokens, until enabled. */
enum ops_err	ops_key_disable(const struct ops_ctx *, const struct ops_key_get *,
		    struct ops_key_view *out, const char **field);
enum ops_err	ops_key_enable(const struct ops_ctx *, const struct ops_key_get *,
		    struct ops_key_view *out, const char **field);

/* Revoke a key and its tokens for good ("key.revoke"); a revoked key is
 * shown as it is. */
enum ops_err	ops_key_revoke(const struct ops_ctx *, const struct ops_key_get *,
		    struct ops_key_view *out, const char **field);

/*
 * Roll a key of the context's organization: a new key (new id and secret;
 * name, scopes, grants, limits, meta, organization and expiry copied) and
 * the old one working until min(its expiry, now + grace), or revoked now
 * (grace 0, and its tokens with it). The access tokens the old key
 * obtained stay good until their own exp after its end, unless
 * revoke_tokens: then they end with it. Only the newest key of a chain,
 * not revoked, disabled nor expired, can be rolled: OPS_CONFLICT
 * otherwise. One statement, with its audit row ("key.roll").
 * out->key must be wiped by the caller (secret_wipe).
 */
enum ops_err	ops_key_roll(const struct ops_ctx *, const struct ops_key_roll *,
		    struct ops_key_rolled *out, const char **field);

#endif
