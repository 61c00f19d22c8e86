/*
 * fuzz_logesc: logesc on arbitrary bytes (every client value that reaches a
 * log line) into a buffer whose size comes from the first two bytes,
 * allocated to exactly that size. Invariants: the result is NUL-terminated
 * inside the buffer and holds only printable ASCII with no '"'; undoing the
 * \xhh escapes gives back the input, or, when it did not fit, a prefix of
 * the input followed by "...". A violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logesc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*dst, *r;
	unsigned char	*un;
	size_t		 dstsz, i, n, o = 0;
	int		 hi, lo, cut;

	if (size < 2)
		return 0;
	dstsz = (size_t)data[0] | (size_t)(data[1] & 0x0f) << 8;
	data += 2;
	size -= 2;
	if ((dst = malloc(dstsz ? dstsz : 1)) == NULL ||
	    (un = malloc(dstsz + 1)) == NULL)
		__builtin_trap();
	r = logesc(dst, dstsz, (const char *)data, size);
	if (r != dst)
		__builtin_trap();
	if (dstsz == 0)
		goto out;
	if (memchr(dst, '\0', dstsz) == NULL)
		__builtin_trap();
	n = strlen(dst);
	for (i = 0; i < n; i++)
		if (dst[i] < 0x20 || dst[i] > 0x7e || dst[i] == '"')
			__builtin_trap();
	/* Undo the escapes; a bare '\\' is never written. */
	cut = n >= 3 && memcmp(dst + n - 3, "...", 3) == 0;
	for (i = 0; i < n; ) {
		if (dst[i] != '\\') {
			un[o++] = (unsigned char)dst[i++];
			continue;
		}
		if (i + 4 > n || dst[i + 1] != 'x' ||
		    (hi = hexv(dst[i + 2])) < 0 || (lo = hexv(dst[i + 3])) < 0)
			__builtin_trap();
		un[o++] = (unsigned char)(hi << 4 | lo);
		i += 4;
	}
	if (o == size && memcmp(un, data, size) == 0)
		goto out;		/* whole */
	if (dstsz < 4) {
		if (n != 0)		/* too small for "...": "" */
			__builtin_trap();
		goto out;
	}
	if (!cut || o - 3 > size || memcmp(un, data, o - 3) != 0)
		__builtin_trap();
out:
	free(dst);
	free(un);
	return 0;
}
