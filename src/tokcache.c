/*
 * tokcache: verified tokens by digest. An entry keeps the claims the gate
 * uses; the long ones (scope, accounts) in malloc'd strings so that a
 * worker's cache stays around 100 KiB plus what the tokens need.
 */
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "tokcache.h"

struct tokcache_entry {
	unsigned char	 digest[SECRET_DIGEST_BYTES];
	int		 used;
	struct verified	*v;		/* malloc'd */
};

int
tokcache_init(struct tokcache *tc)
{
	memset(tc, 0, sizeof(*tc));
	tc->slots = calloc(TOKCACHE_SLOTS, sizeof(*tc->slots));
	return tc->slots == NULL ? -1 : 0;
}

void
tokcache_clear(struct tokcache *tc)
{
	size_t	 i;

	for (i = 0; tc->slots != NULL && i < TOKCACHE_SLOTS; i++) {
		free(tc->slots[i].v);
		memset(&tc->slots[i], 0, sizeof(tc->slots[i]));
	}
}

void
tokcache_free(struct tokcache *tc)
{
	tokcache_clear(tc);
	free(tc->slots);
	tc->slots = NULL;
}

static struct tokcache_entry *
slot(struct tokcache *tc, const char *token, unsigned char d[SECRET_DIGEST_BYTES])
{
	unsigned	 h;

	if (secret_sha256(d, token, strlen(token)) == -1)
		return NULL;
	memcpy(&h, d, sizeof(h));
	return &tc->slots[h % TOKCACHE_SLOTS];
}

int
tokcache_get(struct tokcache *tc, const char *token, long long now,
    int leeway_sec, struct verified *v)
{
	unsigned char		 d[SECRET_DIGEST_BYTES];
	struct tokcache_entry	*e;

	if (tc->slots == NULL || (e = slot(tc, token, d)) == NULL ||
	    !e->used || memcmp(e->digest, d, sizeof(d)) != 0 ||
	    now >= e->v->exp + leeway_sec) {
		tc->misses++;
		return 0;
	}
	memcpy(v, e->v, sizeof(*v));
	tc->hits++;
	return 1;
}

void
tokcache_put(struct tokcache *tc, const char *token, const struct verified *v)
{
	unsigned char		 d[SECRET_DIGEST_BYTES];
	struct tokcache_entry	*e;

	if (tc->slots == NULL || (e = slot(tc, token, d)) == NULL)
		return;
	if (e->v == NULL && (e->v = malloc(sizeof(*e->v))) == NULL)
		return;
	memcpy(e->digest, d, sizeof(d));
	memcpy(e->v, v, sizeof(*v));
	e->used = 1;
}
