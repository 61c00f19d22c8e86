/*
 * utf8: strict UTF-8 validation, the well-formed byte sequences of
 * RFC 3629 §4 and nothing else: no overlong forms (C0, C1, E0 80-9F,
 * F0 80-8F), no UTF-16 surrogates (ED A0-BF), nothing above U+10FFFF
 * (F4 90-BF, F5-FF), no truncated sequence, no stray continuation byte.
 * NUL is refused too, so a valid buffer is also a valid C string body.
 * Pure: reads n bytes of s, writes nothing.
 */
#include <stddef.h>

#include "utf8.h"

static int
tail(unsigned char c)
{
	return c >= 0x80 && c <= 0xbf;
}

int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t		i = 0;
	unsigned char	c, lo, hi;

	while (i < n) {
		c = s[i];
		if (c == 0x00)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		/* RFC 3629 §4: the second byte's range depends on the first. */
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			if (n - i < 2 || !tail(s[i + 1]))
				return 0;
			i += 2;
			continue;
		}
		if (c >= 0xe0 && c <= 0xef) {
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
			if (n - i < 3 || s[i + 1] < lo || s[i + 1] > hi ||
			    !tail(s[i + 2]))
				return 0;
			i += 3;
			continue;
		}
		if (c >= 0xf0 && c <= 0xf4) {
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
			if (n - i < 4 || s[i + 1] < lo || s[i + 1] > hi ||
			    !tail(s[i + 2]) || !tail(s[i + 3]))
				return 0;
			i += 4;
			continue;
		}
		/* 80-BF alone, C0-C1 (overlong), F5-FF (above U+10FFFF). */
		return 0;
	}
	return 1;
}
