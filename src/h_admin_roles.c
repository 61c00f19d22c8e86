/*
 * /admin/roles: the organization's roles over HTTP, thin adapters over
 * ops_role.h (JSON in, one operation, JSON out). The framework
 * (adminapi.h) has authenticated the caller and scopes everything to its
 * organization.
 *
 *   GET   /admin/roles           list: ?limit= ?cursor=
 *   POST  /admin/roles           create {name, scopes, all_accounts,
 *                                read_only}: 201, Location; Idempotency-Key
 *   GET   /admin/roles/{name}    one role, with its ETag
 *   PATCH /admin/roles/{name}    scopes, all_accounts, read_only; If-Match.
 *                                Narrower: the tokens of its users end.
 *
 * Nobody makes or changes a role beyond what it holds itself (403). A
 * malformed name in the path is 404, as a missing role and another
 * organization's.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adminapi.h"
#include "ops_role.h"
#include "ops_user.h"

/* "a b c" → ["a","b","c"] */
static json_t *
words(const char *s)
{
	json_t	*a = json_array();
	size_t	 n;

	while (a != NULL && *s != '\0') {
		s += strspn(s, " ");
		if ((n = strcspn(s, " ")) == 0)
			break;
		json_array_append_new(a, json_stringn(s, n));
		s += n;
	}
	return a;
}

static json_t *
role_json(const struct ops_role *r)
{
	return json_pack("{s:s, s:o, s:b, s:b, s:s, s:I}", "name", r->name,
	    "scopes", words(r->scopes), "all_accounts", r->all_accounts,
	    "read_only", r->read_only, "created_at", r->created_at,
	    "version", (json_int_t)r->version);
}

/* in_path: the name is the path's (malformed: 404), not a body field. */
static void
role_error(struct adminapi *x, enum ops_err e, const char *field,
    const char *conflict, int in_path)
{
	if (e == OPS_INVALID && in_path && field != NULL &&
	    strcmp(field, "name") == 0)
		adminapi_error(x, OERR_ADMIN_NOT_FOUND, NULL);
	else if (e == OPS_CONFLICT && field != NULL &&
	    strcmp(field, "version") == 0)
		adminapi_error(x, OERR_PRECONDITION_FAILED, NULL);
	else
		adminapi_ops_error(x, e, field, conflict);
}

/* --- GET /admin/roles ------------------------------------------------- */

struct page {
	json_t		*roles;
	struct cursor	 last;
};

static int
page_row(void *arg, const struct ops_role *r)
{
	struct page	*pg = arg;

	if (json_array_append_new(pg->roles, role_json(r)) == -1)
		return -1;
	pg->last.usec = r->created_usec;
	snprintf(pg->last.id, sizeof(pg->last.id), "%s", r->name);
	return 0;
}

void
h_admin_roles_list(struct adminapi *x)
{
	static const char *const names[] = { "limit", "cursor", NULL };
	struct ops_role_list	 rq;
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
	rq.after_name = has_after ? after.id : NULL;
	rq.row = page_row;
	rq.arg = &pg;
	if ((pg.roles = json_array()) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	e = ops_role_list(&x->ctx, &rq, &out, &field);
	adminapi_page_answer(x, e, field, "roles", pg.roles, out.more, &pg.last);
}

/* --- POST /admin/roles ------------------------------------------------ */

struct create_body {
	const char	*name, *scopes;
	int		 all_accounts, read_only;
};

static const struct jreq_field create_spec[] = {
	{ "name", JREQ_STRING, JREQ_REQUIRED, offsetof(struct create_body,
	    name), PERM_ROLE_NAME_BYTES - 1, 0, 0, 0 },
	{ "scopes", JREQ_WORDS, JREQ_REQUIRED, offsetof(struct create_body,
	    scopes), SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "all_accounts", JREQ_BOOL, 0, offsetof(struct create_body,
	    all_accounts), 0, 0, 0, 0 },
	{ "read_only", JREQ_BOOL, 0, offsetof(struct create_body, read_only),
	    0, 0, 0, 0 },
};

void
h_admin_roles_create(struct adminapi *x)
{
	struct create_body	 b;
	struct ops_role_create	 rq;
	struct ops_user_holds	 h;
	struct ops_role		 out;
	struct jreq		 j;
	const char		*field;
	char			 loc[64 + PERM_ROLE_NAME_BYTES];
	enum ops_err		 e;

	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, create_spec, sizeof(create_spec) /
	    sizeof(create_spec[0]), &b, &j) == -1)
		return;
	if (adminapi_holds(x, &h) == -1) {
		jreq_free(&j);
		return;
	}
	rq.name = b.name;
	rq.scopes = b.scopes;
	rq.all_accounts = b.all_accounts;
	rq.read_only = b.read_only;
	rq.held = &h.h;
	e = ops_role_create(&x->ctx, &rq, &out, &field);
	jreq_free(&j);
	if (e != OPS_OK) {
		role_error(x, e, field, "a role with this name exists", 0);
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/roles/%s", out.name);
	adminapi_etag(x, out.version);
	adminapi_created(x, loc, role_json(&out), 0);
}

/* --- /admin/roles/{name} ---------------------------------------------- */

void
h_admin_roles_get(struct adminapi *x)
{
	struct ops_role_name	 rq;
	struct ops_role		 r;
	const char		*field;
	enum ops_err		 e;

	rq.name = adminapi_arg(x, "name");
	if ((e = ops_role_get(&x->ctx, &rq, &r, &field)) != OPS_OK) {
		role_error(x, e, field, NULL, 1);
		return;
	}
	adminapi_etag(x, r.version);
	adminapi_json(x, 200, role_json(&r), 0);
}

struct update_body {
	const char	*scopes;
	int		 all_accounts, read_only;
};

static const struct jreq_field update_spec[] = {
	{ "scopes", JREQ_WORDS, 0, offsetof(struct update_body, scopes),
	    SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "all_accounts", JREQ_BOOL, 0, offsetof(struct update_body,
	    all_accounts), 0, 0, 0, 0 },
	{ "read_only", JREQ_BOOL, 0, offsetof(struct update_body, read_only),
	    0, 0, 0, 0 },
};

void
h_admin_roles_update(struct adminapi *x)
{
	struct update_body	 b;
	struct ops_role_update	 rq;
	struct ops_role_updated	 out;
	struct ops_user_holds	 h;
	struct jreq		 j;
	const char		*field;
	enum ops_err		 e;
	json_t			*doc;

	memset(&rq, 0, sizeof(rq));
	if (adminapi_if_match(x, &rq.if_version) == -1)
		return;
	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, update_spec, sizeof(update_spec) /
	    sizeof(update_spec[0]), &b, &j) == -1)
		return;
	if (j.seen == 0) {
		jreq_free(&j);
		adminapi_error(x, OERR_INVALID_REQUEST, "nothing to update");
		return;
	}
	if (adminapi_holds(x, &h) == -1) {
		jreq_free(&j);
		return;
	}
	rq.name = adminapi_arg(x, "name");
	rq.scopes = b.scopes;
	rq.all_accounts = jreq_has(&j, "all_accounts") ? b.all_accounts : -1;
	rq.read_only = jreq_has(&j, "read_only") ? b.read_only : -1;
	rq.held = &h.h;
	/* An If-Match naming none of our versions never matches. */
	if (rq.if_version < 0)
		rq.if_version = LLONG_MAX;
	e = ops_role_update(&x->ctx, &rq, &out, &field);
	jreq_free(&j);
	if (e != OPS_OK) {
		role_error(x, e, field, NULL, 1);
		return;
	}
	if ((doc = role_json(&out.role)) != NULL &&
	    json_object_set_new(doc, "users_cut_off",
	    json_integer(out.users_cut_off)) == -1) {
		json_decref(doc);
		doc = NULL;
	}
	adminapi_etag(x, out.role.version);
	adminapi_json(x, 200, doc, 0);
}
