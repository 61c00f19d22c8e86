/*
 * /admin/users: the organization's users over HTTP, thin adapters over
 * ops_user.h (JSON in, one operation, JSON out). The framework
 * (adminapi.h) has authenticated the caller and scopes everything to its
 * organization.
 *
 *   GET   /admin/users                      list: ?limit= ?cursor=
 *   POST  /admin/users                      create {username, role, scopes,
 *                                           accounts, password}: 201,
 *                                           Location; Idempotency-Key
 *   GET   /admin/users/{username}           one user, with its ETag
 *   PATCH /admin/users/{username}           role, scopes, accounts; If-Match
 *   POST  /admin/users/{username}/password  {password}: 204
 *   POST  /admin/users/{username}/disable   every token of the user ends
 *   POST  /admin/users/{username}/enable
 *
 * A password only goes in: no answer holds it or its hash, and an error
 * names the field, never a value. Nobody gives a user more than it holds
 * itself, nor changes a user who holds more (403). A malformed username in
 * the path is 404, as a missing user and another organization's.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "adminapi.h"
#include "app.h"
#include "config.h"
#include "http.h"
#include "ops_user.h"
#include "secret.h"

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

/* A user as shown: never its password or hash. */
static json_t *
user_json(const struct ops_user *u)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:I}",
	    "id", u->id, "username", u->username, "role", u->role,
	    "scopes", words(u->scopes), "accounts", words(u->accounts),
	    "created_at", u->created_at, "disabled_at", u->disabled_at[0] ?
	    json_string(u->disabled_at) : json_null(),
	    "version", (json_int_t)u->version);
}

static void
argon2(const struct adminapi *x, struct password_params *p)
{
	p->m_kib = (uint32_t)x->a->cfg->argon2_m_kib;
	p->t = (uint32_t)x->a->cfg->argon2_t;
	p->p = (uint32_t)x->a->cfg->argon2_p;
}

/* The answer for an operation's error on a user; in_path: the username
 * is the path's (malformed: 404, as a missing one), not a body field. */
static void
user_error(struct adminapi *x, enum ops_err e, const char *field,
    const char *conflict, int in_path)
{
	if (e == OPS_INVALID && in_path && field != NULL &&
	    strcmp(field, "username") == 0)
		adminapi_error(x, OERR_ADMIN_NOT_FOUND, NULL);
	else if (e == OPS_CONFLICT && field != NULL &&
	    strcmp(field, "version") == 0)
		adminapi_error(x, OERR_PRECONDITION_FAILED, NULL);
	else
		adminapi_ops_error(x, e, field, conflict);
}

static void
answer(struct adminapi *x, int status, json_t *doc, long long version)
{
	adminapi_etag(x, version);
	adminapi_json(x, status, doc, 0);
}

/* --- GET /admin/users ------------------------------------------------- */

struct page {
	json_t		*users;
	struct cursor	 last;
};

static int
page_row(void *arg, const struct ops_user *u)
{
	struct page	*pg = arg;

	if (json_array_append_new(pg->users, user_json(u)) == -1)
		return -1;
	pg->last.usec = u->created_usec;
	snprintf(pg->last.id, sizeof(pg->last.id), "%s", u->id);
	return 0;
}

void
h_admin_users_list(struct adminapi *x)
{
	static const char *const names[] = { "limit", "cursor", NULL };
	struct ops_user_list	 rq;
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
	if ((pg.users = json_array()) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	e = ops_user_list(&x->ctx, &rq, &out, &field);
	adminapi_page_answer(x, e, field, "users", pg.users, out.more, &pg.last);
}

/* --- POST /admin/users ------------------------------------------------ */

struct create_body {
	const char	*username, *role, *scopes, *accounts, *password;
};

static const struct jreq_field create_spec[] = {
	{ "username", JREQ_STRING, JREQ_REQUIRED, offsetof(struct create_body,
	    username), USERNAME_MAX_BYTES, 0, 0, 0 },
	{ "role", JREQ_STRING, JREQ_REQUIRED, offsetof(struct create_body,
	    role), PERM_ROLE_NAME_BYTES - 1, 0, 0, 0 },
	{ "scopes", JREQ_WORDS, 0, offsetof(struct create_body, scopes),
	    SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "accounts", JREQ_WORDS, 0, offsetof(struct create_body, accounts),
	    SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "password", JREQ_STRING, JREQ_REQUIRED, offsetof(struct create_body,
	    password), PASSWORD_MAX_BYTES, 0, 0, 0 },
};

/* Wipe the password jreq holds (its string is freed with j). */
static void
wipe(const char *pw)
{
	if (pw != NULL)
		secret_wipe((char *)(uintptr_t)pw, strlen(pw));
}

void
h_admin_users_create(struct adminapi *x)
{
	struct create_body	 b;
	struct ops_user_create	 rq;
	struct password_params	 pp;
	struct ops_user_holds	 h;
	struct ops_user		 out;
	struct jreq		 j;
	const char		*field;
	char			 loc[64 + USERNAME_MAX_BYTES];
	enum ops_err		 e;

	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, create_spec, sizeof(create_spec) /
	    sizeof(create_spec[0]), &b, &j) == -1)
		return;
	if (adminapi_holds(x, &h) == -1) {
		wipe(b.password);
		jreq_free(&j);
		return;
	}
	argon2(x, &pp);
	memset(&rq, 0, sizeof(rq));
	rq.username = b.username;
	rq.role = b.role;
	rq.scopes = b.scopes;
	rq.accounts = b.accounts;
	rq.password = b.password;
	rq.pw = &pp;
	rq.held = &h.h;
	e = ops_user_create(&x->ctx, &rq, &out, &field);
	wipe(b.password);
	jreq_free(&j);
	if (e != OPS_OK) {
		user_error(x, e, field, "a user with this username exists", 0);
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/users/%s", out.username);
	adminapi_etag(x, out.version);
	adminapi_created(x, loc, user_json(&out), 0);
}

/* --- /admin/users/{username} ------------------------------------------ */

void
h_admin_users_get(struct adminapi *x)
{
	struct ops_user_name	 rq;
	struct ops_user		 u;
	const char		*field;
	enum ops_err		 e;

	rq.username = adminapi_arg(x, "username");
	rq.held = NULL;
	if ((e = ops_user_get(&x->ctx, &rq, &u, &field)) != OPS_OK) {
		user_error(x, e, field, NULL, 1);
		return;
	}
	answer(x, 200, user_json(&u), u.version);
}

struct update_body {
	const char	*role, *scopes, *accounts;
};

static const struct jreq_field update_spec[] = {
	{ "role", JREQ_STRING, 0, offsetof(struct update_body, role),
	    PERM_ROLE_NAME_BYTES - 1, 0, 0, 0 },
	{ "scopes", JREQ_WORDS, 0, offsetof(struct update_body, scopes),
	    SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "accounts", JREQ_WORDS, 0, offsetof(struct update_body, accounts),
	    SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
};

void
h_admin_users_update(struct adminapi *x)
{
	struct update_body	 b;
	struct ops_user_update	 rq;
	struct ops_user_updated	 out;
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
	rq.username = adminapi_arg(x, "username");
	rq.role = b.role;
	rq.scopes = b.scopes;
	rq.accounts = b.accounts;
	rq.held = &h.h;
	/* An If-Match naming none of our versions never matches. */
	if (rq.if_version < 0)
		rq.if_version = LLONG_MAX;
	e = ops_user_update(&x->ctx, &rq, &out, &field);
	jreq_free(&j);
	if (e != OPS_OK) {
		user_error(x, e, field, NULL, 1);
		return;
	}
	if ((doc = user_json(&out.user)) != NULL &&
	    json_object_set_new(doc, "tokens_ended",
	    json_boolean(out.cut_off)) == -1) {
		json_decref(doc);
		doc = NULL;
	}
	answer(x, 200, doc, out.user.version);
}

/* --- POST /admin/users/{username}/password ---------------------------- */

struct password_body {
	const char	*password;
};

static const struct jreq_field password_spec[] = {
	{ "password", JREQ_STRING, JREQ_REQUIRED, offsetof(struct
	    password_body, password), PASSWORD_MAX_BYTES, 0, 0, 0 },
};

void
h_admin_users_password(struct adminapi *x)
{
	struct password_body	 b;
	struct ops_user_password rq;
	struct password_params	 pp;
	struct ops_user_holds	 h;
	struct ops_user		 out;
	struct jreq		 j;
	const char		*field;
	enum ops_err		 e;

	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, password_spec, sizeof(password_spec) /
	    sizeof(password_spec[0]), &b, &j) == -1)
		return;
	if (adminapi_holds(x, &h) == -1) {
		wipe(b.password);
		jreq_free(&j);
		return;
	}
	argon2(x, &pp);
	rq.username = adminapi_arg(x, "username");
	rq.password = b.password;
	rq.pw = &pp;
	rq.held = &h.h;
	e = ops_user_set_password(&x->ctx, &rq, &out, &field);
	wipe(b.password);
	jreq_free(&j);
	if (e != OPS_OK) {
		user_error(x, e, field, NULL, 1);
		return;
	}
	http_resp_header(x->p, "Cache-Control", "no-store");
	http_resp_text(x->p, 204, "", 0);
}

/* --- POST /admin/users/{username}/disable, /enable -------------------- */

static void
set_disabled(struct adminapi *x, int disable)
{
	struct ops_user_name	 rq;
	struct ops_user_holds	 h;
	struct ops_user		 u;
	const char		*field;
	enum ops_err		 e;

	if (adminapi_holds(x, &h) == -1) {
		return;
	}
	rq.username = adminapi_arg(x, "username");
	rq.held = &h.h;
	e = disable ? ops_user_disable(&x->ctx, &rq, &u, &field) :
	    ops_user_enable(&x->ctx, &rq, &u, &field);
	if (e != OPS_OK) {
		user_error(x, e, field, disable ? "the user is disabled already" :
		    "the user is enabled already", 1);
		return;
	}
	answer(x, 200, user_json(&u), u.version);
}

void
h_admin_users_disable(struct adminapi *x)
{
	set_disabled(x, 1);
}

void
h_admin_users_enable(struct adminapi *x)
{
	set_disabled(x, 0);
}
