/*
 * etag: see etag.h.
 */
#include <stdio.h>
#include <string.h>

#include "etag.h"

void
etag_format(char *out, size_t outsz, long long version)
{
	snprintf(out, outsz, "\"v%lld\"", version);
}

int
etag_if_match(const char *h, long long *version)
{
	const char	*p = h, *end;
	long long	 v = 0;
	size_t		 n;

	*version = -1;
	if (strlen(h) > 1024)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '*') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0')
			return -1;
		*version = 0;
		return 0;
	}
	/* If-Match compares strongly (RFC 9110 §13.1.1): a weak tag
	 * never matches (412), whatever it names. */
	if (p[0] == 'W' && p[1] == '/') {
		*version = -1;
		return 1;
	}
	if (*p++ != '"')
		return -1;
	/* RFC 9110 §8.8.3: etagc = %x21 / %x23-7E / obs-text */
	for (end = p; *end != '\0' && *end != '"'; end++)
		if ((unsigned char)*end < 0x21 || *end == 0x7f)
			return -1;
	if (*end != '"')
		return -1;
	n = (size_t)(end - p);
	for (end++; *end == ' ' || *end == '\t'; end++)
		;
	if (*end != '\0')
		return -1;	/* a list, or something after the tag */
	if (n >= 2 && n <= 19 && p[0] == 'v' && p[1] != '0' &&
	    strspn(p + 1, "0123456789") >= n - 1) {
		for (p++, n--; n > 0; p++, n--)
			v = v * 10 + (*p - '0');
		*version = v;
	}
	return 1;
}
