/*
 * test_rotation: the signing-key schedule of src/rotation.h, table-driven,
 * then a simulated year of 30-day rotations checked against the timing
 * guarantee (a key is published lead_sec before it signs, stays published
 * retain_sec after it stops, exactly one active key at every moment).
 */
#include <string.h>

#include "rotation.h"
#include "t.h"

#define D	86400LL
#define ES	JWS_ES256
#define RS	JWS_RS256
#define HS	JWS_HS256

static const struct rotation_policy pol = { 90 * D, 330, 3630 };
static const struct rotation_policy manual = { 0, 330, 3630 };

struct row {
	const char		*name;
	const struct rotation_policy *p;
	long long		 now;
	struct rotation_key	 keys[4];
	size_t			 n;
	enum rotation_action	 want;
	int			 key, retire;
	long long		 next_at;
};

static const struct row rows[] = {
	{ "no keys: nothing, never", &pol, 1000, { { 0 } }, 0,
	    ROTATION_NONE, -1, -1, 0 },
	{ "fresh active key: nothing until 90 days minus the lead", &pol,
	    1000, { { ES, 1000, 1000, 0 } }, 1,
	    ROTATION_NONE, -1, -1, 1000 + 90 * D - 330 },
	{ "one second before the lead: nothing", &pol, 1000 + 90 * D - 331,
	    { { ES, 1000, 1000, 0 } }, 1, ROTATION_NONE, -1, -1,
	    1000 + 90 * D - 330 },
	{ "at due minus the lead: create the next key", &pol,
	    1000 + 90 * D - 330, { { ES, 1000, 1000, 0 } }, 1,
	    ROTATION_CREATE_NEXT, -1, -1, 0 },
	{ "next key published, not yet due: wait for due", &pol,
	    1000 + 90 * D - 100, { { ES, 1000, 1000, 0 },
	    { ES, 1000 + 90 * D - 330, 0, 0 } }, 2,
	    ROTATION_NONE, -1, -1, 1000 + 90 * D },
	{ "at due: promote next, retire active", &pol, 1000 + 90 * D,
	    { { ES, 1000, 1000, 0 }, { ES, 1000 + 90 * D - 330, 0, 0 } }, 2,
	    ROTATION_PROMOTE, 1, 0, 0 },
	{ "next created late: due passed, wait for its lead", &pol,
	    1000 + 91 * D, { { ES, 1000, 1000, 0 },
	    { ES, 1000 + 91 * D - 10, 0, 0 } }, 2,
	    ROTATION_NONE, -1, -1, 1000 + 91 * D - 10 + 330 },
	{ "next created late: promoted once published its lead", &pol,
	    1000 + 91 * D + 320, { { ES, 1000, 1000, 0 },
	    { ES, 1000 + 91 * D - 10, 0, 0 } }, 2,
	    ROTATION_PROMOTE, 1, 0, 0 },
	{ "active key long overdue: create next now", &pol, 1000 + 400 * D,
	    { { ES, 1000, 1000, 0 } }, 1, ROTATION_CREATE_NEXT, -1, -1, 0 },
	{ "retired key within its retention: wait", &pol, 5000,
	    { { ES, 10, 20, 4000 }, { ES, 30, 4000, 0 } }, 2,
	    ROTATION_NONE, -1, -1, 4000 + 3630 },
	{ "retired key past its retention: removed first", &pol, 4000 + 3630,
	    { { ES, 30, 4000, 0 }, { ES, 10, 20, 4000 } }, 2,
	    ROTATION_REMOVE, 1, -1, 0 },
	{ "removal also with manual rotation", &manual, 4000 + 3630,
	    { { ES, 30, 4000, 0 }, { ES, 10, 20, 4000 } }, 2,
	    ROTATION_REMOVE, 1, -1, 0 },
	{ "removal of HS256 keys too", &pol, 99999,
	    { { HS, 10, 20, 4000 } }, 1, ROTATION_REMOVE, 0, -1, 0 },
	{ "manual: an overdue active key stays", &manual, 1000 + 400 * D,
	    { { ES, 1000, 1000, 0 } }, 1, ROTATION_NONE, -1, -1, 0 },
	{ "manual: a next key is not promoted", &manual, 1000 + 400 * D,
	    { { ES, 1000, 1000, 0 }, { ES, 2000, 0, 0 } }, 2,
	    ROTATION_NONE, -1, -1, 0 },
	{ "HS256 is never rotated automatically", &pol, 1000 + 400 * D,
	    { { HS, 1000, 1000, 0 } }, 1, ROTATION_NONE, -1, -1, 0 },
	{ "HS256 next key is never promoted automatically", &pol,
	    1000 + 400 * D, { { HS, 1000, 1000, 0 }, { HS, 2000, 0, 0 } }, 2,
	    ROTATION_NONE, -1, -1, 0 },
	{ "no active key: a next key is promoted after its lead", &pol, 2330,
	    { { RS, 2000, 0, 0 } }, 1, ROTATION_PROMOTE, 0, -1, 0 },
	{ "no active key: a fresh next key waits its lead", &pol, 2100,
	    { { RS, 2000, 0, 0 } }, 1, ROTATION_NONE, -1, -1, 2330 },
	{ "ES256 before RS256 when both are due", &pol, 1000 + 400 * D,
	    { { RS, 1000, 1000, 0 }, { ES, 1000, 1000, 0 } }, 2,
	    ROTATION_CREATE_NEXT, -1, -1, 0 },
	{ "promotion of ES256 before creation of RS256", &pol, 1000 + 400 * D,
	    { { RS, 1000, 1000, 0 }, { ES, 1000, 1000, 0 },
	    { ES, 1000 + 300 * D, 0, 0 } }, 3, ROTATION_PROMOTE, 2, 1, 0 },
	{ "the earliest of several future steps", &pol, 5000,
	    { { ES, 1000, 1000, 0 }, { RS, 1000, 1000, 4900 },
	    { RS, 4900, 4900, 0 } }, 3, ROTATION_NONE, -1, -1, 4900 + 3630 },
	{ "two active keys (edited rows): the newest is the active one", &pol,
	    1000 + 90 * D + 1, { { ES, 1000, 1000, 0 }, { ES, 1000, 2000, 0 } },
	    2, ROTATION_NONE, -1, -1, 2000 + 90 * D - 330 },
	/* Hostile rows: nonsense times never crash or index out of range. */
	{ "retired before created", &pol, 0,
	    { { ES, 9000, 0, 10 } }, 1, ROTATION_NONE, -1, -1, 10 + 3630 },
	{ "huge times saturate", &pol, 0,
	    { { ES, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 0 } }, 1,
	    ROTATION_NONE, -1, -1, 0x7fffffffffffffffLL - 330 },
	{ "negative times", &pol, 100,
	    { { ES, -5, -5, 0 } }, 1, ROTATION_NONE, -1, -1, -5 + 90 * D - 330 },
	{ "negative times, overdue", &pol, 100 * D,
	    { { ES, -5, -5, 0 } }, 1, ROTATION_CREATE_NEXT, -1, -1, 0 },
};

static void
table(void)
{
	struct rotation_step	 s;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = rotation_next(rows[i].keys, rows[i].n, rows[i].p,
		    rows[i].now, &s);
		T_CHECK(rc == 0 && s.action == rows[i].want &&
		    s.key == rows[i].key && s.retire == rows[i].retire &&
		    s.next_at == rows[i].next_at,
		    "%s (action %d key %d retire %d next_at %lld)",
		    rows[i].name, s.action, s.key, s.retire, s.next_at);
	}
}

static void
bad_policy(void)
{
	struct rotation_policy	 p = { -1, 0, 0 };
	struct rotation_step	 s;

	T_CHECK(rotation_next(NULL, 0, &p, 0, &s) == -1 &&
	    s.action == ROTATION_NONE, "negative rotate_sec: -1, no step");
	p.rotate_sec = 1;
	p.retain_sec = -1;
	T_CHECK(rotation_next(NULL, 0, &p, 0, &s) == -1,
	    "negative retain_sec: -1");
}

static void
states(void)
{
	struct rotation_key	 k = { ES, 1, 0, 0 };

	T_CHECK(strcmp(rotation_state(&k), "next") == 0, "state next");
	k.activated_at = 2;
	T_CHECK(strcmp(rotation_state(&k), "active") == 0, "state active");
	k.retired_at = 3;
	T_CHECK(strcmp(rotation_state(&k), "retired") == 0, "state retired");
}

/*
 * A year of 30-day rotations, the housekeeper waking every 7 minutes (or
 * at next_at, whichever is first) and applying each step it is given:
 * every moment has one active key, every key was published lead_sec before
 * it first signed, every key stays published retain_sec after it stopped.
 */
static void
simulate(void)
{
	struct rotation_policy	 p = { 30 * D, 330, 3630 };
	struct rotation_key	 k[64];
	long long		 activations[64];
	struct rotation_step	 s;
	long long		 now = 1000, end = 1000 + 366 * D, wake;
	size_t			 n = 1, i, nact, nacts = 0;
	int			 ok = 1, steps = 0, guard = 0;

	memset(k, 0, sizeof(k));
	k[0].alg = ES;
	k[0].created_at = k[0].activated_at = now;
	while (now < end && guard++ < 100000) {
		for (;;) {
			if (rotation_next(k, n, &p, now, &s) == -1) {
				ok = 0;
				break;
			}
			if (s.action == ROTATION_NONE)
				break;
			steps++;
			if (s.action == ROTATION_CREATE_NEXT && n < 64) {
				memset(&k[n], 0, sizeof(k[n]));
				k[n].alg = s.alg;
				k[n].created_at = now;
				n++;
			} else if (s.action == ROTATION_PROMOTE) {
				if (now - k[s.key].created_at < p.lead_sec)
					ok = 0;
				k[s.key].activated_at = now;
				if (s.retire >= 0)
					k[s.retire].retired_at = now;
				if (nacts < 64)
					activations[nacts++] = now;
			} else if (s.action == ROTATION_REMOVE) {
				if (now - k[s.key].retired_at < p.retain_sec)
					ok = 0;
				/* Gone: out of the set the next call sees. */
				memmove(&k[s.key], &k[s.key + 1],
				    (n - (size_t)s.key - 1) * sizeof(k[0]));
				n--;
			} else
				ok = 0;
		}
		for (i = 0, nact = 0; i < n; i++)
			if (k[i].activated_at != 0 && k[i].retired_at == 0)
				nact++;
		if (nact != 1 || n > 3)
			ok = 0;
		wake = now + 420;
		if (s.next_at != 0 && s.next_at < wake)
			wake = s.next_at;
		now = wake;
	}
	T_CHECK(ok, "a simulated year: one active key always, at most three "
	    "published, lead and retention kept");
	/* 12 rotations (create, promote, remove each), give or take one. */
	T_CHECK(steps >= 3 * 11 && steps <= 3 * 13 && nacts >= 11 &&
	    nacts <= 13, "a simulated year: %d steps, %zu rotations", steps,
	    nacts);
	for (i = 0, ok = 1; i + 1 < nacts; i++)
		if (activations[i + 1] - activations[i] < p.rotate_sec)
			ok = 0;
	T_CHECK(ok, "a simulated year: rotations at least 30 days apart");
}

int
main(void)
{
	table();
	bad_policy();
	states();
	simulate();
	return t_done();
}
