/*
 * adminapi: see adminapi.h. The route table, the one authentication rule,
 * Idempotency-Key, and the helpers every admin handler answers with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adminapi.h"
#include "appcache.h"
#include "granttype.h"
#include "store_app.h"
#include "app.h"
#include "clientauth.h"
#include "config.h"
#include "db.h"
#include "etag.h"
#include "http.h"
#include "ipaddr.h"
#include "kek.h"
#include "log.h"
#include "ops_user.h"
#include "platform.h"
#include "secret.h"
#include "store_idem.h"
#include "tokencheck.h"

/* Every admin endpoint. Others append their rows (users, roles, audit). */
static const struct adminapi_route routes[] = {
	{ "GET", "/admin/openapi.json", h_admin_openapi, ADMIN_PUBLIC },
	{ "POST", "/admin/revocations", h_admin_revocations, 0 },
	{ "GET", "/admin/keys", h_admin_keys_list, 0 },
	{ "POST", "/admin/keys", h_admin_keys_create, ADMIN_IDEMPOTENT },
	{ "GET", "/admin/keys/{id}", h_admin_keys_get, 0 },
	{ "PATCH", "/admin/keys/{id}", h_admin_keys_update, 0 },
	{ "DELETE", "/admin/keys/{id}", h_admin_keys_delete, 0 },
	{ "POST", "/admin/keys/{id}/roll", h_admin_keys_roll, ADMIN_IDEMPOTENT },
	{ "GET", "/admin/keys/{id}/usage", h_admin_usage_key, 0 },
	{ "GET", "/admin/users", h_admin_users_list, 0 },
	{ "POST", "/admin/users", h_admin_users_create, ADMIN_IDEMPOTENT },
	{ "GET", "/admin/users/{username}", h_admin_users_get, 0 },
	{ "PATCH", "/admin/users/{username}", h_admin_users_update, 0 },
	{ "POST", "/admin/users/{username}/password", h_admin_users_password,
	    0 },
	{ "POST", "/admin/users/{username}/disable", h_admin_users_disable, 0 },
	{ "POST", "/admin/users/{username}/enable", h_admin_users_enable, 0 },
	{ "GET", "/admin/roles", h_admin_roles_list, 0 },
	{ "POST", "/admin/roles", h_admin_roles_create, ADMIN_IDEMPOTENT },
	{ "GET", "/admin/roles/{name}", h_admin_roles_get, 0 },
	{ "PATCH", "/admin/roles/{name}", h_admin_roles_update, 0 },
	{ "GET", "/admin/audit", h_admin_audit_list, 0 },
	{ "GET", "/admin/audit/verify", h_admin_audit_verify, 0 },
	{ "GET", "/admin/apps", h_admin_apps_list, 0 },
	{ "POST", "/admin/apps", h_admin_apps_create, ADMIN_IDEMPOTENT },
	{ "GET", "/admin/apps/{id}", h_admin_apps_get, 0 },
	{ "PATCH", "/admin/apps/{id}", h_admin_apps_update, 0 },
	{ "POST", "/admin/apps/{id}/disable", h_admin_apps_disable, 0 },
	{ "POST", "/admin/apps/{id}/enable", h_admin_apps_enable, 0 },
	{ "GET", "/admin/usage", h_admin_usage_org, 0 },
	{ "GET", "/admin/usage/anomalies", h_admin_anomalies_list, 0 },
	{ "GET", "/admin/login-template", h_admin_login_get, 0 },
	{ "PATCH", "/admin/login-template", h_admin_login_update, 0 },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

const struct adminapi_route *
adminapi_routes(size_t *n)
{
	*n = NROUTES;
	return routes;
}

/* The roles that never reach the admin API, whatever their scopes. */
static const char *const no_admin_roles[] = { "limited", "support" };

/* A request header jwtmint reads here: NULL when absent; *bad when over
 * the limit or repeated. */
static const char *
header(const struct req *r, const char *name, int *bad)
{
	const char	*v = r->io->param(r->io->ctx, name);

	if (v != NULL && (strnlen(v, 1025) > 1024 ||
	    r->io->count(r->io->ctx, name) > 1))
		*bad = 1;
	return v;
}

int
adminapi_auth(struct app *a, struct req *r, struct adminapi_caller *who,
    struct resp *p)
{
	struct store_token_state	 st;
	struct verified			 v;
	struct client			 c;
	struct store_key		 k;
	enum oerr			 err;
	const char			*h = r->authorization;
	char				 ip[IPADDR_MAX_BYTES];
	size_t				 i;

	memset(who, 0, sizeof(*who));
	if (r->remote_addr != NULL && ipaddr_canon(r->remote_addr,
	    strlen(r->remote_addr), ip) == 0)
		snprintf(who->source, sizeof(who->source), "%s", ip);
	if (r->api_key != NULL && h != NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "use one credential: "
		    "X-API-Key or Authorization: Bearer");
		return -1;
	}
	if (h != NULL) {
		if (strncasecmp(h, "Bearer ", 7) != 0) {
			oauth_err(p, OERR_INVALID_TOKEN, "use the Bearer scheme "
			    "or X-API-Key");
			return -1;
		}
		/* Only a token for the admin API's audience is good here. */
		switch (tokencheck(&a->admin_check, h + 7, NULL, &v, &st)) {
		case TC_UNAVAILABLE:
			oauth_err(p, OERR_UNAVAILABLE, NULL);
			return -1;
		case TC_INACTIVE:
			oauth_err(p, OERR_INVALID_TOKEN, NULL);
			return -1;
		case TC_ACTIVE:
			break;
		}
		snprintf(r->client_id, sizeof(r->client_id), "%s", v.client_id);
		snprintf(r->org_id, sizeof(r->org_id), "%s", v.org);
		/* Usage: the key the token was issued to (signed by us). */
		if (strlen(v.client_id) < sizeof(r->usage_key) &&
		    strlen(v.org) < sizeof(r->usage_org)) {
			snprintf(r->usage_key, sizeof(r->usage_key), "%s",
			    v.client_id);
			snprintf(r->usage_org, sizeof(r->usage_org), "%s", v.org);
		}
		if (scope_parse(&who->scopes, v.scope, strlen(v.scope)) == -1 ||
		    !scope_has(&who->scopes, "admin")) {
			oauth_err(p, OERR_FORBIDDEN, NULL);
			return -1;
		}
		for (i = 0; i < sizeof(no_admin_roles) /
		    sizeof(no_admin_roles[0]); i++)
			if (strcmp(v.role, no_admin_roles[i]) == 0) {
				oauth_err(p, OERR_FORBIDDEN, "this role has no "
				    "access to the admin API");
				return -1;
			}
		if (strlen(v.org) >= sizeof(who->org)) {
			oauth_err(p, OERR_INVALID_TOKEN, NULL);
			return -1;
		}
		snprintf(who->org, sizeof(who->org), "%s", v.org);
		/* The grants of the key the token was issued to: no key the
		 * caller makes may use a grant that key cannot. A user's
		 * token of an application (the portal: tokencheck found it
		 * enabled) has no key: every grant but the legacy password
		 * grant (RFC 9700 §2.4), which only the CLI gives. */
		if (store_app_id_valid(v.client_id) && jwtverify_is_user(&v)) {
			/* Of the portal only: a third-party application's
			 * user never gets the admin API (tokens signed before
			 * this rule existed included). */
			switch (appcache_app_ok_type(a->admin_check.apps,
			    a->db, v.client_id, v.org, 1)) {
			case -1:
				oauth_err(p, OERR_UNAVAILABLE, NULL);
				return -1;
			case 0:
				oauth_err(p, OERR_FORBIDDEN, "only the portal's "
				    "tokens are taken here");
				return -1;
			}
			who->grants = GT_CLIENT_CREDENTIALS | GT_REFRESH_TOKEN |
			    GT_TOKEN_EXCHANGE | GT_AUTHORIZATION_CODE;
			snprintf(who->actor, sizeof(who->actor), "user:%s",
			    v.sub);
			return 0;
		}
		switch (keycache_get(&a->keycache, a->db, v.client_id, &k)) {
		case -1:
			oauth_err(p, OERR_UNAVAILABLE, NULL);
			return -1;
		case 0:
			oauth_err(p, OERR_INVALID_TOKEN, NULL);
			return -1;
		}
		who->grants = k.grants;
		if (jwtverify_is_user(&v))
			snprintf(who->actor, sizeof(who->actor), "user:%s",
			    v.sub);
		else
			snprintf(who->actor, sizeof(who->actor), "key:%s",
			    v.client_id);
		return 0;
	}
	if (r->api_key == NULL) {
		oauth_err(p, OERR_INVALID_CLIENT, "an X-API-Key or a Bearer "
		    "token is required");
		http_resp_header(p, "WWW-Authenticate", "Bearer realm=\"jwtmint\"");
		return -1;
	}
	if (clientauth_key(&a->authn, r, r->api_key, NULL, &c, &err) == -1) {
		oauth_err(p, err == OERR_UNAVAILABLE ? OERR_UNAVAILABLE :
		    OERR_INVALID_CLIENT, NULL);
		return -1;
	}
	if (!scope_has(&c.scopes, "admin")) {
		oauth_err(p, OERR_FORBIDDEN, NULL);
		return -1;
	}
	memcpy(who->org, c.org_id, sizeof(who->org));
	snprintf(who->actor, sizeof(who->actor), "key:%s", c.id);
	who->scopes = c.scopes;
	who->grants = c.grants;
	return 0;
}

/* --- helpers ---------------------------------------------------------- */

const char *
adminapi_arg(const struct adminapi *x, const char *name)
{
	const char	*v = pathpat_get(&x->path, name);

	return v != NULL ? v : "";
}

const char *
adminapi_query(const struct adminapi *x, const char *name)
{
	return form_get(&x->query, name);
}

/* A name we may repeat in a message (as jreq.c). */
static int
nameable(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int
adminapi_query_only(struct adminapi *x, const char *const *names)
{
	char	 desc[96];
	size_t	 i, k;

	for (i = 0; i < x->query.n; i++) {
		for (k = 0; names[k] != NULL; k++)
			if (strcmp(names[k], x->query.params[i].name) == 0)
				break;
		if (names[k] != NULL)
			continue;
		if (nameable(x->query.params[i].name))
			snprintf(desc, sizeof(desc), "unknown query parameter "
			    "%s", x->query.params[i].name);
		else
			snprintf(desc, sizeof(desc), "a query parameter is "
			    "unknown or malformed");
		adminapi_error(x, OERR_INVALID_REQUEST, desc);
		return -1;
	}
	return 0;
}

/* Read the body (bounded), once. 0, or an HTTP status. */
static int
read_body(struct adminapi *x)
{
	if (x->r->body != NULL)
		return 0;
	if (!http_req_content_type_is(x->r, "application/json"))
		return 415;
	return http_req_body(x->r, JREQ_MAX_BODY_BYTES);
}

static void
body_error(struct adminapi *x, int st)
{
	if (st == 415)
		adminapi_error(x, OERR_UNSUPPORTED_MEDIA_TYPE, "the body must "
		    "be application/json");
	else
		adminapi_error(x, oauth_err_from_status(st), st == 413 ?
		    "the body is over 64 KiB" : NULL);
}

int
adminapi_body(struct adminapi *x, const struct jreq_field *spec, size_t n,
    void *out, struct jreq *j)
{
	char	 why[JREQ_WHY_BYTES];
	int	 st;

	memset(j, 0, sizeof(*j));
	if ((st = read_body(x)) != 0) {
		body_error(x, st);
		return -1;
	}
	if (jreq_parse(j, x->r->body, x->r->bodylen, spec, n, out, why) == -1) {
		adminapi_error(x, OERR_INVALID_REQUEST, why);
		return -1;
	}
	return 0;
}

int
adminapi_page(struct adminapi *x, int *limit, struct cursor *after,
    int *has_after)
{
	const char	*c = adminapi_query(x, "cursor");

	*has_after = 0;
	memset(after, 0, sizeof(*after));
	if ((*limit = cursor_limit(adminapi_query(x, "limit"),
	    ADMINAPI_PAGE_DEFAULT, ADMINAPI_PAGE_MAX)) < 0) {
		adminapi_error(x, OERR_INVALID_REQUEST, "limit must be 1 to 500");
		return -1;
	}
	if (c == NULL)
		return 0;
	if (cursor_decode(after, c, strlen(c)) == -1) {
		adminapi_error(x, OERR_INVALID_REQUEST, "cursor is malformed");
		return -1;
	}
	*has_after = 1;
	return 0;
}

int
adminapi_if_match(struct adminapi *x, long long *version)
{
	const char	*h;
	int		 bad = 0;

	*version = 0;
	if ((h = header(x->r, "HTTP_IF_MATCH", &bad)) == NULL && !bad)
		return 0;
	if (bad || etag_if_match(h, version) == -1) {
		adminapi_error(x, OERR_INVALID_REQUEST, "If-Match must be one "
		    "entity-tag or *");
		return -1;
	}
	return 0;
}

void
adminapi_etag(struct adminapi *x, long long version)
{
	char	 tag[ETAG_BYTES];

	etag_format(tag, sizeof(tag), version);
	http_resp_header(x->p, "ETag", tag);
}

void
adminapi_json(struct adminapi *x, int status, json_t *doc, int secret)
{
	char	*s;

	s = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) :
	    NULL;
	json_decref(doc);
	if (s == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	http_resp_header(x->p, "Content-Type", "application/json");
	http_resp_header(x->p, "Cache-Control", "no-store");
	http_resp_body(x->p, status, s, strlen(s));
	x->p->secret = secret;
}

void
adminapi_created(struct adminapi *x, const char *location, json_t *doc,
    int secret)
{
	snprintf(x->location, sizeof(x->location), "%s", location);
	http_resp_header(x->p, "Location", location);
	adminapi_json(x, 201, doc, secret);
}

void
adminapi_error(struct adminapi *x, enum oerr e, const char *desc)
{
	/* An error replaces whatever was set (a half-built answer). */
	http_resp_reset(x->p);
	x->location[0] = '\0';
	oauth_err(x->p, e, desc);
}

void
adminapi_ops_error(struct adminapi *x, enum ops_err e, const char *field,
    const char *conflict)
{
	char	 desc[JREQ_WHY_BYTES];

	switch (e) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		snprintf(desc, sizeof(desc), "%s is invalid",
		    field != NULL ? field : "the request");
		adminapi_error(x, OERR_INVALID_REQUEST, desc);
		break;
	case OPS_NOT_FOUND:
		adminapi_error(x, OERR_ADMIN_NOT_FOUND, NULL);
		break;
	case OPS_CONFLICT:
		adminapi_error(x, OERR_CONFLICT, conflict);
		break;
	case OPS_UNAVAILABLE:
		adminapi_error(x, OERR_UNAVAILABLE, NULL);
		break;
	case OPS_FAILED:
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		break;
	case OPS_FORBIDDEN:
		snprintf(desc, sizeof(desc), "%s exceeds what the caller holds",
		    field != NULL ? field : "the request");
		adminapi_error(x, OERR_FORBIDDEN, desc);
		break;
	}
}

void
adminapi_page_answer(struct adminapi *x, enum ops_err e, const char *field,
    const char *member, json_t *items, int more, const struct cursor *last)
{
	char	 next[CURSOR_MAX_BYTES + 1];

	next[0] = '\0';
	if (e != OPS_OK) {
		json_decref(items);
		if (e == OPS_INVALID)	/* a cursor of another listing */
			adminapi_error(x, OERR_INVALID_REQUEST, "cursor is "
			    "invalid");
		else
			adminapi_ops_error(x, e, field, NULL);
		return;
	}
	if (more && cursor_encode(next, sizeof(next), last) == -1) {
		json_decref(items);
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	adminapi_json(x, 200, json_pack("{s:o, s:o}", member, items,
	    "next_cursor", next[0] ? json_string(next) : json_null()), 0);
}

int
adminapi_holds(struct adminapi *x, struct ops_user_holds *u)
{
	struct ops_user_id	 id;
	const char		*field;
	enum ops_err		 e;

	memset(u, 0, sizeof(*u));
	if (strncmp(x->who.actor, "user:", 5) != 0) {
		u->h.patterns = &x->who.scopes;
		u->h.all_accounts = 1;
		return 0;
	}
	id.id = x->who.actor + 5;
	if ((e = ops_user_holds(&x->ctx, &id, u, &field)) != OPS_OK) {
		/* Gone or disabled since its token was checked. */
		adminapi_error(x, e == OPS_UNAVAILABLE ? OERR_UNAVAILABLE :
		    OERR_INVALID_TOKEN, NULL);
		return -1;
	}
	return 0;
}

/* --- Idempotency-Key ------------------------------------------------- */

/* The additional data a stored answer is sealed under: its row. */
static int
idem_aad(char *aad, size_t sz, const struct adminapi *x, const char *key)
{
	int	 n;

	n = snprintf(aad, sz, "idem:%s:%s:%s", x->who.org, x->who.actor, key);
	return n > 0 && (size_t)n < sz ? n : -1;
}

static void
replay(struct adminapi *x, const struct store_idem *row, const char *key)
{
	char		 aad[OPS_ACTOR_BYTES + STORE_ORG_ID_BYTES + 300];
	unsigned char	*body;
	size_t		 len = 0;
	int		 an;

	if ((an = idem_aad(aad, sizeof(aad), x, key)) < 0 ||
	    row->sealedlen < KEK_OVERHEAD ||
	    (body = malloc(row->sealedlen - KEK_OVERHEAD + 1)) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	if (kek_open(body, row->sealedlen - KEK_OVERHEAD, &len,
	    x->a->cfg->kek, aad, (size_t)an, row->sealed, row->sealedlen) == -1) {
		log_warnx("admin: a stored Idempotency-Key answer does not open "
		    "(another key-encryption key?)");
		free(body);
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	body[len] = '\0';
	http_resp_header(x->p, "Content-Type", "application/json");
	http_resp_header(x->p, "Cache-Control", "no-store");
	http_resp_header(x->p, "Idempotent-Replayed", "true");
	if (row->location[0] != '\0')
		http_resp_header(x->p, "Location", row->location);
	http_resp_body(x->p, row->status, (char *)body, len);
	x->p->secret = 1;
}

/* Store the handler's successful answer; -1 when it could not be. */
static int
idem_store(struct adminapi *x, const char *key,
    const unsigned char hash[SECRET_DIGEST_BYTES])
{
	char		 aad[OPS_ACTOR_BYTES + STORE_ORG_ID_BYTES + 300];
	unsigned char	*sealed;
	size_t		 slen = 0, cap;
	int		 an, n = -1;

	cap = x->p->bodylen + KEK_OVERHEAD;
	if ((an = idem_aad(aad, sizeof(aad), x, key)) < 0 ||
	    (sealed = malloc(cap)) == NULL)
		return -1;
	if (kek_seal(sealed, cap, &slen, x->a->cfg->kek, aad, (size_t)an,
	    (const unsigned char *)x->p->body, x->p->bodylen) == 0)
		n = store_idem_put(x->a->db, x->who.org, x->who.actor, key,
		    hash, x->p->status, x->location, sealed, slen);
	free(sealed);
	return n == 1 ? 0 : -1;
}

/*
 * A POST with an Idempotency-Key: the lock, the stored answer or the work
 * and its answer, in one transaction.
 */
static void
idempotent(struct adminapi *x, const struct adminapi_route *rt,
    const char *key)
{
	struct store_idem	 row;
	unsigned char		 hash[SECRET_DIGEST_BYTES];
	char			 what[HTTP_MAX_PATH_BYTES + 32];
	struct db		*db = x->a->db;
	int			 st, n;

	/* RFC 9110 field value: visible ASCII, bounded. */
	n = (int)strlen(key);
	if (n == 0 || n > ADMINAPI_IDEM_KEY_BYTES) {
		adminapi_error(x, OERR_INVALID_REQUEST, "Idempotency-Key must "
		    "be 1 to 255 visible ASCII characters");
		return;
	}
	for (st = 0; st < n; st++)
		if ((unsigned char)key[st] < 0x21 ||
		    (unsigned char)key[st] > 0x7e) {
			adminapi_error(x, OERR_INVALID_REQUEST, "Idempotency-Key "
			    "must be 1 to 255 visible ASCII characters");
			return;
		}
	if ((st = read_body(x)) != 0) {
		body_error(x, st);
		return;
	}
	/*
	 * The request: method, path and the body's bytes, keyed with the
	 * pepper: a body can hold a password (POST /admin/users), and a
	 * digest under a public key would be one to guess it against.
	 */
	n = snprintf(what, sizeof(what), "jwtmint idempotency v1\n%s %s\n",
	    x->r->method_str, x->r->path);
	if (n < 0 || (size_t)n >= sizeof(what) ||
	    secret_hmac(hash, x->a->cfg->pepper, x->a->cfg->pepperlen, what,
	    (size_t)n, x->r->body, x->r->bodylen) == -1) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	if (db_begin(db) == -1) {
		adminapi_error(x, OERR_UNAVAILABLE, NULL);
		return;
	}
	if ((n = store_idem_lock(db, x->who.org, x->who.actor, key)) != 1) {
		db_rollback(db);
		if (n == 0)
			adminapi_error(x, OERR_CONFLICT, "a request with this "
			    "Idempotency-Key is in progress");
		else
			adminapi_error(x, OERR_UNAVAILABLE, NULL);
		return;
	}
	if ((n = store_idem_get(db, x->who.org, x->who.actor, key, &row)) !=
	    0) {
		db_rollback(db);
		if (n == -1)
			adminapi_error(x, OERR_UNAVAILABLE, NULL);
		else if (!secret_equal(row.hash, hash, sizeof(hash)))
			adminapi_error(x, OERR_IDEMPOTENCY_REUSED, NULL);
		else
			replay(x, &row, key);
		free(row.sealed);
		return;
	}
	rt->fn(x);
	/* Only a success is remembered: after a failure nothing was done,
	 * and a retry does the work. */
	if (x->p->status < 200 || x->p->status > 299 || x->p->broken) {
		db_rollback(db);
		return;
	}
	if (idem_store(x, key, hash) == -1 || db_commit(db) == -1) {
		db_rollback(db);
		log_warnx("admin: the answer to an Idempotency-Key could not be "
		    "stored: nothing was done");
		adminapi_error(x, OERR_UNAVAILABLE, NULL);
	}
}

/* --- dispatch --------------------------------------------------------- */

/* The row for r, or NULL with the 404 or 405 answer in p. */
static const struct adminapi_route *
find(const struct adminapi_route *table, size_t n, struct req *r,
    struct pathpat_captures *cap, struct resp *p)
{
	struct pathpat_captures	 c;
	const char		*m = r->method_str;
	char			 allow[64];
	size_t			 i, len = 0;
	int			 any = 0;

	if (strcmp(m, "HEAD") == 0)
		m = "GET";
	allow[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!pathpat_match(table[i].pattern, r->path, &c))
			continue;
		if (strcmp(table[i].method, m) == 0) {
			*cap = c;
			return &table[i];
		}
		any = 1;
		if (len + strlen(table[i].method) + 8 < sizeof(allow))
			len += (size_t)snprintf(allow + len, sizeof(allow) - len,
			    "%s%s%s", len ? ", " : "", table[i].method,
			    strcmp(table[i].method, "GET") == 0 ? ", HEAD" : "");
	}
	if (!any)
		oauth_err(p, OERR_NOT_FOUND, NULL);
	else {
		oauth_err(p, OERR_METHOD_NOT_ALLOWED, NULL);
		http_resp_header(p, "Allow", allow);
	}
	return NULL;
}

void
h_admin(struct app *a, struct req *r, struct resp *p)
{
	adminapi_serve(a, r, p, routes, NROUTES, 0);
}

/* The platform operator, authenticated by the socket and the credential. */
static int
platform_caller(struct app *a, struct req *r, struct adminapi_caller *who,
    struct resp *p)
{
	if (!platform_auth(a->cfg, r)) {
		oauth_err(p, OERR_INVALID_TOKEN, "the platform credential is "
		    "required");
		return -1;
	}
	memset(who, 0, sizeof(*who));
	snprintf(who->actor, sizeof(who->actor), "platform");
	if (r->remote_addr != NULL && strlen(r->remote_addr) < sizeof(who->source))
		snprintf(who->source, sizeof(who->source), "%s", r->remote_addr);
	snprintf(r->client_id, sizeof(r->client_id), "platform");
	return 0;
}

void
adminapi_serve(struct app *a, struct req *r, struct resp *p,
    const struct adminapi_route *table, size_t n, int platform)
{
	struct adminapi			 x;
	const struct adminapi_route	*rt;
	const char			*q, *key;
	int				 bad = 0;

	memset(&x, 0, sizeof(x));
	x.a = a;
	x.r = r;
	x.p = p;
	/* Routing first: an unknown path is 404 to anyone. */
	if ((rt = find(table, n, r, &x.path, p)) == NULL)
		return;
	if (rt->flags & ADMIN_PUBLIC) {
		rt->fn(&x);
		return;
	}
	if (platform ? platform_caller(a, r, &x.who, p) == -1 :
	    adminapi_auth(a, r, &x.who, p) == -1)
		return;
	x.ctx.db = a->db;
	x.ctx.org = x.who.org;
	x.ctx.actor = x.who.actor;
	x.ctx.source = x.who.source;
	x.ctx.deny_sec = a->check.deny_sec;
	x.ctx.pepper = a->cfg->pepper;
	x.ctx.pepperlen = a->cfg->pepperlen;
	x.ctx.apps_max = a->cfg->apps_per_org_max;
	q = r->io->param(r->io->ctx, "QUERY_STRING");
	if (q != NULL && *q != '\0' &&
	    form_parse(&x.query, q, strlen(q)) != FORM_OK) {
		adminapi_error(&x, OERR_INVALID_REQUEST, "the query string is "
		    "malformed");
		goto out;
	}
	key = header(r, "HTTP_IDEMPOTENCY_KEY", &bad);
	if (bad) {
		adminapi_error(&x, OERR_INVALID_REQUEST, "Idempotency-Key must "
		    "be 1 to 255 visible ASCII characters, sent once");
		goto out;
	}
	if (key != NULL && (rt->flags & ADMIN_IDEMPOTENT))
		idempotent(&x, rt, key);
	else
		rt->fn(&x);
out:
	form_free(&x.query);
}
