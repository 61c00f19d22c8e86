/*
 * test_jwk: public JWKs and RFC 7638 thumbprints. The RFC 7638 §3.1 RSA
 * example gives its published thumbprint; EC P-256 keys give exactly the
 * public members, coordinates of exactly 32 bytes (leading zero bytes kept,
 * RFC 7518 §6.2.1.2) equal to the encoded public point, and thumbprints
 * recomputed here with OpenSSL's own base64; RSA keys give n and e without
 * leading zeros and no private member. Other key types and curves: NULL/-1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "b64url.h"
#include "jwk.h"
#include "t.h"

/* RFC 7638 §3.1. */
static const char rfc_n[] =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPF"
    "FxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93l"
    "qt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHz"
    "u6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPks"
    "INHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
static const char rfc_e[] = "AQAB";
static const char rfc_tp[] = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

#define MAX_EC_TRIES	4000

/* base64url by way of OpenSSL's standard base64: independent of b64url.c. */
static void
ossl_b64url(char *out, const unsigned char *in, size_t n)
{
	unsigned char	 tmp[2048];
	int		 len, i, o = 0;

	len = EVP_EncodeBlock(tmp, in, (int)n);
	for (i = 0; i < len; i++) {
		if (tmp[i] == '=')
			break;
		out[o++] = tmp[i] == '+' ? '-' : tmp[i] == '/' ? '_' : (char)tmp[i];
	}
	out[o] = '\0';
}

static int
str_is(json_t *o, const char *k, const char *want)
{
	json_t	*v = json_object_get(o, k);

	return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* Decode member k; returns its byte length or -1. */
static int
member_bytes(json_t *o, const char *k, unsigned char *out, size_t outsz)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s == NULL ? -1 : b64url_decode(out, outsz, s, strlen(s));
}

static EVP_PKEY *
rsa_from_ne(const char *n64, const char *e64)
{
	unsigned char	 n[1024], e[16];
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*bn = NULL, *be = NULL;
	int		 nl, el;

	if ((nl = b64url_decode(n, sizeof(n), n64, strlen(n64))) <= 0 ||
	    (el = b64url_decode(e, sizeof(e), e64, strlen(e64))) <= 0)
		return NULL;
	bn = BN_bin2bn(n, nl, NULL);
	be = BN_bin2bn(e, el, NULL);
	if (bn == NULL || be == NULL || (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

static void
check_rfc7638(void)
{
	EVP_PKEY	*pkey;
	json_t		*j;
	char		 tp[JWK_THUMBPRINT_LEN + 1];

	if ((pkey = rsa_from_ne(rfc_n, rfc_e)) == NULL) {
		T_CHECK(0, "RFC 7638 key built from n and e");
		return;
	}
	memset(tp, 'X', sizeof(tp));
	T_CHECK(jwk_thumbprint(pkey, tp) == 0 && strcmp(tp, rfc_tp) == 0,
	    "RFC 7638 §3.1 thumbprint %s (got %.43s)", rfc_tp, tp);
	j = jwk_public(pkey, "2011-04-29", "RS256");
	T_CHECK(j != NULL && json_object_size(j) == 6 &&
	    str_is(j, "kty", "RSA") && str_is(j, "n", rfc_n) &&
	    str_is(j, "e", rfc_e) && str_is(j, "kid", "2011-04-29") &&
	    str_is(j, "alg", "RS256") && str_is(j, "use", "sig"),
	    "RFC 7638 key: jwk_public gives n and e back verbatim");
	json_decref(j);
	EVP_PKEY_free(pkey);
}

/*
 * Every check of one P-256 JWK. Returns 1 when all hold; *lead is set when
 * x or y starts with a zero byte.
 */
static int
check_ec_key(EVP_PKEY *pkey, int *lead, char *why, size_t whysz)
{
	unsigned char	 pt[65], x[64], y[64];
	char		 canon[256], tp[JWK_THUMBPRINT_LEN + 1], want[64];
	unsigned char	 d[32];
	size_t		 ptlen = 0;
	unsigned int	 dl = 0;
	json_t		*j;
	int		 ok = 0;

	if ((j = jwk_public(pkey, "kid-ec", "ES256")) == NULL) {
		snprintf(why, whysz, "jwk_public NULL");
		return 0;
	}
	if (json_object_size(j) != 7 || !str_is(j, "kty", "EC") ||
	    !str_is(j, "crv", "P-256") || !str_is(j, "kid", "kid-ec") ||
	    !str_is(j, "alg", "ES256") || !str_is(j, "use", "sig") ||
	    json_object_get(j, "d") != NULL) {
		snprintf(why, whysz, "members");
		goto out;
	}
	if (strlen(json_string_value(json_object_get(j, "x"))) != 43 ||
	    strlen(json_string_value(json_object_get(j, "y"))) != 43 ||
	    member_bytes(j, "x", x, sizeof(x)) != 32 ||
	    member_bytes(j, "y", y, sizeof(y)) != 32) {
		snprintf(why, whysz, "x or y not 32 bytes");
		goto out;
	}
	if (EVP_PKEY_get_octet_string_param(pkey,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt), &ptlen) != 1 ||
	    ptlen != 65 || pt[0] != 0x04 || memcmp(pt + 1, x, 32) != 0 ||
	    memcmp(pt + 33, y, 32) != 0) {
		snprintf(why, whysz, "x, y differ from the encoded point");
		goto out;
	}
	*lead = x[0] == 0 || y[0] == 0;
	/* RFC 7638 §3.2 recomputed: members sorted, no whitespace. */
	ossl_b64url(canon, pt + 1, 32);
	ossl_b64url(want, pt + 33, 32);
	{
		char	 xs[64];

		memcpy(xs, canon, sizeof(xs));
		snprintf(canon, sizeof(canon),
		    "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
		    xs, want);
	}
	EVP_Digest(canon, strlen(canon), d, &dl, EVP_sha256(), NULL);
	ossl_b64url(want, d, 32);
	if (jwk_thumbprint(pkey, tp) != 0 || strcmp(tp, want) != 0) {
		snprintf(why, whysz, "thumbprint %s != %s", tp, want);
		goto out;
	}
	ok = 1;
out:
	json_decref(j);
	return ok;
}

static void
check_ec(void)
{
	EVP_PKEY	*pkey;
	char		 why[128] = "";
	int		 i, lead = 0, ok = 1, found = 0;

	for (i = 0; i < MAX_EC_TRIES && !found; i++) {
		if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL) {
			ok = 0;
			break;
		}
		if (!check_ec_key(pkey, &lead, why, sizeof(why)))
			ok = 0;
		if (lead)
			found = 1;
		EVP_PKEY_free(pkey);
		if (!ok)
			break;
	}
	T_CHECK(ok, "P-256: %d keys, 7 members, no d, x and y of 32 bytes equal "
	    "to the point, thumbprint recomputed (%s)", i, why);
	T_CHECK(found, "P-256: a coordinate with a leading zero byte met within "
	    "%d keys (after %d) and kept at 32 bytes", MAX_EC_TRIES, i);
}

static void
check_rsa(void)
{
	static const size_t	 bits[] = { 1024, 2048 };
	unsigned char		 n[1024], e[16];
	EVP_PKEY		*pkey;
	json_t			*j;
	char			 tp[JWK_THUMBPRINT_LEN + 1], canon[1024], want[64];
	unsigned char		 d[32];
	unsigned int		 dl;
	size_t			 i;
	int			 nl, el;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits[i])) == NULL) {
			T_CHECK(0, "RSA-%zu keygen", bits[i]);
			continue;
		}
		j = jwk_public(pkey, "kid-rsa", "RS256");
		T_CHECK(j != NULL && json_object_size(j) == 6 &&
		    str_is(j, "kty", "RSA") && str_is(j, "kid", "kid-rsa") &&
		    str_is(j, "alg", "RS256") && str_is(j, "use", "sig"),
		    "RSA-%zu: kty, n, e, kid, alg, use and nothing else", bits[i]);
		T_CHECK(j != NULL && json_object_get(j, "d") == NULL &&
		    json_object_get(j, "p") == NULL &&
		    json_object_get(j, "q") == NULL &&
		    json_object_get(j, "dp") == NULL &&
		    json_object_get(j, "dq") == NULL &&
		    json_object_get(j, "qi") == NULL,
		    "RSA-%zu: no private member", bits[i]);
		nl = j ? member_bytes(j, "n", n, sizeof(n)) : -1;
		el = j ? member_bytes(j, "e", e, sizeof(e)) : -1;
		T_CHECK(nl == (int)bits[i] / 8 && n[0] != 0,
		    "RSA-%zu: n is %zu bytes, no leading zero", bits[i],
		    bits[i] / 8);
		T_CHECK(el == 3 && memcmp(e, "\x01\x00\x01", 3) == 0 &&
		    str_is(j, "e", "AQAB"), "RSA-%zu: e is AQAB (65537)", bits[i]);
		/* Thumbprint recomputed from the JWK's own n and e. */
		if (j != NULL) {
			snprintf(canon, sizeof(canon),
			    "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
			    json_string_value(json_object_get(j, "e")),
			    json_string_value(json_object_get(j, "n")));
			EVP_Digest(canon, strlen(canon), d, &dl, EVP_sha256(), NULL);
			ossl_b64url(want, d, 32);
		}
		T_CHECK(jwk_thumbprint(pkey, tp) == 0 && strlen(tp) == 43 &&
		    strcmp(tp, want) == 0, "RSA-%zu: thumbprint recomputed",
		    bits[i]);
		json_decref(j);
		EVP_PKEY_free(pkey);
	}
}

static void
check_other_types(void)
{
	static const struct {
		const char	*type;
		const char	*arg;
	} rows[] = {
		{ "EC", "P-384" },
		{ "EC", "P-521" },
		{ "EC", "secp256k1" },
		{ "ED25519", NULL },
		{ "ED448", NULL },
		{ "X25519", NULL },
	};
	EVP_PKEY	*pkey;
	json_t		*j;
	char		 tp[JWK_THUMBPRINT_LEN + 1];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].arg != NULL)
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, rows[i].type,
			    rows[i].arg);
		else
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, rows[i].type);
		if (pkey == NULL) {
			T_CHECK(0, "keygen %s %s", rows[i].type,
			    rows[i].arg ? rows[i].arg : "");
			continue;
		}
		j = jwk_public(pkey, "k", "ES256");
		T_CHECK(j == NULL, "%s %s: jwk_public -> NULL", rows[i].type,
		    rows[i].arg ? rows[i].arg : "");
		json_decref(j);
		T_CHECK(jwk_thumbprint(pkey, tp) == -1, "%s %s: thumbprint -> -1",
		    rows[i].type, rows[i].arg ? rows[i].arg : "");
		EVP_PKEY_free(pkey);
	}
	/* An HMAC "key" object. */
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, NULL,
	    (const unsigned char *)"0123456789abcdef0123456789abcdef", 32);
	T_CHECK(pkey != NULL && jwk_public(pkey, "k", "HS256") == NULL &&
	    jwk_thumbprint(pkey, tp) == -1, "HMAC key: NULL / -1");
	EVP_PKEY_free(pkey);
	/* An empty EVP_PKEY. */
	pkey = EVP_PKEY_new();
	T_CHECK(pkey != NULL && jwk_public(pkey, "k", "ES256") == NULL &&
	    jwk_thumbprint(pkey, tp) == -1, "empty EVP_PKEY: NULL / -1");
	EVP_PKEY_free(pkey);
}

/* kid and alg are copied as JSON strings: hostile text stays a string. */
static void
check_kid_escaping(void)
{
	EVP_PKEY	*pkey;
	json_t		*j, *back;
	char		*s;

	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	j = pkey ? jwk_public(pkey, "a\"b\\c\n", "ES256") : NULL;
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	back = s ? json_loads(s, 0, NULL) : NULL;
	T_CHECK(back != NULL && str_is(back, "kid", "a\"b\\c\n") &&
	    json_object_size(back) == 7, "kid with quote, backslash, LF "
	    "survives a dump and load");
	json_decref(back);
	free(s);
	json_decref(j);
	T_CHECK(pkey != NULL && jwk_public(pkey, "\xff", "ES256") == NULL,
	    "kid of invalid UTF-8 -> NULL");
	EVP_PKEY_free(pkey);
}

int
main(void)
{
	check_rfc7638();
	check_ec();
	check_rsa();
	check_other_types();
	check_kid_escaping();
	return t_done();
}
