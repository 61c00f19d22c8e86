/*
 * jws: compact JWS signing (RFC 7515) with keys parsed once.
 *
 * libjwt 1.10.2's jwt_encode_str() re-parses the PEM key on every call
 * (~2.2k ES256 tokens/s per core against ~35k signatures/s with a parsed
 * key), so the hot path signs here with an EVP_PKEY decoded once per worker
 * and a protected header encoded once per key. libjwt is kept where it is
 * not in the way: the unit tests use it as an independent verifier.
 *
 * A struct jws_key owns its EVP_PKEY and its HMAC secret; jws_key_free()
 * releases and wipes them. Pure: OpenSSL and this tree only.
 */
#ifndef JWTMINT_JWS_H
#define JWTMINT_JWS_H

#include <stddef.h>

#include <openssl/evp.h>

#define JWS_KID_BYTES		64
#define JWS_HMAC_BYTES		32	/* RFC 7518 §3.2: >= the hash size */
#define JWS_MAX_PRIV_BYTES	4096	/* DER of an RSA-3072 PKCS#8 fits */
#define JWS_MAX_RSA_BITS	4096	/* larger RSA keys are refused */
#define JWS_MAX_TOKEN_BYTES	(32 * 1024)

enum jws_alg {
	JWS_ES256,
	JWS_RS256,
	JWS_HS256,
	JWS_ALG__MAX
};

struct jws_key {
	char		 kid[JWS_KID_BYTES];
	enum jws_alg	 alg;
	EVP_PKEY	*pkey;			/* ES256, RS256 */
	EVP_PKEY_CTX	*pctx;			/* sign_init once, used per sign */
	unsigned char	 hmac[JWS_HMAC_BYTES];	/* HS256 */
	char		 header[256];		/* base64url protected header */
	size_t		 headerlen;
};

const char	*jws_alg_name(enum jws_alg);
/* The enum for "ES256" etc., or -1. */
int		 jws_alg_parse(const char *);

/*
 * Make new private key material: DER (SEC1 for ES256 on P-256, PKCS#1 for
 * RS256 with 2048 bits; jws_key_load also takes PKCS#8), 32 random bytes
 * for HS256, into buf. Returns the length or -1.
 * The caller wipes buf.
 */
int		 jws_generate(enum jws_alg, unsigned char *buf, size_t bufsz);

/*
 * The kid of new key material: the RFC 7638 thumbprint for public keys, a
 * random "hs-..." name for HMAC keys (a digest of the secret would be an
 * oracle). Returns 0 or -1.
 */
int		 jws_kid(enum jws_alg, const unsigned char *priv, size_t len,
		    char kid[JWS_KID_BYTES]);

/* Parse key material once into k. Returns 0 or -1. */
int		 jws_key_load(struct jws_key *k, enum jws_alg alg,
		    const char *kid, const unsigned char *priv, size_t len);
void		 jws_key_free(struct jws_key *k);

/*
 * Sign the JSON claims (len bytes) into out as header.payload.signature,
 * NUL-terminated. Returns the token length or -1.
 */
int		 jws_sign(const struct jws_key *k, const char *claims, size_t len,
		    char *out, size_t outsz);

/*
 * 1 when the 32-byte big-endian S of an ES256 signature is in the lower
 * half of the group order. jwtmint signs with low S only and accepts low S
 * only, so a signature has one form: (R, n - S) cannot make a second token
 * string for the same claims.
 */
int		 jws_es256_low_s(const unsigned char s[32]);

#endif
