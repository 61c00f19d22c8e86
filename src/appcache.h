/*
 * appcache: a worker's picture of every application (sql/015_apps.sql):
 * whether each is usable (enabled, its organization too), for the tokens
 * issued to it; its organization, type and scopes, for its authentication
 * as a public client at /token and /revoke (clientauth_public); and the
 * CORS origins of enabled SPAs (RFC 6454 origins of their https redirect
 * URIs, redirecturi_origin).
 *
 * Loaded with one statement when first needed, dropped when PostgreSQL
 * NOTIFYs a change of apps or orgs (app_refresh), on reconnect, and after
 * ttl_sec at the latest (as keycache); with ttl_sec 0 (key_cache_sec = 0,
 * no cache) nothing is kept: an application is read by itself, the
 * origins loaded again at each use. Bounded: at most APPCACHE_MAX_APPS
 * applications and APPCACHE_MAX_ORIGINS origins are held; an application
 * beyond the bound is looked up in the database; past the origins' bound
 * each organization keeps the same number of its origins at most, the
 * largest that fits, and the rest are not allowed (fail closed, logged),
 * so one organization's many SPAs never push out another's few. A row of
 * a type this binary does not know (a newer release's) is left out. Scopes are kept as their string
 * (at most 8 KB each, sql/015_apps.sql), APPCACHE_MAX_SCOPE_BYTES in all,
 * and parsed when asked for; an application whose scopes are beyond the
 * bound is looked up in the database.
 */
#ifndef JWTMINT_APPCACHE_H
#define JWTMINT_APPCACHE_H

#include <stddef.h>
#include <time.h>

#include "redirecturi.h"
#include "scope.h"
#include "store.h"

struct db;
struct appcache_app;

#define APPCACHE_MAX_APPS	20000
#define APPCACHE_MAX_ORIGINS	4096
#define APPCACHE_MAX_SCOPE_BYTES (4 * 1024 * 1024)

struct appcache {
	int			 loaded;
	time_t			 loaded_at;
	int			 ttl_sec;
	struct appcache_app	*apps;		/* sorted by client_id */
	size_t			 napps;
	int			 apps_overflow;
	size_t			 scope_bytes;	/* of the apps' scope strings */
	char			**origins;	/* sorted */
	size_t			 norigins;
};

void	appcache_init(struct appcache *, int ttl_sec);
void	appcache_clear(struct appcache *);

/*
 * 1 when client_id is an enabled application of org (its organization
 * enabled), 0 when not, -1 when the database failed.
 */
int	appcache_app_ok(struct appcache *, struct db *, const char *client_id,
	    const char *org);
/* The same, and (portal_only) of type portal: the one application whose
 * users' tokens the admin API takes. */
int	appcache_app_ok_type(struct appcache *, struct db *,
	    const char *client_id, const char *org, int portal_only);

/* An application as its public-client authentication needs it. */
struct appcache_client {
	char			 org_id[STORE_ORG_ID_BYTES];
	enum redirecturi_type	 type;
	struct scope_set	 scopes;
	int			 disabled;	/* the app or its organization */
};

/*
 * The application client_id, in any state: 1 with out filled, 0 when there
 * is no such application, -1 when the database failed (or its stored
 * scopes do not parse). With ttl_sec 0, always from the database.
 */
int	appcache_client(struct appcache *, struct db *, const char *client_id,
	    struct appcache_client *out);

/*
 * 1 when origin (the browser's Origin header) is the origin of a redirect
 * URI of an enabled SPA, 0 when not, -1 when the database failed.
 */
int	appcache_origin_ok(struct appcache *, struct db *, const char *origin);

#endif
