/*
 * fuzz_basicauth: basicauth_parse on arbitrary Authorization values, into
 * id and secret buffers of sizes taken from the first two bytes and
 * allocated to exactly that size (so ASan sees one byte too many).
 *
 * Invariants (a violation traps):
 *   - the result is 1, 0 or -1, and 0 exactly when the value does not
 *     start with "Basic " in some case;
 *   - on 1, id and secret are NUL-terminated inside their buffers, valid
 *     UTF-8 with no control byte, and, percent-encoded again byte by byte
 *     and base64-encoded, parse back to themselves (when that fits).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "basicauth.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
clean(const char *s, size_t sz)
{
	size_t	 i, n;

	if (memchr(s, '\0', sz) == NULL)
		__builtin_trap();
	n = strlen(s);
	if (!utf8_valid((const unsigned char *)s, n))
		__builtin_trap();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			__builtin_trap();
}

static size_t
pct(char *out, const char *s)
{
	static const char	 hexd[] = "0123456789ABCDEF";
	size_t			 o = 0;

	for (; *s != '\0'; s++) {
		out[o++] = '%';
		out[o++] = hexd[(unsigned char)*s >> 4];
		out[o++] = hexd[(unsigned char)*s & 0x0f];
	}
	return o;
}

static void
roundtrip(const char *id, const char *sec)
{
	char		 raw[BASICAUTH_MAX_BYTES], h[6 + BASICAUTH_MAX_BYTES * 2];
	char		 id2[BASICAUTH_MAX_BYTES + 1], sec2[BASICAUTH_MAX_BYTES + 1];
	size_t		 n;

	/* The bound is on the decoded (still percent-encoded) text. */
	if (3 * (strlen(id) + strlen(sec)) + 1 >= BASICAUTH_MAX_BYTES - 2)
		return;
	n = pct(raw, id);
	raw[n++] = ':';
	n += pct(raw + n, sec);
	memcpy(h, "Basic ", 6);
	if (EVP_EncodeBlock((unsigned char *)h + 6, (unsigned char *)raw,
	    (int)n) <= 0)
		__builtin_trap();
	if (basicauth_parse(h, id2, sizeof(id2), sec2, sizeof(sec2)) != 1 ||
	    strcmp(id, id2) != 0 || strcmp(sec, sec2) != 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*h, *id, *sec;
	size_t	 idsz, secsz;
	int	 rc, basic;

	if (size < 2)
		return 0;
	idsz = 1 + data[0] % (BASICAUTH_MAX_BYTES + 1);
	secsz = 1 + (data[1] * 2) % (BASICAUTH_MAX_BYTES + 1);
	data += 2;
	size -= 2;
	if ((h = malloc(size + 1)) == NULL || (id = malloc(idsz)) == NULL ||
	    (sec = malloc(secsz)) == NULL)
		__builtin_trap();
	memcpy(h, data, size);
	h[size] = '\0';
	basic = strlen(h) >= 6 && (h[0] | 0x20) == 'b' && (h[1] | 0x20) ==
	    'a' && (h[2] | 0x20) == 's' && (h[3] | 0x20) == 'i' &&
	    (h[4] | 0x20) == 'c' && h[5] == ' ';
	rc = basicauth_parse(h, id, idsz, sec, secsz);
	if (rc < -1 || rc > 1 || (rc == 0) != !basic)
		__builtin_trap();
	if (rc == 1) {
		clean(id, idsz);
		clean(sec, secsz);
		roundtrip(id, sec);
	}
	free(h);
	free(id);
	free(sec);
	return 0;
}
