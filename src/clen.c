/*
 * clen: CONTENT_LENGTH, moved out of http_req_body() so that the parser of
 * this header is tested and fuzzed alone (tests/unit/test_clen.c,
 * tests/fuzz/fuzz_clen.c). The range check is strtoull's ERANGE, then the
 * caller's bound: exactly the bytes a read of *len then needs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clen.h"

enum clen_err
clen_parse(const char *s, size_t max, size_t *len)
{
	unsigned long long	 v;
	char			*end;

	*len = 0;
	if (s == NULL || *s == '\0')
		return CLEN_ABSENT;
	/* strtoull alone would take spaces, a sign, and wrap "-1". */
	if (!isdigit((unsigned char)s[0]) || strnlen(s, CLEN_MAX_CHARS + 1) > CLEN_MAX_CHARS)
		return CLEN_MALFORMED;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0)
		return CLEN_MALFORMED;
	if (v > max)
		return CLEN_TOO_LARGE;
	*len = (size_t)v;
	return CLEN_OK;
}
