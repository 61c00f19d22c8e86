/*
 * fuzz_b64url: the input read both ways. As text: when it decodes, encoding
 * the bytes gives the input back (canonical form only), and one byte less
 * of room fails. As bytes: encode then decode is the identity and the
 * length is B64URL_ENCLEN. A violated invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*raw;
	char		*txt;
	size_t		 rawsz, txtsz;
	int		 n, m;

	rawsz = size + 1;
	txtsz = B64URL_ENCLEN(size) + 1;
	if ((raw = malloc(rawsz)) == NULL || (txt = malloc(txtsz)) == NULL)
		__builtin_trap();

	n = b64url_decode(raw, rawsz, (const char *)data, size);
	if (n >= 0) {
		if ((size_t)n != size / 4 * 3 + (size % 4 ? size % 4 - 1 : 0))
			__builtin_trap();
		m = b64url_encode(txt, txtsz, raw, n);
		if (m < 0 || (size_t)m != size || memcmp(txt, data, size) != 0)
			__builtin_trap();
		if (n > 0 && b64url_decode(raw, n - 1, (const char *)data,
		    size) != -1)
			__builtin_trap();
	}

	m = b64url_encode(txt, txtsz, data, size);
	if (m < 0 || (size_t)m != B64URL_ENCLEN(size) ||
	    strlen(txt) != (size_t)m)
		__builtin_trap();
	if (b64url_encode(txt, txtsz - 1, data, size) != -1)
		__builtin_trap();
	n = b64url_decode(raw, rawsz, txt, m);
	if (n < 0 || (size_t)n != size || memcmp(raw, data, size) != 0)
		__builtin_trap();

	free(txt);
	free(raw);
	return 0;
}
