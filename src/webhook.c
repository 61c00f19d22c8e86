/*
 * webhook: see webhook.h. The URL grammar is a strict subset of RFC 3986
 * (what an operator writes for a receiver), so there is one reading of it.
 */
#include <stdio.h>
#include <string.h>

#include "secret.h"
#include "webhook.h"

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* A DNS name or dotted IPv4: labels of [A-Za-z0-9-], not beginning or
 * ending with '-', separated by single dots. */
static int
host_ok(const char *h, size_t len)
{
	size_t	 i, label = 0;

	if (len == 0 || len >= WEBHOOK_HOST_BYTES)
		return 0;
	for (i = 0; i < len; i++) {
		if (h[i] == '.') {
			if (label == 0 || h[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!is_alnum((unsigned char)h[i]) && h[i] != '-')
			return 0;
		if (h[i] == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && h[len - 1] != '-';
}

/* An IPv6 address between brackets: hex digits, ':' and '.', bounded. */
static int
host6_ok(const char *h, size_t len)
{
	size_t	 i;

	if (len < 2 || len > 45)
		return 0;
	for (i = 0; i < len; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
		    (h[i] >= 'a' && h[i] <= 'f') ||
		    (h[i] >= 'A' && h[i] <= 'F') || h[i] == ':' || h[i] == '.'))
			return 0;
	return memchr(h, ':', len) != NULL;
}

int
webhook_url_parse(const char *s, size_t len, struct webhook_url *out)
{
	const char	*p, *end = s + len, *host, *hend, *path;
	size_t		 i, hlen;
	long		 port;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > WEBHOOK_URL_MAX_BYTES)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '#' || s[i] == '\\')
			return -1;
	if (len > 8 && strncmp(s, "https://", 8) == 0) {
		out->tls = 1;
		out->port = 443;
		p = s + 8;
	} else if (len > 7 && strncmp(s, "http://", 7) == 0) {
		out->port = 80;
		p = s + 7;
	} else
		return -1;
	/* The authority ends at the first '/', '?' or the end. */
	for (path = p; path < end && *path != '/' && *path != '?'; path++)
		if (*path == '@')
			return -1;	/* no userinfo */
	if (p < path && *p == '[') {
		host = p + 1;
		if ((hend = memchr(host, ']', (size_t)(path - host))) == NULL ||
		    !host6_ok(host, (size_t)(hend - host)))
			return -1;
		p = hend + 1;
	} else {
		host = p;
		for (hend = p; hend < path && *hend != ':'; hend++)
			;
		if (!host_ok(host, (size_t)(hend - host)))
			return -1;
		p = hend;
	}
	hlen = (size_t)(hend - host);
	if (p < path) {
		if (*p != ':' || path - p < 2 || path - p > 6)
			return -1;
		port = 0;
		for (p++; p < path; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			return -1;
		out->port = (int)port;
	}
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	if (path == end) {
		out->path[0] = '/';
		return 0;
	}
	if ((size_t)(end - path) + 2 > WEBHOOK_PATH_BYTES)
		return -1;
	i = 0;
	if (*path == '?')
		out->path[i++] = '/';
	memcpy(out->path + i, path, (size_t)(end - path));
	out->path[i + (size_t)(end - path)] = '\0';
	return 0;
}

int
webhook_sign(const unsigned char *secret, size_t secretlen, long long t,
    const char *body, size_t bodylen, char *out)
{
	unsigned char	 mac[SECRET_DIGEST_BYTES];
	char		 ts[24], digits[WEBHOOK_SIG_HEX];
	int		 n, rc = -1;

	if (secretlen == 0 || secretlen > WEBHOOK_SECRET_MAX || t < 0)
		return -1;
	n = snprintf(ts, sizeof(ts), "%lld.", t);
	if (n < 0 || (size_t)n >= sizeof(ts))
		return -1;
	/* The signed bytes: t "." body (the receiver rebuilds them). */
	if (secret_hmac(mac, secret, secretlen, ts, (size_t)n, body,
	    bodylen) == -1)
		goto out;
	secret_hex(digits, mac, sizeof(mac));
	ts[n - 1] = '\0';
	n = snprintf(out, WEBHOOK_SIG_HEADER_BYTES, "t=%s,v1=%s", ts, digits);
	rc = n > 0 && n < WEBHOOK_SIG_HEADER_BYTES ? 0 : -1;
out:
	secret_wipe(mac, sizeof(mac));
	return rc;
}

int
webhook_backoff_sec(int attempt, int base, int cap)
{
	long long	 s;
	int		 i;

	if (base < 1)
		base = 1;
	if (cap < base)
		cap = base;
	s = base;
	for (i = 1; i < attempt && s < cap; i++)
		s *= 2;
	return s > cap ? cap : (int)s;
}

int
webhook_status(const char *buf, size_t len)
{
	int	 st;

	/* "HTTP/1.x SP 3DIGIT SP reason CRLF" (RFC 9112 §4; the reason may
	 * be empty, the space before it may be missing in the wild). */
	if (len < 13 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ')
		return -1;
	if (buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9')
		return -1;
	if (buf[12] != ' ' && buf[12] != '\r')
		return -1;
	if (memchr(buf, '\n', len) == NULL)
		return -1;
	st = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	return st;
}
