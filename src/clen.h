/*
 * clen: the CONTENT_LENGTH of a request (RFC 3875 §4.1.2, RFC 9110 §8.6):
 * 1*DIGIT, nothing else (no sign, no space, no "0x"), at most CLEN_MAX_CHARS
 * characters (leading zeros count), a value that fits unsigned long long
 * and is at most the caller's bound. Pure.
 */
#ifndef JWTMINT_CLEN_H
#define JWTMINT_CLEN_H

#include <stddef.h>

#define CLEN_MAX_CHARS	20	/* the digits of ULLONG_MAX */

enum clen_err {
	CLEN_OK = 0,
	CLEN_ABSENT,		/* NULL or "": no body announced */
	CLEN_MALFORMED,		/* not 1..20 digits, or over ULLONG_MAX */
	CLEN_TOO_LARGE		/* well formed, over max */
};

/*
 * Parse s (the CGI variable, may be NULL). Returns CLEN_OK with *len <=
 * max, or the reason it is not a usable length (*len is 0 then).
 */
enum clen_err	 clen_parse(const char *s, size_t max, size_t *len);

#endif
