/*
 * fuzz_refresh: refresh_valid on arbitrary bytes (what a client sends as
 * refresh_token) against a reference written here: exactly "jmr_" and 43
 * base64url characters whose last one leaves the two unused bits zero (the
 * one spelling of 256 bits). A valid token's digest is 64 lower-case hex
 * digits and its successor is itself valid and the same on every call.
 * Code masks: the input split in two is a mask and a code; unmasking
 * succeeds exactly for 64 hex digits and a code of at most 64 bytes, its
 * token is then valid, and masking that token for the code gives the same
 * digits back (lower case). A disagreement or broken invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "refresh.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	 alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const unsigned char key[32] = "fuzz-refresh-successor-key-32by";

static int
reference(const uint8_t *s, size_t len)
{
	const char	*p;
	size_t		 i;

	if (len != 47 || memcmp(s, "jmr_", 4) != 0)
		return 0;
	for (i = 4; i < 47; i++)
		if (s[i] == '\0' || strchr(alphabet, s[i]) == NULL)
			return 0;
	p = strchr(alphabet, s[46]);
	return (p - alphabet) % 4 == 0;
}

static int
ishex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return 0;
	return 1;
}

static void
masks(const uint8_t *data, size_t size)
{
	char		 hex[130], code[130], tok[REFRESH_LEN + 1];
	char		 back[REFRESH_MASK_HEX + 1];
	size_t		 h, c, i;
	int		 rc, want;

	h = size / 2 < sizeof(hex) - 1 ? size / 2 : sizeof(hex) - 1;
	c = size - size / 2 < sizeof(code) - 1 ? size - size / 2 :
	    sizeof(code) - 1;
	memcpy(hex, data, h);
	hex[h] = '\0';
	memcpy(code, data + size / 2, c);
	code[c] = '\0';
	rc = refresh_code_unmask(hex, code, key, sizeof(key), tok);
	want = strlen(hex) == REFRESH_MASK_HEX && ishex(hex, 64) &&
	    strlen(code) <= 64;
	if ((rc == 0) != want || (rc == -1 && tok[0] != '\0'))
		__builtin_trap();
	if (rc == -1)
		return;
	if (!refresh_valid(tok, strlen(tok)) ||
	    refresh_code_mask(tok, code, key, sizeof(key), back) != 0)
		__builtin_trap();
	for (i = 0; i < REFRESH_MASK_HEX; i++)
		if (back[i] != (hex[i] >= 'A' && hex[i] <= 'F' ?
		    hex[i] + 32 : hex[i]))
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 tok[REFRESH_LEN + 1], s1[REFRESH_LEN + 1];
	char		 s2[REFRESH_LEN + 1], hex[2 * REFRESH_DIGEST_BYTES + 1];
	size_t		 i;
	int		 v;

	masks(data, size);
	v = refresh_valid((const char *)data, size);
	if (v != reference(data, size))
		__builtin_trap();
	if (!v)
		return 0;
	memcpy(tok, data, REFRESH_LEN);
	tok[REFRESH_LEN] = '\0';
	if (refresh_digest_hex(tok, hex) != 0 || strlen(hex) != 64)
		__builtin_trap();
	for (i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f')))
			__builtin_trap();
	if (refresh_successor(tok, key, sizeof(key), s1) != 0 ||
	    refresh_successor(tok, key, sizeof(key), s2) != 0 ||
	    strcmp(s1, s2) != 0 || strcmp(s1, tok) == 0 ||
	    !refresh_valid(s1, strlen(s1)))
		__builtin_trap();
	return 0;
}
