/*
 * username: the one spelling of a username. Leading and trailing spaces are
 * dropped and ASCII letters folded to lower case; the result must be 1..64
 * characters of a-z 0-9 . _ @ + - starting with a letter or digit. Anything
 * else (other bytes, including every non-ASCII one) is refused rather than
 * guessed at, so two spellings can never name the same user. Pure.
 */
#ifndef JWTMINT_USERNAME_H
#define JWTMINT_USERNAME_H

#include <stddef.h>

#define USERNAME_MAX_BYTES	64

/* Normalise len bytes of in into out. Returns 0, or -1 when invalid. */
int	username_normalize(const char *in, size_t len,
	    char out[USERNAME_MAX_BYTES + 1]);

#endif
