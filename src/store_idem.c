/*
 * store_idem: see store_idem.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store.h"
#include "store_idem.h"

int
store_idem_lock(struct db *db, const char *org, const char *actor,
    const char *key)
{
	const char	*params[3] = { org, actor, key };
	PGresult	*res;
	int		 rc;

	if ((res = db_exec(db, STMT_IDEM_LOCK, params)) == NULL)
		return -1;
	rc = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return rc;
}

int
store_idem_get(struct db *db, const char *org, const char *actor,
    const char *key, struct store_idem *out)
{
	const char	*params[3] = { org, actor, key };
	const char	*hex;
	PGresult	*res;
	size_t		 n;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((res = db_exec(db, STMT_IDEM_GET, params)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		rc = 0;
		goto out;
	}
	hex = PQgetvalue(res, 0, 3);
	n = strlen(hex);
	if (store_unhex(out->hash, sizeof(out->hash), PQgetvalue(res, 0, 0)) !=
	    (int)sizeof(out->hash) || n < 2 || n / 2 > STORE_IDEM_MAX_BODY ||
	    (out->sealed = malloc(n / 2)) == NULL ||
	    store_unhex(out->sealed, n / 2, hex) < 0) {
		log_warnx("store: idempotency row: malformed");
		free(out->sealed);
		out->sealed = NULL;
		goto out;
	}
	out->sealedlen = (size_t)store_unhex(out->sealed, n / 2, hex);
	out->status = atoi(PQgetvalue(res, 0, 1));
	snprintf(out->location, sizeof(out->location), "%s",
	    PQgetvalue(res, 0, 2));
	rc = 1;
out:
	PQclear(res);
	return rc;
}

int
store_idem_put(struct db *db, const char *org, const char *actor,
    const char *key, const unsigned char hash[SECRET_DIGEST_BYTES],
    int status, const char *location, const unsigned char *sealed,
    size_t sealedlen)
{
	char		 hhex[2 * SECRET_DIGEST_BYTES + 1], st[16], *bhex;
	const char	*params[7];
	int		 n;

	if (sealedlen > STORE_IDEM_MAX_BODY ||
	    (bhex = malloc(2 * sealedlen + 1)) == NULL)
		return -1;
	secret_hex(hhex, hash, SECRET_DIGEST_BYTES);
	secret_hex(bhex, sealed, sealedlen);
	snprintf(st, sizeof(st), "%d", status);
	params[0] = org;
	params[1] = actor;
	params[2] = key;
	params[3] = hhex;
	params[4] = st;
	params[5] = location;
	params[6] = bhex;
	n = store_write(db, STMT_IDEM_PUT, params);
	free(bhex);
	return n < 0 ? -1 : n > 0;
}

int
store_idem_purge(struct db *db)
{
	return store_write(db, STMT_IDEM_PURGE, NULL);
}
