/*
 * fuzz_cookie: cookie_find on an arbitrary header (the name is the bytes
 * before the first NUL, the header the rest) into a small buffer: the
 * answer is -1, 0 or 1, out is always NUL-terminated inside it, "" unless
 * 1, and a found value is a substring of the header.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*a, *hdr, out[48];
	int	 rc;

	if ((a = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(a, data, size);
	a[size] = '\0';
	hdr = a + strlen(a) + (strlen(a) < size);
	rc = cookie_find(hdr, a, out, sizeof(out));
	if (rc < -1 || rc > 1 || memchr(out, '\0', sizeof(out)) == NULL ||
	    (rc != 1 && out[0] != '\0') ||
	    (rc == 1 && strstr(hdr, out) == NULL))
		__builtin_trap();
	free(a);
	return 0;
}
