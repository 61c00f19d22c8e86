/*
 * ops_key: see ops_key.h.
 */
#include <stdio.h>
#include <string.h>

#include "ops_key.h"
#include "secret.h"
#include "secretcheck.h"
#include "store.h"

static int
env_row(void *arg, const char *const *c, int n)
{
	int	*st = arg;

	if (n != 2 || c[0] == NULL || c[1] == NULL)
		return -1;
	st[0] = apikey_env_parse(c[0]);
	st[1] = c[1][0] == 't';
	return 0;
}

enum ops_err
ops_key_roll(const struct ops_ctx *x, const struct ops_key_roll *rq,
    struct ops_key_rolled *out, const char **field)
{
	struct apikey	 k;
	unsigned char	 salt[APIKEY_SALT_BYTES], h[32];
	char		 salthex[2 * APIKEY_SALT_BYTES + 1], hhex[65];
	char		 pcheck[2 * SECRET_DIGEST_BYTES + 1];
	const char	*params[2];
	enum ops_err	 rc = OPS_FAILED;
	int		 st[2] = { -1, 0 }, n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->id == NULL || !apikey_id_valid(rq->id, strlen(rq->id))) {
		*field = "id";
		return OPS_INVALID;
	}
	if (rq->grace_sec < 0 || rq->grace_sec > OPS_ROLL_MAX_GRACE_SEC) {
		*field = "grace";
		return OPS_INVALID;
	}
	params[0] = rq->id;
	params[1] = x->org;
	if ((n = store_rows(x->db, STMT_KEY_ROLL_PEEK, params, env_row, st)) < 0)
		return OPS_UNAVAILABLE;
	if (n == 0)
		return OPS_NOT_FOUND;
	if (st[0] < 0)
		return OPS_FAILED;
	if (!st[1])
		return OPS_CONFLICT;

	/* The new key, of the old one's environment. */
	if (apikey_generate(&k, (enum apikey_env)st[0], out->key,
	    sizeof(out->key)) == -1 || secret_random(salt, sizeof(salt)) == -1 ||
	    apikey_hash(h, x->pepper, x->pepperlen, k.id, salt, k.secret) == -1 ||
	    secretcheck_value(pcheck, "pepper", x->pepper, x->pepperlen) == -1)
		goto out;
	secret_hex(salthex, salt, sizeof(salt));
	secret_hex(hhex, h, sizeof(h));
	n = store_key_roll(x->db, rq->id, x->org, k.id, salthex, hhex,
	    rq->grace_sec, pcheck, out->created_at, out->expires_at,
	    out->old_ends_at, sizeof(out->created_at));
	if (n == -1)
		rc = OPS_UNAVAILABLE;
	else if (n == 0)
		rc = OPS_CONFLICT;	/* a concurrent roll or revoke won */
	else {
		memcpy(out->id, k.id, sizeof(out->id));
		rc = OPS_OK;
	}
out:
	apikey_wipe(&k);
	secret_wipe(h, sizeof(h));
	secret_wipe(hhex, sizeof(hhex));
	if (rc != OPS_OK)
		secret_wipe(out->key, sizeof(out->key));
	return rc;
}
