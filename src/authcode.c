/*
 * authcode: see authcode.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "authcode.h"
#include "b64url.h"
#include "bstr.h"
#include "config.h"
#include "refresh.h"
#include "secret.h"

#define CODE_BYTES	32

/* STMT_AUTHCODE_REDEEM takes no code whose accounts a token cannot carry. */
_Static_assert(STORE_ACCOUNTS_BYTES == 2048, "authcode_redeem's bound");

int
authcode_valid(const char *s)
{
	unsigned char	 r[CODE_BYTES];
	int		 ok;

	if (s == NULL || strnlen(s, AUTHCODE_LEN + 1) != AUTHCODE_LEN)
		return 0;
	ok = b64url_decode(r, sizeof(r), s, AUTHCODE_LEN) == CODE_BYTES;
	secret_wipe(r, sizeof(r));
	return ok;
}

static int
bounded(const char *s, size_t max)
{
	return s != NULL && s[0] != '\0' && strnlen(s, max + 1) <= max;
}

int
authcode_create(struct db *db, const struct authcode_new *nc,
    char code[AUTHCODE_LEN + 1])
{
	unsigned char	 r[CODE_BYTES];
	char		 hex[2 * REFRESH_DIGEST_BYTES + 1];
	char		 tok[REFRESH_LEN + 1];
	char		 thex[2 * REFRESH_DIGEST_BYTES + 1];
	char		 mask[REFRESH_MASK_HEX + 1];
	char		 family[4 + APIKEY_ID_LEN + 1];
	char		 abs[16], idle[16], pid[16], gen[24], aver[24];
	const char	*params[17];
	int		 n = -1;

	code[0] = '\0';
	tok[0] = '\0';
	mask[0] = '\0';
	if (!store_app_id_valid(nc->client_id) ||
	    !bounded(nc->org_id, STORE_ORG_ID_BYTES - 1) ||
	    !bounded(nc->user_id, STORE_ID_BYTES - 1) ||
	    !bounded(nc->redirect_uri, REDIRECTURI_MAX_BYTES) ||
	    !pkce_challenge_valid(nc->code_challenge) ||
	    !bounded(nc->scope, SCOPE_MAX_STRING_BYTES - 1) ||
	    (nc->resource != NULL && !bounded(nc->resource,
	    REDIRECTURI_MAX_BYTES)) ||
	    (nc->session_id != NULL && !bounded(nc->session_id,
	    STORE_ID_BYTES - 1)) || nc->absolute_sec <= 0 ||
	    nc->idle_sec <= 0 || nc->pepper == NULL || nc->pepperlen == 0 ||
	    nc->generation < 0 || nc->app_version <= 0)
		return -1;
	if (secret_random(r, sizeof(r)) == -1)
		return -1;
	n = b64url_encode(code, AUTHCODE_LEN + 1, r, sizeof(r));
	secret_wipe(r, sizeof(r));
	memcpy(family, "fam_", 4);
	if (n != AUTHCODE_LEN || refresh_digest_hex(code, hex) == -1 ||
	    apikey_new_id(family + 4) == -1 || refresh_generate(tok) == -1 ||
	    refresh_digest_hex(tok, thex) == -1 ||
	    refresh_code_mask(tok, code, nc->pepper, nc->pepperlen,
	    mask) == -1) {
		n = -1;
		goto out;
	}
	snprintf(abs, sizeof(abs), "%d", nc->absolute_sec);
	snprintf(idle, sizeof(idle), "%d", nc->idle_sec);
	snprintf(pid, sizeof(pid), "%d", nc->pepper_id);
	snprintf(gen, sizeof(gen), "%lld", nc->generation);
	snprintf(aver, sizeof(aver), "%lld", nc->app_version);
	params[0] = hex;
	params[1] = nc->client_id;
	params[2] = nc->user_id;
	params[3] = nc->redirect_uri;
	params[4] = nc->code_challenge;
	params[5] = nc->scope;
	params[6] = nc->resource != NULL ? nc->resource : "";
	params[7] = nc->session_id != NULL ? nc->session_id : "";
	params[8] = nc->org_id;
	params[9] = family;
	params[10] = abs;
	params[11] = thex;
	params[12] = idle;
	params[13] = mask;
	params[14] = pid;
	params[15] = gen;
	params[16] = aver;
	n = store_write(db, STMT_AUTHCODE_CREATE, params);
out:
	if (n != 1)
		secret_wipe(code, AUTHCODE_LEN + 1);
	secret_wipe(hex, sizeof(hex));
	secret_wipe(tok, sizeof(tok));
	secret_wipe(mask, sizeof(mask));
	secret_wipe(thex, sizeof(thex));
	return n < 0 ? -1 : n;
}

static int
yes(const char *s)
{
	return s != NULL && s[0] == 't';
}

/* The columns of STMT_AUTHCODE_REDEEM, in order. */
enum {
	C_CLIENT, C_URI, C_CHALLENGE, C_SCOPE, C_RESOURCE, C_FAMILY, C_USER,
	C_ROLE, C_ACCOUNTS, C_GEN, C_APP_TYPE, C_MASK, C_PEPPER, C__MAX
};

static int
redeem_row(void *arg, const char *const *c, int n)
{
	struct authcode		*a = arg;
	char			*end;
	int			 i, t;

	if (n != C__MAX)
		return -1;
	/* The family first: the code is spent, and a row this cannot read
	 * leaves the caller a family to revoke. */
	if (c[C_FAMILY] == NULL ||
	    bstr_copy(a->family, sizeof(a->family), c[C_FAMILY]) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (c[i] == NULL)
			return -1;
	if (bstr_copy(a->client_id, sizeof(a->client_id), c[C_CLIENT]) == -1 ||
	    bstr_copy(a->redirect_uri, sizeof(a->redirect_uri), c[C_URI]) == -1 ||
	    bstr_copy(a->challenge, sizeof(a->challenge), c[C_CHALLENGE]) == -1 ||
	    bstr_copy(a->scope, sizeof(a->scope), c[C_SCOPE]) == -1 ||
	    bstr_copy(a->resource, sizeof(a->resource), c[C_RESOURCE]) == -1 ||
	    bstr_copy(a->user_id, sizeof(a->user_id), c[C_USER]) == -1 ||
	    bstr_copy(a->role, sizeof(a->role), c[C_ROLE]) == -1 ||
	    bstr_copy(a->accounts, sizeof(a->accounts), c[C_ACCOUNTS]) == -1 ||
	    (t = redirecturi_type_from_name(c[C_APP_TYPE])) == -1)
		return -1;
	a->generation = strtoll(c[C_GEN], &end, 10);
	if (end == c[C_GEN] || *end != '\0' || a->generation < 0)
		return -1;
	a->app_type = (enum redirecturi_type)t;
	/* The masked token: unmasked by authcode_redeem, which has the
	 * code. */
	a->pepper_id = atoi(c[C_PEPPER]);
	return bstr_copy(a->mask, sizeof(a->mask), c[C_MASK]);
}

/*
 * Statement s (STMT_AUTHCODE_REDEEM or _REFUSE: the same parameters) for
 * code in org as b presents it, cb on its row: the number of rows, 0 for
 * a string that is no code, -1.
 */
static int
code_rows(struct db *db, enum stmt s, const char *code, const char *org,
    const struct authcode_bind *b, store_row_fn cb, void *arg)
{
	char		 hex[2 * REFRESH_DIGEST_BYTES + 1];
	const char	*params[6] = { hex, b->key_id, org, b->client_id,
			    b->redirect_uri, b->challenge };
	int		 n;

	if (!authcode_valid(code))
		return 0;
	if (refresh_digest_hex(code, hex) == -1)
		return -1;
	n = store_rows(db, s, params, cb, arg);
	secret_wipe(hex, sizeof(hex));
	return n < 0 ? -1 : n;
}

int
authcode_redeem(struct db *db, const char *code, const char *org,
    const struct authcode_bind *b, const struct config *peppers,
    struct authcode *out)
{
	const unsigned char *pepper = NULL;
	size_t		 pepperlen = 0;
	int		 n;

	memset(out, 0, sizeof(*out));
	n = code_rows(db, STMT_AUTHCODE_REDEEM, code, org, b, redeem_row, out);
	/* A family without its token is none to hand over: the caller
	 * refuses, and revokes it. */
	if (n == 1 && (!config_pepper(peppers, out->pepper_id, &pepper,
	    &pepperlen) || refresh_code_unmask(out->mask, code, pepper,
	    pepperlen, out->refresh) == -1))
		secret_wipe(out->refresh, sizeof(out->refresh));
	secret_wipe(out->mask, sizeof(out->mask));
	if (n < 0)
		return -1;
	return n == 1;
}

/* The columns of STMT_AUTHCODE_REFUSE, in order. */
enum { R_BOUND, R_USED, R_FAMILY, R_CONSUMED, R__MAX };

static int
refuse_row(void *arg, const char *const *c, int n)
{
	struct authcode_refusal	*r = arg;

	if (n != R__MAX || c[R_FAMILY] == NULL)
		return -1;
	r->bound = yes(c[R_BOUND]);
	r->used = yes(c[R_USED]);
	r->consumed = yes(c[R_CONSUMED]);
	return bstr_copy(r->family, sizeof(r->family), c[R_FAMILY]);
}

int
authcode_refuse(struct db *db, const char *code, const char *org,
    const struct authcode_bind *b, struct authcode_refusal *out)
{
	int	 n;

	memset(out, 0, sizeof(*out));
	if ((n = code_rows(db, STMT_AUTHCODE_REFUSE, code, org, b, refuse_row,
	    out)) < 0)
		return -1;
	return n == 1;
}

int
authcode_narrow(struct db *db, const char *family, const char *org,
    const char *digest_hex, const char *scope)
{
	const char	*params[4] = { family, digest_hex, scope, org };
	int		 n;

	if ((n = store_write(db, STMT_AUTHCODE_NARROW, params)) < 0)
		return -1;
	return n == 1;
}

int
authcode_abandon(struct db *db, const char *family, const char *org)
{
	const char	*params[2] = { family, org };

	return store_write(db, STMT_AUTHCODE_ABANDON, params) < 0 ? -1 : 0;
}

int
authcode_reuse(struct db *db, const char *family, const char *org,
    int keep_sec, const char *actor, const char *source)
{
	char		 keep[16];
	const char	*params[5] = { family, org, keep, actor, source };

	snprintf(keep, sizeof(keep), "%d", keep_sec);
	return store_write(db, STMT_AUTHCODE_REUSE, params) < 0 ? -1 : 0;
}
