/*
 * b64url: base64url without padding (RFC 4648 §5, as JOSE uses it, RFC 7515 §2).
 * Pure: no I/O, no allocation.
 */
#ifndef JWTMINT_B64URL_H
#define JWTMINT_B64URL_H

#include <stddef.h>

/*
 * Encoded length of n bytes, without the terminating NUL. Evaluates n three
 * times; overflows for n near SIZE_MAX.
 */
#define B64URL_ENCLEN(n)	((((n) + 2) / 3) * 4 - ((3 - (n) % 3) % 3))

/*
 * Encode n bytes of src into dst (size dstsz, NUL-terminated).
 * Returns the encoded length, or -1 when dst is too small or n is over
 * INT_MAX / 4 * 3 (the result must fit an int).
 */
int	b64url_encode(char *dst, size_t dstsz, const unsigned char *src, size_t n);

/*
 * Decode len characters of src (no padding, no whitespace accepted; a final
 * group whose unused bits are not zero is rejected: canonical form only).
 * Returns the number of bytes written to dst, or -1 on bad input or when dst
 * (dstsz bytes) is too small. After -1, dst may hold part of the output:
 * wipe it if the input was a secret.
 */
int	b64url_decode(unsigned char *dst, size_t dstsz, const char *src, size_t len);

#endif
