/*
 * username: normalisation rules, see username.h.
 */
#include <string.h>

#include "username.h"

static int
allowed(int c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == '@' || c == '+' ||
	    c == '-');
}

int
username_normalize(const char *in, size_t len, char out[USERNAME_MAX_BYTES + 1])
{
	size_t	 i, n = 0;
	int	 c;

	while (len > 0 && in[0] == ' ')
		in++, len--;
	while (len > 0 && in[len - 1] == ' ')
		len--;
	if (len == 0 || len > USERNAME_MAX_BYTES)
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!allowed(c, i == 0))
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}
