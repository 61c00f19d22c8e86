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
etag_match(const char *h, long long version)
{
	char		 want[ETAG_BYTES];
	const char	*p = h, *end;
	size_t		 n, wn;
	int		 found = 0, any = 0;

	etag_format(want, sizeof(want), version);
	wn = strlen(want);
	if (strlen(h) > 1024)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '*') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		return *p == '\0' ? 1 : -1;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return -1;
		/* RFC 9110 §8.8.3: etagc = %x21 / %x23-7E / obs-text */
		for (end = p + 1; *end != '\0' && *end != '"'; end++)
			if ((unsigned char)*end < 0x21 || *end == 0x7f)
				return -1;
		if (*end != '"')
			return -1;
		n = (size_t)(end - p) + 1;
		if (n == wn && memcmp(p, want, n) == 0)
			found = 1;
		any = 1;
		p = end + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p != ',')
			return -1;
		p++;
	}
	return any && found ? 1 : 0;
}
