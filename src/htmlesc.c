/*
 * htmlesc: see htmlesc.h.
 */
#include <string.h>

#include "htmlesc.h"

/* The replacement of byte c, or NULL when c is copied as is. */
static const char *
entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\t':
	case '\n':
		return NULL;
	default:
		return c < 0x20 || c == 0x7f ? "&#xfffd;" : NULL;
	}
}

size_t
htmlesc_len(const char *src, size_t n)
{
	const char	*e;
	size_t		 i, len = 0;

	for (i = 0; i < n; i++)
		len += (e = entity((unsigned char)src[i])) != NULL ?
		    strlen(e) : 1;
	return len;
}

int
htmlesc(char *dst, size_t dstsz, const char *src, size_t n)
{
	const char	*e;
	size_t		 i, o = 0, el;

	if (dstsz == 0)
		return -1;
	dst[0] = '\0';
	if (n > (size_t)0x7fffffff / HTMLESC_MAX_RATIO ||
	    htmlesc_len(src, n) >= dstsz)
		return -1;
	for (i = 0; i < n; i++) {
		if ((e = entity((unsigned char)src[i])) == NULL) {
			dst[o++] = src[i];
			continue;
		}
		el = strlen(e);
		memcpy(dst + o, e, el);
		o += el;
	}
	dst[o] = '\0';
	return (int)o;
}
