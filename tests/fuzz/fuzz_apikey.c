/*
 * fuzz_apikey: apikey_parse on arbitrary bytes. When it accepts, the key
 * spelled again by an independent encoder written here (bit-at-a-time
 * base32, table CRC-32) from the parsed env, id and secret must be the
 * input byte for byte: one spelling per key. When it refuses, the struct
 * must be wiped. Inputs of 42 bytes or more also drive the other direction:
 * a key built here from the bytes must parse back to them.
 * A violated invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "apikey.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	 b32[] = "abcdefghijklmnopqrstuvwxyz234567";

static uint32_t
crc32_ref(const char *s, size_t n)
{
	static uint32_t	 tab[256];
	uint32_t	 c;
	int		 i, k;

	if (tab[1] == 0)
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			tab[i] = c;
		}
	c = 0xffffffffu;
	while (n-- > 0)
		c = tab[(c ^ (unsigned char)*s++) & 0xff] ^ (c >> 8);
	return ~c;
}

static void
b32_ref(char *dst, size_t nchars, const unsigned char *src, size_t n)
{
	size_t		 c, b, bit;
	unsigned	 v;

	for (c = 0; c < nchars; c++) {
		v = 0;
		for (b = 0; b < 5; b++) {
			bit = c * 5 + b;
			v = v << 1 | (bit < n * 8 ?
			    (unsigned)(src[bit / 8] >> (7 - bit % 8)) & 1 : 0);
		}
		dst[c] = b32[v];
	}
}

/* The key of env, id (16 chars) and secret (32 bytes); returns its length. */
static size_t
spell(char out[128], const char *env, const char *id,
    const unsigned char secret[APIKEY_SECRET_BYTES])
{
	unsigned char	 be[4];
	uint32_t	 c;
	size_t		 n;

	n = (size_t)snprintf(out, 128, "jmk_%s_%.16s_", env, id);
	b32_ref(out + n, 52, secret, APIKEY_SECRET_BYTES);
	n += 52;
	c = crc32_ref(out, n);
	be[0] = (unsigned char)(c >> 24);
	be[1] = (unsigned char)(c >> 16);
	be[2] = (unsigned char)(c >> 8);
	be[3] = (unsigned char)c;
	b32_ref(out + n, 7, be, 4);
	n += 7;
	out[n] = '\0';
	return n;
}

static int
allzero(const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		if (*c++ != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apikey	 k;
	char		 s[128], id[APIKEY_ID_LEN + 1];
	size_t		 n, i;

	memset(&k, 0xa5, sizeof(k));
	if (apikey_parse(&k, (const char *)data, size) == 0) {
		if (size != APIKEY_LEN || (unsigned)k.env >= APIKEY_ENV__MAX ||
		    k.id[APIKEY_ID_LEN] != '\0' ||
		    !apikey_id_valid(k.id, strlen(k.id)))
			__builtin_trap();
		n = spell(s, apikey_env_name(k.env), k.id, k.secret);
		if (n != size || memcmp(s, data, size) != 0)
			__builtin_trap();
	} else if (!allzero(&k, sizeof(k)))
		__builtin_trap();

	/* The other direction: bytes -> key -> parse -> the same bytes. */
	if (size >= 10 + APIKEY_SECRET_BYTES) {
		for (i = 0; i < APIKEY_ID_LEN; i++)
			id[i] = b32[data[i % 10] % 32 ^ (i / 10)];
		id[APIKEY_ID_LEN] = '\0';
		n = spell(s, data[0] & 1 ? "test" : "live", id, data + 10);
		if (n != APIKEY_LEN || apikey_parse(&k, s, n) != 0 ||
		    k.env != (data[0] & 1 ? APIKEY_ENV_TEST : APIKEY_ENV_LIVE) ||
		    strcmp(k.id, id) != 0 ||
		    memcmp(k.secret, data + 10, APIKEY_SECRET_BYTES) != 0)
			__builtin_trap();
	}
	apikey_wipe(&k);
	return 0;
}
