/*
 * store_login: see store_login.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bstr.h"
#include "log.h"
#include "store.h"
#include "store_login.h"

static int
tpl_row(void *arg, const char *const *c, int n)
{
	struct store_login_tpl	*t = arg;
	char			*end;

	if (n != 7 || bstr_copy(t->org, sizeof(t->org), c[0]) == -1 ||
	    bstr_copy(t->title, sizeof(t->title), c[1]) == -1 ||
	    bstr_copy(t->org_name, sizeof(t->org_name), c[2]) == -1 ||
	    bstr_copy(t->colors[0], sizeof(t->colors[0]), c[3]) == -1 ||
	    bstr_copy(t->colors[1], sizeof(t->colors[1]), c[4]) == -1 ||
	    bstr_copy(t->colors[2], sizeof(t->colors[2]), c[5]) == -1 ||
	    c[6] == NULL)
		return -1;
	t->version = strtoll(c[6], &end, 10);
	return *end == '\0' && t->version >= 1 ? 0 : -1;
}

int
store_login_template(struct db *db, const char *org,
    struct store_login_tpl *out)
{
	const char	*params[1] = { org };

	memset(out, 0, sizeof(*out));
	return store_rows(db, STMT_LOGIN_TEMPLATE, params, tpl_row, out);
}

int
store_login_req_create(struct db *db, const char *token_hex,
    const char *browser_hex, const struct store_login_req_new *n, int ttl_sec)
{
	char		 ttl[16];
	const char	*params[11] = { token_hex, browser_hex, n->org_id,
			    n->client_id, n->redirect_uri, n->scope, n->state,
			    n->code_challenge, n->locale, ttl, n->resource };

	snprintf(ttl, sizeof(ttl), "%d", ttl_sec);
	return store_write(db, STMT_LOGIN_REQ_CREATE, params) == 1 ? 0 : -1;
}

static int
req_row(void *arg, const char *const *c, int n)
{
	struct store_login_req	*r = arg;

	memset(r, 0, sizeof(*r));
	if (n != 9 || bstr_copy(r->org_id, sizeof(r->org_id), c[0]) == -1 ||
	    bstr_copy(r->client_id, sizeof(r->client_id), c[1]) == -1 ||
	    bstr_copy(r->redirect_uri, sizeof(r->redirect_uri), c[2]) == -1 ||
	    bstr_copy(r->scope, sizeof(r->scope), c[3]) == -1 ||
	    bstr_copy(r->state, sizeof(r->state), c[4]) == -1 || c[5] == NULL ||
	    bstr_copy(r->code_challenge, sizeof(r->code_challenge), c[6]) == -1 ||
	    bstr_copy(r->locale, sizeof(r->locale), c[7]) == -1 ||
	    (c[8] != NULL && bstr_copy(r->resource, sizeof(r->resource), c[8]) == -1))
		return -1;
	r->has_state = c[5][0] == 't';
	return 0;
}

int
store_login_req_take(struct db *db, const char *token_hex,
    const char *browser_hex, struct store_login_req *out)
{
	const char	*params[2] = { token_hex, browser_hex };

	return store_rows(db, STMT_LOGIN_REQ_TAKE, params, req_row, out);
}

int
store_session_create(struct db *db, const char *id_hex, const char *org,
    const char *user_id, long long generation, int ttl_sec)
{
	char		 gen[24], ttl[16];
	const char	*params[5] = { id_hex, org, user_id, gen, ttl };

	snprintf(gen, sizeof(gen), "%lld", generation);
	snprintf(ttl, sizeof(ttl), "%d", ttl_sec);
	return store_write(db, STMT_SESSION_CREATE, params) == 1 ? 0 : -1;
}

struct session_user {
	char	*id;
	char	*username;
};

static int
session_row(void *arg, const char *const *c, int n)
{
	struct session_user	*u = arg;

	if (n != 2 || bstr_copy(u->id, STORE_LOGIN_ID_BYTES, c[0]) == -1 ||
	    bstr_copy(u->username, STORE_LOGIN_ID_BYTES, c[1]) == -1)
		return -1;
	return 0;
}

int
store_session_get(struct db *db, const char *id_hex, const char *org,
    char user_id[STORE_LOGIN_ID_BYTES], char username[STORE_LOGIN_ID_BYTES])
{
	const char		*params[2] = { id_hex, org };
	struct session_user	 u = { user_id, username };

	return store_rows(db, STMT_SESSION_GET, params, session_row, &u);
}

int
store_session_delete(struct db *db, const char *id_hex)
{
	const char	*params[1] = { id_hex };

	return store_write(db, STMT_SESSION_DELETE, params) < 0 ? -1 : 0;
}

int
store_login_purge(struct db *db)
{
	int	 a, b;

	if ((a = store_write(db, STMT_LOGIN_REQ_PURGE, NULL)) < 0 ||
	    (b = store_write(db, STMT_SESSION_PURGE, NULL)) < 0)
		return -1;
	return a + b;
}
