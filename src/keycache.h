/*
 * keycache: a worker's cache of API-key rows, so that authenticating a
 * client costs no database round trip in steady state.
 *
 * Invalidation: every change that can make a cached row wrong (a key
 * revoked, its scopes or expiry changed, a key deleted, an organization
 * disabled) makes PostgreSQL NOTIFY "jwtmint" (sql/001_core.sql); each
 * worker reads notifications before every request and empties its cache.
 * A reconnect also empties it (what happened meanwhile is unknown). As a
 * last bound, when notifications cannot arrive (a silently dead connection),
 * no entry is used longer than key_cache_sec. Only rows that exist are
 * cached; the secret's hash is compared on every request as before.
 */
#ifndef JWTMINT_KEYCACHE_H
#define JWTMINT_KEYCACHE_H

#include <time.h>

#include "store.h"

#define KEYCACHE_SLOTS	512	/* direct-mapped; a collision costs a lookup */

struct db;
struct keycache_entry;

#define KEYCACHE_TOUCH_BATCH	64
#define KEYCACHE_REHASH_BATCH	16

/* A key verified under an older pepper, hashed again under the current. */
struct keycache_rehash {
	char		 id[APIKEY_ID_LEN + 1];
	unsigned char	 hash[32];
	int		 pepper_id, old_pepper_id;
};

struct keycache {
	struct keycache_entry	*slots;		/* KEYCACHE_SLOTS */
	int			 ttl_sec;	/* 0: no caching */
	unsigned long		 hits, misses;
	/* last_used_at batch: key ids used since the last flush */
	char			 touched[KEYCACHE_TOUCH_BATCH][APIKEY_ID_LEN + 1];
	size_t			 ntouched;
	time_t			 last_flush;
	/* re-hashes to write after the response (keycache_flush_rehash) */
	struct keycache_rehash	 rehash[KEYCACHE_REHASH_BATCH];
	size_t			 nrehash;
	time_t			 pepper_warned;	/* a key on a pepper not held */
};

/* Returns 0, or -1 when out of memory. */
int	keycache_init(struct keycache *, int ttl_sec);
void	keycache_free(struct keycache *);

/* Forget every entry. */
void	keycache_clear(struct keycache *);

/* Remember that key id authenticated (for the batched last_used_at). */
void	keycache_touch(struct keycache *, const char *id);

/*
 * Write the batch of last_used_at when it is full, older than every_sec,
 * or force. A failed write drops the batch (last_used_at is advisory).
 */
void	keycache_flush_touched(struct keycache *, struct db *, int every_sec,
	    int force);

/*
 * Key id was verified under pepper old_id and hashed again (hash) under
 * new_id: the cached row takes the new hash at once (this worker does not
 * do it again) and the write waits for keycache_flush_rehash. A full batch
 * drops the request: the next use asks again.
 */
void	keycache_rehashed(struct keycache *, const char *id,
	    const unsigned char hash[32], int new_id, int old_id);

/* Write the waiting re-hashes (after a response went out). */
void	keycache_flush_rehash(struct keycache *, struct db *);

/* store_key_get() through the cache: -1 / 0 / 1. */
int	keycache_get(struct keycache *, struct db *, const char *id,
	    struct store_key *out);

#endif
