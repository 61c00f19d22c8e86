/*
 * tokcache: verified tokens by digest. An entry keeps struct verified up to
 * its two long strings whole (about 1.3 KiB) and scope and accounts only as
 * long as they are, so that a full cache of 1,024 tokens costs about
 * 1.5 MiB per worker, not the 11 MiB of 1,024 whole structs.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "secret.h"
#include "tokcache.h"

/* What an entry keeps whole: struct verified up to its long strings. */
#define HEAD	offsetof(struct verified, scope)

struct tokcache_entry {
	unsigned char	 digest[SECRET_DIGEST_BYTES];
	int		 used;
	/* malloc'd: HEAD bytes of struct verified, then scope and accounts,
	 * each NUL-terminated, as long as they are */
	unsigned char	*v;
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
	const char		*s;
	size_t			 n;

	if (tc->slots == NULL || (e = slot(tc, token, d)) == NULL ||
	    !e->used || memcmp(e->digest, d, sizeof(d)) != 0 ||
	    now >= ((const struct verified *)(void *)e->v)->exp + leeway_sec) {
		tc->misses++;
		metrics_cache(MCACHE_TOKEN, 0);
		return 0;
	}
	/* Lengths were bounded by the struct when put. */
	memcpy(v, e->v, HEAD);
	s = (const char *)e->v + HEAD;
	n = strlen(s);
	memcpy(v->scope, s, n + 1);
	s += n + 1;
	memcpy(v->accounts, s, strlen(s) + 1);
	tc->hits++;
	metrics_cache(MCACHE_TOKEN, 1);
	return 1;
}

void
tokcache_put(struct tokcache *tc, const char *token, const struct verified *v)
{
	unsigned char		 d[SECRET_DIGEST_BYTES];
	struct tokcache_entry	*e;

	size_t			 ls, la;
	unsigned char		*p;

	if (tc->slots == NULL || (e = slot(tc, token, d)) == NULL)
		return;
	ls = strnlen(v->scope, sizeof(v->scope) - 1);
	la = strnlen(v->accounts, sizeof(v->accounts) - 1);
	if ((p = realloc(e->v, HEAD + ls + 1 + la + 1)) == NULL) {
		free(e->v);
		memset(e, 0, sizeof(*e));
		return;
	}
	e->v = p;
	memcpy(p, v, HEAD);
	memcpy(p + HEAD, v->scope, ls);
	p[HEAD + ls] = '\0';
	memcpy(p + HEAD + ls + 1, v->accounts, la);
	p[HEAD + ls + 1 + la] = '\0';
	memcpy(e->digest, d, sizeof(d));
	e->used = 1;
}
