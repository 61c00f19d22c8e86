/*
 * password: user passwords as Argon2id (RFC 9106) PHC strings, with the
 * parameters from the configuration (OWASP defaults m=19456 KiB, t=2, p=1).
 * A hash made with other parameters keeps verifying; password_needs_rehash()
 * tells the caller to upgrade it after the next successful login.
 * Pure: libargon2 and OpenSSL only.
 */
#ifndef JWTMINT_PASSWORD_H
#define JWTMINT_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define PASSWORD_MIN_BYTES	8
#define PASSWORD_MAX_BYTES	1024
#define PASSWORD_HASH_BYTES	256	/* room for any PHC string we accept */

struct password_params {
	uint32_t	 m_kib;
	uint32_t	 t;
	uint32_t	 p;
};

/* Hash len bytes of pw into out (PHC string). Returns 0 or -1. */
int	password_hash(const struct password_params *, const char *pw,
	    size_t len, char out[PASSWORD_HASH_BYTES]);

/*
 * 1 when pw matches the PHC string, 0 when not (or the string is not an
 * Argon2id hash), in time that depends on the hash's parameters only.
 */
int	password_verify(const char *phc, const char *pw, size_t len);

/* 1 when phc was made with parameters other than p. */
int	password_needs_rehash(const char *phc, const struct password_params *p);

#endif
