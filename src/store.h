/*
 * store: typed access to the statements of stmt.c. The server calls the
 * typed lookups; the admin CLI uses the generic row iterator and writer.
 *
 * The one error convention of the store layer (store.h, store_user.h):
 * -1 is always "the database failed" (logged once, in db.c; the caller
 * answers 503 or exits non-zero) and nothing else ever is, so an outage is
 * never reported as a bad credential or as "nothing to do".
 *   - lookups return -1, 0 (not found) or 1 (found, out filled);
 *   - writes that name something return the rows affected (0: no such
 *     thing, or already done) or -1;
 *   - writes that cannot miss return 0 or -1;
 *   - store_write alone returns -2 for a unique-key violation, so that the
 *     CLI can say "already exists".
 */
#ifndef JWTMINT_STORE_H
#define JWTMINT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "apikey.h"
#include "scope.h"
#include "stmt.h"

struct db;

#define STORE_ORG_ID_BYTES	64

struct store_key {
	char			 org_id[STORE_ORG_ID_BYTES];
	enum apikey_env		 env;
	unsigned char		 salt[APIKEY_SALT_BYTES];
	unsigned char		 hash[32];
	struct scope_set	 scopes;
	long long		 expires_at;	/* Unix seconds, 0: never */
	int			 revoked;
	int			 org_disabled;
	unsigned		 grants;	/* GT_* bits */
	int			 rate_per_sec;	/* -1: the default, 0: none */
	int			 rate_per_min;
	int			 trusted_forwarder;	/* may send end_user_ip */
	int			 disabled;	/* until enabled again */
	int			 keep_tokens;	/* its tokens outlive its end
						   (a roll's grace) */
	int			 pepper_id;	/* the pepper keying its hash */
};

/* 1 when the database answers "select 1", else -1. */
int	store_ping(struct db *);

/*
 * How many of the n migrations named are applied (a database at this
 * binary's version or newer has them all), or -1.
 */
int	store_migrations_applied(struct db *, const char *const *names,
	    size_t n);

/*
 * 1 when the key may be used at now: not revoked, not disabled, not
 * expired, its organization enabled; else 0. The one rule in C (without
 * branches: the client authentication does the same work for every key);
 * its SQL twin is the key_bad column of REFRESH_PEEK_SQL.
 */
int	store_key_usable(const struct store_key *, long long now);

/*
 * 1 when the access tokens the key obtained are good at now: the same
 * rule, except that a key whose end was a roll's grace without
 * revoke_tokens (keep_tokens) leaves its tokens good until their own exp.
 * Its SQL twin is the key_bad column of STMT_TOKEN_STATE.
 */
int	store_key_tokens_good(const struct store_key *, long long now);

/* The key row of id (any state: see STMT_KEY_GET). -1 / 0 / 1. */
int	store_key_get(struct db *, const char *id, struct store_key *out);

/*
 * A key verified under pepper old_id hashed again (hash) under pepper
 * new_id, unless another worker or host did it first. Returns the rows
 * changed (0 or 1) or -1.
 */
int	store_key_rehash(struct db *, const char *id,
	    const unsigned char hash[32], int new_id, int old_id);

/* Set last_used_at = now() for the n key ids. Returns 0 or -1. */
int	store_keys_touch(struct db *, const char (*ids)[APIKEY_ID_LEN + 1],
	    size_t n);

/*
 * Shared rate limits (STMT_RATE_SYNC): publish this host's n counts of
 * minute and call others(arg, hash, count) for each key that other hosts
 * counted in that minute. Returns 0 or -1.
 */
int	store_rate_sync(struct db *, const char *host, uint32_t minute,
	    const uint64_t *hashes, const uint32_t *counts, size_t n,
	    void (*others)(void *arg, uint64_t hash, uint32_t count), void *arg);

/*
 * Roll key old of org to the new key (id, salt and hash as hex), the old
 * one ending after grace_sec, its tokens with it when revoke_tokens
 * (STMT_KEY_ROLL, one statement, its audit row naming actor and source),
 * hashed under the pepper whose check value is pepper_check (hex). Returns 1 with
 * the new key's created_at and expires_at ("" for never) and the old one's
 * end (RFC 3339, each in a buffer of bufsz), 0 when the old key could not
 * be rolled any more, -1.
 */
int	store_key_roll(struct db *, const char *old, const char *org,
	    const char *id, const char *salthex, const char *hashhex,
	    long long grace_sec, int revoke_tokens, const char *actor,
	    const char *source, const char *pepper_check, char *created_at,
	    char *expires_at, char *old_ends_at, size_t bufsz);

/*
 * Call cb once per row of statement s, with the row's columns as strings
 * (NULL for SQL NULL). cb returns 0 to go on, -1 to stop with an error.
 * Returns the number of rows, or -1.
 */
typedef int (*store_row_fn)(void *arg, const char *const *cols, int ncols);
int	store_rows(struct db *, enum stmt s, const char *const *params,
	    store_row_fn cb, void *arg);

/*
 * Run a writing statement. Returns the number of rows affected, or -1
 * (-2 for a unique-key violation, so the CLI can say "already exists").
 */
int	store_write(struct db *, enum stmt s, const char *const *params);

/*
 * One transaction of several statements (db_begin, db_commit,
 * db_rollback: a lost connection fails the rest, never reconnects inside
 * it). Returns 0 or -1; the rollback cannot fail.
 */
int	store_begin(struct db *);
int	store_commit(struct db *);
void	store_rollback(struct db *);

/*
 * 1 when the last statement failed on a unique or exclusion constraint
 * (something of that name or in that state exists already), else 0.
 */
int	store_conflict(struct db *);

/* Decode "\x..." bytea text into dst. Returns the length or -1. */
int	store_unhex(unsigned char *dst, size_t dstsz, const char *text);

#endif
