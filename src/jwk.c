/*
 * jwk: public JWKs and RFC 7638 thumbprints from EVP_PKEY parameters.
 * EC coordinates are padded to the curve size (RFC 7518 §6.2.1.2); RSA n and e
 * are unsigned big-endian without leading zeros (§6.3.1).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "b64url.h"
#include "jwk.h"
#include "secret.h"

#define COORD_BYTES	32		/* P-256 */
#define MAX_BN_BYTES	1024		/* RSA up to 8192 bits */

struct pub {
	int	 ec;
	char	 a[B64URL_ENCLEN(MAX_BN_BYTES) + 1];	/* x or n */
	char	 b[B64URL_ENCLEN(MAX_BN_BYTES) + 1];	/* y or e */
};

static int
bn_b64(EVP_PKEY *pkey, const char *param, int pad, char *out, size_t outsz)
{
	BIGNUM		*bn = NULL;
	unsigned char	 buf[MAX_BN_BYTES];
	int		 n, rc = -1;

	if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
		return -1;
	if (pad > 0)
		n = BN_bn2binpad(bn, buf, pad);
	else if (BN_num_bytes(bn) <= (int)sizeof(buf))
		n = BN_bn2bin(bn, buf);
	else
		n = -1;
	if (n > 0 && b64url_encode(out, outsz, buf, (size_t)n) > 0)
		rc = 0;
	BN_free(bn);
	return rc;
}

static int
get_pub(EVP_PKEY *pkey, struct pub *p)
{
	char	 curve[32];
	size_t	 len = 0;

	memset(p, 0, sizeof(*p));
	if (EVP_PKEY_is_a(pkey, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve), &len) != 1 ||
		    strcmp(curve, "prime256v1") != 0)
			return -1;
		p->ec = 1;
		return bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_X, COORD_BYTES, p->a,
		    sizeof(p->a)) == 0 && bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
		    COORD_BYTES, p->b, sizeof(p->b)) == 0 ? 0 : -1;
	}
	if (EVP_PKEY_is_a(pkey, "RSA"))
		return bn_b64(pkey, OSSL_PKEY_PARAM_RSA_N, 0, p->a,
		    sizeof(p->a)) == 0 && bn_b64(pkey, OSSL_PKEY_PARAM_RSA_E, 0,
		    p->b, sizeof(p->b)) == 0 ? 0 : -1;
	return -1;
}

int
jwk_thumbprint(EVP_PKEY *pkey, char out[JWK_THUMBPRINT_LEN + 1])
{
	struct pub	 p;
	char		 json[sizeof(p.a) + sizeof(p.b) + 64];
	unsigned char	 d[SECRET_DIGEST_BYTES];
	int		 n;

	if (get_pub(pkey, &p) == -1)
		return -1;
	/* RFC 7638 §3.2: required members only, sorted, no whitespace. */
	if (p.ec)
		n = snprintf(json, sizeof(json),
		    "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
		    p.a, p.b);
	else
		n = snprintf(json, sizeof(json),
		    "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", p.b, p.a);
	if (n < 0 || (size_t)n >= sizeof(json) ||
	    secret_sha256(d, json, (size_t)n) == -1)
		return -1;
	return b64url_encode(out, JWK_THUMBPRINT_LEN + 1, d, sizeof(d)) ==
	    JWK_THUMBPRINT_LEN ? 0 : -1;
}

json_t *
jwk_public(EVP_PKEY *pkey, const char *kid, const char *alg)
{
	struct pub	 p;

	if (get_pub(pkey, &p) == -1)
		return NULL;
	if (p.ec)
		return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "kty", "EC", "crv", "P-256", "x", p.a, "y", p.b,
		    "kid", kid, "alg", alg, "use", "sig");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "kty", "RSA", "n", p.a, "e", p.b, "kid", kid, "alg", alg,
	    "use", "sig");
}
