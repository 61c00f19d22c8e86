/*
 * fuzz_jsonw: arbitrary bytes, cut into pieces at 0xff bytes, written as
 * the string values of one object (and one array) with jsonw. Whatever it
 * writes must parse with jansson and give back every piece byte for byte;
 * it may only refuse when a piece is not valid UTF-8 or holds a NUL, and
 * it must refuse then. A violated rule traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "jsonw.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXPIECES	16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 buf[6 * 4096 + 4096];
	const uint8_t	*piece[MAXPIECES];
	size_t		 plen[MAXPIECES], np = 0, i, start = 0;
	struct jsonw	 w;
	json_error_t	 e;
	json_t		*o, *arr, *v;
	char		 key[16];
	int		 n, valid = 1;

	if (size > 4096)
		return 0;
	for (i = 0; i <= size && np < MAXPIECES; i++)
		if (i == size || data[i] == 0xff) {
			piece[np] = data + start;
			plen[np] = i - start;
			if (!utf8_valid(piece[np], plen[np]))
				valid = 0;
			np++;
			start = i + 1;
		}
	jw_init(&w, buf, sizeof(buf));
	for (i = 0; i < np; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		jw_strn(&w, key, (const char *)piece[i], plen[i]);
	}
	jw_arr(&w, "all");
	for (i = 0; i < np; i++)
		jw_strn(&w, NULL, (const char *)piece[i], plen[i]);
	jw_close(&w);
	n = jw_end(&w);
	if (!valid) {
		if (n != -1 || buf[0] != '\0')
			__builtin_trap();
		return 0;
	}
	if (n < 0 || (size_t)n != strlen(buf))
		__builtin_trap();
	if ((o = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &e)) == NULL)
		__builtin_trap();
	arr = json_object_get(o, "all");
	if (json_object_size(o) != np + 1 || json_array_size(arr) != np)
		__builtin_trap();
	for (i = 0; i < np; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		v = json_object_get(o, key);
		if (!json_is_string(v) || json_string_length(v) != plen[i] ||
		    memcmp(json_string_value(v), piece[i], plen[i]) != 0)
			__builtin_trap();
		v = json_array_get(arr, i);
		if (!json_is_string(v) || json_string_length(v) != plen[i] ||
		    memcmp(json_string_value(v), piece[i], plen[i]) != 0)
			__builtin_trap();
	}
	json_decref(o);
	return 0;
}
