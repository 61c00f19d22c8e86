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

/* A direction control: U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069. */
static int
bidi_control(unsigned long cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

long
utf8_text(const unsigned char *s, size_t n)
{
	unsigned long	 cp;
	size_t		 i = 0, k, len;
	long		 chars = 0;

	if (!utf8_valid(s, n))
		return -1;
	/* Well-formed from here: the lead byte gives the length. */
	while (i < n) {
		if (s[i] < 0x80) {
			cp = s[i];
			len = 1;
		} else if (s[i] < 0xe0) {
			cp = s[i] & 0x1f;
			len = 2;
		} else if (s[i] < 0xf0) {
			cp = s[i] & 0x0f;
			len = 3;
		} else {
			cp = s[i] & 0x07;
			len = 4;
		}
		for (k = 1; k < len; k++)
			cp = cp << 6 | (s[i + k] & 0x3f);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || bidi_control(cp))
			return -1;
		i += len;
		chars++;
	}
	return chars;
}
