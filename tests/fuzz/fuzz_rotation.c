/*
 * fuzz_rotation: rotation_next on arbitrary keys, policies and times, read
 * from the input as little-endian integers. Invariants (rotation.h): the
 * call never reads past n keys; a step names a key index < n of the state
 * its action needs (REMOVE: retired and past its retention; PROMOTE: a next
 * key of a non-HS256 algorithm published lead_sec, retiring the active key
 * of the same algorithm or none; CREATE_NEXT: an algorithm with an active
 * key, no next key, rotate_sec > 0, not HS256); NONE's next_at is 0 or
 * after now. A violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rotation.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static long long
take(const uint8_t **p, size_t *left)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < 8 && *left > 0; i++, (*p)++, (*left)--)
		v |= (uint64_t)**p << (8 * i);
	return (long long)v;
}

/* Small times most of the time, so that the rules' edges are reached. */
static long long
time_of(const uint8_t **p, size_t *left)
{
	long long	 v = take(p, left);

	return (v & 1) ? v >> 1 : (v >> 1) % 1000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rotation_policy	 pol;
	struct rotation_step	 s;
	struct rotation_key	*keys, *k;
	size_t			 n, i;
	long long		 now, t;
	int			 rc;

	if (size < 1)
		return 0;
	n = data[0] % 12;
	data++;
	size--;
	pol.rotate_sec = time_of(&data, &size);
	pol.lead_sec = time_of(&data, &size);
	pol.retain_sec = time_of(&data, &size);
	now = time_of(&data, &size);
	/* Exactly n keys on the heap: ASan sees a read past them. */
	if ((keys = malloc(n * sizeof(*keys) + 1)) == NULL)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		keys[i].alg = (enum jws_alg)((size ? data[0] : 0) % JWS_ALG__MAX);
		if (size) {
			data++;
			size--;
		}
		keys[i].created_at = time_of(&data, &size);
		keys[i].activated_at = (size && data[0] & 1) ? 0 :
		    time_of(&data, &size);
		keys[i].retired_at = (size && data[0] & 2) ? 0 :
		    time_of(&data, &size);
	}
	rc = rotation_next(keys, n, &pol, now, &s);
	if (rc == -1) {
		if (pol.rotate_sec >= 0 && pol.lead_sec >= 0 &&
		    pol.retain_sec >= 0)
			__builtin_trap();
		goto out;
	}
	if (pol.rotate_sec < 0 || pol.lead_sec < 0 || pol.retain_sec < 0)
		__builtin_trap();
	switch (s.action) {
	case ROTATION_NONE:
		if (s.key != -1 || s.retire != -1 ||
		    (s.next_at != 0 && s.next_at <= now))
			__builtin_trap();
		break;
	case ROTATION_REMOVE:
		if (s.key < 0 || (size_t)s.key >= n)
			__builtin_trap();
		k = &keys[s.key];
		if (k->retired_at == 0 || s.retire != -1 ||
		    (!__builtin_add_overflow(k->retired_at, pol.retain_sec, &t) &&
		    now < t))
			__builtin_trap();
		break;
	case ROTATION_PROMOTE:
		if (s.key < 0 || (size_t)s.key >= n || pol.rotate_sec == 0)
			__builtin_trap();
		k = &keys[s.key];
		if (k->activated_at != 0 || k->retired_at != 0 ||
		    k->alg == JWS_HS256 || k->alg != s.alg)
			__builtin_trap();
		if (s.retire != -1 && ((size_t)s.retire >= n ||
		    keys[s.retire].alg != k->alg ||
		    keys[s.retire].activated_at == 0 ||
		    keys[s.retire].retired_at != 0))
			__builtin_trap();
		break;
	case ROTATION_CREATE_NEXT:
		if (s.key != -1 || s.retire != -1 || pol.rotate_sec == 0 ||
		    s.alg == JWS_HS256 || s.alg >= JWS_ALG__MAX)
			__builtin_trap();
		for (i = 0; i < n; i++)
			if (keys[i].alg == s.alg && keys[i].activated_at == 0 &&
			    keys[i].retired_at == 0)
				__builtin_trap();	/* a next key exists */
		break;
	default:
		__builtin_trap();
	}
out:
	free(keys);
	return 0;
}
