/*
 * ratelimit: fixed-window counters with compare-and-swap in shared memory.
 */
#include <stdatomic.h>
#include <string.h>

#include "ratelimit.h"

struct slot {
	_Atomic uint64_t	 id;	/* hash of the key id, 0: free */
	_Atomic uint64_t	 sec;	/* second << 32 | count */
	_Atomic uint64_t	 min;	/* minute << 32 | count */
	_Atomic uint64_t	 others;	/* minute << 32 | other hosts' */
};

struct ratelimit {
	_Atomic uint64_t	 host;		/* 0: not chosen yet */
	_Atomic uint64_t	 next_sync_ms;
	struct slot		 slots[RATELIMIT_SLOTS];
};

size_t
ratelimit_size(void)
{
	return sizeof(struct ratelimit);
}

static uint64_t
hash(const char *s)
{
	uint64_t	 h = 1469598103934665603ull;	/* FNV-1a 64 */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h == 0 ? 1 : h;
}

/* Count one in w for window, where others already counted base (other
 * hosts); 0 when already at limit. */
static int
count(_Atomic uint64_t *w, uint32_t window, uint32_t limit, uint32_t base)
{
	uint64_t	 old = atomic_load(w), new;

	if (base >= limit)
		return 0;
	for (;;) {
		if ((uint32_t)(old >> 32) != window)
			new = (uint64_t)window << 32 | 1;
		else if ((uint32_t)old >= limit - base)
			return 0;
		else
			new = old + 1;
		if (atomic_compare_exchange_weak(w, &old, new))
			return 1;
	}
}

/* The other hosts' count of minute in s (0 when of another minute). */
static uint32_t
others_of(struct slot *s, uint32_t minute)
{
	uint64_t	 o = atomic_load(&s->others);

	return (uint32_t)(o >> 32) == minute ? (uint32_t)o : 0;
}

int
ratelimit_hit(struct ratelimit *t, const char *key_id, uint32_t per_sec,
    uint32_t per_min, uint64_t now, int *retry_after)
{
	uint64_t		 h = hash(key_id), cur;
	struct slot		*s = &t->slots[h % RATELIMIT_SLOTS];
	uint32_t		 minute = (uint32_t)(now / 60);

	*retry_after = 0;
	if (per_sec == 0 && per_min == 0)
		return 1;
	cur = atomic_load(&s->id);
	if (cur != h && atomic_compare_exchange_strong(&s->id, &cur, h)) {
		/* Taken over from another key: start its windows afresh. */
		atomic_store(&s->sec, 0);
		atomic_store(&s->min, 0);
		atomic_store(&s->others, 0);
	}
	if (per_min > 0 && !count(&s->min, minute, per_min,
	    others_of(s, minute))) {
		*retry_after = (int)(60 - now % 60);
		return 0;
	}
	if (per_sec > 0 && !count(&s->sec, (uint32_t)now, per_sec, 0)) {
		*retry_after = 1;
		return 0;
	}
	return 1;
}

int
ratelimit_sync_due(struct ratelimit *t, uint64_t now_ms, uint32_t interval_ms)
{
	uint64_t	 next = atomic_load(&t->next_sync_ms);

	if (now_ms < next)
		return 0;
	return atomic_compare_exchange_strong(&t->next_sync_ms, &next,
	    now_ms + interval_ms);
}

uint64_t
ratelimit_host(struct ratelimit *t, uint64_t random_bits)
{
	uint64_t	 zero = 0;

	if (random_bits == 0)
		random_bits = 1;
	atomic_compare_exchange_strong(&t->host, &zero, random_bits);
	return atomic_load(&t->host);
}

size_t
ratelimit_collect(struct ratelimit *t, uint32_t minute, uint64_t *hashes,
    uint32_t *counts, size_t max)
{
	uint64_t	 id, w;
	size_t		 i, n = 0;

	for (i = 0; i < RATELIMIT_SLOTS && n < max; i++) {
		if ((id = atomic_load(&t->slots[i].id)) == 0)
			continue;
		w = atomic_load(&t->slots[i].min);
		if ((uint32_t)(w >> 32) != minute || (uint32_t)w == 0)
			continue;
		hashes[n] = id;
		counts[n++] = (uint32_t)w;
	}
	return n;
}

void
ratelimit_set_others(struct ratelimit *t, uint64_t hash, uint32_t minute,
    uint32_t count)
{
	struct slot	*s = &t->slots[hash % RATELIMIT_SLOTS];

	/* A key not counted here now: nothing to hold (the next sync after
	 * its first request here brings its others). */
	if (atomic_load(&s->id) != hash)
		return;
	atomic_store(&s->others, (uint64_t)minute << 32 | count);
}
