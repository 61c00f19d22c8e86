/*
 * fuzz_username: username_normalize on arbitrary bytes (the username of a
 * password grant) against a reference written here. Invariants: the result
 * is 1..64 bytes of a-z 0-9 . _ @ + - starting with a letter or digit, it
 * normalises to itself, and the same input in upper case normalises to the
 * same spelling (one user, one spelling). A violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "username.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
reference(const uint8_t *in, size_t len, char *out)
{
	size_t	 i, n = 0;
	int	 c;

	while (len > 0 && in[0] == ' ')
		in++, len--;
	while (len > 0 && in[len - 1] == ' ')
		len--;
	if (len == 0 || len > 64)
		return -1;
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && strchr("._@+-", c) != NULL && c != '\0')))
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 out[USERNAME_MAX_BYTES + 1], ref[USERNAME_MAX_BYTES + 1];
	char	 again[USERNAME_MAX_BYTES + 1], *up;
	size_t	 i;
	int	 rc;

	rc = username_normalize((const char *)data, size, out);
	if (rc != reference(data, size, ref))
		__builtin_trap();
	if (rc != 0)
		return 0;
	if (strcmp(out, ref) != 0 || strlen(out) == 0 ||
	    strlen(out) > USERNAME_MAX_BYTES)
		__builtin_trap();
	if (username_normalize(out, strlen(out), again) != 0 ||
	    strcmp(out, again) != 0)
		__builtin_trap();
	if ((up = malloc(size)) == NULL)
		__builtin_trap();
	for (i = 0; i < size; i++)
		up[i] = (char)(data[i] >= 'a' && data[i] <= 'z' ?
		    data[i] - 'a' + 'A' : data[i]);
	if (username_normalize(up, size, again) != 0 || strcmp(out, again) != 0)
		__builtin_trap();
	free(up);
	return 0;
}
