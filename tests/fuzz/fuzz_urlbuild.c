/*
 * fuzz_urlbuild: a redirect built from an arbitrary URI and state (split
 * at the first NUL) starts with the URI, adds exactly one parameter whose
 * percent-decoding gives back the state, and holds no '#', space or
 * control byte the state brought; the origin of the URI holds only the
 * characters urlbuild_origin allows, is a case-folded prefix of it and
 * ends in no default port (:443 of https, :80 of http).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "urlbuild.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*a, *state, out[512], org[128];
	const char	*names[1] = { "state" };
	const char	*vals[1];
	size_t		 ul, i, o;
	int		 n, hi, lo;

	if ((a = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(a, data, size);
	a[size] = '\0';
	ul = strlen(a);
	state = a + ul + (ul < size);
	vals[0] = state;
	n = urlbuild_redirect(out, sizeof(out), a, names, vals, 1);
	if (n >= 0) {
		if (strncmp(out, a, ul) != 0 || strchr(a, '#') != NULL)
			__builtin_trap();
		i = ul;
		if (out[i] == '?' || out[i] == '&')
			i++;
		else if (!(ul > 0 && a[ul - 1] == '?' && strchr(a, '?') ==
		    a + ul - 1))
			__builtin_trap();
		if (strncmp(out + i, "state=", 6) != 0)
			__builtin_trap();
		for (i += 6, o = 0; out[i] != '\0'; o++) {
			if (out[i] == '%') {
				if ((hi = hexv(out[i + 1])) < 0 ||
				    (lo = hexv(out[i + 2])) < 0 ||
				    (char)(hi << 4 | lo) != state[o])
					__builtin_trap();
				i += 3;
			} else if (!isalnum((unsigned char)out[i]) &&
			    strchr("-._~", out[i]) == NULL)
				__builtin_trap();
			else if (out[i++] != state[o])
				__builtin_trap();
		}
		if (state[o] != '\0')
			__builtin_trap();
	} else if (out[0] != '\0')
		__builtin_trap();
	n = urlbuild_origin(org, sizeof(org), a);
	if (n >= 0) {
		for (i = 0; org[i] != '\0'; i++)
			if (!(islower((unsigned char)org[i]) ||
			    isdigit((unsigned char)org[i]) ||
			    strchr("+-.:[]/", org[i]) != NULL))
				__builtin_trap();
		if ((size_t)n != i || strncasecmp(org, a, i) != 0)
			__builtin_trap();
		/* No default port, as a browser's Origin spells it. */
		if ((strncmp(org, "https://", 8) == 0 && i > 12 &&
		    strcmp(org + i - 4, ":443") == 0) ||
		    (strncmp(org, "http://", 7) == 0 && i > 10 &&
		    strcmp(org + i - 3, ":80") == 0))
			__builtin_trap();
	}
	free(a);
	return 0;
}
