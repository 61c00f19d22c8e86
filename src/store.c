/*
 * store: results of db_exec() turned into C values. Every PGresult is
 * cleared here; nothing above this file sees libpq.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "granttype.h"
#include "log.h"
#include "secret.h"
#include "store.h"

#define MAX_COLS	32

int
store_ping(struct db *db)
{
	PGresult	*res;

	if ((res = db_exec(db, STMT_PING, NULL)) == NULL)
		return -1;
	PQclear(res);
	return 1;
}

int
store_unhex(unsigned char *dst, size_t dstsz, const char *text)
{
	size_t	 i, n;
	int	 hi, lo;

	if (text[0] != '\\' || text[1] != 'x')
		return -1;
	text += 2;
	n = strlen(text);
	if (n % 2 != 0 || n / 2 > dstsz)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if ((hi = secret_hexval((unsigned char)text[2 * i])) < 0 ||
		    (lo = secret_hexval((unsigned char)text[2 * i + 1])) < 0)
			return -1;
		dst[i] = (unsigned char)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

int
store_key_get(struct db *db, const char *id, struct store_key *k)
{
	const char	*params[1] = { id };
	const char	*scopes;
	PGresult	*res;
	int		 rc = -1, env;

	memset(k, 0, sizeof(*k));
	if ((res = db_exec(db, STMT_KEY_GET, params)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		rc = 0;
		goto out;
	}
	scopes = PQgetvalue(res, 0, 4);
	if (strlen(PQgetvalue(res, 0, 0)) >= sizeof(k->org_id) ||
	    (env = apikey_env_parse(PQgetvalue(res, 0, 1))) < 0 ||
	    store_unhex(k->salt, sizeof(k->salt), PQgetvalue(res, 0, 2)) !=
	    (int)sizeof(k->salt) ||
	    store_unhex(k->hash, sizeof(k->hash), PQgetvalue(res, 0, 3)) !=
	    (int)sizeof(k->hash) ||
	    scope_parse(&k->scopes, scopes, strlen(scopes)) == -1) {
		log_warnx("store: api key %s: malformed row", id);
		goto out;
	}
	strcpy(k->org_id, PQgetvalue(res, 0, 0));
	k->env = (enum apikey_env)env;
	k->expires_at = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	k->revoked = PQgetvalue(res, 0, 6)[0] == 't';
	k->org_disabled = PQgetvalue(res, 0, 7)[0] == 't';
	k->grants = granttype_parse_list(PQgetvalue(res, 0, 8));
	k->rate_per_sec = atoi(PQgetvalue(res, 0, 9));
	k->rate_per_min = atoi(PQgetvalue(res, 0, 10));
	k->trusted_forwarder = PQgetvalue(res, 0, 11)[0] == 't';
	k->disabled = PQgetvalue(res, 0, 12)[0] == 't';
	k->keep_tokens = PQgetvalue(res, 0, 13)[0] == 't';
	k->pepper_id = atoi(PQgetvalue(res, 0, 14));
	rc = 1;
out:
	PQclear(res);
	return rc;
}

int
store_key_rehash(struct db *db, const char *id, const unsigned char hash[32],
    int new_id, int old_id)
{
	char		 hex[65], nid[16], oid[16];
	const char	*params[4] = { id, hex, nid, oid };
	int		 n;

	secret_hex(hex, hash, 32);
	snprintf(nid, sizeof(nid), "%d", new_id);
	snprintf(oid, sizeof(oid), "%d", old_id);
	n = store_write(db, STMT_KEY_REHASH, params);
	secret_wipe(hex, sizeof(hex));
	return n < 0 ? -1 : n;
}

int
store_migrations_applied(struct db *db, const char *const *names, size_t n)
{
	char		 arr[4096];
	const char	*params[1] = { arr };
	PGresult	*res;
	size_t		 i, len = 0;
	int		 w, rc;

	/* Names are file names of sql/: [0-9a-z_], nothing to quote. */
	arr[len++] = '{';
	for (i = 0; i < n; i++) {
		w = snprintf(arr + len, sizeof(arr) - len, "%s%s", i ? "," : "",
		    names[i]);
		if (w < 0 || (size_t)w >= sizeof(arr) - len - 1)
			return -1;
		len += (size_t)w;
	}
	arr[len++] = '}';
	arr[len] = '\0';
	if ((res = db_exec(db, STMT_MIGRATIONS_APPLIED, params)) == NULL)
		return -1;
	rc = PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : -1;
	PQclear(res);
	return rc;
}

int
store_key_usable(const struct store_key *k, long long now)
{
	return !k->revoked & !k->disabled & !k->org_disabled &
	    ((k->expires_at == 0) | (k->expires_at > now));
}

int
store_key_tokens_good(const struct store_key *k, long long now)
{
	return !k->revoked & !k->disabled & !k->org_disabled &
	    ((k->expires_at == 0) | (k->expires_at > now) | k->keep_tokens);
}

int
store_keys_touch(struct db *db, const char (*ids)[APIKEY_ID_LEN + 1], size_t n)
{
	char		*arr, *p;
	const char	*params[1];
	PGresult	*res;
	size_t		 i;

	if (n == 0)
		return 0;
	/* A text[] literal; ids are [a-z2-7]{16}, so nothing needs quoting. */
	if ((arr = malloc(n * (APIKEY_ID_LEN + 1) + 3)) == NULL)
		return -1;
	p = arr;
	*p++ = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		memcpy(p, ids[i], APIKEY_ID_LEN);
		p += APIKEY_ID_LEN;
	}
	*p++ = '}';
	*p = '\0';
	params[0] = arr;
	res = db_exec(db, STMT_KEYS_TOUCH, params);
	free(arr);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
store_rate_sync(struct db *db, const char *host, uint32_t minute,
    const uint64_t *hashes, const uint32_t *counts, size_t n,
    void (*others)(void *, uint64_t, uint32_t), void *arg)
{
	char		 m[16], *harr, *carr, *hp, *cp;
	const char	*params[4];
	PGresult	*res;
	size_t		 i;
	int		 rc = -1, r;

	if (n == 0)
		return 0;
	/* bigint[] and int[] literals: digits and signs only. The hash is
	 * stored as the bigint of the same 64 bits. */
	harr = malloc(n * 22 + 3);
	carr = malloc(n * 12 + 3);
	if (harr == NULL || carr == NULL)
		goto out;
	hp = harr;
	cp = carr;
	*hp++ = '{';
	*cp++ = '{';
	for (i = 0; i < n; i++) {
		hp += sprintf(hp, "%s%lld", i ? "," : "", (long long)hashes[i]);
		cp += sprintf(cp, "%s%u", i ? "," : "", counts[i]);
	}
	strcpy(hp, "}");
	strcpy(cp, "}");
	snprintf(m, sizeof(m), "%u", minute);
	params[0] = host;
	params[1] = m;
	params[2] = harr;
	params[3] = carr;
	if ((res = db_exec(db, STMT_RATE_SYNC, params)) == NULL)
		goto out;
	for (r = 0; r < PQntuples(res); r++)
		others(arg, (uint64_t)strtoll(PQgetvalue(res, r, 0), NULL, 10),
		    (uint32_t)strtoul(PQgetvalue(res, r, 1), NULL, 10));
	PQclear(res);
	rc = 0;
out:
	free(harr);
	free(carr);
	return rc;
}

int
store_key_roll(struct db *db, const char *old, const char *org, const char *id,
    const char *salthex, const char *hashhex, long long grace_sec,
    int revoke_tokens, const char *actor, const char *source,
    const char *pepper_check, char *created_at, char *expires_at,
    char *old_ends_at, size_t bufsz)
{
	char		 grace[24];
	const char	*params[10] = { old, org, id, salthex, hashhex, grace,
			    revoke_tokens ? "true" : "false", actor, source,
			    pepper_check };
	PGresult	*res;
	int		 rc = 0;

	snprintf(grace, sizeof(grace), "%lld", grace_sec);
	if ((res = db_exec(db, STMT_KEY_ROLL, params)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		snprintf(created_at, bufsz, "%s", PQgetvalue(res, 0, 0));
		snprintf(expires_at, bufsz, "%s", PQgetvalue(res, 0, 1));
		snprintf(old_ends_at, bufsz, "%s", PQgetvalue(res, 0, 2));
		rc = 1;
	}
	PQclear(res);
	return rc;
}

int
store_rows(struct db *db, enum stmt s, const char *const *params,
    store_row_fn cb, void *arg)
{
	const char	*cols[MAX_COLS];
	PGresult	*res;
	int		 i, j, n, nf, rc = -1;

	if ((res = db_exec(db, s, params)) == NULL)
		return -1;
	n = PQntuples(res);
	if ((nf = PQnfields(res)) > MAX_COLS)
		goto out;
	for (i = 0; i < n; i++) {
		for (j = 0; j < nf; j++)
			cols[j] = PQgetisnull(res, i, j) ? NULL :
			    PQgetvalue(res, i, j);
		if (cb != NULL && cb(arg, cols, nf) == -1)
			goto out;
	}
	rc = n;
out:
	PQclear(res);
	return rc;
}

int
store_begin(struct db *db)
{
	return db_begin(db);
}

int
store_commit(struct db *db)
{
	return db_commit(db);
}

void
store_rollback(struct db *db)
{
	db_rollback(db);
}

int
store_conflict(struct db *db)
{
	return db_last_unique_violation(db);
}

int
store_write(struct db *db, enum stmt s, const char *const *params)
{
	PGresult	*res;
	int		 n;

	if ((res = db_exec(db, s, params)) == NULL)
		return db_last_unique_violation(db) ? -2 : -1;
	n = atoi(PQcmdTuples(res));
	PQclear(res);
	return n;
}
