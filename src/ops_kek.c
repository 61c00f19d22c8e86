/*
 * ops_kek: see ops_kek.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jws.h"
#include "kek.h"
#include "ops_kek.h"
#include "ops_signing.h"
#include "secret.h"
#include "secretcheck.h"
#include "store.h"

#define MAX_KEYS	4096	/* signing keys ever made; far more than enough */

struct sealed {
	char		 kid[JWS_KID_BYTES];
	char		 alg[8];
	char		*hex;		/* "\x..." as read */
};

struct reading {
	struct sealed	*keys;
	size_t		 n;
};

static int
sealed_row(void *arg, const char *const *c, int n)
{
	struct reading	*r = arg;
	struct sealed	*s;

	if (n != 3 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    r->n == MAX_KEYS || strlen(c[0]) >= JWS_KID_BYTES ||
	    strlen(c[1]) >= 8)
		return -1;
	s = &r->keys[r->n];
	snprintf(s->kid, sizeof(s->kid), "%s", c[0]);
	snprintf(s->alg, sizeof(s->alg), "%s", c[1]);
	if ((s->hex = strdup(c[2])) == NULL)
		return -1;
	r->n++;
	return 0;
}

/* Open one key with kek and seal it under new_kek. OPS_OK or an error. */
static enum ops_err
reseal(const struct ops_ctx *x, const struct sealed *s,
    const struct ops_kek_rotate *rq, const char **field)
{
	unsigned char	 ct[JWS_MAX_PRIV_BYTES + KEK_OVERHEAD];
	unsigned char	 priv[JWS_MAX_PRIV_BYTES];
	char		 newhex[2 * sizeof(ct) + 1], aad[128];
	const char	*params[3];
	size_t		 plen = 0, clen = 0;
	enum ops_err	 rc = OPS_FAILED;
	int		 n;

	snprintf(aad, sizeof(aad), "%s:%s", s->kid, s->alg);
	if ((n = store_unhex(ct, sizeof(ct), s->hex)) < 0 ||
	    kek_open(priv, sizeof(priv), &plen, rq->kek, aad, strlen(aad), ct,
	    (size_t)n) == -1) {
		*field = "kek";
		rc = OPS_INVALID;
		goto out;
	}
	if (kek_seal(ct, sizeof(ct), &clen, rq->new_kek, aad, strlen(aad), priv,
	    plen) == -1)
		goto out;
	secret_hex(newhex, ct, clen);
	params[0] = s->kid;
	params[1] = newhex;
	params[2] = s->hex + 2;		/* past "\x" */
	if ((n = store_write(x->db, STMT_SIGNING_RESEAL, params)) < 0)
		rc = OPS_UNAVAILABLE;
	else
		rc = n == 1 ? OPS_OK : OPS_FAILED;
out:
	secret_wipe(priv, sizeof(priv));
	return rc;
}

enum ops_err
ops_kek_rotate(const struct ops_ctx *x, const struct ops_kek_rotate *rq,
    struct ops_kek_rotated *out, const char **field)
{
	struct reading	 r = { NULL, 0 };
	char		 check[2 * SECRET_DIGEST_BYTES + 1], detail[64];
	const char	*params[5];
	enum ops_err	 rc = OPS_UNAVAILABLE;
	size_t		 i;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (x->org != NULL && strcmp(x->org, OPS_PLATFORM_ORG) != 0)
		return OPS_NOT_FOUND;
	if (rq->kek == NULL) {
		*field = "kek";
		return OPS_INVALID;
	}
	if (rq->new_kek == NULL || secret_equal(rq->kek, rq->new_kek,
	    KEK_KEY_BYTES)) {
		*field = "new_kek";
		return OPS_INVALID;
	}
	if (secretcheck_value(check, "kek", rq->new_kek, KEK_KEY_BYTES) == -1)
		return OPS_FAILED;
	if ((r.keys = calloc(MAX_KEYS, sizeof(*r.keys))) == NULL)
		return OPS_FAILED;
	if (store_begin(x->db) == -1)
		goto out;
	if (store_rows(x->db, STMT_SIGNING_LOCK_WAIT, NULL, NULL, NULL) == -1 ||
	    store_rows(x->db, STMT_SIGNING_SEALED, NULL, sealed_row, &r) == -1)
		goto fail;
	for (i = 0; i < r.n; i++)
		if ((rc = reseal(x, &r.keys[i], rq, field)) != OPS_OK)
			goto fail;
	snprintf(detail, sizeof(detail), "%zu signing keys sealed again", r.n);
	params[0] = check;
	rc = OPS_UNAVAILABLE;
	if (store_write(x->db, STMT_SECRET_KEK_SET, params) != 1)
		goto fail;
	params[0] = OPS_PLATFORM_ORG;
	params[1] = detail;
	params[2] = x->actor != NULL ? x->actor : "";
	params[3] = x->source != NULL ? x->source : "";
	if (store_write(x->db, STMT_KEK_AUDIT, params) != 1)
		goto fail;
	if (store_commit(x->db) == -1)
		goto out;
	out->resealed = r.n;
	rc = OPS_OK;
	goto out;
fail:
	store_rollback(x->db);
out:
	for (i = 0; i < r.n; i++)
		free(r.keys[i].hex);
	free(r.keys);
	return rc;
}
