/*
 * ops_app: see ops_app.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bstr.h"
#include "db.h"
#include "ops_app.h"
#include "store.h"
#include "utf8.h"

#define DETAIL_BYTES	512
/* The redirect URIs joined by spaces (they contain none). */
#define URIS_BYTES	(STORE_APP_MAX_URIS * (REDIRECTURI_MAX_BYTES + 1))

static enum ops_err
done(struct db *db, enum ops_err rc)
{
	if (rc != OPS_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == -1 ? OPS_UNAVAILABLE : OPS_OK;
}

/* 1..200 bytes of text to show (utf8_text): the login page shows it. */
static int
name_valid(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= OPS_APP_NAME_BYTES &&
	    utf8_text((const unsigned char *)s, n) >= 0;
}

/* The canonical scope list: parsed, at least one. */
static int
scopes_canonical(const char *in, char *out, size_t outsz)
{
	struct scope_set	 s;

	return scope_parse(&s, in, strlen(in)) == -1 || s.n == 0 ||
	    scope_format(&s, out, outsz) < 0 ? -1 : 0;
}

/* Validate the URIs for type t and join them with spaces into out. */
static int
uris_join(const char *const *uris, size_t n, enum redirecturi_type t,
    char *out, size_t outsz, const char **why)
{
	size_t	 i, j, len = 0, ul;

	*why = "between 1 and 16 redirect URIs";
	if (n < 1 || n > STORE_APP_MAX_URIS)
		return -1;
	for (i = 0; i < n; i++) {
		ul = strlen(uris[i]);
		if (redirecturi_valid(uris[i], ul, t, why) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(uris[i], uris[j]) == 0) {
				*why = "a redirect URI given twice";
				return -1;
			}
		if (len + ul + 2 > outsz)
			return -1;
		if (len > 0)
			out[len++] = ' ';
		memcpy(out + len, uris[i], ul);
		len += ul;
	}
	out[len] = '\0';
	return 0;
}

/* APP_COLS (stmt.c): client_id, name, type, uris, scopes, created_at,
 * disabled_at, version, created usec. */
static int
app_row(void *arg, const char *const *c, int n)
{
	struct ops_app	*a = arg;
	const char	*u;
	size_t		 len;

	memset(a, 0, sizeof(*a));
	if (n != 10 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL || c[4] == NULL || c[7] == NULL || c[8] == NULL ||
	    bstr_copy_opt(a->client_id, sizeof(a->client_id), c[0]) == -1 ||
	    bstr_copy_opt(a->name, sizeof(a->name), c[1]) == -1 ||
	    bstr_copy_opt(a->type, sizeof(a->type), c[2]) == -1 ||
	    bstr_copy_opt(a->scopes, sizeof(a->scopes), c[4]) == -1 ||
	    bstr_copy_opt(a->created_at, sizeof(a->created_at), c[5]) == -1 ||
	    bstr_copy_opt(a->disabled_at, sizeof(a->disabled_at), c[6]) == -1 ||
	    bstr_copy_opt(a->key_id, sizeof(a->key_id), c[9]) == -1)
		return -1;
	for (u = c[3]; *u != '\0'; u += len) {
		u += strspn(u, " ");
		if ((len = strcspn(u, " ")) == 0)
			break;
		if (a->nuris == STORE_APP_MAX_URIS || len > REDIRECTURI_MAX_BYTES)
			return -1;
		memcpy(a->uris[a->nuris], u, len);
		a->uris[a->nuris++][len] = '\0';
	}
	a->version = strtoll(c[7], NULL, 10);
	a->created_usec = strtoll(c[8], NULL, 10);
	return 0;
}

json_t *
ops_app_json(const struct ops_app *a)
{
	json_t	*o, *u;
	size_t	 i;

	if ((u = json_array()) == NULL)
		return NULL;
	for (i = 0; i < a->nuris; i++)
		json_array_append_new(u, json_string(a->uris[i]));
	o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s?, s:s, s:s, s:s?}",
	    "client_id", a->client_id, "name", a->name, "type", a->type,
	    "redirect_uris", u, "scopes", a->scopes,
	    "key_id", a->key_id[0] ? a->key_id : NULL,
	    "status", a->disabled_at[0] ? "disabled" : "active",
	    "created_at", a->created_at,
	    "disabled_at", a->disabled_at[0] ? a->disabled_at : NULL);
	return o;
}

static int
count_row(void *arg, const char *const *c, int n)
{
	if (n != 1 || c[0] == NULL)
		return -1;
	*(long long *)arg = strtoll(c[0], NULL, 10);
	return 0;
}

/* In a transaction: OPS_OK when key may be an application's confidential
 * client (an active key of the organization with the code grant). */
static enum ops_err
key_ok(const struct ops_ctx *x, const char *key)
{
	const char	*params[2] = { x->org, key };
	int		 n;

	if (strlen(key) >= OPS_APP_KEY_BYTES)
		return OPS_INVALID;
	if ((n = store_rows(x->db, STMT_APP_KEY_OK, params, NULL, NULL)) < 0)
		return OPS_UNAVAILABLE;
	return n == 1 ? OPS_OK : OPS_INVALID;
}

/* In a transaction: OPS_CONFLICT when the organization has its
 * apps_per_org_max applications already. */
static enum ops_err
room(const struct ops_ctx *x)
{
	const char	*params[1] = { x->org };
	long long	 n = -1;
	int		 max = x->apps_max > 0 ? x->apps_max : 100;

	if (store_rows(x->db, STMT_OPS_LOCK_ORG, params, NULL, NULL) < 0 ||
	    store_rows(x->db, STMT_APP_COUNT, params, count_row, &n) != 1)
		return OPS_UNAVAILABLE;
	return n >= 0 && n < max ? OPS_OK : OPS_CONFLICT;
}

enum ops_err
ops_app_create(const struct ops_ctx *x, const struct ops_app_create *rq,
    struct ops_app *out, const char **field, const char **why)
{
	char		*uris = NULL;
	char		 scopes[SCOPE_MAX_STRING_BYTES], detail[DETAIL_BYTES];
	const char	*params[9];
	int		 t, n;
	enum ops_err	 rc;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	*why = NULL;
	if (rq->name == NULL || !name_valid(rq->name)) {
		*field = "name";
		return OPS_INVALID;
	}
	t = redirecturi_type_from_name(rq->type != NULL ? rq->type : "spa");
	if (t == -1 || t == REDIRECTURI_PORTAL) {
		*field = "type";
		return OPS_INVALID;
	}
	if (rq->scopes == NULL ||
	    scopes_canonical(rq->scopes, scopes, sizeof(scopes)) == -1) {
		*field = "scopes";
		return OPS_INVALID;
	}
	if ((uris = malloc(URIS_BYTES)) == NULL)
		return OPS_FAILED;
	if (uris_join(rq->uris, rq->nuris, (enum redirecturi_type)t, uris,
	    URIS_BYTES, why) == -1) {
		free(uris);
		*field = "redirect_uris";
		return OPS_INVALID;
	}
	snprintf(detail, sizeof(detail), "%s application %.200s%s%.40s",
	    redirecturi_type_name((enum redirecturi_type)t), rq->name,
	    rq->key_id ? ", confidential key " : "", rq->key_id ? rq->key_id : "");
	params[0] = x->org;
	params[1] = rq->name;
	params[2] = redirecturi_type_name((enum redirecturi_type)t);
	params[3] = uris;
	params[4] = scopes;
	params[5] = detail;
	params[6] = x->actor;
	params[7] = x->source;
	params[8] = rq->key_id != NULL ? rq->key_id : "";
	if (db_begin(x->db) == -1) {
		free(uris);
		return OPS_UNAVAILABLE;
	}
	if (rq->key_id != NULL && (rc = key_ok(x, rq->key_id)) != OPS_OK) {
		free(uris);
		if (rc == OPS_INVALID)
			*field = "key_id";
		return done(x->db, rc);
	}
	/* apps_per_org_max, counted under the organization's lock. */
	if ((rc = room(x)) != OPS_OK) {
		free(uris);
		if (rc == OPS_CONFLICT)
			*field = "apps_per_org_max";
		return done(x->db, rc);
	}
	n = store_rows(x->db, STMT_APP_CREATE, params, app_row, out);
	rc = n == 1 ? OPS_OK : n < 0 ? OPS_UNAVAILABLE : OPS_FAILED;
	free(uris);
	return done(x->db, rc);
}

struct listing {
	const struct ops_app_list	*rq;
	struct ops_page			*page;
	struct ops_app			 a;
	int				 stopped;
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct listing	*l = arg;

	if (l->page->n == (size_t)l->rq->limit) {
		l->page->more = 1;	/* the one row past the page */
		return 0;
	}
	if (app_row(&l->a, c, n) == -1)
		return -1;
	if (l->rq->row(l->rq->arg, &l->a) == -1) {
		l->stopped = 1;
		return -1;
	}
	l->page->n++;
	return 0;
}

enum ops_err
ops_app_list(const struct ops_ctx *x, const struct ops_app_list *rq,
    struct ops_page *out, const char **field)
{
	struct listing	*l;
	char		 usec[24], lim[16];
	const char	*params[4];
	enum ops_err	 rc = OPS_OK;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->limit < 1 || rq->limit > OPS_LIST_MAX) {
		*field = "limit";
		return OPS_INVALID;
	}
	if (rq->after_usec < 0 || (rq->after_id != NULL &&
	    !store_app_id_valid(rq->after_id))) {
		*field = "cursor";
		return OPS_INVALID;
	}
	if ((l = malloc(sizeof(*l))) == NULL)
		return OPS_FAILED;
	snprintf(usec, sizeof(usec), "%lld", rq->after_id ? rq->after_usec :
	    -1);
	snprintf(lim, sizeof(lim), "%d", rq->limit + 1);
	params[0] = x->org;
	params[1] = usec;
	params[2] = rq->after_id ? rq->after_id : "";
	params[3] = lim;
	l->rq = rq;
	l->page = out;
	l->stopped = 0;
	if (store_rows(x->db, STMT_APP_PAGE, params, list_row, l) < 0)
		rc = l->stopped ? OPS_FAILED : OPS_UNAVAILABLE;
	free(l);
	return rc;
}

enum ops_err
ops_app_get(const struct ops_ctx *x, const char *client_id,
    struct ops_app *out, const char **field)
{
	const char	*params[2];
	int		 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (!store_app_id_valid(client_id))
		return OPS_NOT_FOUND;
	params[0] = x->org;
	params[1] = client_id;
	if ((n = store_rows(x->db, STMT_APP_VIEW, params, app_row, out)) < 0)
		return OPS_UNAVAILABLE;
	return n == 0 ? OPS_NOT_FOUND : OPS_OK;
}

enum ops_err
ops_app_update(const struct ops_ctx *x, const struct ops_app_update *rq,
    struct ops_app *out, const char **field, const char **why)
{
	struct ops_app	*old = NULL;
	char		*uris = NULL;
	char		 scopes[SCOPE_MAX_STRING_BYTES], detail[DETAIL_BYTES];
	char		 ver[24];
	const char	*params[10];
	int		 t, n;
	enum ops_err	 rc;

	*field = NULL;
	*why = NULL;
	if (rq->name != NULL && !name_valid(rq->name)) {
		*field = "name";
		return OPS_INVALID;
	}
	if (rq->scopes != NULL &&
	    scopes_canonical(rq->scopes, scopes, sizeof(scopes)) == -1) {
		*field = "scopes";
		return OPS_INVALID;
	}
	if (rq->if_version < 0) {
		*field = "version";
		return OPS_INVALID;
	}
	if ((old = malloc(sizeof(*old))) == NULL ||
	    (uris = malloc(URIS_BYTES)) == NULL) {
		free(old);
		return OPS_FAILED;
	}
	if (db_begin(x->db) == -1) {
		rc = OPS_UNAVAILABLE;
		goto out;
	}
	params[0] = x->org;
	if (store_rows(x->db, STMT_OPS_LOCK_ORG, params, NULL, NULL) < 0) {
		rc = done(x->db, OPS_UNAVAILABLE);
		goto out;
	}
	if ((rc = ops_app_get(x, rq->client_id, old, field)) != OPS_OK) {
		rc = done(x->db, rc);
		goto out;
	}
	if (rq->if_version != 0 && rq->if_version != old->version) {
		*field = "version";
		rc = done(x->db, OPS_CONFLICT);
		goto out;
	}
	if (rq->key_id != NULL && rq->key_id[0] != '\0' &&
	    (rc = key_ok(x, rq->key_id)) != OPS_OK) {
		if (rc == OPS_INVALID)
			*field = "key_id";
		rc = done(x->db, rc);
		goto out;
	}
	t = redirecturi_type_from_name(old->type);
	if (rq->uris != NULL && (t == -1 || t == REDIRECTURI_PORTAL ||
	    uris_join(rq->uris, rq->nuris, (enum redirecturi_type)t, uris,
	    URIS_BYTES, why) == -1)) {
		if (t == REDIRECTURI_PORTAL)
			*why = "a portal's redirect URI is its organization's";
		*field = "redirect_uris";
		rc = done(x->db, OPS_INVALID);
		goto out;
	}
	snprintf(detail, sizeof(detail), "application %.200s:%s%s%s%s",
	    old->name, rq->name ? " name" : "", rq->uris ? " redirect_uris" : "",
	    rq->scopes ? " scopes" : "", rq->key_id ? " key_id" : "");
	snprintf(ver, sizeof(ver), "%lld", old->version);
	params[1] = rq->client_id;
	params[2] = rq->name;
	params[3] = rq->uris ? uris : NULL;
	params[4] = rq->scopes ? scopes : NULL;
	params[5] = ver;
	params[6] = detail;
	params[7] = x->actor;
	params[8] = x->source;
	params[9] = rq->key_id;
	if ((n = store_rows(x->db, STMT_APP_UPDATE, params, app_row, out)) < 0)
		rc = done(x->db, OPS_UNAVAILABLE);
	else
		rc = done(x->db, n == 1 ? OPS_OK : OPS_FAILED);
out:
	free(old);
	free(uris);
	return rc;
}

enum ops_err
ops_app_set_disabled(const struct ops_ctx *x, const char *client_id,
    int disable, struct ops_app *out, const char **field)
{
	const char	*params[5];
	int		 n;
	enum ops_err	 rc;

	*field = NULL;
	if (!store_app_id_valid(client_id))
		return OPS_NOT_FOUND;
	params[0] = x->org;
	params[1] = client_id;
	params[2] = disable ? "true" : "false";
	params[3] = x->actor;
	params[4] = x->source;
	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	if ((n = store_rows(x->db, STMT_APP_SET_DISABLED, params, app_row,
	    out)) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	if (n == 1)
		return done(x->db, OPS_OK);
	/* Nothing changed: no such application, or already so. */
	rc = ops_app_get(x, client_id, out, field);
	return done(x->db, rc == OPS_OK ? OPS_CONFLICT : rc);
}
