/*
 * revcache: what the gate (/check) needs to know about revocations without
 * a database round trip: the deny list of revoked access tokens (all of it,
 * reloaded when revoked_jtis changes) and the state of users (disabled,
 * per-user cut-off), cached per user and dropped when users change. Both
 * are kept current by PostgreSQL NOTIFY (see keycache.h for the bound when
 * notifications cannot arrive: no user entry outlives key_cache_sec, and
 * the deny list is reloaded at least that often).
 */
#ifndef JWTMINT_REVCACHE_H
#define JWTMINT_REVCACHE_H

#include <stddef.h>
#include <time.h>

struct db;
struct revcache_jti;
struct revcache_user;

struct revcache {
	struct revcache_jti	*jtis;		/* open addressing */
	size_t			 njtis, cap;
	int			 jtis_loaded;
	time_t			 jtis_at;
	struct revcache_user	*users;		/* direct-mapped */
	int			 ttl_sec;
};

struct revcache_userstate {
	int		 found;
	int		 disabled;
	long long	 cutoff;		/* 0: none */
};

int	revcache_init(struct revcache *, int ttl_sec);
void	revcache_free(struct revcache *);

/* Forget the deny list (reloaded at next use) / every user entry. */
void	revcache_jtis_stale(struct revcache *);
void	revcache_users_clear(struct revcache *);

/* 1 revoked, 0 not, -1 the list cannot be loaded. */
int	revcache_jti_revoked(struct revcache *, struct db *, const char *org,
	    const char *jti);

/* -1 error, else 0 with st filled (st->found 0 for no such user). */
int	revcache_user(struct revcache *, struct db *, const char *org,
	    const char *user_id, struct revcache_userstate *st);

#endif
