/*
 * ratelimit: fixed-window counters with compare-and-swap in shared memory.
 */
#include <stdatomic.h>
#include <string.h>

#include "ratelimit.h"

struct ratelimit_slot {
	_Atomic uint64_t	 id;	/* hash of the key id, 0: free */
	_Atomic uint64_t	 sec;	/* second << 32 | count */
	_Atomic uint64_t	 min;	/* minute << 32 | count */
};

size_t
ratelimit_size(void)
{
	return RATELIMIT_SLOTS * sizeof(struct ratelimit_slot);
}

static uint64_t
hash(const char *s)
{
	uint64_t	 h = 1469598103934665603ull;	/* FNV-1a 64 */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h == 0 ? 1 : h;
}

/* Count one in w for window; 0 when already at limit. */
static int
count(_Atomic uint64_t *w, uint32_t window, uint32_t limit)
{
	uint64_t	 old = atomic_load(w), new;

	for (;;) {
		if ((uint32_t)(old >> 32) != window)
			new = (uint64_t)window << 32 | 1;
		else if ((uint32_t)old >= limit)
			return 0;
		else
			new = old + 1;
		if (atomic_compare_exchange_weak(w, &old, new))
			return 1;
	}
}

int
ratelimit_hit(struct ratelimit_slot *t, const char *key_id, uint32_t per_sec,
    uint32_t per_min, uint64_t now, int *retry_after)
{
	uint64_t		 h = hash(key_id), cur;
	struct ratelimit_slot	*s = &t[h % RATELIMIT_SLOTS];

	*retry_after = 0;
	if (per_sec == 0 && per_min == 0)
		return 1;
	cur = atomic_load(&s->id);
	if (cur != h && atomic_compare_exchange_strong(&s->id, &cur, h)) {
		/* Taken over from another key: start its windows afresh. */
		atomic_store(&s->sec, 0);
		atomic_store(&s->min, 0);
	}
	if (per_min > 0 && !count(&s->min, (uint32_t)(now / 60), per_min)) {
		*retry_after = (int)(60 - now % 60);
		return 0;
	}
	if (per_sec > 0 && !count(&s->sec, (uint32_t)now, per_sec)) {
		*retry_after = 1;
		return 0;
	}
	return 1;
}
