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
	int		 unknown_said;
};

/*
 * Origins are gathered as "org\x01origin" with their duplicates (at most
 * 16 per application, APPCACHE_MAX_APPS applications: bounded), then
 * sorted, made distinct and shared out once in load() (distinct()):
 * O(n log n), where a scan per origin was O(n²).
 */
static int
add_origin(struct loading *l, const char *org, const char *uri)
{
	struct appcache	*c = l->c;
	char		 o[REDIRECTURI_ORIGIN_BYTES];
	char		**n;
	size_t		 ol, len;

	if (c->norigins == (size_t)APPCACHE_MAX_APPS * STORE_APP_MAX_URIS ||
	    redirecturi_origin(uri, o, sizeof(o)) == -1)
		return 0;
	if (c->norigins == l->corig) {
		l->corig = l->corig ? 2 * l->corig : 16;
		if ((n = realloc(c->origins, l->corig * sizeof(*n))) == NULL)
			return -1;
		c->origins = n;
	}
	ol = strlen(org);
	len = strlen(o);
	if ((c->origins[c->norigins] = malloc(ol + 1 + len + 1)) == NULL)
		return -1;
	memcpy(c->origins[c->norigins], org, ol);
	c->origins[c->norigins][ol] = '\x01';
	memcpy(c->origins[c->norigins] + ol + 1, o, len + 1);
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

	/* col[5], the scopes, NULL when long (STMT_APP_ALL). */
	if (n != 6 || col[0] == NULL || col[1] == NULL || col[2] == NULL ||
	    col[3] == NULL || col[4] == NULL ||
	    strlen(col[0]) >= STORE_APP_ID_BYTES ||
	    strlen(col[1]) >= STORE_ORG_ID_BYTES)
		return -1;
	/* A type of a newer release: that application is not usable here,
	 * the others are. */
	if ((t = redirecturi_type_from_name(col[2])) == -1) {
		if (!l->unknown_said++)
			log_warnx("appcache: an application of unknown type "
			    "\"%.16s\" is left out", col[2]);
		return 0;
	}
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
		len = col[5] != NULL ? strlen(col[5]) + 1 : 0;
		if (len > 0 && len <= SCOPE_MAX_STRING_BYTES &&
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
		if (add_origin(l, col[1], uri) == -1)
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

/* The length of the organization part of a gathered "org\x01origin". */
static size_t
org_len(const char *s)
{
	return strcspn(s, "\x01");
}

static int
same_org(const char *a, const char *b)
{
	size_t	 n = org_len(a);

	return n == org_len(b) && memcmp(a, b, n) == 0;
}

/* How many of the n sorted distinct pairs remain with at most k per
 * organization. */
static size_t
capped(char **v, size_t n, size_t k)
{
	size_t	 i, run = 0, sum = 0;

	for (i = 0; i < n; i++) {
		run = i > 0 && same_org(v[i - 1], v[i]) ? run + 1 : 1;
		sum += run <= k;
	}
	return sum;
}

/*
 * The gathered pairs made the cache's origins: distinct, sorted, at most
 * APPCACHE_MAX_ORIGINS. When there are more, every organization keeps
 * the same number at most, the largest that fits: one organization with
 * many SPAs cannot push another's few origins out (each organization is
 * bounded by apps_per_org_max applications of 16 redirect URIs).
 */
static void
distinct(struct appcache *c)
{
	char	**v = c->origins;
	char	 prev[STORE_ORG_ID_BYTES];
	size_t	 i, n = 0, k, lo, hi, mid, run = 0, ol;

	if (c->norigins > 1)
		qsort(v, c->norigins, sizeof(*v), by_str);
	for (i = 0; i < c->norigins; i++) {
		if (n > 0 && strcmp(v[n - 1], v[i]) == 0) {
			free(v[i]);
			continue;
		}
		v[n++] = v[i];
	}
	c->norigins = n;
	k = n;
	if (n > APPCACHE_MAX_ORIGINS) {
		for (lo = 0, hi = APPCACHE_MAX_ORIGINS; lo < hi; ) {
			mid = lo + (hi - lo + 1) / 2;
			if (capped(v, n, mid) <= APPCACHE_MAX_ORIGINS)
				lo = mid;
			else
				hi = mid - 1;
		}
		k = lo;
		log_warnx("appcache: over %d SPA origins: at most %zu an "
		    "organization are allowed CORS", APPCACHE_MAX_ORIGINS, k);
	}
	/* At most k an organization, the organization part dropped. */
	prev[0] = '\0';
	for (i = 0, n = 0; i < c->norigins; i++) {
		ol = org_len(v[i]);
		if (ol == strlen(prev) && memcmp(prev, v[i], ol) == 0)
			run++;
		else {
			run = 1;
			memcpy(prev, v[i], ol);	/* row(): ol < its size */
			prev[ol] = '\0';
		}
		if (run > k) {
			free(v[i]);
			continue;
		}
		memmove(v[i], v[i] + ol + 1, strlen(v[i] + ol + 1) + 1);
		v[n++] = v[i];
	}
	/* The same origin may be two organizations': once. */
	if (n > 1)
		qsort(v, n, sizeof(*v), by_str);
	c->norigins = n;
	for (i = 0, n = 0; i < c->norigins; i++) {
		if (n > 0 && strcmp(v[n - 1], v[i]) == 0) {
			free(v[i]);
			continue;
		}
		v[n++] = v[i];
	}
	c->norigins = n;
}

static int
load(struct appcache *c, struct db *db)
{
	struct loading	 l;
	time_t		 now = time(NULL);

	/* key_cache_sec = 0 is no cache: loaded again at each use (NOTIFY
	 * may not reach us: a pooler in transaction mode). */
	if (c->loaded && c->ttl_sec > 0 && now - c->loaded_at < c->ttl_sec)
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
	/* key_cache_sec = 0: the one row, not every application. */
	if (c->ttl_sec > 0) {
		if (load(c, db) == -1)
			return -1;
		memcpy(key.id, client_id, strlen(client_id) + 1);
		a = bsearch(&key, c->apps, c->napps, sizeof(*c->apps), by_id);
		if (a != NULL)
			return a->ok && strcmp(a->org, org) == 0 &&
			    (!portal_only || a->type == REDIRECTURI_PORTAL);
		if (!c->apps_overflow)
			return 0;
	}
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
