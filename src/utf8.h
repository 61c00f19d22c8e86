/*
 * utf8: strict UTF-8 validation (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). Pure.
 */
#ifndef JWTMINT_UTF8_H
#define JWTMINT_UTF8_H

#include <stddef.h>

/* Returns 1 when the n bytes of s are valid UTF-8 with no NUL byte, else 0. */
int	utf8_valid(const unsigned char *s, size_t n);

#endif
