/*
 * b64url: base64url without padding (RFC 4648 §5; JOSE, RFC 7515 §2 and
 * appendix C).
 *
 * Invariants: the encoder writes only the 64-character URL-safe alphabet and
 * a NUL, never '='. The decoder accepts exactly the strings the encoder can
 * produce: no '=', '+', '/', whitespace or other byte, no length of 4k+1, and
 * the unused low bits of a final partial group must be zero (RFC 4648 §3.5),
 * so every byte string has one encoding. Both check the destination size
 * before writing and keep every length within int.
 * Pure: no I/O, no allocation.
 */
#include <limits.h>
#include <stddef.h>

#include "b64url.h"

static const char enc[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Six-bit value of an alphabet character, or -1. */
static int
dec(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
b64url_encode(char *dst, size_t dstsz, const unsigned char *src, size_t n)
{
	size_t		 i, o = 0, need;
	unsigned long	 v;

	/* Keeps B64URL_ENCLEN(n) below INT_MAX and free of overflow. */
	if (n > (size_t)INT_MAX / 4 * 3)
		return -1;
	need = B64URL_ENCLEN(n);
	if (dstsz == 0 || need > dstsz - 1)
		return -1;

	for (i = 0; n - i >= 3; i += 3) {
		v = (unsigned long)src[i] << 16 |
		    (unsigned long)src[i + 1] << 8 | src[i + 2];
		dst[o++] = enc[v >> 18 & 0x3f];
		dst[o++] = enc[v >> 12 & 0x3f];
		dst[o++] = enc[v >> 6 & 0x3f];
		dst[o++] = enc[v & 0x3f];
	}
	if (n - i == 1) {
		v = (unsigned long)src[i] << 16;
		dst[o++] = enc[v >> 18 & 0x3f];
		dst[o++] = enc[v >> 12 & 0x3f];
	} else if (n - i == 2) {
		v = (unsigned long)src[i] << 16 |
		    (unsigned long)src[i + 1] << 8;
		dst[o++] = enc[v >> 18 & 0x3f];
		dst[o++] = enc[v >> 12 & 0x3f];
		dst[o++] = enc[v >> 6 & 0x3f];
	}
	dst[o] = '\0';
	return (int)o;
}

int
b64url_decode(unsigned char *dst, size_t dstsz, const char *src, size_t len)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i, o = 0, rem, need;
	unsigned long		 v;
	int			 a, b, c, d;

	rem = len % 4;
	/* RFC 4648 §4: one leftover character cannot carry a whole byte. */
	if (rem == 1)
		return -1;
	need = len / 4 * 3 + (rem ? rem - 1 : 0);
	if (need > (size_t)INT_MAX || need > dstsz)
		return -1;

	for (i = 0; len - i >= 4; i += 4) {
		if ((a = dec(s[i])) < 0 || (b = dec(s[i + 1])) < 0 ||
		    (c = dec(s[i + 2])) < 0 || (d = dec(s[i + 3])) < 0)
			return -1;
		v = (unsigned long)a << 18 | (unsigned long)b << 12 |
		    (unsigned long)c << 6 | (unsigned long)d;
		dst[o++] = v >> 16 & 0xff;
		dst[o++] = v >> 8 & 0xff;
		dst[o++] = v & 0xff;
	}
	if (rem == 2) {
		if ((a = dec(s[i])) < 0 || (b = dec(s[i + 1])) < 0)
			return -1;
		/* RFC 4648 §3.5: the four unused bits must be zero. */
		if (b & 0x0f)
			return -1;
		dst[o++] = (unsigned char)(a << 2 | b >> 4);
	} else if (rem == 3) {
		if ((a = dec(s[i])) < 0 || (b = dec(s[i + 1])) < 0 ||
		    (c = dec(s[i + 2])) < 0)
			return -1;
		/* RFC 4648 §3.5: the two unused bits must be zero. */
		if (c & 0x03)
			return -1;
		v = (unsigned long)a << 18 | (unsigned long)b << 12 |
		    (unsigned long)c << 6;
		dst[o++] = v >> 16 & 0xff;
		dst[o++] = v >> 8 & 0xff;
	}
	return (int)o;
}
