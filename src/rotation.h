/*
 * rotation: which step of the signing-key schedule is due, decided from the
 * keys' times alone. Pure: no database, no clock (the caller passes the
 * database's now), so the schedule is unit-tested and fuzzed on its own and
 * every housekeeper on every host decides the same from the same rows.
 *
 * Times are in one unit of the caller's choice (the housekeeper uses
 * milliseconds since the epoch): keys' times, now and the policy alike.
 *
 * A key's state follows from its times (sql/011_signing.sql):
 *   next     activated_at == 0, retired_at == 0: published, not signing;
 *   active   activated_at != 0, retired_at == 0: signing;
 *   retired  retired_at != 0: published, verifying only;
 * removed keys are not passed in.
 *
 * The schedule of one asymmetric algorithm with an active key A, when
 * rotate_sec > 0 (HS256 is rotated only by hand: its secret has to reach
 * whoever verifies it):
 *   - at A.activated_at + rotate_sec - lead_sec, a next key N is created;
 *   - at max(A.activated_at + rotate_sec, N.created_at + lead_sec), N is
 *     promoted and A retired (one step), so that a next key is always
 *     published lead_sec (the JWKS max-age plus the verify leeway) before
 *     it signs: resource servers that cache the JWKS know it already;
 *   - with no active key, a next key is promoted once published lead_sec.
 * Every retired key, of any algorithm and whatever rotate_sec, is removed
 * at retired_at + retain_sec (the longest a token lives plus the verify
 * leeway): no token it signed can still be valid then.
 *
 * Invariants of the answer: at most one step; its key index is < n; removal
 * comes first, then the algorithms in enum jws_alg order, promotion before
 * creation; next_at is the earliest time after now at which a step could
 * become due (0: none), for the caller to sleep until.
 */
#ifndef JWTMINT_ROTATION_H
#define JWTMINT_ROTATION_H

#include <stddef.h>

#include "jws.h"

struct rotation_key {
	enum jws_alg	 alg;
	long long	 created_at;	/* published since */
	long long	 activated_at;	/* 0: never signed */
	long long	 retired_at;	/* 0: not retired */
};

struct rotation_policy {
	long long	 rotate_sec;	/* 0: no automatic rotation */
	long long	 lead_sec;	/* published this long before signing */
	long long	 retain_sec;	/* published this long after retiring */
};	/* (named _sec after the configuration; in the caller's unit) */

enum rotation_action {
	ROTATION_NONE,
	ROTATION_CREATE_NEXT,	/* make a next key of alg */
	ROTATION_PROMOTE,	/* key becomes active; retire (or -1) retires */
	ROTATION_REMOVE		/* key leaves the JWKS */
};

struct rotation_step {
	enum rotation_action	 action;
	enum jws_alg		 alg;
	int			 key;		/* index into keys, or -1 */
	int			 retire;	/* PROMOTE: the active key, or -1 */
	long long		 next_at;	/* NONE: when to look again, 0: never */
};

/*
 * The one step due at now for the n keys (n <= ROTATION_MAX_KEYS; more are
 * ignored). Returns 0 with *out filled; -1 for a policy out of range
 * (negative times). Keys with nonsensical times (retired before created,
 * negative) are still judged by the rules above, never out of bounds.
 */
#define ROTATION_MAX_KEYS	256
int	rotation_next(const struct rotation_key *keys, size_t n,
	    const struct rotation_policy *p, long long now,
	    struct rotation_step *out);

/* "next", "active", "retired" for a key's times. */
const char *rotation_state(const struct rotation_key *);

#endif
