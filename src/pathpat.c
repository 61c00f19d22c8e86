/*
 * pathpat: see pathpat.h. Segment by segment, no allocation.
 */
#include <string.h>

#include "pathpat.h"

static int
segchars(const char *s, size_t n)
{
	size_t	 i;
	char	 c;

	if (n == 0 || n > PATHPAT_MAX_SEG_BYTES ||
	    (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '@' || c == '+' || c == '-'))
			return 0;
	}
	return 1;
}

int
pathpat_match(const char *pattern, const char *path,
    struct pathpat_captures *c)
{
	const char	*p = pattern, *q = path;
	size_t		 pn, qn;

	memset(c, 0, sizeof(*c));
	for (;;) {
		if (*p != '/' || *q != '/')
			goto no;
		p++;
		q++;
		pn = strcspn(p, "/");
		qn = strcspn(q, "/");
		if (pn >= 2 && p[0] == '{' && p[pn - 1] == '}') {
			if (c->n == PATHPAT_MAX_CAPTURES ||
			    pn - 2 >= sizeof(c->name[0]) || !segchars(q, qn))
				goto no;
			memcpy(c->name[c->n], p + 1, pn - 2);
			c->name[c->n][pn - 2] = '\0';
			memcpy(c->value[c->n], q, qn);
			c->value[c->n][qn] = '\0';
			c->n++;
		} else if (pn != qn || pn == 0 || memcmp(p, q, pn) != 0)
			goto no;
		p += pn;
		q += qn;
		if (*p == '\0' && *q == '\0')
			return 1;
	}
no:
	memset(c, 0, sizeof(*c));
	return 0;
}

const char *
pathpat_get(const struct pathpat_captures *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return c->value[i];
	return NULL;
}
