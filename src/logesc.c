/*
 * logesc: untrusted bytes made safe for one ASCII log line.
 *
 * Invariants of the output, for dstsz >= 1: NUL-terminated within dstsz
 * bytes; only printable ASCII 0x20-0x7e; never '"' or '\' except as the
 * start of a \xHH escape, so no input can end a quoted field, split the
 * line or send a terminal escape sequence. Escapes are never cut in half:
 * a truncated result is whole escapes followed by "..." (dstsz >= 4).
 * Pure: no I/O, no allocation.
 */
#include <stddef.h>

#include "logesc.h"

static const char hexd[] = "0123456789abcdef";

static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
}

char *
logesc(char *dst, size_t dstsz, const char *src, size_t n)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i, pos = 0, cut = 0, w;

	if (dstsz == 0)
		return dst;
	for (i = 0; i < n; i++) {
		w = plain(s[i]) ? 1 : 4;
		if (w > dstsz - 1 - pos)
			break;
		if (w == 1)
			dst[pos] = (char)s[i];
		else {
			dst[pos] = '\\';
			dst[pos + 1] = 'x';
			dst[pos + 2] = hexd[s[i] >> 4];
			dst[pos + 3] = hexd[s[i] & 0x0f];
		}
		pos += w;
		/* The last whole escape that still leaves room for "...". */
		if (dstsz >= 4 && pos <= dstsz - 4)
			cut = pos;
	}
	if (i == n) {
		dst[pos] = '\0';
		return dst;
	}
	if (dstsz < 4) {
		dst[0] = '\0';
		return dst;
	}
	dst[cut] = '.';
	dst[cut + 1] = '.';
	dst[cut + 2] = '.';
	dst[cut + 3] = '\0';
	return dst;
}
