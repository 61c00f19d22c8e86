/*
 * store_idem: the rows of Idempotency-Key (sql/010_admin_api.sql), for
 * adminapi.c. Convention of store.h: -1 is always "the database failed".
 * Everything happens inside the caller's transaction (db_begin), which
 * also does the work whose answer is stored.
 */
#ifndef JWTMINT_STORE_IDEM_H
#define JWTMINT_STORE_IDEM_H

#include <stddef.h>

#include "secret.h"

struct db;

#define STORE_IDEM_MAX_BODY	(1024 * 1024)

struct store_idem {
	unsigned char	 hash[SECRET_DIGEST_BYTES];	/* of the request */
	int		 status;
	char		 location[512];
	unsigned char	*sealed;	/* malloc'd; free() */
	size_t		 sealedlen;
};

/*
 * Take the transaction-scoped lock of (org, actor, key): 1 taken, 0 held
 * by another transaction (the same request in progress), -1.
 */
int	store_idem_lock(struct db *, const char *org, const char *actor,
	    const char *key);

/* The stored answer younger than 24 hours: -1 / 0 / 1 (out filled). */
int	store_idem_get(struct db *, const char *org, const char *actor,
	    const char *key, struct store_idem *out);

/*
 * Store an answer (replacing one older than 24 hours). Returns 1, 0 when a
 * younger one exists, -1.
 */
int	store_idem_put(struct db *, const char *org, const char *actor,
	    const char *key, const unsigned char hash[SECRET_DIGEST_BYTES],
	    int status, const char *location, const unsigned char *sealed,
	    size_t sealedlen);

/*
 * Delete every answer older than 24 hours (the housekeeper calls it; the
 * answers may hold a sealed API key). Returns the rows deleted, or -1.
 */
int	store_idem_purge(struct db *);

#endif
