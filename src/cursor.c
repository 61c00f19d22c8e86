/*
 * cursor: see cursor.h.
 */
#include <stdio.h>
#include <string.h>

#include "b64url.h"
#include "cursor.h"

static int
idchars(const char *s, size_t n)
{
	size_t	 i;
	char	 ch;

	if (n == 0 || n > CURSOR_MAX_ID_BYTES)
		return 0;
	for (i = 0; i < n; i++) {
		ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

int
cursor_encode(char *out, size_t outsz, const struct cursor *c)
{
	char	 raw[96];
	int	 n;

	if (c->usec < 0 || c->usec > 999999999999999999LL ||
	    !idchars(c->id, strlen(c->id)))
		return -1;
	n = snprintf(raw, sizeof(raw), "c1.%lld.%s", c->usec, c->id);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return -1;
	return b64url_encode(out, outsz, (const unsigned char *)raw,
	    (size_t)n) < 0 ? -1 : 0;
}

int
cursor_decode(struct cursor *c, const char *s, size_t len)
{
	unsigned char	 raw[96];
	const char	*p, *dot;
	size_t		 digits;
	int		 n;
	long long	 v = 0;

	memset(c, 0, sizeof(*c));
	if (len == 0 || len > CURSOR_MAX_BYTES ||
	    (n = b64url_decode(raw, sizeof(raw) - 1, s, len)) < 0)
		return -1;
	raw[n] = '\0';
	if ((size_t)n != strlen((char *)raw) || strncmp((char *)raw, "c1.", 3))
		return -1;
	p = (const char *)raw + 3;
	if ((dot = strchr(p, '.')) == NULL)
		return -1;
	digits = (size_t)(dot - p);
	if (digits == 0 || digits > 18 || strspn(p, "0123456789") != digits ||
	    (digits > 1 && p[0] == '0'))
		return -1;
	for (; p < dot; p++)
		v = v * 10 + (*p - '0');
	if (!idchars(dot + 1, strlen(dot + 1)))
		return -1;
	c->usec = v;
	memcpy(c->id, dot + 1, strlen(dot + 1) + 1);
	return 0;
}

int
cursor_limit(const char *s, int def, int max)
{
	size_t	 n;
	int	 v = 0;

	if (s == NULL)
		return def;
	n = strlen(s);
	if (n == 0 || n > 4 || strspn(s, "0123456789") != n)
		return -1;
	for (; *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	return v >= 1 && v <= max ? v : -1;
}
