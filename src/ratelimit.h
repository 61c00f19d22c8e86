/*
 * ratelimit: per-key request limits, per second and per minute, counted in
 * a table of fixed windows that lives in memory shared by every worker
 * process of a host (an anonymous shared mapping made by the supervisor
 * before it forks, or a named POSIX shared-memory object).
 *
 * A slot holds one key (by a 64-bit hash of its id) and two counters, each
 * a 64-bit word "window << 32 | count" changed with compare-and-swap, so
 * no lock is ever held: a worker that dies mid-update cannot wedge the
 * others. Two keys hashing to one slot take it from each other, which only
 * ever loosens a limit (approximate under collisions, never stricter).
 * Pure: no I/O.
 */
#ifndef JWTMINT_RATELIMIT_H
#define JWTMINT_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_SLOTS		4096

struct ratelimit_slot;

/* Bytes of the shared table (zero-filled memory is an empty table). */
size_t	ratelimit_size(void);

/*
 * Count one request of key_id at time now (seconds). per_sec / per_min of
 * 0 mean no limit. Returns 1 when allowed, 0 when over a limit, with
 * *retry_after the seconds until the window that refused it ends.
 */
int	ratelimit_hit(struct ratelimit_slot *table, const char *key_id,
	    uint32_t per_sec, uint32_t per_min, uint64_t now, int *retry_after);

#endif
