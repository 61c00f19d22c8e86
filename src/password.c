/*
 * password: Argon2id hashing and verification through libargon2.
 */
#include <stdio.h>
#include <string.h>

#include <argon2.h>

#include "password.h"
#include "secret.h"

#define SALT_BYTES	16
#define HASH_BYTES	32

int
password_hash(const struct password_params *p, const char *pw, size_t len,
    char out[PASSWORD_HASH_BYTES])
{
	unsigned char	 salt[SALT_BYTES];

	if (len > PASSWORD_MAX_BYTES || secret_random(salt, sizeof(salt)) == -1)
		return -1;
	if (argon2id_hash_encoded(p->t, p->m_kib, p->p, pw, len, salt,
	    sizeof(salt), HASH_BYTES, out, PASSWORD_HASH_BYTES) != ARGON2_OK)
		return -1;
	return 0;
}

int
password_verify(const char *phc, const char *pw, size_t len)
{
	if (len > PASSWORD_MAX_BYTES || strncmp(phc, "$argon2id$", 10) != 0)
		return 0;
	/* argon2_verify compares in constant time. */
	return argon2id_verify(phc, pw, len) == ARGON2_OK ? 1 : 0;
}

int
password_needs_rehash(const char *phc, const struct password_params *p)
{
	char	 want[64];
	int	 n;

	n = snprintf(want, sizeof(want), "$argon2id$v=19$m=%u,t=%u,p=%u$",
	    p->m_kib, p->t, p->p);
	return n < 0 || (size_t)n >= sizeof(want) ||
	    strncmp(phc, want, (size_t)n) != 0;
}
