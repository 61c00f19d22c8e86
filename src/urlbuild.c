/*
 * urlbuild: see urlbuild.h.
 */
#include <string.h>
#include <strings.h>

#include "urlbuild.h"

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Append s (len bytes) raw, or percent-encoded. 0 or -1. */
static int
put(char *dst, size_t dstsz, size_t *o, const char *s, size_t len, int enc)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i;
	unsigned char		 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (!enc || unreserved(c)) {
			if (*o + 1 >= dstsz)
				return -1;
			dst[(*o)++] = (char)c;
			continue;
		}
		if (*o + 3 >= dstsz)
			return -1;
		dst[(*o)++] = '%';
		dst[(*o)++] = hex[c >> 4];
		dst[(*o)++] = hex[c & 0xf];
	}
	return 0;
}

int
urlbuild_redirect(char *dst, size_t dstsz, const char *uri,
    const char *const *names, const char *const *values, size_t n)
{
	size_t	 o = 0, i;
	int	 first;

	if (dstsz == 0)
		return -1;
	dst[0] = '\0';
	if (n == 0 || strchr(uri, '#') != NULL ||
	    put(dst, dstsz, &o, uri, strlen(uri), 0) == -1)
		goto fail;
	/* "https://a/cb?" has an empty query: append directly. */
	first = strchr(uri, '?') == NULL;
	if (!first && strchr(uri, '?') == uri + strlen(uri) - 1)
		first = 2;
	for (i = 0; i < n; i++) {
		if (values[i] == NULL)
			continue;
		if (first != 2 && put(dst, dstsz, &o, first ? "?" : "&", 1,
		    0) == -1)
			goto fail;
		first = 0;
		if (put(dst, dstsz, &o, names[i], strlen(names[i]), 1) == -1 ||
		    put(dst, dstsz, &o, "=", 1, 0) == -1 ||
		    put(dst, dstsz, &o, values[i], strlen(values[i]), 1) == -1)
			goto fail;
	}
	dst[o] = '\0';
	return (int)o;
fail:
	dst[0] = '\0';
	return -1;
}

/*
 * RFC 3986 §3.2.2-3: host [":" port], the host a bracketed IPv6 literal or
 * without ':' and the port digits only; 1 when a (n bytes) is that.
 */
static int
hostport_ok(const char *a, size_t n)
{
	const char	*colon, *close;

	if (a[0] == '[') {
		if ((close = memchr(a, ']', n)) == NULL)
			return 0;
		colon = close + 1 < a + n ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return 0;
	} else
		colon = memchr(a, ':', n);
	if (colon == NULL)
		return 1;
	colon++;
	return strspn(colon, "0123456789") == (size_t)(a + n - colon);
}

int
urlbuild_origin(char *dst, size_t dstsz, const char *uri)
{
	size_t	 s, i, end;
	char	 c;

	if (dstsz == 0)
		return -1;
	dst[0] = '\0';
	/* RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	s = strspn(uri, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-.");
	if (s == 0 || uri[s] != ':' || !((uri[0] | 0x20) >= 'a' &&
	    (uri[0] | 0x20) <= 'z'))
		return -1;
	if (strncmp(uri + s, "://", 3) != 0)
		end = s + 1;			/* "scheme:" */
	else {
		end = s + 3 + strcspn(uri + s + 3, "/?#");
		if (end == s + 3 || memchr(uri + s + 3, '@', end - s - 3) ||
		    !hostport_ok(uri + s + 3, end - s - 3))
			return -1;		/* no host; userinfo; no host:port */
	}
	if (end >= dstsz)
		return -1;
	for (i = 0; i < end; i++) {
		c = uri[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c | 0x20);
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("+-.:[]/", c) != NULL) || c == '\0') {
			dst[0] = '\0';
			return -1;
		}
		dst[i] = c;
	}
	dst[end] = '\0';
	/* RFC 6454 §6.2: the scheme's default port is not serialised. */
	if (s == 5 && strncasecmp(uri, "https", 5) == 0 && end > s + 7 &&
	    memcmp(dst + end - 4, ":443", 4) == 0)
		dst[end -= 4] = '\0';
	else if (s == 4 && strncasecmp(uri, "http", 4) == 0 && end > s + 6 &&
	    memcmp(dst + end - 3, ":80", 3) == 0)
		dst[end -= 3] = '\0';
	return (int)end;
}
