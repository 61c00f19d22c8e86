/*
 * fuzz_htmlesc: htmlesc on arbitrary bytes into a buffer whose size comes
 * from the first two bytes. Invariants: -1 leaves "" (or nothing, size 0)
 * and happens only when htmlesc_len says it cannot fit; otherwise the
 * result has no '<', '>', '"', '\'' or control byte but tab and newline,
 * every '&' starts one of the five entities htmlesc writes, and undoing
 * them gives back the input with its control bytes as U+FFFD.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "htmlesc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
    "&#39;", "&#xfffd;" };
static const char undo[] = { '&', '<', '>', '"', '\'', 0 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*dst;
	size_t		 dstsz, i, j, k, n, el;
	int		 r;

	if (size < 2)
		return 0;
	dstsz = (size_t)data[0] | (size_t)(data[1] & 0x1f) << 8;
	data += 2;
	size -= 2;
	if ((dst = malloc(dstsz ? dstsz : 1)) == NULL)
		__builtin_trap();
	r = htmlesc(dst, dstsz, (const char *)data, size);
	if (r == -1) {
		if (dstsz > 0 && (dst[0] != '\0' ||
		    htmlesc_len((const char *)data, size) < dstsz))
			__builtin_trap();
		goto out;
	}
	n = (size_t)r;
	if (n >= dstsz || dst[n] != '\0' ||
	    n != htmlesc_len((const char *)data, size))
		__builtin_trap();
	for (i = 0, j = 0; i < n; j++) {
		unsigned char c = (unsigned char)dst[i];

		if (j >= size || c == '<' || c == '>' || c == '"' ||
		    c == '\'' || (c < 0x20 && c != '\t' && c != '\n') ||
		    c == 0x7f)
			__builtin_trap();
		if (c != '&') {
			if (c != data[j])
				__builtin_trap();
			i++;
			continue;
		}
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
			el = strlen(ents[k]);
			if (n - i >= el && memcmp(dst + i, ents[k], el) == 0)
				break;
		}
		if (k == sizeof(ents) / sizeof(ents[0]))
			__builtin_trap();
		if (undo[k] != 0 ? data[j] != (uint8_t)undo[k] :
		    !(data[j] < 0x20 || data[j] == 0x7f))
			__builtin_trap();
		i += el;
	}
	if (j != size)
		__builtin_trap();
out:
	free(dst);
	return 0;
}
