/*
 * ops_signing: see ops_signing.h.
 */
#include <stdio.h>
#include <string.h>

#include "bstr.h"
#include "kek.h"
#include "ops_signing.h"
#include "secret.h"
#include "store.h"

#define KID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789-_"

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* Platform operations: an organization's context sees nothing. */
static int
platform(const struct ops_ctx *x)
{
	return x->org == NULL || strcmp(x->org, OPS_PLATFORM_ORG) == 0;
}

int
ops_signing_kid_valid(const char *kid)
{
	size_t	 n = strlen(kid);

	return n > 0 && n < JWS_KID_BYTES && strspn(kid, KID_CHARS) == n;
}

/* The first row's first two columns, each "" for NULL. */
struct two {
	char	 a[JWS_KID_BYTES];
	char	 b[JWS_KID_BYTES];
};

static int
two_cols(void *arg, const char *const *c, int n)
{
	struct two	*t = arg;

	if (n < 1)
		return -1;
	snprintf(t->a, sizeof(t->a), "%s", c[0] ? c[0] : "");
	snprintf(t->b, sizeof(t->b), "%s", n > 1 && c[1] ? c[1] : "");
	return 0;
}

/* Make and store a key of alg in state ("active" or "next"). */
static enum ops_err
create(const struct ops_ctx *x, enum jws_alg alg, const char *state,
    const unsigned char *kek, const char *event,
    struct ops_signing_created *out)
{
	unsigned char	 priv[JWS_MAX_PRIV_BYTES];
	unsigned char	 sealed[JWS_MAX_PRIV_BYTES + KEK_OVERHEAD];
	char		 sealedhex[2 * sizeof(sealed) + 1];
	char		 kid[JWS_KID_BYTES], aad[128];
	const char	*params[8];
	struct two	 t;
	size_t		 slen = 0;
	enum ops_err	 rc = OPS_FAILED;
	int		 n;

	memset(&t, 0, sizeof(t));
	if ((n = jws_generate(alg, priv, sizeof(priv))) < 0 ||
	    jws_kid(alg, priv, (size_t)n, kid) == -1)
		goto out;
	snprintf(aad, sizeof(aad), "%s:%s", kid, jws_alg_name(alg));
	if (kek_seal(sealed, sizeof(sealed), &slen, kek, aad, strlen(aad), priv,
	    (size_t)n) == -1)
		goto out;
	secret_hex(sealedhex, sealed, slen);
	params[0] = kid;
	params[1] = jws_alg_name(alg);
	params[2] = sealedhex;
	params[3] = state;
	params[4] = nz(x->actor);
	params[5] = nz(x->source);
	params[6] = OPS_PLATFORM_ORG;
	params[7] = event;
	n = store_rows(x->db, STMT_SIGNING_CREATE, params, two_cols, &t);
	if (n == -1)
		rc = store_conflict(x->db) ? OPS_CONFLICT : OPS_UNAVAILABLE;
	else if (n != 1)
		rc = OPS_FAILED;
	else {
		snprintf(out->kid, sizeof(out->kid), "%s", kid);
		snprintf(out->created_at, sizeof(out->created_at), "%s", t.a);
		snprintf(out->retired, sizeof(out->retired), "%s", t.b);
		rc = OPS_OK;
	}
out:
	secret_wipe(priv, sizeof(priv));
	return rc;
}

enum ops_err
ops_signing_create(const struct ops_ctx *x, const struct ops_signing_create *rq,
    struct ops_signing_created *out, const char **field)
{
	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (!platform(x))
		return OPS_NOT_FOUND;
	if ((int)rq->alg < 0 || rq->alg >= JWS_ALG__MAX) {
		*field = "alg";
		return OPS_INVALID;
	}
	if (rq->kek == NULL) {
		*field = "kek";
		return OPS_INVALID;
	}
	return create(x, rq->alg, rq->next ? "next" : "active", rq->kek,
	    "signing_key.create", out);
}

struct listing {
	const struct ops_signing_list	*rq;
	size_t				 n;
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct listing		*l = arg;
	struct ops_signing_key	 k;

	if (n != 7 || c[0] == NULL || c[1] == NULL || c[4] == NULL)
		return -1;
	memset(&k, 0, sizeof(k));
	bstr_trunc(k.kid, sizeof(k.kid), c[0]);
	bstr_trunc(k.alg, sizeof(k.alg), c[1]);
	bstr_trunc(k.created_at, sizeof(k.created_at), c[2]);
	bstr_trunc(k.retired_at, sizeof(k.retired_at), c[3]);
	bstr_trunc(k.state, sizeof(k.state), c[4]);
	bstr_trunc(k.activated_at, sizeof(k.activated_at), c[5]);
	bstr_trunc(k.removed_at, sizeof(k.removed_at), c[6]);
	l->n++;
	return l->rq->row != NULL ? l->rq->row(l->rq->arg, &k) : 0;
}

enum ops_err
ops_signing_list(const struct ops_ctx *x, const struct ops_signing_list *rq,
    size_t *count, const char **field)
{
	struct listing	 l = { rq, 0 };

	*count = 0;
	*field = NULL;
	if (!platform(x))
		return OPS_NOT_FOUND;
	if (store_rows(x->db, STMT_SIGNING_LIST, NULL, list_row, &l) == -1)
		return OPS_UNAVAILABLE;
	*count = l.n;
	return OPS_OK;
}

/* The next and active keys of alg. */
struct peek {
	char	 next[JWS_KID_BYTES];
	char	 active[JWS_KID_BYTES];
};

static int
peek_row(void *arg, const char *const *c, int n)
{
	struct peek	*p = arg;

	if (n != 2 || c[0] == NULL || c[1] == NULL)
		return -1;
	if (strcmp(c[1], "next") == 0 && p->next[0] == '\0')
		bstr_trunc(p->next, sizeof(p->next), c[0]);
	else if (strcmp(c[1], "active") == 0 && p->active[0] == '\0')
		bstr_trunc(p->active, sizeof(p->active), c[0]);
	return 0;
}

enum ops_err
ops_signing_promote(const struct ops_ctx *x,
    const struct ops_signing_promote *rq, struct ops_signing_rotated *out,
    const char **field)
{
	const char	*params[6];
	struct two	 t;
	int		 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (!platform(x))
		return OPS_NOT_FOUND;
	if ((int)rq->alg < 0 || rq->alg >= JWS_ALG__MAX) {
		*field = "alg";
		return OPS_INVALID;
	}
	if (rq->kid == NULL || !ops_signing_kid_valid(rq->kid)) {
		*field = "kid";
		return OPS_INVALID;
	}
	if (rq->active == NULL || (rq->active[0] != '\0' &&
	    !ops_signing_kid_valid(rq->active))) {
		*field = "active";
		return OPS_INVALID;
	}
	memset(&t, 0, sizeof(t));
	params[0] = jws_alg_name(rq->alg);
	params[1] = rq->kid;
	params[2] = rq->active;
	params[3] = nz(x->actor);
	params[4] = nz(x->source);
	params[5] = OPS_PLATFORM_ORG;
	if ((n = store_rows(x->db, STMT_SIGNING_PROMOTE, params, two_cols,
	    &t)) == -1)
		return store_conflict(x->db) ? OPS_CONFLICT : OPS_UNAVAILABLE;
	if (n == 0)
		return OPS_CONFLICT;
	bstr_trunc(out->kid, sizeof(out->kid), t.a);
	bstr_trunc(out->retired, sizeof(out->retired), rq->active);
	return OPS_OK;
}

enum ops_err
ops_signing_rotate(const struct ops_ctx *x, const struct ops_signing_rotate *rq,
    struct ops_signing_rotated *out, const char **field)
{
	struct ops_signing_promote	 pr;
	struct ops_signing_created	 cr;
	struct peek			 p;
	const char			*params[1];
	enum ops_err			 rc;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (!platform(x))
		return OPS_NOT_FOUND;
	if ((int)rq->alg < 0 || rq->alg >= JWS_ALG__MAX) {
		*field = "alg";
		return OPS_INVALID;
	}
	if (rq->kek == NULL) {
		*field = "kek";
		return OPS_INVALID;
	}
	memset(&p, 0, sizeof(p));
	params[0] = jws_alg_name(rq->alg);
	if (store_rows(x->db, STMT_SIGNING_PEEK, params, peek_row, &p) == -1)
		return OPS_UNAVAILABLE;
	if (p.next[0] != '\0') {
		pr.alg = rq->alg;
		pr.kid = p.next;
		pr.active = p.active;
		return ops_signing_promote(x, &pr, out, field);
	}
	/* No next key: one is made and signs at once, in one statement. */
	if ((rc = create(x, rq->alg, "active", rq->kek, "signing_key.rotate",
	    &cr)) != OPS_OK)
		return rc;
	bstr_trunc(out->kid, sizeof(out->kid), cr.kid);
	bstr_trunc(out->retired, sizeof(out->retired), cr.retired);
	out->created = 1;
	return OPS_OK;
}

enum ops_err
ops_signing_retire(const struct ops_ctx *x, const struct ops_signing_retire *rq,
    struct ops_signing_retired *out, const char **field)
{
	const char	*params[4];
	struct two	 t;
	int		 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (!platform(x))
		return OPS_NOT_FOUND;
	if (rq->kid == NULL || !ops_signing_kid_valid(rq->kid)) {
		*field = "kid";
		return OPS_INVALID;
	}
	memset(&t, 0, sizeof(t));
	params[0] = rq->kid;
	params[1] = nz(x->actor);
	params[2] = nz(x->source);
	params[3] = OPS_PLATFORM_ORG;
	if ((n = store_rows(x->db, STMT_SIGNING_RETIRE, params, two_cols,
	    &t)) == -1)
		return store_conflict(x->db) ? OPS_CONFLICT : OPS_UNAVAILABLE;
	if (n == 0)
		return OPS_NOT_FOUND;
	bstr_trunc(out->kid, sizeof(out->kid), t.a);
	bstr_trunc(out->replaced_by, sizeof(out->replaced_by), t.b);
	return OPS_OK;
}

enum ops_err
ops_signing_remove(const struct ops_ctx *x, const struct ops_signing_remove *rq,
    void *out, const char **field)
{
	const char	*params[5];
	char		 secs[16];
	int		 n;

	(void)out;
	*field = NULL;
	if (!platform(x))
		return OPS_NOT_FOUND;
	if (rq->kid == NULL || !ops_signing_kid_valid(rq->kid)) {
		*field = "kid";
		return OPS_INVALID;
	}
	if (rq->retain_sec < 0) {
		*field = "retain_sec";
		return OPS_INVALID;
	}
	snprintf(secs, sizeof(secs), "%d", rq->retain_sec);
	params[0] = rq->kid;
	params[1] = secs;
	params[2] = nz(x->actor);
	params[3] = nz(x->source);
	params[4] = OPS_PLATFORM_ORG;
	if ((n = store_rows(x->db, STMT_SIGNING_REMOVE, params, NULL,
	    NULL)) == -1)
		return OPS_UNAVAILABLE;
	return n == 1 ? OPS_OK : OPS_CONFLICT;
}
