/*
 * kek: encryption of signing keys at rest with the key-encryption key
 * (AES-256-GCM, a fresh 96-bit random nonce per seal). The additional
 * authenticated data binds the ciphertext to its row (kid and algorithm), so
 * a ciphertext copied onto another row does not open.
 *
 * Sealed layout: version (1 byte, 1) || nonce (12) || ciphertext || tag (16).
 * Pure: OpenSSL only.
 */
#ifndef JWTMINT_KEK_H
#define JWTMINT_KEK_H

#include <stddef.h>

#define KEK_KEY_BYTES	32
#define KEK_OVERHEAD	(1 + 12 + 16)

/* Seal ptlen bytes; out needs ptlen + KEK_OVERHEAD bytes. Returns 0 or -1. */
int	kek_seal(unsigned char *out, size_t outsz, size_t *outlen,
	    const unsigned char kek[KEK_KEY_BYTES], const void *aad,
	    size_t aadlen, const unsigned char *pt, size_t ptlen);

/*
 * Open a sealed blob into out (ctlen - KEK_OVERHEAD bytes). Returns 0, or -1
 * when it is malformed or does not authenticate (out is wiped then).
 */
int	kek_open(unsigned char *out, size_t outsz, size_t *outlen,
	    const unsigned char kek[KEK_KEY_BYTES], const void *aad,
	    size_t aadlen, const unsigned char *ct, size_t ctlen);

#endif
