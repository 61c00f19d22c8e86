/*
 * tokcache: a worker's cache of verified access tokens, keyed by the
 * SHA-256 of the token, kept until the token's own expiry, so that the gate
 * verifies a signature once per token rather than once per request. Only
 * the outcome of jwtverify() is cached: every revocation rule is still
 * applied on each use (tokencheck_cached). The cache is emptied whenever the
 * signing keys change (a retired key's tokens stop verifying at once).
 */
#ifndef JWTMINT_TOKCACHE_H
#define JWTMINT_TOKCACHE_H

#include "jwtverify.h"

#define TOKCACHE_SLOTS	1024	/* direct-mapped */

struct tokcache_entry;

struct tokcache {
	struct tokcache_entry	*slots;
	unsigned long		 hits, misses;
};

int	tokcache_init(struct tokcache *);
void	tokcache_free(struct tokcache *);
void	tokcache_clear(struct tokcache *);

/*
 * 1 and v filled when token was verified before and is not yet past
 * now - leeway; 0 otherwise.
 */
int	tokcache_get(struct tokcache *, const char *token, long long now,
	    int leeway_sec, struct verified *v);

/* Remember that token verified as v. */
void	tokcache_put(struct tokcache *, const char *token,
	    const struct verified *v);

#endif
