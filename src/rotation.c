/*
 * rotation: the signing-key schedule (see rotation.h).
 */
#include <limits.h>
#include <string.h>

#include "rotation.h"

static int
is_active(const struct rotation_key *k)
{
	return k->activated_at != 0 && k->retired_at == 0;
}

static int
is_next(const struct rotation_key *k)
{
	return k->activated_at == 0 && k->retired_at == 0;
}

const char *
rotation_state(const struct rotation_key *k)
{
	if (k->retired_at != 0)
		return "retired";
	return k->activated_at != 0 ? "active" : "next";
}

/* a + b, saturated: times come from rows an operator may have edited. */
static long long
add(long long a, long long b)
{
	if (b > 0 && a > LLONG_MAX - b)
		return LLONG_MAX;
	if (b < 0 && a < -LLONG_MAX - b)
		return -LLONG_MAX;
	return a + b;
}

/* Remember t as the next time to look when it is in the future. */
static void
later(long long *next_at, long long t, long long now)
{
	if (t > now && (*next_at == 0 || t < *next_at))
		*next_at = t;
}

/* The newest key of alg in state pred (by activation or creation), or -1. */
static int
newest(const struct rotation_key *keys, size_t n, enum jws_alg alg,
    int (*pred)(const struct rotation_key *), int by_activation)
{
	long long	 best = 0, t;
	int		 b = -1;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (keys[i].alg != alg || !pred(&keys[i]))
			continue;
		t = by_activation ? keys[i].activated_at : keys[i].created_at;
		if (b == -1 || t > best) {
			best = t;
			b = (int)i;
		}
	}
	return b;
}

int
rotation_next(const struct rotation_key *keys, size_t n,
    const struct rotation_policy *p, long long now, struct rotation_step *out)
{
	long long	 next_at = 0, t, due, ready;
	int		 act, nxt, a;
	size_t		 i;

	memset(out, 0, sizeof(*out));
	out->action = ROTATION_NONE;
	out->key = out->retire = -1;
	if (p->rotate_sec < 0 || p->lead_sec < 0 || p->retain_sec < 0)
		return -1;
	if (n > ROTATION_MAX_KEYS)
		n = ROTATION_MAX_KEYS;

	/* Retired keys whose last token has expired leave the JWKS. */
	for (i = 0; i < n; i++) {
		if (keys[i].retired_at == 0)
			continue;
		t = add(keys[i].retired_at, p->retain_sec);
		if (now >= t) {
			out->action = ROTATION_REMOVE;
			out->alg = keys[i].alg;
			out->key = (int)i;
			return 0;
		}
		later(&next_at, t, now);
	}

	for (a = 0; p->rotate_sec > 0 && a < JWS_ALG__MAX; a++) {
		if (a == JWS_HS256)
			continue;	/* by hand only */
		act = newest(keys, n, (enum jws_alg)a, is_active, 1);
		nxt = newest(keys, n, (enum jws_alg)a, is_next, 0);
		if (nxt != -1) {
			ready = add(keys[nxt].created_at, p->lead_sec);
			t = ready;
			if (act != -1) {
				due = add(keys[act].activated_at, p->rotate_sec);
				t = due > ready ? due : ready;
			}
			if (now >= t) {
				out->action = ROTATION_PROMOTE;
				out->alg = (enum jws_alg)a;
				out->key = nxt;
				out->retire = act;
				return 0;
			}
			later(&next_at, t, now);
		} else if (act != -1) {
			due = add(keys[act].activated_at, p->rotate_sec);
			t = add(due, -p->lead_sec);
			if (now >= t) {
				out->action = ROTATION_CREATE_NEXT;
				out->alg = (enum jws_alg)a;
				return 0;
			}
			later(&next_at, t, now);
		}
	}
	out->next_at = next_at;
	return 0;
}
