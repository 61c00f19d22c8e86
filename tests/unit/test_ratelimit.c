/*
 * test_ratelimit: fixed windows per second and per minute, retry_after,
 * "0 is no limit", and the point of the module: processes sharing the table
 * never let more than the limit through (fork + MAP_SHARED, like workers).
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratelimit.h"
#include "t.h"

static struct ratelimit *
table(int shared)
{
	void	*p = mmap(NULL, ratelimit_size(), PROT_READ | PROT_WRITE,
	    MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE), -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int
count_allowed(struct ratelimit *t, const char *id, uint32_t ps,
    uint32_t pm, uint64_t now, int n, int *retry)
{
	int	 i, ok = 0;

	for (i = 0; i < n; i++)
		ok += ratelimit_hit(t, id, ps, pm, now, retry);
	return ok;
}

/*
 * Shared mode: two hosts' tables, synced by hand as the workers do it
 * (collect from one, set_others on the other). Together they let through
 * the limit, not twice it.
 */
static void
shared_mode(void)
{
	struct ratelimit	*a = table(0), *b = table(0);
	uint64_t		 now = 1800000000, hashes[8];
	uint32_t		 counts[8], minute = (uint32_t)(now / 60);
	size_t			 n, i;
	int			 retry, ok;

	T_CHECK(count_allowed(a, "k", 0, 30, now, 25, &retry) == 25,
	    "shared: host A lets 25 of a 30/min key through");
	n = ratelimit_collect(a, minute, hashes, counts, 8);
	T_CHECK(n == 1 && counts[0] == 25, "shared: A collects (k, 25)");
	/* B has not counted k yet: nothing to hold; its first request takes
	 * the slot, then the sync brings A's 25. */
	ratelimit_set_others(b, hashes[0], minute, counts[0]);
	T_CHECK(count_allowed(b, "k", 0, 30, now, 1, &retry) == 1,
	    "shared: B's first request, before it knew (the tolerance)");
	for (i = 0; i < n; i++)
		ratelimit_set_others(b, hashes[i], minute, counts[i]);
	ok = count_allowed(b, "k", 0, 30, now + 5, 10, &retry);
	T_CHECK(ok == 4 && retry == 55, "shared: B, knowing A's 25 and its "
	    "own 1, lets 4 of 10 through (got %d, retry %d)", ok, retry);
	n = ratelimit_collect(b, minute, hashes, counts, 8);
	ratelimit_set_others(a, hashes[0], minute, counts[0]);
	T_CHECK(count_allowed(a, "k", 0, 30, now + 6, 5, &retry) == 0,
	    "shared: A, knowing B's 5, lets nothing more through");
	T_CHECK(count_allowed(a, "k", 0, 30, now + 60, 30, &retry) == 30,
	    "shared: the others' count is of its minute only");
	ratelimit_set_others(a, hashes[0], minute + 1, 31);
	T_CHECK(count_allowed(a, "k", 0, 30, now + 61, 1, &retry) == 0,
	    "shared: others over the limit: refused");
	T_CHECK(count_allowed(a, "k", 5, 0, now + 62, 10, &retry) == 5,
	    "shared: per second stays per host");
	T_CHECK(ratelimit_collect(a, minute + 5, hashes, counts, 8) == 0,
	    "shared: nothing to publish of a minute with no counts");

	T_CHECK(ratelimit_sync_due(a, 1000, 100) == 1 &&
	    ratelimit_sync_due(a, 1050, 100) == 0 &&
	    ratelimit_sync_due(a, 1100, 100) == 1,
	    "shared: one sync per interval");
	T_CHECK(ratelimit_host(a, 0x1234) == 0x1234 &&
	    ratelimit_host(a, 0x9999) == 0x1234 && ratelimit_host(b, 0) != 0,
	    "shared: the host id is chosen once, never 0");
	munmap(a, ratelimit_size());
	munmap(b, ratelimit_size());
}

int
main(void)
{
	struct ratelimit	*t = table(0), *s = table(1);
	int			 retry = -1, i, st, total, pipefd[2];
	uint64_t		 now = 1800000000;	/* a minute boundary + 0 */
	char			 id[32];
	pid_t			 pid;

	T_CHECK(t != NULL && s != NULL, "tables mapped");
	if (t == NULL || s == NULL)
		return t_done();

	T_CHECK(count_allowed(t, "free", 0, 0, now, 1000, &retry) == 1000 &&
	    retry == 0, "0 and 0: no limit");
	T_CHECK(count_allowed(t, "a", 5, 0, now, 20, &retry) == 5,
	    "5/s: 5 of 20 in one second");
	T_CHECK(retry == 1, "per second: retry after 1 s (got %d)", retry);
	T_CHECK(count_allowed(t, "a", 5, 0, now + 1, 20, &retry) == 5,
	    "the next second starts a new window");
	T_CHECK(count_allowed(t, "b", 0, 7, now + 10, 5, &retry) == 5 &&
	    count_allowed(t, "b", 0, 7, now + 30, 5, &retry) == 2,
	    "7/min across seconds of one minute");
	T_CHECK(retry == 30, "per minute: retry at the minute's end (got %d)",
	    retry);
	T_CHECK(count_allowed(t, "b", 0, 7, now + 60, 10, &retry) == 7,
	    "the next minute starts afresh");
	T_CHECK(count_allowed(t, "c", 100, 3, now + 120, 10, &retry) == 3,
	    "the stricter of both limits wins");
	T_CHECK(count_allowed(t, "d1", 2, 0, now, 3, &retry) == 2 &&
	    count_allowed(t, "d2", 2, 0, now, 3, &retry) == 2,
	    "keys count apart");
	/* Many keys: a collision only ever loosens, never blocks another. */
	for (i = 0, total = 0; i < 3 * RATELIMIT_SLOTS; i++) {
		snprintf(id, sizeof(id), "key%d", i);
		total += ratelimit_hit(t, id, 1, 0, now + 200, &retry);
	}
	T_CHECK(total == 3 * RATELIMIT_SLOTS, "each of %d keys gets its first "
	    "request", 3 * RATELIMIT_SLOTS);

	/* Four processes, one shared table, 10/s: exactly 10 get through. */
	if (pipe(pipefd) == -1)
		return t_done();
	for (i = 0; i < 4; i++) {
		if ((pid = fork()) == 0) {
			int n = count_allowed(s, "shared", 10, 0, now, 50, &retry);

			(void)!write(pipefd[1], &n, sizeof(n));
			_exit(0);
		}
	}
	close(pipefd[1]);
	total = 0;
	while (read(pipefd[0], &st, sizeof(st)) == sizeof(st))
		total += st;
	while (wait(&st) > 0)
		;
	T_CHECK(total == 10, "4 processes x 50 requests at 10/s: %d allowed",
	    total);
	shared_mode();
	return t_done();
}
