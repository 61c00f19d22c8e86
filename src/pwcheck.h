/*
 * pwcheck: the one password check of every login (the password grant and
 * the hosted login page): Argon2id, the same answer and the same cost for
 * a wrong password, an unknown user and a disabled user (an unknown user
 * is verified against a dummy hash), and the per-username and per-address
 * failure counters in PostgreSQL, shared by every worker and host: past
 * either limit the answer is "too many" before any hashing. A failure is
 * counted; the one that reaches a limit writes the lockout's audit row.
 * A hash made with older parameters is upgraded on success.
 */
#ifndef JWTMINT_PWCHECK_H
#define JWTMINT_PWCHECK_H

#include "store_user.h"
#include "username.h"

struct grant_ctx;

enum pwcheck_res {
	PWCHECK_OK,		/* l->user is the user */
	PWCHECK_WRONG,		/* every wrong case, one answer */
	PWCHECK_TOO_MANY,	/* *retry_after seconds */
	PWCHECK_UNAVAILABLE	/* the database failed */
};

/*
 * Check pw for user (as typed: normalized here) of org, from addr (a
 * canonical address, or "-"), acting as actor (the audit row's, "key:…",
 * "app:…"). uname receives the normalized username ("-" when impossible),
 * l the lookup (its phc wiped before returning). On PWCHECK_OK the
 * failure counter is left to the caller (a success resets it: the password
 * grant in the statement that starts the refresh family, others with
 * store_login_reset when l->user_failures > 0).
 */
enum pwcheck_res pwcheck(const struct grant_ctx *, const char *org,
		    const char *user, const char *pw, const char *addr,
		    const char *actor, char uname[USERNAME_MAX_BYTES + 1],
		    struct store_login *l, int *retry_after);

#endif
