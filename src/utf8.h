/*
 * utf8: strict UTF-8 validation (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), and the one rule of text shown to people.
 * Pure.
 */
#ifndef JWTMINT_UTF8_H
#define JWTMINT_UTF8_H

#include <stddef.h>

/* Returns 1 when the n bytes of s are valid UTF-8 with no NUL byte, else 0. */
int	utf8_valid(const unsigned char *s, size_t n);

/*
 * Whether the n bytes of s are text to show a person (a name on the login
 * page, in the portal, in a listing): valid UTF-8 as above, with no
 * control character (C0, DEL, C1) and none of the invisible direction
 * marks, embeddings, overrides and isolates that make text read other
 * than it is (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069:
 * "Trojan Source", CVE-2021-42574). Returns its number of characters, or
 * -1 when it is not such text.
 */
long	utf8_text(const unsigned char *s, size_t n);

#endif
