/*
 * revcache: what the gate (/check) needs to know about revocations without
 * a database round trip: the deny list (ids of revoked access tokens: jtis,
 * refresh families, parents of exchanged tokens) and the state of users
 * (disabled, generation), cached per user. Both are kept current by
 * PostgreSQL NOTIFY, and the work per notification is bounded: a
 * notification names one row, which is added to the list
 * (revcache_jti_add) or whose user entry is dropped (revcache_user_forget),
 * without reading the database. The whole list is read only at the first
 * use, after the connection was lost (nothing can be trusted then), and at
 * least every key_cache_sec (see keycache.h for that bound); no user entry
 * outlives key_cache_sec either.
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
	/* What the deny list cost, for the log and the tests. */
	unsigned long		 loads;		/* whole-list reads */
	unsigned long		 rows_read;	/* rows of those reads */
	unsigned long		 added;		/* ids added by notification */
};

struct revcache_userstate {
	int		 found;
	int		 disabled;
	long long	 gen;			/* generation */
};

int	revcache_init(struct revcache *, int ttl_sec);
void	revcache_free(struct revcache *);

/* Forget the deny list (reloaded at next use) / every user entry. */
void	revcache_jtis_stale(struct revcache *);
void	revcache_users_clear(struct revcache *);

/*
 * A notification named a new deny-list row: add it without reading the
 * database (nothing to do while the list is not loaded: the whole read
 * will see it). 0, or -1 when it could not be added (the list is then
 * marked stale).
 */
int	revcache_jti_add(struct revcache *, const char *org, const char *id);

/* A notification named a changed user: drop its entry only. */
void	revcache_user_forget(struct revcache *, const char *org,
	    const char *user_id);

/* 1 revoked, 0 not, -1 the list cannot be loaded. */
int	revcache_jti_revoked(struct revcache *, struct db *, const char *org,
	    const char *jti);

/* -1 error, else 0 with st filled (st->found 0 for no such user). */
int	revcache_user(struct revcache *, struct db *, const char *org,
	    const char *user_id, struct revcache_userstate *st);

#endif
