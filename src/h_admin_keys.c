/*
 * /admin/keys: the organization's API keys over HTTP, thin adapters over
 * ops_key.h (JSON in, one operation, JSON out). The framework
 * (adminapi.h) has authenticated the caller and scopes everything to its
 * organization.
 *
 *   GET    /admin/keys              list: ?env= ?status= ?name_prefix=
 *                                   ?expiring_within=7d ?limit= ?cursor=
 *   POST   /admin/keys              create: 201, Location, the key once
 *   GET    /admin/keys/{id}         one key, with its ETag
 *   PATCH  /admin/keys/{id}         name, meta, rate limits, expiry (only
 *                                   earlier), scopes and grants (only
 *                                   narrower), disabled; If-Match
 *   DELETE /admin/keys/{id}         revoke (its tokens with it)
 *   POST   /admin/keys/{id}/roll    {grace, revoke_tokens}: 201, the new key
 *
 * A key is shown without its secret, salt or hash: "start" (prefix and
 * id) is what a person recognizes it by. A malformed id in the path is 404,
 * as a missing key and another organization's.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adminapi.h"
#include "duration.h"
#include "http.h"
#include "ops_key.h"
#include "ops_user.h"
#include "secret.h"

/* The answer for an operation's error on a key. */
static void
key_error(struct adminapi *x, enum ops_err e, const char *field,
    const char *conflict)
{
	char	 desc[JREQ_WHY_BYTES];

	if (e == OPS_INVALID && field != NULL && strcmp(field, "id") == 0)
		adminapi_error(x, OERR_ADMIN_NOT_FOUND, NULL);
	else if (e == OPS_INVALID && field == OPS_KEY_WIDER)
		adminapi_error(x, OERR_FORBIDDEN, OPS_KEY_WIDER);
	else if (e == OPS_INVALID && field != NULL && strchr(field, ' ')) {
		snprintf(desc, sizeof(desc), "%s", field);
		adminapi_error(x, OERR_INVALID_REQUEST, desc);
	} else if (e == OPS_CONFLICT && field != NULL &&
	    strcmp(field, "version") == 0)
		adminapi_error(x, OERR_PRECONDITION_FAILED, NULL);
	else
		adminapi_ops_error(x, e, field, conflict);
}

/*
 * What the caller holds, as the limit of a key operation: its scopes, its
 * key's grants, and whether it reaches every account (a user of a role
 * without all_accounts does not, and makes no key). -1: answered.
 */
static int
caller_limit(struct adminapi *x, struct ops_key_limit *l)
{
	struct ops_user_holds	 h;

	if (adminapi_holds(x, &h) == -1)
		return -1;
	l->scopes = &x->who.scopes;
	l->grants = x->who.grants;
	l->all_accounts = h.h.all_accounts;
	return 0;
}

/* A key's answer: its view with the ETag. */
static void
answer(struct adminapi *x, const struct ops_key_view *v)
{
	adminapi_etag(x, v->version);
	adminapi_json(x, 200, ops_key_view_json(v), 0);
}

/* --- GET /admin/keys -------------------------------------------------- */

struct page {
	json_t		*keys;
	int		 limit, n, more;
	struct cursor	 last;
};

static int
page_row(void *arg, const struct ops_key_view *v)
{
	struct page	*pg = arg;

	if (pg->n == pg->limit) {
		pg->more = 1;	/* the one row past the page */
		return 0;
	}
	if (json_array_append_new(pg->keys, ops_key_view_json(v)) == -1)
		return -1;
	pg->n++;
	pg->last.usec = v->created_usec;
	snprintf(pg->last.id, sizeof(pg->last.id), "%s", v->id);
	return 0;
}

void
h_admin_keys_list(struct adminapi *x)
{
	static const char *const names[] = { "env", "status", "name_prefix",
	    "expiring_within", "limit", "cursor", NULL };
	struct ops_key_list	 rq;
	struct cursor		 after;
	struct page		 pg;
	const char		*w, *field;
	char			 next[CURSOR_MAX_BYTES + 1];
	enum ops_err		 e;
	json_t			*doc;
	int			 n;

	memset(&rq, 0, sizeof(rq));
	memset(&pg, 0, sizeof(pg));
	if (adminapi_query_only(x, names) == -1 ||
	    adminapi_page(x, &pg.limit, &after, &rq.has_after) == -1)
		return;
	rq.env = adminapi_query(x, "env");
	rq.status = adminapi_query(x, "status");
	rq.name_prefix = adminapi_query(x, "name_prefix");
	if ((w = adminapi_query(x, "expiring_within")) != NULL &&
	    (rq.expiring_within = duration_parse(w, strlen(w))) <= 0) {
		adminapi_error(x, OERR_INVALID_REQUEST, "expiring_within must be "
		    "a duration such as 7d");
		return;
	}
	rq.limit = pg.limit + 1;
	rq.after_usec = after.usec;
	rq.after_id = after.id;
	if ((pg.keys = json_array()) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	if ((e = ops_key_list(&x->ctx, &rq, page_row, &pg, &n, &field)) !=
	    OPS_OK) {
		json_decref(pg.keys);
		key_error(x, e, field, NULL);
		return;
	}
	next[0] = '\0';
	if (pg.more && cursor_encode(next, sizeof(next), &pg.last) == -1) {
		json_decref(pg.keys);
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	doc = json_pack("{s:o, s:o}", "keys", pg.keys, "next_cursor",
	    next[0] != '\0' ? json_string(next) : json_null());
	adminapi_json(x, 200, doc, 0);
}

/* --- POST /admin/keys ------------------------------------------------- */

struct create_body {
	const char	*name, *scopes, *env, *grants, *meta;
	long long	 expires_in, rate_per_sec, rate_per_min;
};

static const struct jreq_field create_spec[] = {
	{ "name", JREQ_STRING, JREQ_REQUIRED, offsetof(struct create_body,
	    name), OPS_KEY_NAME_BYTES, 0, 0, 0 },
	{ "scopes", JREQ_WORDS, JREQ_REQUIRED, offsetof(struct create_body,
	    scopes), SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "env", JREQ_STRING, 0, offsetof(struct create_body, env), 8, 0, 0,
	    0 },
	{ "grants", JREQ_WORDS, 0, offsetof(struct create_body, grants), 64, 4,
	    0, 0 },
	{ "expires_in", JREQ_DURATION, 0, offsetof(struct create_body,
	    expires_in), 0, 0, 1, OPS_KEY_MAX_EXPIRES_SEC },
	{ "rate_per_sec", JREQ_INT, JREQ_NULLABLE, offsetof(struct create_body,
	    rate_per_sec), 0, 0, 0, OPS_KEY_MAX_RATE },
	{ "rate_per_min", JREQ_INT, JREQ_NULLABLE, offsetof(struct create_body,
	    rate_per_min), 0, 0, 0, OPS_KEY_MAX_RATE },
	{ "meta", JREQ_META, 0, offsetof(struct create_body, meta), 0, 0, 0,
	    0 },
};

/* The view and the secret, once. */
static json_t *
with_secret(const struct ops_key_view *v, const char *key)
{
	json_t	*o = ops_key_view_json(v);

	if (o != NULL && json_object_set_new(o, "key", json_string(key)) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void
h_admin_keys_create(struct adminapi *x)
{
	struct create_body	 b;
	struct ops_key_create	 rq;
	struct ops_key_created	 out;
	struct ops_key_limit	 lim;
	struct jreq		 j;
	const char		*field;
	char			 loc[64];
	enum ops_err		 e;

	if (caller_limit(x, &lim) == -1)
		return;
	memset(&b, 0, sizeof(b));
	b.rate_per_sec = b.rate_per_min = -1;
	if (adminapi_body(x, create_spec, sizeof(create_spec) /
	    sizeof(create_spec[0]), &b, &j) == -1)
		return;
	memset(&rq, 0, sizeof(rq));
	rq.name = b.name;
	rq.scopes = b.scopes;
	rq.env = b.env;
	rq.grants = b.grants != NULL && b.grants[0] != '\0' ? b.grants : NULL;
	if (b.grants != NULL && b.grants[0] == '\0') {
		jreq_free(&j);
		adminapi_error(x, OERR_INVALID_REQUEST, "grants is empty");
		return;
	}
	rq.expires_in = b.expires_in;
	rq.rate_per_sec = jreq_is_null(&j, "rate_per_sec") ? -1 :
	    (int)b.rate_per_sec;
	rq.rate_per_min = jreq_is_null(&j, "rate_per_min") ? -1 :
	    (int)b.rate_per_min;
	rq.meta = b.meta;
	rq.limit = &lim;
	e = ops_key_create(&x->ctx, &rq, &out, &field);
	jreq_free(&j);
	if (e != OPS_OK) {
		key_error(x, e, field, "the organization is disabled");
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/keys/%s", out.view.id);
	adminapi_etag(x, out.view.version);
	adminapi_created(x, loc, with_secret(&out.view, out.key), 1);
	secret_wipe(out.key, sizeof(out.key));
}

/* --- /admin/keys/{id} ------------------------------------------------- */

void
h_admin_keys_get(struct adminapi *x)
{
	struct ops_key_get	 rq = { adminapi_arg(x, "id"), NULL };
	struct ops_key_view	 v;
	const char		*field;
	enum ops_err		 e;

	if ((e = ops_key_get(&x->ctx, &rq, &v, &field)) != OPS_OK) {
		key_error(x, e, field, NULL);
		return;
	}
	answer(x, &v);
}

struct update_body {
	const char	*name, *meta, *scopes, *grants;
	long long	 rate_per_sec, rate_per_min, expires_in;
	int		 disabled;
};

static const struct jreq_field update_spec[] = {
	{ "name", JREQ_STRING, 0, offsetof(struct update_body, name),
	    OPS_KEY_NAME_BYTES, 0, 0, 0 },
	{ "meta", JREQ_META, 0, offsetof(struct update_body, meta), 0, 0, 0,
	    0 },
	{ "rate_per_sec", JREQ_INT, JREQ_NULLABLE, offsetof(struct update_body,
	    rate_per_sec), 0, 0, 0, OPS_KEY_MAX_RATE },
	{ "rate_per_min", JREQ_INT, JREQ_NULLABLE, offsetof(struct update_body,
	    rate_per_min), 0, 0, 0, OPS_KEY_MAX_RATE },
	{ "expires_in", JREQ_DURATION, 0, offsetof(struct update_body,
	    expires_in), 0, 0, 1, OPS_KEY_MAX_EXPIRES_SEC },
	{ "scopes", JREQ_WORDS, 0, offsetof(struct update_body, scopes),
	    SCOPE_MAX_TOKEN_BYTES, SCOPE_MAX_TOKENS, 0, 0 },
	{ "grants", JREQ_WORDS, 0, offsetof(struct update_body, grants), 64, 4,
	    0, 0 },
	{ "disabled", JREQ_BOOL, 0, offsetof(struct update_body, disabled), 0,
	    0, 0, 0 },
};

void
h_admin_keys_update(struct adminapi *x)
{
	struct update_body	 b;
	struct ops_key_update	 rq;
	struct ops_key_view	 v;
	struct ops_key_limit	 lim;
	struct jreq		 j;
	const char		*field;
	enum ops_err		 e;

	memset(&rq, 0, sizeof(rq));
	if (adminapi_if_match(x, &rq.if_version) == -1 ||
	    caller_limit(x, &lim) == -1)
		return;
	rq.limit = &lim;
	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, update_spec, sizeof(update_spec) /
	    sizeof(update_spec[0]), &b, &j) == -1)
		return;
	if (j.seen == 0) {
		jreq_free(&j);
		adminapi_error(x, OERR_INVALID_REQUEST, "nothing to update");
		return;
	}
	if (b.grants != NULL && b.grants[0] == '\0') {
		jreq_free(&j);
		adminapi_error(x, OERR_INVALID_REQUEST, "grants is empty");
		return;
	}
	rq.id = adminapi_arg(x, "id");
	rq.name = b.name;
	rq.meta = b.meta;
	rq.set_rate_per_sec = jreq_has(&j, "rate_per_sec");
	rq.rate_per_sec = jreq_is_null(&j, "rate_per_sec") ? -1 :
	    (int)b.rate_per_sec;
	rq.set_rate_per_min = jreq_has(&j, "rate_per_min");
	rq.rate_per_min = jreq_is_null(&j, "rate_per_min") ? -1 :
	    (int)b.rate_per_min;
	rq.disabled = jreq_has(&j, "disabled") ? b.disabled : -1;
	rq.expires_in = b.expires_in;
	rq.scopes = b.scopes;
	rq.grants = b.grants;
	e = ops_key_update(&x->ctx, &rq, &v, &field);
	jreq_free(&j);
	if (e != OPS_OK) {
		key_error(x, e, field, NULL);
		return;
	}
	answer(x, &v);
}

void
h_admin_keys_delete(struct adminapi *x)
{
	struct ops_key_limit	 lim;
	struct ops_key_get	 rq = { adminapi_arg(x, "id"), &lim };
	struct ops_key_view	 v;
	const char		*field;
	enum ops_err		 e;

	if (caller_limit(x, &lim) == -1)
		return;
	if ((e = ops_key_revoke(&x->ctx, &rq, &v, &field)) != OPS_OK) {
		key_error(x, e, field, NULL);
		return;
	}
	answer(x, &v);
}

/* --- POST /admin/keys/{id}/roll --------------------------------------- */

struct roll_body {
	long long	 grace;
	int		 revoke_tokens;
};

static const struct jreq_field roll_spec[] = {
	{ "grace", JREQ_DURATION, JREQ_REQUIRED, offsetof(struct roll_body,
	    grace), 0, 0, 0, OPS_ROLL_MAX_GRACE_SEC },
	{ "revoke_tokens", JREQ_BOOL, 0, offsetof(struct roll_body,
	    revoke_tokens), 0, 0, 0, 0 },
};

void
h_admin_keys_roll(struct adminapi *x)
{
	struct roll_body	 b;
	struct ops_key_roll	 rq;
	struct ops_key_rolled	 out;
	struct ops_key_limit	 lim;
	struct ops_key_get	 g;
	struct ops_key_view	 v;
	struct jreq		 j;
	const char		*field;
	char			 loc[64];
	enum ops_err		 e;
	json_t			*doc;

	if (caller_limit(x, &lim) == -1)
		return;
	memset(&b, 0, sizeof(b));
	if (adminapi_body(x, roll_spec, sizeof(roll_spec) / sizeof(roll_spec[0]),
	    &b, &j) == -1)
		return;
	jreq_free(&j);
	memset(&rq, 0, sizeof(rq));
	rq.id = adminapi_arg(x, "id");
	rq.grace_sec = b.grace;
	rq.revoke_tokens = b.revoke_tokens || b.grace == 0;
	rq.limit = &lim;
	if ((e = ops_key_roll(&x->ctx, &rq, &out, &field)) != OPS_OK) {
		key_error(x, e, field, "only the newest key of a chain, not "
		    "revoked, disabled or expired, can be rolled");
		return;
	}
	g.id = out.id;
	g.limit = NULL;
	if ((e = ops_key_get(&x->ctx, &g, &v, &field)) != OPS_OK) {
		secret_wipe(out.key, sizeof(out.key));
		key_error(x, e, field, NULL);
		return;
	}
	doc = with_secret(&v, out.key);
	secret_wipe(out.key, sizeof(out.key));
	if (doc != NULL && (json_object_set_new(doc, "old_key_ends_at",
	    json_string(out.old_ends_at)) == -1 || json_object_set_new(doc,
	    "revoke_tokens", json_boolean(rq.revoke_tokens)) == -1)) {
		json_decref(doc);
		doc = NULL;
	}
	snprintf(loc, sizeof(loc), "/admin/keys/%s", v.id);
	adminapi_etag(x, v.version);
	adminapi_created(x, loc, doc, 1);
}
