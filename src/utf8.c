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

/*
 * What a reader cannot see or that changes how the rest reads: direction
 * controls, zero-width and other format characters (U+00AD, U+034F,
 * U+180B..U+180F, U+200B..U+200F, U+2028..U+202E, U+2060..U+206F,
 * U+FEFF, U+FFF0..U+FFFB, U+1BCA0..U+1BCA3, U+1D173..U+1D17A, tags
 * U+E0000..U+E007F), the letters that draw nothing (Hangul fillers
 * U+115F, U+1160, U+3164, U+FFA0; U+17B4, U+17B5) and U+061C.
 * Variation selectors stay: emoji need them.
 */
static int
invisible(unsigned long cp)
{
	static const unsigned long r[][2] = {
		{ 0x00ad, 0x00ad }, { 0x034f, 0x034f }, { 0x061c, 0x061c },
		{ 0x115f, 0x1160 }, { 0x17b4, 0x17b5 }, { 0x180b, 0x180f },
		{ 0x200b, 0x200f }, { 0x2028, 0x202e }, { 0x2060, 0x206f },
		{ 0x3164, 0x3164 }, { 0xfeff, 0xfeff }, { 0xffa0, 0xffa0 },
		{ 0xfff0, 0xfffb }, { 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a },
		{ 0xe0000, 0xe007f },
	};
	size_t	 i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (cp >= r[i][0] && cp <= r[i][1])
			return 1;
	return 0;
}

/* A space: U+0020, U+00A0, U+1680, U+2000..U+200A, U+202F, U+205F, U+3000. */
static int
space(unsigned long cp)
{
	return cp == 0x20 || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

long
utf8_text(const unsigned char *s, size_t n)
{
	unsigned long	 cp;
	size_t		 i = 0, k, len;
	long		 chars = 0;
	int		 seen = 0;

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
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || invisible(cp))
			return -1;
		seen |= !space(cp);
		i += len;
		chars++;
	}
	/* Something to see, unless there is nothing at all. */
	return chars == 0 || seen ? chars : -1;
}
