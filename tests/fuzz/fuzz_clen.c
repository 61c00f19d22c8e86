/*
 * fuzz_clen: clen_parse on arbitrary CONTENT_LENGTH values against a
 * reference written here digit by digit (no strtoull): 1..20 ASCII digits,
 * the value below 2^64 and at most the bound. The first byte picks the
 * bound (0, 1, the default body limit, SIZE_MAX or the byte itself).
 * A disagreement, or *len set on error, traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clen.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static enum clen_err
reference(const char *s, size_t max, size_t *len)
{
	unsigned long long	 v = 0;
	size_t			 i, n;

	*len = 0;
	if (s == NULL || *s == '\0')
		return CLEN_ABSENT;
	n = strlen(s);
	if (n > 20)
		return CLEN_MALFORMED;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CLEN_MALFORMED;
		if (v > (~0ULL - (unsigned)(s[i] - '0')) / 10)
			return CLEN_MALFORMED;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return CLEN_TOO_LARGE;
	*len = (size_t)v;
	return CLEN_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 maxes[] = { 0, 1, 16384, SIZE_MAX };
	char			*s;
	size_t			 max, len = 7, rlen = 9;
	enum clen_err		 e, r;

	if (size < 1)
		return 0;
	max = data[0] < 4 ? maxes[data[0]] : data[0];
	if ((s = malloc(size)) == NULL)
		__builtin_trap();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	e = clen_parse(s, max, &len);
	r = reference(s, max, &rlen);
	if (e != r || len != rlen || (e != CLEN_OK && len != 0))
		__builtin_trap();
	if (size == 1 && clen_parse(NULL, max, &len) != CLEN_ABSENT)
		__builtin_trap();
	free(s);
	return 0;
}
