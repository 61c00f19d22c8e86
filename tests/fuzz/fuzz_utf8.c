/*
 * fuzz_utf8: utf8_valid against a second, differently built decoder that
 * computes each code point and checks RFC 3629 §3 on the value (shortest
 * form, not a surrogate, at most U+10FFFF, not U+0000). They must agree.
 * A disagreement traps.
 */
#include <stddef.h>
#include <stdint.h>

#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
ref(const uint8_t *s, size_t n)
{
	static const uint32_t	 min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t			 i = 0, k, len;
	uint32_t		 cp;

	while (i < n) {
		if (s[i] < 0x80) {
			len = 1;
			cp = s[i];
		} else if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp == 0 || cp < min[len] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long	 chars;

	if (utf8_valid(data, size) != ref(data, size))
		__builtin_trap();
	/* Shown text is valid UTF-8, of at most one character a byte. */
	chars = utf8_text(data, size);
	if (chars < -1 || (chars >= 0 && (!utf8_valid(data, size) ||
	    (size_t)chars > size)))
		__builtin_trap();
	return 0;
}
