/*
 * The /platform/ operations, on the platform listener only (h_platform.c):
 * organizations and signing keys, the platform operator's. Each handler is
 * a thin adapter over its operation (ops_org.c, ops_signing.c), on the
 * admin API's framework and conventions (adminapi.h): JSON in and out,
 * errors from the one table, no-store, 201 + Location on create.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adminapi.h"
#include "app.h"
#include "config.h"
#include "http.h"
#include "jws.h"
#include "ops_org.h"
#include "ops_signing.h"
#include "platform.h"

/* --- organizations ---------------------------------------------------- */

static json_t *
org_json(const struct ops_org *o)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", o->id, "slug",
	    o->slug, "name", o->name, "created_at", o->created_at,
	    "disabled_at", o->disabled_at[0] != '\0' ?
	    json_string(o->disabled_at) : json_null());
}

static int
org_row(void *arg, const struct ops_org *o)
{
	json_t	*one = org_json(o);

	return one == NULL || json_array_append_new(arg, one) == -1 ? -1 : 0;
}

/* A listing's array, or NULL (answered): no query parameter is known. */
static json_t *
list_start(struct adminapi *x)
{
	static const char *const none[] = { NULL };
	json_t			*arr;

	if (adminapi_query_only(x, none) == -1)
		return NULL;
	if ((arr = json_array()) == NULL)
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
	return arr;
}

/* Answer {"<member>": arr} (stolen), or the listing's error. */
static void
list_end(struct adminapi *x, enum ops_err e, const char *field,
    const char *member, json_t *arr)
{
	if (e != OPS_OK) {
		json_decref(arr);
		adminapi_ops_error(x, e, field, NULL);
		return;
	}
	adminapi_json(x, 200, json_pack("{s:o}", member, arr), 0);
}

static void
orgs_list(struct adminapi *x)
{
	struct ops_org_list	 l;
	size_t			 n;
	const char		*field = NULL;
	enum ops_err		 e;

	if ((l.arg = list_start(x)) == NULL)
		return;
	l.row = org_row;
	e = ops_org_list(&x->ctx, &l, &n, &field);
	list_end(x, e, field, "orgs", l.arg);
}

struct org_body {
	const char	*slug, *name;
};

static const struct jreq_field org_spec[] = {
	{ "slug", JREQ_STRING, JREQ_REQUIRED, offsetof(struct org_body, slug),
	    OPS_ORG_SLUG_BYTES - 1, 0, 0, 0 },
	{ "name", JREQ_STRING, JREQ_REQUIRED, offsetof(struct org_body, name),
	    OPS_ORG_NAME_BYTES - 1, 0, 0, 0 },
};

static void
orgs_create(struct adminapi *x)
{
	struct org_body		 b;
	struct ops_org_create	 rq;
	struct ops_org		 out;
	struct jreq		 j;
	const char		*field;
	char			 loc[128];
	enum ops_err		 e;

	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, org_spec, sizeof(org_spec) / sizeof(org_spec[0]),
	    &b, &j) == -1)
		return;
	rq.slug = b.slug;
	rq.name = b.name;
	e = ops_org_create(&x->ctx, &rq, &out, &field);
	jreq_free(&j);
	if (e != OPS_OK) {
		adminapi_ops_error(x, e, field, "an organization of that slug "
		    "exists");
		return;
	}
	snprintf(loc, sizeof(loc), "/platform/orgs/%s", out.slug);
	adminapi_created(x, loc, org_json(&out), 0);
}

/* The organization as it is now (a disable or enable names only its id). */
struct org_find {
	const char	*slug;
	struct ops_org	*out;
	int		 found;
};

static int
org_match(void *arg, const struct ops_org *o)
{
	struct org_find	*f = arg;

	if (strcmp(o->slug, f->slug) == 0) {
		*f->out = *o;
		f->found = 1;
	}
	return 0;
}

static void
orgs_set(struct adminapi *x, int disable)
{
	struct ops_org_list	 l;
	struct org_find		 f;
	size_t			 n;
	struct ops_org_slug	 rq;
	struct ops_org		 out;
	const char		*field;
	enum ops_err		 e;

	rq.slug = adminapi_arg(x, "slug");
	e = disable ? ops_org_disable(&x->ctx, &rq, &out, &field) :
	    ops_org_enable(&x->ctx, &rq, &out, &field);
	if (e != OPS_OK) {
		adminapi_ops_error(x, e, field, disable ? "the organization "
		    "is disabled already" : "the organization is enabled");
		return;
	}
	f.slug = rq.slug;
	f.out = &out;
	f.found = 0;
	l.row = org_match;
	l.arg = &f;
	if ((e = ops_org_list(&x->ctx, &l, &n, &field)) != OPS_OK || !f.found) {
		adminapi_ops_error(x, e != OPS_OK ? e : OPS_FAILED, field, NULL);
		return;
	}
	adminapi_json(x, 200, org_json(&out), 0);
}

static void
orgs_disable(struct adminapi *x)
{
	orgs_set(x, 1);
}

static void
orgs_enable(struct adminapi *x)
{
	orgs_set(x, 0);
}

/* --- signing keys ----------------------------------------------------- */

static json_t *
opt_time(const char *t)
{
	return t[0] != '\0' ? json_string(t) : json_null();
}

static int
signing_row(void *arg, const struct ops_signing_key *k)
{
	json_t	*one;

	one = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "kid", k->kid,
	    "alg", k->alg, "state", k->state, "created_at", k->created_at,
	    "activated_at", opt_time(k->activated_at), "retired_at",
	    opt_time(k->retired_at), "removed_at", opt_time(k->removed_at));
	return one == NULL || json_array_append_new(arg, one) == -1 ? -1 : 0;
}

static void
signing_list(struct adminapi *x)
{
	struct ops_signing_list	 l;
	size_t			 n;
	const char		*field = NULL;
	enum ops_err		 e;

	if ((l.arg = list_start(x)) == NULL)
		return;
	l.row = signing_row;
	e = ops_signing_list(&x->ctx, &l, &n, &field);
	list_end(x, e, field, "signing_keys", l.arg);
}

struct alg_body {
	const char	*alg;
	int		 next;
};

static const struct jreq_field alg_spec[] = {
	{ "alg", JREQ_STRING, 0, offsetof(struct alg_body, alg), 8, 0, 0, 0 },
	{ "next", JREQ_BOOL, 0, offsetof(struct alg_body, next), 0, 0, 0, 0 },
};

/* The body of create and rotate: alg (default: signing_alg), next. */
static int
alg_body(struct adminapi *x, size_t nspec, struct alg_body *b, int *alg)
{
	struct jreq	 j;

	memset(b, 0, sizeof(*b));
	if (adminapi_body(x, alg_spec, nspec, b, &j) == -1)
		return -1;
	*alg = jws_alg_parse(b->alg != NULL ? b->alg : x->a->cfg->signing_alg);
	jreq_free(&j);
	if (*alg < 0) {
		adminapi_error(x, OERR_INVALID_REQUEST, "alg is not ES256, "
		    "RS256 or HS256");
		return -1;
	}
	return 0;
}

static void
signing_create(struct adminapi *x)
{
	struct alg_body			 b;
	struct ops_signing_create	 rq;
	struct ops_signing_created	 out;
	const char			*field;
	char				 loc[128];
	int				 alg;
	enum ops_err			 e;

	if (alg_body(x, 2, &b, &alg) == -1)
		return;
	rq.alg = (enum jws_alg)alg;
	rq.next = b.next;
	rq.kek = x->a->cfg->kek;
	if ((e = ops_signing_create(&x->ctx, &rq, &out, &field)) != OPS_OK) {
		adminapi_ops_error(x, e, field, "a next key of that algorithm "
		    "exists: rotate to it first");
		return;
	}
	snprintf(loc, sizeof(loc), "/platform/signing-keys/%s", out.kid);
	adminapi_created(x, loc, json_pack("{s:s, s:s, s:s, s:o}", "kid",
	    out.kid, "alg", jws_alg_name(rq.alg), "created_at", out.created_at,
	    "retired", out.retired[0] != '\0' ? json_string(out.retired) :
	    json_null()), 0);
}

static void
signing_rotate(struct adminapi *x)
{
	struct alg_body			 b;
	struct ops_signing_rotate	 rq;
	struct ops_signing_rotated	 out;
	const char			*field;
	int				 alg;
	enum ops_err			 e;

	if (alg_body(x, 1, &b, &alg) == -1)
		return;
	rq.alg = (enum jws_alg)alg;
	rq.kek = x->a->cfg->kek;
	if ((e = ops_signing_rotate(&x->ctx, &rq, &out, &field)) != OPS_OK) {
		adminapi_ops_error(x, e, field, "a concurrent rotation won");
		return;
	}
	adminapi_json(x, 200, json_pack("{s:s, s:o, s:b}", "kid", out.kid,
	    "retired", out.retired[0] != '\0' ? json_string(out.retired) :
	    json_null(), "created", out.created), 0);
}

static void
signing_retire(struct adminapi *x)
{
	struct ops_signing_retire	 rq;
	struct ops_signing_retired	 out;
	const char			*field;
	enum ops_err			 e;

	rq.kid = adminapi_arg(x, "kid");
	if ((e = ops_signing_retire(&x->ctx, &rq, &out, &field)) != OPS_OK) {
		adminapi_ops_error(x, e, field, NULL);
		return;
	}
	adminapi_json(x, 200, json_pack("{s:s, s:o}", "kid", out.kid,
	    "replaced_by", out.replaced_by[0] != '\0' ?
	    json_string(out.replaced_by) : json_null()), 0);
}

/* --- the table -------------------------------------------------------- */

static const struct adminapi_route routes[] = {
	{ "GET", "/platform/orgs", orgs_list, 0 },
	{ "POST", "/platform/orgs", orgs_create, 0 },
	{ "POST", "/platform/orgs/{slug}/disable", orgs_disable, 0 },
	{ "POST", "/platform/orgs/{slug}/enable", orgs_enable, 0 },
	{ "GET", "/platform/signing-keys", signing_list, 0 },
	{ "POST", "/platform/signing-keys", signing_create, 0 },
	{ "POST", "/platform/signing-keys/rotate", signing_rotate, 0 },
	{ "POST", "/platform/signing-keys/{kid}/retire", signing_retire, 0 },
};

const struct adminapi_route *
platform_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

void
platform_dispatch(struct app *a, struct req *r, struct resp *p)
{
	adminapi_serve(a, r, p, routes, sizeof(routes) / sizeof(routes[0]), 1);
}
