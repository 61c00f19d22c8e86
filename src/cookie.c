/*
 * cookie: see cookie.h.
 */
#include <string.h>

#include "cookie.h"

int
cookie_find(const char *hdr, const char *name, char *out, size_t outsz)
{
	const char	*p, *eq, *v;
	size_t		 n, nl = strlen(name), vl;
	int		 found = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	for (p = hdr; p != NULL && *p != '\0'; p += n + (p[n] == ';')) {
		p += strspn(p, " \t");
		n = strcspn(p, ";");
		if ((eq = memchr(p, '=', n)) == NULL ||
		    (size_t)(eq - p) != nl || memcmp(p, name, nl) != 0)
			continue;
		if (found) {
			out[0] = '\0';
			return -1;
		}
		found = 1;
		v = eq + 1;
		vl = n - nl - 1;
		while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		/* RFC 6265 §4.1.1: a value may be in double quotes. */
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
			v++, vl -= 2;
		if (vl >= outsz)
			return -1;
		memcpy(out, v, vl);
		out[vl] = '\0';
	}
	return found;
}
