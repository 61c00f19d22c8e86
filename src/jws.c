/*
 * jws: ES256 / RS256 / HS256 compact serialisation with keys parsed once.
 * ES256 signatures are converted from DER to the fixed 64-byte R || S form
 * that RFC 7518 §3.4 requires.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include "b64url.h"
#include "jwk.h"
#include "jws.h"
#include "secret.h"

static const char *const names[JWS_ALG__MAX] = { "ES256", "RS256", "HS256" };

const char *
jws_alg_name(enum jws_alg a)
{
	return (unsigned)a < JWS_ALG__MAX ? names[a] : "?";
}

int
jws_alg_parse(const char *s)
{
	int	 i;

	for (i = 0; i < JWS_ALG__MAX; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static EVP_PKEY *
parse_der(const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;

	return d2i_AutoPrivateKey(NULL, &p, (long)len);
}

int
jws_generate(enum jws_alg alg, unsigned char *buf, size_t bufsz)
{
	EVP_PKEY	*pkey = NULL;
	unsigned char	*p = buf;
	int		 n;

	switch (alg) {
	case JWS_HS256:
		if (bufsz < JWS_HMAC_BYTES || secret_random(buf, JWS_HMAC_BYTES))
			return -1;
		return JWS_HMAC_BYTES;
	case JWS_ES256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case JWS_RS256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	default:
		return -1;
	}
	if (pkey == NULL)
		return -1;
	n = i2d_PrivateKey(pkey, NULL);
	if (n <= 0 || (size_t)n > bufsz)
		n = -1;
	else
		n = i2d_PrivateKey(pkey, &p);
	EVP_PKEY_free(pkey);
	return n;
}

int
jws_kid(enum jws_alg alg, const unsigned char *priv, size_t len,
    char kid[JWS_KID_BYTES])
{
	EVP_PKEY	*pkey;
	unsigned char	 r[16];
	int		 rc;

	if (alg == JWS_HS256) {
		memcpy(kid, "hs-", 3);
		if (secret_random(r, sizeof(r)) == -1)
			return -1;
		return b64url_encode(kid + 3, JWS_KID_BYTES - 3, r, sizeof(r)) > 0
		    ? 0 : -1;
	}
	if ((pkey = parse_der(priv, len)) == NULL)
		return -1;
	rc = jwk_thumbprint(pkey, kid);
	EVP_PKEY_free(pkey);
	return rc;
}

/* A kid goes into the header verbatim: printable ASCII, no quote or \\. */
static int
kid_ok(const char *kid)
{
	size_t	 i, n = strlen(kid);

	if (n == 0 || n >= JWS_KID_BYTES)
		return 0;
	for (i = 0; i < n; i++)
		if (kid[i] < 0x21 || kid[i] > 0x7e || kid[i] == '"' ||
		    kid[i] == '\\')
			return 0;
	return 1;
}

/*
 * RFC 7518 §3.4: ES256 is P-256 only; §3.3: RSA keys of 2048 bits or more,
 * and here at most JWS_MAX_RSA_BITS: a larger key would load and then fail
 * every signature (jws_sign's buffer), stopping all issuance.
 */
static int
key_fits(EVP_PKEY *pkey, enum jws_alg alg)
{
	char	 curve[32];
	size_t	 len = 0;

	if (alg == JWS_ES256)
		return EVP_PKEY_is_a(pkey, "EC") == 1 &&
		    EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve), &len) == 1 &&
		    strcmp(curve, "prime256v1") == 0;
	return EVP_PKEY_is_a(pkey, "RSA") == 1 && EVP_PKEY_get_bits(pkey) >= 2048 &&
	    EVP_PKEY_get_bits(pkey) <= JWS_MAX_RSA_BITS;
}

int
jws_key_load(struct jws_key *k, enum jws_alg alg, const char *kid,
    const unsigned char *priv, size_t len)
{
	char	 hdr[200];
	int	 n;

	memset(k, 0, sizeof(*k));
	if ((unsigned)alg >= JWS_ALG__MAX || !kid_ok(kid))
		return -1;
	k->alg = alg;
	snprintf(k->kid, sizeof(k->kid), "%s", kid);
	if (alg == JWS_HS256) {
		if (len != JWS_HMAC_BYTES)
			return -1;
		memcpy(k->hmac, priv, len);
	} else {
		if ((k->pkey = parse_der(priv, len)) == NULL)
			goto bad;
		if (!key_fits(k->pkey, alg))
			goto bad;
		if ((k->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey,
		    NULL)) == NULL || EVP_PKEY_sign_init(k->pctx) != 1 ||
		    EVP_PKEY_CTX_set_signature_md(k->pctx, EVP_sha256()) != 1 ||
		    (alg == JWS_RS256 && EVP_PKEY_CTX_set_rsa_padding(k->pctx,
		    RSA_PKCS1_PADDING) != 1))
			goto bad;
	}
	/* RFC 9068 §2.1: typ "at+jwt". */
	n = snprintf(hdr, sizeof(hdr),
	    "{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", names[alg], kid);
	if (n < 0 || (size_t)n >= sizeof(hdr) ||
	    (n = b64url_encode(k->header, sizeof(k->header),
	    (const unsigned char *)hdr, (size_t)n)) < 0)
		goto bad;
	k->headerlen = (size_t)n;
	return 0;
bad:
	jws_key_free(k);
	return -1;
}

void
jws_key_free(struct jws_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_CTX_free(k->pctx);
	EVP_PKEY_free(k->pkey);
	secret_wipe(k, sizeof(*k));
}

/* The order n of P-256 and n / 2, big-endian. */
static const unsigned char p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51
};
static const unsigned char p256_half_n[32] = {
	0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42,
	0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8
};

int
jws_es256_low_s(const unsigned char s[32])
{
	return memcmp(s, p256_half_n, 32) <= 0;
}

/*
 * DER ECDSA-Sig-Value to the 64-byte R || S of RFC 7518 §3.4, with S
 * replaced by n - S when it is in the upper half (one form per signature).
 */
static int
der_to_raw(const unsigned char *der, size_t len, unsigned char raw[64])
{
	const unsigned char	*p = der;
	ECDSA_SIG		*sig;
	const BIGNUM		*r, *s;
	BIGNUM			*n = NULL, *low = NULL;
	int			 rc = -1;

	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(s, raw + 32, 32) != 32)
		goto out;
	if (!jws_es256_low_s(raw + 32)) {
		if ((n = BN_bin2bn(p256_n, 32, NULL)) == NULL ||
		    (low = BN_new()) == NULL || BN_sub(low, n, s) != 1 ||
		    BN_bn2binpad(low, raw + 32, 32) != 32)
			goto out;
	}
	rc = 0;
out:
	BN_free(n);
	BN_free(low);
	ECDSA_SIG_free(sig);
	return rc;
}

int
jws_sign(const struct jws_key *k, const char *claims, size_t len, char *out,
    size_t outsz)
{
	unsigned char	 sig[JWS_MAX_RSA_BITS / 8], raw[64];
	unsigned char	 md[SECRET_DIGEST_BYTES];
	const unsigned char *sp = sig;
	size_t		 siglen = sizeof(sig), pos, need;
	int		 n, rc = -1;

	need = k->headerlen + 1 + B64URL_ENCLEN(len) + 1 +
	    B64URL_ENCLEN(sizeof(sig)) + 1;
	if (len > JWS_MAX_TOKEN_BYTES || outsz < need)
		return -1;
	memcpy(out, k->header, k->headerlen);
	pos = k->headerlen;
	out[pos++] = '.';
	if ((n = b64url_encode(out + pos, outsz - pos,
	    (const unsigned char *)claims, len)) < 0)
		return -1;
	pos += (size_t)n;

	if (k->alg == JWS_HS256) {
		if (secret_hmac(sig, k->hmac, sizeof(k->hmac), out, pos, NULL, 0))
			return -1;
		siglen = SECRET_DIGEST_BYTES;
	} else {
		/* One EVP_PKEY_CTX per key, initialised at load and reused:
		 * no context copied or allocated per token. */
		if (secret_sha256(md, out, pos) == -1 ||
		    EVP_PKEY_sign(k->pctx, sig, &siglen, md, sizeof(md)) != 1)
			goto out;
		if (k->alg == JWS_ES256) {
			if (der_to_raw(sig, siglen, raw) == -1)
				goto out;
			sp = raw;
			siglen = sizeof(raw);
		}
	}
	out[pos++] = '.';
	if ((n = b64url_encode(out + pos, outsz - pos, sp, siglen)) < 0)
		goto out;
	pos += (size_t)n;
	rc = (int)pos;
out:
	return rc;
}
