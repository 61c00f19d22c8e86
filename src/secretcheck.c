/*
 * secretcheck: see secretcheck.h.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "secret.h"
#include "secretcheck.h"
#include "store.h"

#define LABEL	"jwtmint secret check v1 "

int
secretcheck_value(char hex[2 * SECRET_DIGEST_BYTES + 1], const char *kind,
    const unsigned char *secret, size_t len)
{
	unsigned char	 mac[SECRET_DIGEST_BYTES];

	if (secret_hmac(mac, secret, len, LABEL, strlen(LABEL), kind,
	    strlen(kind)) == -1)
		return -1;
	secret_hex(hex, mac, sizeof(mac));
	secret_wipe(mac, sizeof(mac));
	return 0;
}

static int
one_value(void *arg, const char *const *c, int n)
{
	char	*out = arg;

	if (n != 1)
		return -1;
	snprintf(out, 2 * SECRET_DIGEST_BYTES + 1, "%s", c[0] ? c[0] : "");
	return 0;
}

/* 1 match, 0 mismatch (msg), -1 database. */
static int
check_one(struct db *db, const char *kind, int id, const unsigned char *key,
    size_t len, char *msg, size_t msgsz)
{
	char		 mine[2 * SECRET_DIGEST_BYTES + 1];
	char		 theirs[2 * SECRET_DIGEST_BYTES + 1], ids[16];
	const char	*params[3];
	int		 attempt, n;

	if (secretcheck_value(mine, kind, key, len) == -1)
		return -1;
	snprintf(ids, sizeof(ids), "%d", id);
	params[0] = kind;
	params[1] = ids;
	params[2] = mine;
	/* NULL the first time: a concurrent first writer; read again. */
	for (attempt = 0; attempt < 2; attempt++) {
		theirs[0] = '\0';
		if ((n = store_rows(db, STMT_SECRET_CHECK, params, one_value,
		    theirs)) != 1)
			return -1;
		if (theirs[0] != '\0')
			break;
	}
	if (strlen(theirs) == strlen(mine) &&
	    secret_equal(theirs, mine, strlen(mine)))
		return 1;
	if (strcmp(kind, "kek") == 0)
		snprintf(msg, msgsz, "this host's key-encryption key is not the "
		    "one the database's signing keys are sealed with (its check "
		    "value differs): every host must use the same kek_file; "
		    "after `jwtmint-admin kek rotate`, the new one");
	else if (theirs[0] == '\0')
		snprintf(msg, msgsz, "pepper %d of this host is already known "
		    "to the database under another id: each pepper has one id",
		    id);
	else
		snprintf(msg, msgsz, "this host's pepper %d is not the "
		    "database's pepper %d (its check value differs): every host "
		    "must hold the same pepper under each id (pepper_file with "
		    "pepper_id, old_peppers_file)", id, id);
	return 0;
}

int
secretcheck_verify(struct db *db, const struct config *c, char *msg,
    size_t msgsz)
{
	size_t	 i;
	int	 rc;

	msg[0] = '\0';
	if ((rc = check_one(db, "kek", 0, c->kek, sizeof(c->kek), msg,
	    msgsz)) != 1)
		return rc;
	if ((rc = check_one(db, "pepper", c->pepper_id, c->pepper,
	    c->pepperlen, msg, msgsz)) != 1)
		return rc;
	for (i = 0; i < c->nold_peppers; i++)
		if ((rc = check_one(db, "pepper", c->old_peppers[i].id,
		    c->old_peppers[i].key, c->old_peppers[i].len, msg,
		    msgsz)) != 1)
			return rc;
	return 1;
}

int
secretcheck_config(const struct config *c, char *msg, size_t msgsz)
{
	struct db	*db;
	int		 rc;

	msg[0] = '\0';
	if ((db = db_new(c, 0)) == NULL) {
		snprintf(msg, msgsz, "out of memory");
		return -1;
	}
	rc = secretcheck_verify(db, c, msg, msgsz);
	db_free(db);
	return rc;
}
