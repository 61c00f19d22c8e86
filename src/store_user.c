/*
 * store_user: results of the user and lifecycle statements as C values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bstr.h"
#include "db.h"
#include "log.h"
#include "store.h"
#include "store_user.h"
#include "jwtverify.h"

static int
boolean(PGresult *res, int col)
{
	return PQgetvalue(res, 0, col)[0] == 't';
}

/* Role and user columns starting at col: role, role scopes, all_accounts,
 * read_only, extra scopes, accounts, disabled. */
static int
user_cols(PGresult *res, int idcol, int col, struct store_user *u)
{
	const char	*rs = PQgetvalue(res, 0, col + 1);
	const char	*ex = PQgetvalue(res, 0, col + 4);

	if (bstr_copy(u->id, sizeof(u->id), PQgetvalue(res, 0, idcol)) == -1 ||
	    bstr_copy(u->role, sizeof(u->role), PQgetvalue(res, 0, col)) == -1 ||
	    scope_parse(&u->role_scopes, rs, strlen(rs)) == -1 ||
	    scope_parse(&u->extra, ex, strlen(ex)) == -1 ||
	    bstr_copy(u->accounts, sizeof(u->accounts),
	    PQgetvalue(res, 0, col + 5)) == -1)
		return -1;
	u->all_accounts = boolean(res, col + 2);
	u->read_only = boolean(res, col + 3);
	u->disabled = boolean(res, col + 6);
	return 0;
}

int
store_login_lookup(struct db *db, const char *org, const char *username,
    const char *addr, int window_sec, struct store_login *out)
{
	char		 w[16];
	const char	*params[4] = { org, username, addr, w };
	PGresult	*res;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	snprintf(w, sizeof(w), "%d", window_sec);
	if ((res = db_exec(db, STMT_LOGIN_LOOKUP, params)) == NULL)
		return -1;
	if (PQntuples(res) != 1)
		goto out;
	out->user_failures = atoi(PQgetvalue(res, 0, 9));
	out->addr_failures = atoi(PQgetvalue(res, 0, 10));
	out->retry_after = atoi(PQgetvalue(res, 0, 11));
	if (PQgetisnull(res, 0, 0)) {
		rc = 1;		/* no such user: found stays 0 */
		goto out;
	}
	if (user_cols(res, 0, 2, &out->user) == -1 ||
	    bstr_copy(out->phc, sizeof(out->phc), PQgetvalue(res, 0, 1)) == -1) {
		log_warnx("store: user row of %s malformed", org);
		goto out;
	}
	out->user.disabled = boolean(res, 8);
	out->user.generation = strtoll(PQgetvalue(res, 0, 12), NULL, 10);
	out->found = 1;
	rc = 1;
out:
	PQclear(res);
	return rc;
}

int
store_login_failed(struct db *db, const char *org, const char *username,
    const char *addr, int window_sec, const char *actor, int max_user,
    int max_addr)
{
	char		 w[16], mu[16], ma[16];
	const char	*params[7] = { org, username, addr, w, actor, mu, ma };

	snprintf(w, sizeof(w), "%d", window_sec);
	snprintf(mu, sizeof(mu), "%d", max_user);
	snprintf(ma, sizeof(ma), "%d", max_addr);
	return store_write(db, STMT_LOGIN_FAILED, params) < 0 ? -1 : 0;
}

int
store_login_succeeded(struct db *db, const char *org, const char *username,
    const char *family, const char *user_id, long long gen, const char *key_id,
    int absolute_sec, const char *digest_hex, const char *scope, int idle_sec)
{
	char		 abs[16], idle[16], g[24];
	const char	*params[10] = { org, username, family, user_id, key_id,
	    abs, digest_hex, scope, idle, g };

	snprintf(g, sizeof(g), "%lld", gen);
	snprintf(abs, sizeof(abs), "%d", absolute_sec);
	snprintf(idle, sizeof(idle), "%d", idle_sec);
	return store_write(db, STMT_LOGIN_SUCCEEDED, params) == 1 ? 0 : -1;
}

int
store_login_reset(struct db *db, const char *org, const char *username)
{
	const char	*params[2] = { org, username };

	return store_write(db, STMT_LOGIN_RESET, params) < 0 ? -1 : 0;
}

int
store_password_rehash(struct db *db, const char *org, const char *user_id,
    const char *phc)
{
	const char	*params[3] = { org, user_id, phc };

	return store_write(db, STMT_PASSWORD_REHASH, params) < 0 ? -1 : 0;
}

/* The row of a refresh decision (REFRESH_PEEK_SQL's columns). -1 / 1. */
static int
refresh_row(PGresult *res, const char *org, struct store_refresh *out)
{
	if (bstr_copy(out->family, sizeof(out->family), PQgetvalue(res, 0, 0)) ||
	    bstr_copy(out->scope, sizeof(out->scope), PQgetvalue(res, 0, 1)) ||
	    bstr_copy(out->key_id, sizeof(out->key_id), PQgetvalue(res, 0, 7)) ||
	    user_cols(res, 8, 9, &out->user) == -1) {
		log_warnx("store: refresh row of %s malformed", org);
		return -1;
	}
	out->rotated = boolean(res, 2);
	out->since_rotation = strtod(PQgetvalue(res, 0, 3), NULL);
	out->idle_ok = boolean(res, 4);
	out->user.disabled = boolean(res, 15);
	out->absolute_left = atoi(PQgetvalue(res, 0, 18));
	out->user.generation = strtoll(PQgetvalue(res, 0, 19), NULL, 10);
	out->family_ok = boolean(res, 20);
	return 1;
}

int
store_refresh_family_ok(const struct store_refresh *t)
{
	return t->family_ok;
}

int
store_refresh_peek(struct db *db, const char *digest_hex, const char *org,
    struct store_refresh *out)
{
	const char	*params[2] = { digest_hex, org };
	PGresult	*res;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((res = db_exec(db, STMT_REFRESH_PEEK, params)) == NULL)
		return -1;
	rc = PQntuples(res) == 0 ? 0 : refresh_row(res, org, out);
	PQclear(res);
	return rc;
}

int
store_refresh_peek_rotate(struct db *db, const char *digest_hex,
    const char *org, const char *new_hex, int idle_sec, const char *key_id,
    struct store_refresh *out, int *rotated)
{
	char		 idle[16];
	const char	*params[5] = { digest_hex, org, new_hex, idle, key_id };
	PGresult	*res;
	int		 rc;

	memset(out, 0, sizeof(*out));
	*rotated = 0;
	snprintf(idle, sizeof(idle), "%d", idle_sec);
	if ((res = db_exec(db, STMT_REFRESH_PEEK_ROTATE, params)) == NULL)
		return -1;
	rc = PQntuples(res) == 0 ? 0 : refresh_row(res, org, out);
	if (rc == 1)
		*rotated = atoi(PQgetvalue(res, 0, 21)) > 0;
	PQclear(res);
	return rc;
}

int
store_refresh_rotate(struct db *db, const char *old_hex, const char *new_hex,
    int idle_sec)
{
	char		 idle[16];
	const char	*params[3] = { old_hex, new_hex, idle };
	int		 n;

	snprintf(idle, sizeof(idle), "%d", idle_sec);
	if ((n = store_write(db, STMT_REFRESH_ROTATE, params)) < 0)
		return -1;
	return n > 0 ? 1 : 0;
}

int
store_family_revoke(struct db *db, const char *family, const char *org,
    const char *event, int keep_sec, const char *actor, const char *source,
    const char *outcome)
{
	char		 k[16];
	const char	*params[7] = { family, org, event, k, actor, source,
			    outcome };

	snprintf(k, sizeof(k), "%d", keep_sec);
	return store_write(db, STMT_FAMILY_REVOKE, params) < 0 ? -1 : 0;
}

/*
 * A text[] literal of ids: each element quoted, with " and \ escaped, so
 * no id can end its element or the array. -1 when it does not fit.
 */
static int
text_array(char *out, size_t outsz, const char *const *ids, size_t n)
{
	size_t	 len = 0, i;
	const char *p;

	if (outsz < 3)
		return -1;
	out[len++] = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			out[len++] = ',';
		out[len++] = '"';
		for (p = ids[i]; *p != '\0'; p++) {
			if (len + 4 >= outsz)
				return -1;
			if (*p == '"' || *p == '\\')
				out[len++] = '\\';
			out[len++] = *p;
		}
		if (len + 3 >= outsz)
			return -1;
		out[len++] = '"';
	}
	out[len++] = '}';
	out[len] = '\0';
	return 0;
}

int
store_token_state(struct db *db, const char *const *ids, size_t nids,
    const char *org, const char *key_id, const char *sub,
    struct store_token_state *out)
{
	char		 arr[STORE_TOKEN_IDS * 2 * JWTVERIFY_ID_BYTES + 8];
	const char	*params[4] = { arr, org, key_id, sub };
	PGresult	*res;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if (nids > STORE_TOKEN_IDS ||
	    text_array(arr, sizeof(arr), ids, nids) == -1)
		return -1;
	if ((res = db_exec(db, STMT_TOKEN_STATE, params)) == NULL)
		return -1;
	if (PQntuples(res) != 1)
		goto out;
	out->jti_revoked = boolean(res, 0);
	out->org_disabled = boolean(res, 1);
	out->key_bad = boolean(res, 2);
	out->user_found = boolean(res, 3);
	snprintf(out->username, sizeof(out->username), "%s",
	    PQgetvalue(res, 0, 4));
	out->user_disabled = boolean(res, 5);
	out->gen = strtoll(PQgetvalue(res, 0, 6), NULL, 10);
	rc = 1;
out:
	PQclear(res);
	return rc;
}

int
store_jti_revoke(struct db *db, const char *jti, const char *org, long long exp)
{
	char		 e[32];
	const char	*params[3] = { jti, org, e };

	snprintf(e, sizeof(e), "%lld", exp);
	return store_write(db, STMT_JTI_REVOKE, params) < 0 ? -1 : 0;
}

int
store_jti_revoke_audited(struct db *db, const char *jti, const char *org,
    long long exp, const char *actor, const char *source)
{
	char		 e[32];
	const char	*params[5] = { jti, org, e, actor, source };

	snprintf(e, sizeof(e), "%lld", exp);
	return store_write(db, STMT_JTI_REVOKE_AUDITED, params) < 0 ? -1 : 0;
}

int
store_user_cutoff(struct db *db, const char *org, const char *user,
    const char *actor, const char *source)
{
	const char	*params[4] = { org, user, actor, source };

	return store_write(db, STMT_USER_CUTOFF, params);
}

int
store_key_revoke_in_org(struct db *db, const char *key_id, const char *org,
    const char *actor, const char *source)
{
	const char	*params[4] = { key_id, org, actor, source };

	return store_write(db, STMT_KEY_REVOKE_IN_ORG, params);
}

int
store_audit(struct db *db, const char *org, const char *event,
    const char *detail)
{
	const char	*params[3] = { org, event, detail };

	return store_write(db, STMT_AUDIT, params) < 0 ? -1 : 0;
}
