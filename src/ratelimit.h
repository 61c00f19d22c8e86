/*
 * ratelimit: per-key request limits, per second and per minute, counted in
 * a table of fixed windows that lives in memory shared by every worker
 * process of a host (an anonymous shared mapping made by the supervisor
 * before it forks, or a named POSIX shared-memory object).
 *
 * A slot holds one key (by a 64-bit hash of its id) and its counters, each
 * a 64-bit word "window << 32 | count" changed with compare-and-swap, so
 * no lock is ever held: a worker that dies mid-update cannot wedge the
 * others. Two keys hashing to one slot take it from each other, which only
 * ever loosens a limit (approximate under collisions, never stricter).
 *
 * Shared mode (rate_limit_shared, several hosts on one database): each
 * slot also holds what the other hosts counted for the key in the current
 * minute, and a minute is refused when this host's count plus theirs
 * reaches the limit. One worker at a time (ratelimit_sync_due) publishes
 * this host's counts and reads the others' in one batched statement, every
 * rate_limit_sync_ms, after a response went out: never a round trip per
 * request. Per-second windows stay per host (a second is shorter than a
 * sync). Pure: no I/O.
 */
#ifndef JWTMINT_RATELIMIT_H
#define JWTMINT_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_SLOTS		4096

struct ratelimit;

/* Bytes of the shared table (zero-filled memory is an empty table). */
size_t	ratelimit_size(void);

/*
 * Count one request of key_id at time now (seconds). per_sec / per_min of
 * 0 mean no limit. Returns 1 when allowed, 0 when over a limit, with
 * *retry_after the seconds until the window that refused it ends.
 */
int	ratelimit_hit(struct ratelimit *table, const char *key_id,
	    uint32_t per_sec, uint32_t per_min, uint64_t now, int *retry_after);

/*
 * Shared mode. 1 when the caller won the next sync of this host's counts
 * (at most one caller per interval_ms across the host's processes), else
 * 0. now_ms: a clock shared by the host's processes (CLOCK_MONOTONIC).
 */
int	ratelimit_sync_due(struct ratelimit *, uint64_t now_ms,
	    uint32_t interval_ms);

/*
 * This host's id in the table, set once from random (nonzero) bits the
 * first caller offers; every process of the host reads the same.
 */
uint64_t ratelimit_host(struct ratelimit *, uint64_t random_bits);

/*
 * This host's counts of minute: at most max pairs of (key hash, count).
 * Returns how many.
 */
size_t	ratelimit_collect(struct ratelimit *, uint32_t minute,
	    uint64_t *hashes, uint32_t *counts, size_t max);

/* What the other hosts counted for the key of hash in minute. */
void	ratelimit_set_others(struct ratelimit *, uint64_t hash,
	    uint32_t minute, uint32_t count);

#endif
