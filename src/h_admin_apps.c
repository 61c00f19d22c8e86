/*
 * /admin/apps: the organization's applications (OAuth clients without a
 * secret) over HTTP, thin adapters over ops_app.h. The framework
 * (adminapi.h) has authenticated the caller and scopes everything to its
 * organization.
 *
 *   GET   /admin/apps                 list: ?limit= ?cursor=
 *   POST  /admin/apps                 create {name, type, redirect_uris,
 *                                     scopes}: 201, Location;
 *                                     Idempotency-Key
 *   GET   /admin/apps/{id}            one application, with its ETag
 *   PATCH /admin/apps/{id}            name, redirect_uris, scopes, key_id
 *                                     (null: none); If-Match
 *   POST  /admin/apps/{id}/disable    and /enable
 *
 * A malformed client_id in the path is 404, as a missing application and
 * another organization's.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adminapi.h"
#include "ops_app.h"

static json_t *
app_json(const struct ops_app *a)
{
	json_t	*o = ops_app_json(a);

	if (o != NULL && json_object_set_new(o, "version",
	    json_integer((json_int_t)a->version)) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void
app_error(struct adminapi *x, enum ops_err e, const char *field,
    const char *why)
{
	char	 desc[256];

	if (e == OPS_CONFLICT && field != NULL && strcmp(field, "version") == 0)
		adminapi_error(x, OERR_PRECONDITION_FAILED, NULL);
	else if (e == OPS_INVALID && field != NULL && why != NULL) {
		/* why is a constant of redirecturi.c, never the input */
		snprintf(desc, sizeof(desc), "%s is invalid: %s", field, why);
		adminapi_error(x, OERR_INVALID_REQUEST, desc);
	} else
		adminapi_ops_error(x, e, field, "the application is already so");
}

/* Split the space-joined URIs of JREQ_WORDS into uris (buf is a copy). */
static size_t
split(char *buf, const char **uris)
{
	size_t	 n = 0;
	char	*s = buf, *sp;

	while (s != NULL && *s != '\0' && n < STORE_APP_MAX_URIS) {
		uris[n++] = s;
		if ((sp = strchr(s, ' ')) != NULL)
			*sp++ = '\0';
		s = sp;
	}
	return n;
}

/* --- GET /admin/apps -------------------------------------------------- */

struct page {
	json_t		*apps;
	struct cursor	 last;
};

static int
page_row(void *arg, const struct ops_app *a)
{
	struct page	*pg = arg;

	if (json_array_append_new(pg->apps, app_json(a)) == -1)
		return -1;
	pg->last.usec = a->created_usec;
	snprintf(pg->last.id, sizeof(pg->last.id), "%s", a->client_id);
	return 0;
}

void
h_admin_apps_list(struct adminapi *x)
{
	static const char *const names[] = { "limit", "cursor", NULL };
	struct ops_app_list	 rq;
	struct ops_page		 out;
	struct cursor		 after;
	struct page		 pg;
	const char		*field = NULL;
	enum ops_err		 e;
	int			 has_after;

	memset(&rq, 0, sizeof(rq));
	memset(&pg, 0, sizeof(pg));
	memset(&out, 0, sizeof(out));
	if (adminapi_query_only(x, names) == -1 ||
	    adminapi_page(x, &rq.limit, &after, &has_after) == -1)
		return;
	rq.after_usec = after.usec;
	rq.after_id = has_after ? after.id : NULL;
	rq.row = page_row;
	rq.arg = &pg;
	if ((pg.apps = json_array()) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	e = ops_app_list(&x->ctx, &rq, &out, &field);
	adminapi_page_answer(x, e, field, "apps", pg.apps, out.more, &pg.last);
}

/* --- POST /admin/apps ------------------------------------------------- */

struct create_body {
	const char	*name, *type, *uris, *scopes, *key_id;
};

static const struct jreq_field create_spec[] = {
	{ "name", JREQ_STRING, JREQ_REQUIRED, offsetof(struct create_body,
	    name), OPS_APP_NAME_BYTES, 0, 0, 0 },
	{ "type", JREQ_STRING, 0, offsetof(struct create_body, type), 15, 0,
	    0, 0 },
	{ "redirect_uris", JREQ_WORDS, JREQ_REQUIRED, offsetof(struct
	    create_body, uris), REDIRECTURI_MAX_BYTES, STORE_APP_MAX_URIS, 0,
	    0 },
	{ "scopes", JREQ_WORDS, JREQ_REQUIRED, offsetof(struct create_body,
	    scopes), SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "key_id", JREQ_STRING, JREQ_NULLABLE, offsetof(struct create_body,
	    key_id), OPS_APP_KEY_BYTES - 1, 0, 0, 0 },
};

void
h_admin_apps_create(struct adminapi *x)
{
	struct create_body	 b;
	struct ops_app_create	 rq;
	struct ops_app		*out = NULL;
	const char		*uris[STORE_APP_MAX_URIS];
	struct jreq		 j;
	const char		*field, *why;
	char			*buf = NULL;
	char			 loc[64];
	enum ops_err		 e;

	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, create_spec, sizeof(create_spec) /
	    sizeof(create_spec[0]), &b, &j) == -1)
		return;
	if ((buf = strdup(b.uris)) == NULL ||
	    (out = malloc(sizeof(*out))) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		goto out;
	}
	memset(&rq, 0, sizeof(rq));
	rq.name = b.name;
	rq.type = b.type;
	rq.scopes = b.scopes;
	rq.key_id = b.key_id;
	rq.nuris = split(buf, uris);
	rq.uris = uris;
	if ((e = ops_app_create(&x->ctx, &rq, out, &field, &why)) != OPS_OK) {
		app_error(x, e, field, why);
		goto out;
	}
	snprintf(loc, sizeof(loc), "/admin/apps/%s", out->client_id);
	adminapi_etag(x, out->version);
	adminapi_created(x, loc, app_json(out), 0);
out:
	jreq_free(&j);
	free(buf);
	free(out);
}

/* --- /admin/apps/{id} ------------------------------------------------- */

void
h_admin_apps_get(struct adminapi *x)
{
	struct ops_app	*a;
	const char	*field;
	enum ops_err	 e;

	if ((a = malloc(sizeof(*a))) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	if ((e = ops_app_get(&x->ctx, adminapi_arg(x, "id"), a, &field)) !=
	    OPS_OK)
		app_error(x, e, field, NULL);
	else {
		adminapi_etag(x, a->version);
		adminapi_json(x, 200, app_json(a), 0);
	}
	free(a);
}

struct update_body {
	const char	*name, *uris, *scopes, *key_id;
};

static const struct jreq_field update_spec[] = {
	{ "name", JREQ_STRING, 0, offsetof(struct update_body, name),
	    OPS_APP_NAME_BYTES, 0, 0, 0 },
	{ "redirect_uris", JREQ_WORDS, 0, offsetof(struct update_body, uris),
	    REDIRECTURI_MAX_BYTES, STORE_APP_MAX_URIS, 0, 0 },
	{ "scopes", JREQ_WORDS, 0, offsetof(struct update_body, scopes),
	    SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "key_id", JREQ_STRING, JREQ_NULLABLE, offsetof(struct update_body,
	    key_id), OPS_APP_KEY_BYTES - 1, 0, 0, 0 },
};

void
h_admin_apps_update(struct adminapi *x)
{
	struct update_body	 b;
	struct ops_app_update	 rq;
	struct ops_app		*out = NULL;
	const char		*uris[STORE_APP_MAX_URIS];
	struct jreq		 j;
	const char		*field, *why;
	char			*buf = NULL;
	enum ops_err		 e;

	memset(&rq, 0, sizeof(rq));
	if (adminapi_if_match(x, &rq.if_version) == -1)
		return;
	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, update_spec, sizeof(update_spec) /
	    sizeof(update_spec[0]), &b, &j) == -1)
		return;
	if (j.seen == 0) {
		adminapi_error(x, OERR_INVALID_REQUEST, "nothing to update");
		goto out;
	}
	if ((out = malloc(sizeof(*out))) == NULL ||
	    (b.uris != NULL && (buf = strdup(b.uris)) == NULL)) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		goto out;
	}
	rq.client_id = adminapi_arg(x, "id");
	rq.name = b.name;
	rq.scopes = b.scopes;
	/* null: no confidential key any more */
	rq.key_id = jreq_is_null(&j, "key_id") ? "" : b.key_id;
	if (buf != NULL) {
		rq.nuris = split(buf, uris);
		rq.uris = uris;
	}
	/* An If-Match naming none of our versions never matches. */
	if (rq.if_version < 0)
		rq.if_version = LLONG_MAX;
	if ((e = ops_app_update(&x->ctx, &rq, out, &field, &why)) != OPS_OK) {
		app_error(x, e, field, why);
		goto out;
	}
	adminapi_etag(x, out->version);
	adminapi_json(x, 200, app_json(out), 0);
out:
	jreq_free(&j);
	free(buf);
	free(out);
}

static void
set_disabled(struct adminapi *x, int disable)
{
	struct ops_app	*a;
	const char	*field;
	enum ops_err	 e;

	if ((a = malloc(sizeof(*a))) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	if ((e = ops_app_set_disabled(&x->ctx, adminapi_arg(x, "id"), disable,
	    a, &field)) != OPS_OK)
		app_error(x, e, field, NULL);
	else {
		adminapi_etag(x, a->version);
		adminapi_json(x, 200, app_json(a), 0);
	}
	free(a);
}

void
h_admin_apps_disable(struct adminapi *x)
{
	set_disabled(x, 1);
}

void
h_admin_apps_enable(struct adminapi *x)
{
	set_disabled(x, 0);
}
