/*
 * jwtverify: strict verification of our own access tokens. See jwtverify.h
 * for the rules; tests/unit/test_jwtverify.c has a row for each, and
 * tests/integration/test_verify.py attacks them over HTTP.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <jansson.h>

#include "b64url.h"
#include "claims.h"
#include "jwtverify.h"
#include "secret.h"

#define MAX_HEADER_BYTES	512
#define MAX_SIG_BYTES		512	/* RSA-4096 */

static const char *const errs[] = {
	"ok", "malformed", "header", "alg", "kid", "signature", "issuer",
	"audience", "expired", "not yet valid", "claims"
};

const char *
jwtverify_strerror(enum jwtverify_err e)
{
	return (unsigned)e < sizeof(errs) / sizeof(errs[0]) ? errs[e] : "?";
}

/* Decode a base64url part into a JSON object (duplicates refused). */
static json_t *
part_json(const char *s, size_t len, size_t max)
{
	unsigned char	 buf[JWTVERIFY_MAX_BYTES];
	json_t		*o;
	int		 n;

	if (len == 0 || max > sizeof(buf) ||
	    (n = b64url_decode(buf, max, s, len)) <= 0)
		return NULL;
	o = json_loadb((const char *)buf, (size_t)n, JSON_REJECT_DUPLICATES,
	    NULL);
	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
copy_str(json_t *o, const char *name, char *dst, size_t dstsz, int required)
{
	json_t		*v = json_object_get(o, name);
	const char	*s;

	if (v == NULL) {
		dst[0] = '\0';
		return required ? -1 : 0;
	}
	if (!json_is_string(v) || json_string_length(v) >= dstsz)
		return -1;
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))	/* embedded NUL */
		return -1;
	memcpy(dst, s, json_string_length(v) + 1);
	return 0;
}

/* "accounts": "*" or an array of strings, into a space-separated list. */
static int
get_accounts(json_t *o, char *dst, size_t dstsz)
{
	json_t		*v = json_object_get(o, "accounts"), *a;
	size_t		 i, len = 0, n;

	dst[0] = '\0';
	if (v == NULL)
		return 0;
	if (json_is_string(v))
		return strcmp(json_string_value(v), "*") == 0 ?
		    (snprintf(dst, dstsz, "*"), 0) : -1;
	if (!json_is_array(v))
		return -1;
	json_array_foreach(v, i, a) {
		if (!json_is_string(a) || (n = json_string_length(a)) == 0 ||
		    memchr(json_string_value(a), ' ', n) != NULL ||
		    strlen(json_string_value(a)) != n || len + n + 2 > dstsz)
			return -1;
		if (len > 0)
			dst[len++] = ' ';
		memcpy(dst + len, json_string_value(a), n);
		len += n;
		dst[len] = '\0';
	}
	return 0;
}

/* "parents": an array of at most CLAIMS_MAX_CHAIN jtis. */
static int
get_parents(json_t *o, struct verified *out)
{
	json_t		*v = json_object_get(o, "parents"), *p;
	size_t		 i;

	out->nparents = 0;
	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > CLAIMS_MAX_CHAIN)
		return -1;
	json_array_foreach(v, i, p) {
		if (!json_is_string(p) || !claims_jti_valid(json_string_value(p),
		    json_string_length(p)))
			return -1;
		memcpy(out->parents[i], json_string_value(p), CLAIMS_JTI_LEN + 1);
		out->nparents++;
	}
	return 0;
}

/* "act" (RFC 8693 §4.1): objects nested at most CLAIMS_MAX_CHAIN deep,
 * each with a string "sub"; the current actor first. */
static int
get_act(json_t *o, struct verified *out)
{
	json_t		*a = json_object_get(o, "act"), *sub;

	out->nact = 0;
	while (a != NULL) {
		if (!json_is_object(a) || out->nact == CLAIMS_MAX_CHAIN ||
		    (sub = json_object_get(a, "sub")) == NULL ||
		    !json_is_string(sub) || json_string_length(sub) == 0 ||
		    json_string_length(sub) >= sizeof(out->act[0]) ||
		    strlen(json_string_value(sub)) != json_string_length(sub))
			return -1;
		memcpy(out->act[out->nact++], json_string_value(sub),
		    json_string_length(sub) + 1);
		a = json_object_get(a, "act");
	}
	return 0;
}

static int
get_int(json_t *o, const char *name, long long *out, int required)
{
	json_t	*v = json_object_get(o, name);

	if (v == NULL) {
		*out = 0;
		return required ? -1 : 0;
	}
	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

static enum jwtverify_err
check_header(const struct jws_key *keys, size_t n,
    const struct jwtverify_opts *o, json_t *h, const struct jws_key **key,
    struct verified *out)
{
	const char	*k;
	json_t		*v;
	char		 alg[16], typ[32];
	size_t		 i;
	int		 a;

	json_object_foreach(h, k, v) {
		if (strcmp(k, "alg") != 0 && strcmp(k, "typ") != 0 &&
		    strcmp(k, "kid") != 0)
			return JWTV_HEADER;	/* jku, x5u, jwk, crit, ... */
	}
	if (copy_str(h, "alg", alg, sizeof(alg), 1) == -1)
		return JWTV_ALG;
	if (copy_str(h, "typ", typ, sizeof(typ), 1) == -1 ||
	    (strcasecmp(typ, "at+jwt") != 0 &&
	    strcasecmp(typ, "application/at+jwt") != 0))
		return JWTV_HEADER;
	if ((a = jws_alg_parse(alg)) < 0 || !(o->algs & (1u << a)))
		return JWTV_ALG;
	if (copy_str(h, "kid", out->kid, sizeof(out->kid), 1) == -1)
		return JWTV_KID;
	for (i = 0; i < n; i++)
		if (strcmp(keys[i].kid, out->kid) == 0)
			break;
	if (i == n)
		return JWTV_KID;
	/* RFC 8725 §3.1: the key decides the algorithm, not the token. */
	if (keys[i].alg != (enum jws_alg)a)
		return JWTV_ALG;
	out->alg = (enum jws_alg)a;
	*key = &keys[i];
	return JWTV_OK;
}

static int
verify_sig(const struct jws_key *k, const char *input, size_t inlen,
    const unsigned char *sig, size_t siglen)
{
	unsigned char	 mac[SECRET_DIGEST_BYTES], der[80];
	unsigned char	*p = der;
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r = NULL, *s = NULL;
	EVP_MD_CTX	*ctx = NULL;
	int		 derlen, ok = 0;

	if (k->alg == JWS_HS256) {
		if (siglen != sizeof(mac) || secret_hmac(mac, k->hmac,
		    sizeof(k->hmac), input, inlen, NULL, 0) == -1)
			return 0;
		return secret_equal(mac, sig, sizeof(mac));
	}
	if (k->alg == JWS_ES256) {
		/* RFC 7518 §3.4: exactly R || S, 32 bytes each; low S only
		 * (jws.h), so no second form of a signature verifies. */
		if (siglen != 64 || !jws_es256_low_s(sig + 32))
			return 0;
		if ((es = ECDSA_SIG_new()) == NULL ||
		    (r = BN_bin2bn(sig, 32, NULL)) == NULL ||
		    (s = BN_bin2bn(sig + 32, 32, NULL)) == NULL)
			goto out;
		if (BN_is_zero(r) || BN_is_zero(s))
			goto out;
		if (ECDSA_SIG_set0(es, r, s) != 1)
			goto out;
		r = s = NULL;
		if ((derlen = i2d_ECDSA_SIG(es, &p)) <= 0)
			goto out;
		sig = der;
		siglen = (size_t)derlen;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1)
		goto out;
	ok = EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)input,
	    inlen) == 1;
out:
	EVP_MD_CTX_free(ctx);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	return ok;
}

static enum jwtverify_err
check_claims(const struct jwtverify_opts *o, json_t *c, struct verified *out)
{
	char		 iss[512];
	json_t		*aud, *v;
	size_t		 i, j;
	int		 found = 0;

	if (copy_str(c, "iss", iss, sizeof(iss), 1) == -1 ||
	    strcmp(iss, o->issuer) != 0)
		return JWTV_ISSUER;
	aud = json_object_get(c, "aud");
	for (j = 0; aud != NULL && o->audiences[j] != NULL && !found; j++) {
		if (json_is_string(aud))
			found = strcmp(json_string_value(aud), o->audiences[j]) == 0;
		else if (json_is_array(aud))
			json_array_foreach(aud, i, v)
				if (json_is_string(v) && strcmp(json_string_value(v),
				    o->audiences[j]) == 0)
					found = 1;
	}
	if (!found)
		return JWTV_AUDIENCE;
	snprintf(out->aud, sizeof(out->aud), "%s", json_is_string(aud) ?
	    json_string_value(aud) : o->audiences[j - 1]);
	if (get_int(c, "exp", &out->exp, 1) == -1 ||
	    get_int(c, "iat", &out->iat, 1) == -1 ||
	    get_int(c, "nbf", &out->nbf, 0) == -1 ||
	    copy_str(c, "jti", out->jti, sizeof(out->jti), 1) == -1 ||
	    copy_str(c, "sub", out->sub, sizeof(out->sub), 1) == -1 ||
	    copy_str(c, "client_id", out->client_id, sizeof(out->client_id), 1) ||
	    copy_str(c, "org", out->org, sizeof(out->org), 1) == -1 ||
	    copy_str(c, "scope", out->scope, sizeof(out->scope), 1) == -1 ||
	    copy_str(c, "role", out->role, sizeof(out->role), 0) == -1 ||
	    copy_str(c, "username", out->username, sizeof(out->username), 0) ||
	    get_accounts(c, out->accounts, sizeof(out->accounts)) == -1 ||
	    copy_str(c, "sid", out->sid, sizeof(out->sid), 0) == -1 ||
	    get_int(c, "gen", &out->gen, 0) == -1 || out->gen < 0 ||
	    get_parents(c, out) == -1 || get_act(c, out) == -1)
		return JWTV_CLAIMS;
	out->has_gen = json_object_get(c, "gen") != NULL;
	/* Subtract from now: exp + leeway could overflow a hostile exp. */
	if (o->now - o->leeway_sec >= out->exp)
		return JWTV_EXPIRED;
	if ((out->nbf != 0 && o->now + o->leeway_sec < out->nbf) ||
	    o->now + o->leeway_sec < out->iat)
		return JWTV_NOT_YET;
	return JWTV_OK;
}

enum jwtverify_err
jwtverify(const struct jws_key *keys, size_t n, const struct jwtverify_opts *o,
    const char *token, size_t len, struct verified *out)
{
	const struct jws_key	*key = NULL;
	unsigned char		 sig[MAX_SIG_BYTES];
	const char		*d1, *d2;
	json_t			*h = NULL, *c = NULL;
	enum jwtverify_err	 e = JWTV_MALFORMED;
	size_t			 i;
	int			 siglen;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > JWTVERIFY_MAX_BYTES)
		return JWTV_MALFORMED;
	for (i = 0; i < len; i++) {
		char ch = token[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.'))
			return JWTV_MALFORMED;
	}
	if ((d1 = memchr(token, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token))) == NULL ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) != NULL)
		return JWTV_MALFORMED;
	if ((h = part_json(token, (size_t)(d1 - token), MAX_HEADER_BYTES)) == NULL)
		goto out;
	if ((e = check_header(keys, n, o, h, &key, out)) != JWTV_OK)
		goto out;
	e = JWTV_SIGNATURE;
	siglen = b64url_decode(sig, sizeof(sig), d2 + 1,
	    len - (size_t)(d2 + 1 - token));
	if (siglen <= 0 || !verify_sig(key, token, (size_t)(d2 - token), sig,
	    (size_t)siglen))
		goto out;
	e = JWTV_MALFORMED;
	if ((c = part_json(d1 + 1, (size_t)(d2 - d1 - 1), JWTVERIFY_MAX_BYTES))
	    == NULL)
		goto out;
	e = check_claims(o, c, out);
out:
	json_decref(h);
	json_decref(c);
	return e;
}

int
jwtverify_is_user(const struct verified *v)
{
	return v->role[0] != '\0';
}
