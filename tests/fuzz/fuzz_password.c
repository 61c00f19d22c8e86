/*
 * fuzz_password: password_verify and password_needs_rehash on arbitrary PHC
 * strings (a users row) and passwords (the password grant). The input is
 * the PHC string, a NUL, then the password.
 *
 * Argon2 costs what the PHC string says, so the string reaches libargon2's
 * parser only when every m=, t= and p= in it is small (m <= 256 KiB,
 * t <= 3, p <= 4): the parser still sees every other byte. A fixed PHC
 * string (GOOD, made at start-up with a fixed salt) verifies exactly its
 * own password.
 *
 * Invariants (a violation traps): the answer is 0 or 1; 0 for anything
 * not "$argon2id$..." and for a password over PASSWORD_MAX_BYTES; with
 * GOOD, 1 exactly for PW; needs_rehash is 0 exactly for the prefix of the
 * given parameters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "password.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define PW	"correct horse battery staple"

static const struct password_params	 small = { 64, 1, 1 };
static char				 good[PASSWORD_HASH_BYTES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const unsigned char salt[16] = "fuzz-salt-16byte";

	(void)argc;
	(void)argv;
	if (argon2id_hash_encoded(small.t, small.m_kib, small.p, PW,
	    strlen(PW), salt, sizeof(salt), 32, good, sizeof(good)) !=
	    ARGON2_OK || password_verify(good, PW, strlen(PW)) != 1)
		__builtin_trap();
	if (getenv("FUZZ_PASSWORD_PRINT") != NULL)
		printf("%s\n", good);
	return 0;
}

/* 1 when every "X=<digits>" for X in m, t, p is within the cheap bounds. */
static int
cheap(const char *phc)
{
	static const struct {
		char		 c;
		unsigned long	 max;
	} b[] = { { 'm', 256 }, { 't', 3 }, { 'p', 4 } };
	const char	*s;
	unsigned long	 v;
	size_t		 i, d;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		for (s = phc; (s = strchr(s, b[i].c)) != NULL; s++) {
			if (s[1] != '=')
				continue;
			for (v = 0, d = 0; s[2 + d] >= '0' && s[2 + d] <= '9';
			    d++) {
				if (d == 4)
					return 0;
				v = v * 10 + (unsigned long)(s[2 + d] - '0');
			}
			if (v > b[i].max)
				return 0;
		}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*phc, *pw;
	size_t		 plen, pwlen;
	int		 r;
	const char	*want = "$argon2id$v=19$m=64,t=1,p=1$";

	if ((phc = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(phc, data, size);
	phc[size] = '\0';
	plen = strlen(phc);
	pw = plen < size ? phc + plen + 1 : phc + size;
	pwlen = plen < size ? size - plen - 1 : 0;

	r = password_needs_rehash(phc, &small);
	if (r != (strncmp(phc, want, strlen(want)) != 0))
		__builtin_trap();
	if (pwlen > PASSWORD_MAX_BYTES || cheap(phc)) {
		r = password_verify(phc, pw, pwlen);
		if (r != 0 && r != 1)
			__builtin_trap();
		if (r == 1 && (pwlen > PASSWORD_MAX_BYTES ||
		    strncmp(phc, "$argon2id$", 10) != 0))
			__builtin_trap();
		if (strcmp(phc, good) == 0 && r != (pwlen == strlen(PW) &&
		    memcmp(pw, PW, pwlen) == 0))
			__builtin_trap();
	}
	free(phc);
	return 0;
}
