/*
 * revcache: the gate's deny list and user states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "metrics.h"
#include "revcache.h"
#include "store.h"

#define USER_SLOTS	512
#define KEY_BYTES	160	/* "org\x1fjti" or "org\x1fuser" */

struct revcache_jti {
	char	*key;		/* NULL: empty */
};

struct revcache_user {
	char		 key[KEY_BYTES];
	time_t		 loaded;
	struct revcache_userstate st;
};

static unsigned long
hash(const char *s)
{
	unsigned long	 h = 5381;

	while (*s != '\0')
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

static int
join(char *out, const char *org, const char *id)
{
	int	 n = snprintf(out, KEY_BYTES, "%s\x1f%s", org, id);

	return n > 0 && n < KEY_BYTES ? 0 : -1;
}

int
revcache_init(struct revcache *rc, int ttl_sec)
{
	memset(rc, 0, sizeof(*rc));
	rc->ttl_sec = ttl_sec;
	if ((rc->users = calloc(USER_SLOTS, sizeof(*rc->users))) == NULL)
		return -1;
	return 0;
}

static void
jtis_free(struct revcache *rc)
{
	size_t	 i;

	for (i = 0; i < rc->cap; i++)
		free(rc->jtis[i].key);
	free(rc->jtis);
	rc->jtis = NULL;
	rc->cap = rc->njtis = 0;
	rc->jtis_loaded = 0;
}

void
revcache_free(struct revcache *rc)
{
	jtis_free(rc);
	free(rc->users);
	rc->users = NULL;
}

void
revcache_jtis_stale(struct revcache *rc)
{
	rc->jtis_loaded = 0;
}

void
revcache_users_clear(struct revcache *rc)
{
	if (rc->users != NULL)
		memset(rc->users, 0, USER_SLOTS * sizeof(*rc->users));
}

/* Double the table (load kept under one half). 0 or -1. */
static int
grow(struct revcache *rc)
{
	struct revcache_jti	*old = rc->jtis, *t;
	size_t			 oldcap = rc->cap, cap = rc->cap * 2 + 64, i, j;

	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		for (j = hash(old[i].key) % cap; t[j].key != NULL; j = (j + 1) % cap)
			;
		t[j].key = old[i].key;
	}
	free(old);
	rc->jtis = t;
	rc->cap = cap;
	return 0;
}

static int
insert(struct revcache *rc, const char *key)
{
	size_t	 i;

	if ((rc->njtis + 1) * 2 > rc->cap && grow(rc) == -1)
		return -1;
	for (i = hash(key) % rc->cap; rc->jtis[i].key != NULL;
	    i = (i + 1) % rc->cap)
		if (strcmp(rc->jtis[i].key, key) == 0)
			return 0;
	if ((rc->jtis[i].key = strdup(key)) == NULL)
		return -1;
	rc->njtis++;
	return 0;
}

struct loading {
	struct revcache	*rc;
	size_t		 rows;
};

static int
count_row(void *arg, const char *const *c, int n)
{
	(void)c;
	(void)n;
	((struct loading *)arg)->rows++;
	return 0;
}

static int
add_row(void *arg, const char *const *c, int n)
{
	char	 key[KEY_BYTES];

	if (n != 2 || c[0] == NULL || c[1] == NULL || join(key, c[0], c[1]))
		return 0;
	return insert(((struct loading *)arg)->rc, key);
}

static int
load(struct revcache *rc, struct db *db)
{
	struct loading	 l = { rc, 0 };

	jtis_free(rc);
	/* Expired rows are purged by the housekeeper (src/housekeeper.c). */
	/* Size the table from a first pass; rows arriving between the two
	 * passes are covered by the NOTIFY they send. */
	if (store_rows(db, STMT_REVOKED_JTIS, NULL, count_row, &l) == -1)
		return -1;
	rc->cap = l.rows * 2 + 64;
	if ((rc->jtis = calloc(rc->cap, sizeof(*rc->jtis))) == NULL)
		return -1;
	if (store_rows(db, STMT_REVOKED_JTIS, NULL, add_row, &l) == -1) {
		jtis_free(rc);
		return -1;
	}
	rc->jtis_loaded = 1;
	rc->jtis_at = time(NULL);
	rc->loads++;
	rc->rows_read += l.rows;
	log_info("deny list read whole: %zu rows (reads %lu, rows %lu, ids "
	    "added by notification %lu)", l.rows, rc->loads, rc->rows_read,
	    rc->added);
	return 0;
}

int
revcache_jti_add(struct revcache *rc, const char *org, const char *id)
{
	char	 key[KEY_BYTES];

	if (!rc->jtis_loaded || rc->cap == 0)
		return 0;
	if (join(key, org, id) == -1 || insert(rc, key) == -1) {
		rc->jtis_loaded = 0;
		return -1;
	}
	rc->added++;
	return 0;
}

void
revcache_user_forget(struct revcache *rc, const char *org, const char *user_id)
{
	struct revcache_user	*e;
	char			 key[KEY_BYTES];

	if (rc->users == NULL || join(key, org, user_id) == -1)
		return;
	e = &rc->users[hash(key) % USER_SLOTS];
	if (strcmp(e->key, key) == 0)
		memset(e, 0, sizeof(*e));
}

int
revcache_jti_revoked(struct revcache *rc, struct db *db, const char *org,
    const char *jti)
{
	char	 key[KEY_BYTES];
	size_t	 i;

	if (join(key, org, jti) == -1)
		return 1;	/* cannot be one of ours: treat as revoked */
	if (!rc->jtis_loaded || time(NULL) - rc->jtis_at >= rc->ttl_sec ||
	    rc->cap == 0) {
		metrics_cache(MCACHE_JTI, 0);
		if (load(rc, db) == -1)
			return -1;
	} else
		metrics_cache(MCACHE_JTI, 1);
	for (i = hash(key) % rc->cap; rc->jtis[i].key != NULL;
	    i = (i + 1) % rc->cap)
		if (strcmp(rc->jtis[i].key, key) == 0)
			return 1;
	return 0;
}

static int
user_row(void *arg, const char *const *c, int n)
{
	struct revcache_userstate	*st = arg;

	if (n != 3 || c[1] == NULL || c[2] == NULL)
		return -1;
	st->found = 1;
	st->disabled = c[1][0] == 't';
	st->gen = strtoll(c[2], NULL, 10);
	return 0;
}

int
revcache_user(struct revcache *rc, struct db *db, const char *org,
    const char *user_id, struct revcache_userstate *st)
{
	struct revcache_user	*e;
	const char		*params[2] = { org, user_id };
	char			 key[KEY_BYTES];
	time_t			 now = time(NULL);

	memset(st, 0, sizeof(*st));
	if (join(key, org, user_id) == -1)
		return 0;	/* no such user */
	e = &rc->users[hash(key) % USER_SLOTS];
	if (strcmp(e->key, key) == 0 && now - e->loaded < rc->ttl_sec) {
		*st = e->st;
		metrics_cache(MCACHE_USER, 1);
		return 0;
	}
	metrics_cache(MCACHE_USER, 0);
	if (store_rows(db, STMT_USER_STATE, params, user_row, st) == -1)
		return -1;
	memcpy(e->key, key, sizeof(key));
	e->loaded = now;
	e->st = *st;
	return 0;
}
