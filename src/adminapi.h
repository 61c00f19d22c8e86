/*
 * adminapi: the admin HTTP API's framework. Every path under /admin/ comes
 * here (route.c's prefix route) and is dispatched through one table of
 * (method, path pattern, handler) rows; handlers live in src/h_admin*.c,
 * one resource per file, and are thin adapters over the operations of
 * src/ops_*.c: JSON in, an ops_* call, JSON out.
 *
 * What the framework does before a handler runs, in this order (a row
 * marked ADMIN_PUBLIC skips 2 and 3: only GET /admin/openapi.json):
 *   1. route: an unknown path is 404, a known path with another method 405
 *      with Allow (JSON bodies both);
 *   2. authenticate (adminapi_auth): X-API-Key of a key with the "admin"
 *      scope, or Authorization: Bearer <access token> whose scopes include
 *      "admin" and whose aud is the admin API's own ("{issuer}/admin",
 *      asked for at /token with RFC 8707 resource= or audience=). No
 *      credential, a bad key or a bad token (a resource server's token
 *      included) is 401; a caller without "admin", or a user of the
 *      limited or support role, is 403. Cookies are never read. The
 *      caller's organization, from the credential, scopes every statement:
 *      another organization's resource is 404 exactly like a missing one;
 *   3. for a row marked ADMIN_IDEMPOTENT with an Idempotency-Key header:
 *      the first answer of that key (organization and caller) within 24 h
 *      is replayed; the same key with another body is 422; one still being
 *      worked on is 409. The work and the stored answer are one
 *      transaction, so nothing is done twice, across hosts too.
 *
 * Conventions every handler keeps (docs/ADMIN-API.md): JSON in and out
 * (a body must be application/json: 415, adminapi_body), errors as
 * {"error","error_description"} from the one table (oauth_err.h),
 * Cache-Control: no-store on every answer, RFC 3339 UTC timestamps, 201 +
 * Location on create, ETag on GET and If-Match on PATCH (etag.h: 412 when
 * stale, checked by the UPDATE itself), cursor pagination (cursor.h:
 * ?limit= 1..500, default 50, next_cursor in the body).
 */
#ifndef JWTMINT_ADMINAPI_H
#define JWTMINT_ADMINAPI_H

#include <stddef.h>

#include <jansson.h>

#include "cursor.h"
#include "form.h"
#include "jreq.h"
#include "oauth_err.h"
#include "ops.h"
#include "pathpat.h"
#include "scope.h"
#include "store.h"

struct app;
struct req;
struct resp;

#define ADMINAPI_PAGE_DEFAULT	50
#define ADMINAPI_PAGE_MAX	500
#define ADMINAPI_IDEM_KEY_BYTES	255
#define ADMINAPI_LOCATION_BYTES	512

/* Who calls: from the credential, never from the request. */
struct adminapi_caller {
	char		 org[STORE_ORG_ID_BYTES];
	char		 actor[OPS_ACTOR_BYTES];	/* "key:ID", "user:usr_..." */
	char		 source[OPS_SOURCE_BYTES];	/* REMOTE_ADDR, or "" */
	struct scope_set scopes;	/* what the caller holds: no key it makes
					   may hold more */
	unsigned	 grants;	/* GT_* of the caller's key (a token's:
					   the key it was issued to) */
};

/* One admin request, as a handler sees it. */
struct adminapi {
	struct app		*a;
	struct req		*r;
	struct resp		*p;
	struct adminapi_caller	 who;
	struct ops_ctx		 ctx;	/* db, org, actor, source, deny_sec,
					   pepper: ready for ops_* */
	struct pathpat_captures	 path;	/* {id}, {username}, {name} */
	struct form		 query;	/* ?limit=&cursor=&... */
	char			 location[ADMINAPI_LOCATION_BYTES];
};

typedef void (*adminapi_fn)(struct adminapi *);

/* Row flags. */
#define ADMIN_IDEMPOTENT	0x1	/* honours Idempotency-Key (POST) */
#define ADMIN_PUBLIC		0x2	/* no credential: the API's description */

struct adminapi_route {
	const char	*method;	/* "GET", "POST", "PATCH", "DELETE" */
	const char	*pattern;	/* "/admin/keys/{id}" (pathpat.h) */
	adminapi_fn	 fn;
	unsigned	 flags;
};

/* The table, for what lists the routes (n rows). */
const struct adminapi_route *adminapi_routes(size_t *n);

/* The route of every path under /admin/ (route.c). */
void	h_admin(struct app *, struct req *, struct resp *);

/*
 * Serve r from the n rows of routes, as above; platform 1: the caller is
 * the platform operator (platform.h: the platform listener and its
 * credential) instead of an organization's administrator, and who.org is
 * "" (the operations it calls are the platform's own).
 */
void	adminapi_serve(struct app *, struct req *, struct resp *,
	    const struct adminapi_route *routes, size_t n, int platform);

/*
 * Authenticate the caller of r into who (the one rule above). Returns 0, or
 * -1 with the 401/403/503 answer in p.
 */
int	adminapi_auth(struct app *, struct req *, struct adminapi_caller *who,
	    struct resp *p);

/* --- for handlers ----------------------------------------------------- */

/* The value captured by {name} in the route's pattern (never NULL for a
 * capture the pattern has). */
const char *adminapi_arg(const struct adminapi *, const char *name);

/* A query parameter, or NULL. */
const char *adminapi_query(const struct adminapi *, const char *name);

/*
 * Refuse every query parameter not in names (NULL-ended): 400 naming it
 * (when nameable). Returns 0, or -1 with the answer set.
 */
int	adminapi_query_only(struct adminapi *, const char *const *names);

/*
 * Read the body: application/json (else 415), at most JREQ_MAX_BODY_BYTES
 * and max_body_bytes (413), parsed against the n rows of spec into out
 * (400 naming the field). Returns 0 (jreq_free(j) when done), or -1 with
 * the answer set (nothing to free).
 */
int	adminapi_body(struct adminapi *, const struct jreq_field *spec,
	    size_t n, void *out, struct jreq *j);

/*
 * ?limit= and ?cursor=: *limit (1..ADMINAPI_PAGE_MAX, default
 * ADMINAPI_PAGE_DEFAULT) and *after (*has_after 0 when no cursor). Returns
 * 0, or -1 with a 400 set.
 */
int	adminapi_page(struct adminapi *, int *limit, struct cursor *after,
	    int *has_after);

/*
 * If-Match: *version 0 when absent or "*" (no check), the version it names
 * (-1 when it names none of ours: never matches). Returns 0, or -1 with a
 * 400 set.
 */
int	adminapi_if_match(struct adminapi *, long long *version);

/*
 * What the caller holds, for "nobody gives more than it holds" (perm.h):
 * a user (a token of the admin role, say) holds what its role, its extra
 * scopes and its accounts give it, whatever its token asked for; a key,
 * or a token of a key alone, its scopes (as patterns) and every account.
 * u->h is the holder. Returns 0, or -1 with the answer set.
 */
struct ops_user_holds;
int	adminapi_holds(struct adminapi *, struct ops_user_holds *u);

/*
 * Answer a listing: e is its operation's outcome; on OPS_OK
 * {"<member>": items, "next_cursor": the cursor of last when more, else
 * null}, else the error (a cursor of another listing is 400). items is
 * stolen either way.
 */
void	adminapi_page_answer(struct adminapi *, enum ops_err e,
	    const char *field, const char *member, json_t *items, int more,
	    const struct cursor *last);

/* Set ETag for version. */
void	adminapi_etag(struct adminapi *, long long version);

/* Answer doc (stolen) as JSON with status. A body holding a secret (a new
 * key) sets secret so that it is wiped when freed. */
void	adminapi_json(struct adminapi *, int status, json_t *doc, int secret);

/* 201 with Location: location (a path under /admin/) and doc (stolen). */
void	adminapi_created(struct adminapi *, const char *location, json_t *doc,
	    int secret);

/* An error from the table; desc is a constant or a sentence naming a
 * field, never the request's value (NULL: the table's). */
void	adminapi_error(struct adminapi *, enum oerr, const char *desc);

/*
 * The answer for an operation's error: OPS_INVALID 400 "<field> is
 * invalid", OPS_NOT_FOUND 404, OPS_CONFLICT 409 (desc, or the table's),
 * OPS_UNAVAILABLE 503, OPS_FAILED 500, OPS_FORBIDDEN 403 ("<field> exceeds
 * what the caller holds").
 */
void	adminapi_ops_error(struct adminapi *, enum ops_err, const char *field,
	    const char *conflict);

/* --- the endpoints (h_admin*.c) --------------------------------------- */

void	h_admin_openapi(struct adminapi *);
void	h_admin_revocations(struct adminapi *);
void	h_admin_keys_list(struct adminapi *);
void	h_admin_keys_create(struct adminapi *);
void	h_admin_keys_get(struct adminapi *);
void	h_admin_keys_update(struct adminapi *);
void	h_admin_keys_delete(struct adminapi *);
void	h_admin_keys_roll(struct adminapi *);
void	h_admin_users_list(struct adminapi *);
void	h_admin_users_create(struct adminapi *);
void	h_admin_users_get(struct adminapi *);
void	h_admin_users_update(struct adminapi *);
void	h_admin_users_password(struct adminapi *);
void	h_admin_users_disable(struct adminapi *);
void	h_admin_users_enable(struct adminapi *);
void	h_admin_roles_list(struct adminapi *);
void	h_admin_roles_create(struct adminapi *);
void	h_admin_roles_get(struct adminapi *);
void	h_admin_roles_update(struct adminapi *);
void	h_admin_apps_list(struct adminapi *);
void	h_admin_apps_create(struct adminapi *);
void	h_admin_apps_get(struct adminapi *);
void	h_admin_apps_update(struct adminapi *);
void	h_admin_apps_disable(struct adminapi *);
void	h_admin_apps_enable(struct adminapi *);
void	h_admin_audit_list(struct adminapi *);
void	h_admin_audit_verify(struct adminapi *);
void	h_admin_usage_key(struct adminapi *);
void	h_admin_usage_org(struct adminapi *);
void	h_admin_anomalies_list(struct adminapi *);
void	h_admin_login_get(struct adminapi *);
void	h_admin_login_update(struct adminapi *);

#endif
