/*
 * /admin/login-template: the caller's organization's login page template
 * over HTTP (docs/LOGIN.md, "Customizing the page"), a thin adapter over
 * ops_login.h, the same operation as `jwtmint-admin login-template`: it
 * alone validates (text of at most 200 characters without control
 * characters, colours #rrggbb in lower case) and writes the audit row.
 *
 *   GET   /admin/login-template   {title, org_name, bg, fg, accent,
 *                                 version}, with its ETag (a template
 *                                 never set: the defaults, version 1)
 *   PATCH /admin/login-template   any of title, org_name (null: back to
 *                                 the default), bg, fg, accent; If-Match
 *
 * One template per organization, the caller's (adminapi.h): there is no
 * id to name another organization's.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adminapi.h"
#include "ops_login.h"
#include "store_login.h"

static json_t *
tpl_json(const struct store_login_tpl *t)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "title", t->title,
	    "org_name", t->org_name, "bg", t->colors[0], "fg", t->colors[1],
	    "accent", t->colors[2], "version", (json_int_t)t->version);
}

/* The body's names for ops_login's fields. */
static const char *
body_name(const char *field)
{
	return strcmp(field, "org-name") == 0 ? "org_name" : field;
}

static void
tpl_error(struct adminapi *x, enum ops_err e, const char *field)
{
	if (e == OPS_CONFLICT && field != NULL && strcmp(field, "version") == 0)
		adminapi_error(x, OERR_PRECONDITION_FAILED, NULL);
	else
		adminapi_ops_error(x, e, field != NULL ? body_name(field) :
		    NULL, NULL);
}

void
h_admin_login_get(struct adminapi *x)
{
	static const char *const none[] = { NULL };
	struct store_login_tpl	 t;
	enum ops_err		 e;

	if (adminapi_query_only(x, none) == -1)
		return;
	if ((e = ops_login_tpl_get(&x->ctx, &t)) != OPS_OK) {
		tpl_error(x, e, NULL);
		return;
	}
	adminapi_etag(x, t.version);
	adminapi_json(x, 200, tpl_json(&t), 0);
}

struct tpl_body {
	const char	*title, *org_name, *bg, *fg, *accent;
};

/* Byte bounds only (200 characters of UTF-8 fit): ops_login counts the
 * characters. */
static const struct jreq_field tpl_spec[] = {
	{ "title", JREQ_STRING, JREQ_NULLABLE, offsetof(struct tpl_body,
	    title), STORE_LOGIN_NAME_BYTES - 1, 0, 0, 0 },
	{ "org_name", JREQ_STRING, JREQ_NULLABLE, offsetof(struct tpl_body,
	    org_name), STORE_LOGIN_NAME_BYTES - 1, 0, 0, 0 },
	{ "bg", JREQ_STRING, 0, offsetof(struct tpl_body, bg), 7, 0, 0, 0 },
	{ "fg", JREQ_STRING, 0, offsetof(struct tpl_body, fg), 7, 0, 0, 0 },
	{ "accent", JREQ_STRING, 0, offsetof(struct tpl_body, accent), 7, 0,
	    0, 0 },
};

void
h_admin_login_update(struct adminapi *x)
{
	struct ops_login_tpl_set	 rq;
	struct store_login_tpl		 t;
	struct tpl_body			 b;
	struct jreq			 j;
	const char			*field = NULL;
	enum ops_err			 e;

	memset(&rq, 0, sizeof(rq));
	if (adminapi_if_match(x, &rq.if_version) == -1)
		return;
	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, tpl_spec, sizeof(tpl_spec) / sizeof(tpl_spec[0]),
	    &b, &j) == -1)
		return;
	if (j.seen == 0) {
		jreq_free(&j);
		adminapi_error(x, OERR_INVALID_REQUEST, "nothing to update");
		return;
	}
	/* null: back to the default (the page's title, the organization's
	 * own name). */
	rq.title = jreq_is_null(&j, "title") ? "" : b.title;
	rq.org_name = jreq_is_null(&j, "org_name") ? "" : b.org_name;
	rq.colors[0] = b.bg;
	rq.colors[1] = b.fg;
	rq.colors[2] = b.accent;
	/* An If-Match naming none of our versions never matches. */
	if (rq.if_version < 0)
		rq.if_version = LLONG_MAX;
	e = ops_login_tpl_set(&x->ctx, &rq, &t, &field);
	jreq_free(&j);
	if (e != OPS_OK) {
		tpl_error(x, e, field);
		return;
	}
	adminapi_etag(x, t.version);
	adminapi_json(x, 200, tpl_json(&t), 0);
}
