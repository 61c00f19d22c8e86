/*
 * appcache: see appcache.h.
 */
#include <stdlib.h>
#include <string.h>

#include "appcache.h"
#include "log.h"
#include "redirecturi.h"
#include "store.h"
#include "store_app.h"

struct appcache_app {
	char			 id[STORE_APP_ID_BYTES];
	char			 org[STORE_ORG_ID_BYTES];
	int			 ok;
	enum redirecturi_type	 type;
	char			*scopes;	/* NULL: beyond the bound */
};

void
appcache_init(struct appcache *c, int ttl_sec)
{
	memset(c, 0, sizeof(*c));
	c->ttl_sec = ttl_sec;
}

void
appcache_clear(struct appcache *c)
{
	size_t	 i;

	for (i = 0; i < c->norigins; i++)
		free(c->origins[i]);
	for (i = 0; i < c->napps; i++)
		free(c->apps[i].scopes);
	free(c->origins);
	free(c->apps);
	c->origins = NULL;
	c->apps = NULL;
	c->norigins = c->napps = 0;
	c->apps_overflow = 0;
	c->scope_bytes = 0;
	c->loaded = 0;
}

struct loading {
	struct appcache	*c;
	size_t		 capps, corig;
};

/*
 * Origins are gathered with their duplicates (at most 16 per application,
 * APPCACHE_MAX_APPS applications: bounded), then sorted and made distinct
 * once in load(): O(n log n), where a scan per origin was O(n²).
 */
static int
add_origin(struct loading *l, const char *uri)
{
	struct appcache	*c = l->c;
	char		 o[REDIRECTURI_ORIGIN_BYTES];
	char		**n;

	if (c->norigins == (size_t)APPCACHE_MAX_APPS * STORE_APP_MAX_URIS ||
	    redirecturi_origin(uri, o, sizeof(o)) == -1)
		return 0;
	if (c->norigins == l->corig) {
		l->corig = l->corig ? 2 * l->corig : 16;
		if ((n = realloc(c->origins, l->corig * sizeof(*n))) == NULL)
			return -1;
		c->origins = n;
	}
	if ((c->origins[c->norigins] = strdup(o)) == NULL)
		return -1;
	c->norigins++;
	return 0;
}

/* client_id, org_id, type, usable, URIs (space-separated), scopes. */
static int
row(void *arg, const char *const *col, int n)
{
	struct loading		*l = arg;
	struct appcache		*c = l->c;
	struct appcache_app	*a;
	char			 uri[REDIRECTURI_MAX_BYTES + 1];
	const char		*u;
	size_t			 len;
	int			 t;

	if (n != 6 || col[0] == NULL || col[1] == NULL || col[2] == NULL ||
	    col[3] == NULL || col[4] == NULL || col[5] == NULL ||
	    strlen(col[0]) >= STORE_APP_ID_BYTES ||
	    strlen(col[1]) >= STORE_ORG_ID_BYTES ||
	    (t = redirecturi_type_from_name(col[2])) == -1)
		return -1;
	if (c->napps == APPCACHE_MAX_APPS)
		c->apps_overflow = 1;
	else {
		if (c->napps == l->capps) {
			l->capps = l->capps ? 2 * l->capps : 64;
			if ((a = realloc(c->apps, l->capps * sizeof(*a))) ==
			    NULL)
				return -1;
			c->apps = a;
		}
		a = &c->apps[c->napps];
		a->scopes = NULL;
		len = strlen(col[5]) + 1;
		if (len <= SCOPE_MAX_STRING_BYTES &&
		    c->scope_bytes + len <= APPCACHE_MAX_SCOPE_BYTES) {
			if ((a->scopes = strdup(col[5])) == NULL)
				return -1;
			c->scope_bytes += len;
		}
		c->napps++;
		memcpy(a->id, col[0], strlen(col[0]) + 1);
		memcpy(a->org, col[1], strlen(col[1]) + 1);
		a->ok = col[3][0] == 't';
		a->type = (enum redirecturi_type)t;
	}
	if (strcmp(col[2], "spa") != 0 || col[3][0] != 't')
		return 0;
	for (u = col[4]; *u != '\0'; u += len) {
		u += strspn(u, " ");
		if ((len = strcspn(u, " ")) == 0 || len > REDIRECTURI_MAX_BYTES)
			break;
		memcpy(uri, u, len);
		uri[len] = '\0';
		if (add_origin(l, uri) == -1)
			return -1;
	}
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct appcache_app *)a)->id,
	    ((const struct appcache_app *)b)->id);
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted origins made distinct, at most APPCACHE_MAX_ORIGINS kept. */
static void
distinct(struct appcache *c)
{
	size_t	 i, n = 0;
	int	 warned = 0;

	for (i = 0; i < c->norigins; i++) {
		if (n > 0 && strcmp(c->origins[n - 1], c->origins[i]) == 0) {
			free(c->origins[i]);
			continue;
		}
		if (n == APPCACHE_MAX_ORIGINS) {
			if (!warned++)
				log_warnx("appcache: over %d SPA origins: the "
				    "rest are refused CORS",
				    APPCACHE_MAX_ORIGINS);
			free(c->origins[i]);
			continue;
		}
		c->origins[n++] = c->origins[i];
	}
	c->norigins = n;
}

static int
load(struct appcache *c, struct db *db)
{
	struct loading	 l;
	time_t		 now = time(NULL);

	if (c->loaded && (c->ttl_sec <= 0 || now - c->loaded_at < c->ttl_sec))
		return 0;
	appcache_clear(c);
	memset(&l, 0, sizeof(l));
	l.c = c;
	if (store_rows(db, STMT_APP_ALL, NULL, row, &l) < 0) {
		appcache_clear(c);
		return -1;
	}
	if (c->napps > 1)
		qsort(c->apps, c->napps, sizeof(*c->apps), by_id);
	if (c->norigins > 1)
		qsort(c->origins, c->norigins, sizeof(*c->origins), by_str);
	distinct(c);
	c->loaded = 1;
	c->loaded_at = now;
	return 0;
}

int
appcache_app_ok(struct appcache *c, struct db *db, const char *client_id,
    const char *org)
{
	return appcache_app_ok_type(c, db, client_id, org, 0);
}

int
appcache_app_ok_type(struct appcache *c, struct db *db, const char *client_id,
    const char *org, int portal_only)
{
	struct appcache_app	 key, *a;
	struct store_app	*s;
	int			 n;

	if (!store_app_id_valid(client_id))
		return 0;
	if (load(c, db) == -1)
		return -1;
	memcpy(key.id, client_id, strlen(client_id) + 1);
	a = bsearch(&key, c->apps, c->napps, sizeof(*c->apps), by_id);
	if (a != NULL)
		return a->ok && strcmp(a->org, org) == 0 &&
		    (!portal_only || a->type == REDIRECTURI_PORTAL);
	if (!c->apps_overflow)
		return 0;
	if ((s = malloc(sizeof(*s))) == NULL)
		return -1;
	n = store_app_get(db, client_id, s);
	if (n == 1)
		n = !s->disabled && strcmp(s->org_id, org) == 0 &&
		    (!portal_only || s->type == REDIRECTURI_PORTAL);
	free(s);
	return n;
}

int
appcache_client(struct appcache *c, struct db *db, const char *client_id,
    struct appcache_client *out)
{
	struct appcache_app	 key, *a;
	struct store_app	*s;
	int			 n;

	memset(out, 0, sizeof(*out));
	if (!store_app_id_valid(client_id))
		return 0;
	/* key_cache_sec = 0: no cache for client authentication, as for
	 * keys (NOTIFY may not reach us: a pooler in transaction mode). */
	a = NULL;
	if (c->ttl_sec > 0) {
		if (load(c, db) == -1)
			return -1;
		memcpy(key.id, client_id, strlen(client_id) + 1);
		a = bsearch(&key, c->apps, c->napps, sizeof(*c->apps), by_id);
		if (a == NULL && !c->apps_overflow)
			return 0;
	}
	if (a != NULL && a->scopes != NULL) {
		if (scope_parse(&out->scopes, a->scopes,
		    strlen(a->scopes)) == -1)
			return -1;
		memcpy(out->org_id, a->org, sizeof(out->org_id));
		out->type = a->type;
		out->disabled = !a->ok;
		return 1;
	}
	/* Beyond APPCACHE_MAX_APPS or the scopes' bound, or no cache: the
	 * database. */
	if ((s = malloc(sizeof(*s))) == NULL)
		return -1;
	if ((n = store_app_get(db, client_id, s)) == 1) {
		memcpy(out->org_id, s->org_id, sizeof(out->org_id));
		out->type = s->type;
		out->scopes = s->scopes;
		out->disabled = s->disabled;
	}
	free(s);
	return n;
}

int
appcache_origin_ok(struct appcache *c, struct db *db, const char *origin)
{
	if (origin == NULL || strlen(origin) >= REDIRECTURI_ORIGIN_BYTES)
		return 0;
	if (load(c, db) == -1)
		return -1;
	return bsearch(&origin, c->origins, c->norigins, sizeof(*c->origins),
	    by_str) != NULL;
}
