/*
 * jwk: public JSON Web Keys (RFC 7517, RFC 7518 §6) and their RFC 7638
 * thumbprints, built from the OpenSSL key parameters (libjwt 1.10 has no JWK
 * support). Only public parameters ever leave this module. Pure.
 */
#ifndef JWTMINT_JWK_H
#define JWTMINT_JWK_H

#include <openssl/evp.h>
#include <jansson.h>

#define JWK_THUMBPRINT_LEN	43	/* base64url of SHA-256 */

/*
 * RFC 7638 thumbprint of an EC P-256 or RSA key into out (NUL-terminated).
 * Returns 0, or -1 for another key type.
 */
int	 jwk_thumbprint(EVP_PKEY *pkey, char out[JWK_THUMBPRINT_LEN + 1]);

/*
 * The public JWK of pkey with "kid", "alg" and "use": "sig". Returns a new
 * reference (json_decref it), or NULL on error or for a non-public-key type.
 */
json_t	*jwk_public(EVP_PKEY *pkey, const char *kid, const char *alg);

#endif
