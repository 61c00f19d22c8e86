/*
 * redirecturi: see redirecturi.h. One parser (parse()) serves validation,
 * matching and origins, so the three never disagree on what a URI is.
 */
#include <stdio.h>
#include <string.h>

#include "redirecturi.h"

enum kind {
	K_HTTPS,
	K_LOOPBACK,	/* http://127.0.0.1 or http://[::1] */
	K_PRIVATE	/* reverse-domain private-use scheme */
};

/* Where the parts of a parsed URI are (offsets into it). */
struct parsed {
	enum kind	 kind;
	size_t		 host;		/* after "//" */
	size_t		 hostlen;
	size_t		 port;		/* after ':' (0: no port) */
	size_t		 portlen;
	size_t		 rest;		/* the path, with its query */
};

static const char *const type_names[REDIRECTURI__MAX] = {
	[REDIRECTURI_SPA] = "spa",
	[REDIRECTURI_NATIVE] = "native",
	[REDIRECTURI_CLI] = "cli",
	[REDIRECTURI_PORTAL] = "portal",
};

int
redirecturi_type_from_name(const char *s)
{
	int	 i;

	for (i = 0; i < REDIRECTURI__MAX; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	return -1;
}

const char *
redirecturi_type_name(enum redirecturi_type t)
{
	return (unsigned)t < REDIRECTURI__MAX ? type_names[t] : "?";
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* A path segment that is "." or ".." once decoded (browsers decode
 * "%2e" there: WHATWG URL). */
static int
dot_segment(const char *s, size_t n)
{
	size_t	 dots = 0, i = 0;

	while (i < n) {
		if (s[i] == '.')
			i++;
		else if (n - i >= 3 && s[i] == '%' && s[i + 1] == '2' &&
		    (s[i + 2] == 'e' || s[i + 2] == 'E'))
			i += 3;
		else
			return 0;
		dots++;
	}
	return dots == 1 || dots == 2;
}

/* The path and query: '/' first, no dot segment, good escapes. */
static int
rest_valid(const char *s, size_t len, const char **why)
{
	size_t	 i, seg, n, plen;

	if (len == 0 || s[0] != '/') {
		*why = "the path must start with /";
		return -1;
	}
	for (i = 0; i < len; i++)
		if (s[i] == '%' && (i + 2 >= len || !is_hex(s[i + 1]) ||
		    !is_hex(s[i + 2]))) {
			*why = "malformed percent escape";
			return -1;
		}
	plen = strcspn(s, "?");
	for (seg = 1; seg < plen; seg += n + 1) {
		n = strcspn(s + seg, "/?");
		if (seg + n > plen)
			n = plen - seg;
		if (dot_segment(s + seg, n)) {
			*why = "no . or .. path segments";
			return -1;
		}
	}
	return 0;
}

/* 1..65535, digits only, no leading zero. */
static int
port_valid(const char *s, size_t len)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (len == 0 || len > 5 || s[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* A lower-case DNS name: labels of a-z 0-9 -, not starting or ending
 * with '-', separated by single dots. */
static int
host_valid(const char *s, size_t len)
{
	size_t	 i, lab = 0;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		char	 c = s[i];

		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return 0;
		if (c == '-' && lab == 0)
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0 && s[len - 1] != '-';
}

static int
parse(const char *u, size_t len, struct parsed *p, const char **why)
{
	size_t	 i, sl, a, hend;

	memset(p, 0, sizeof(*p));
	*why = "not a valid redirect URI";
	if (len == 0 || len > REDIRECTURI_MAX_BYTES || strlen(u) != len) {
		*why = "empty, too long, or contains NUL";
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)u[i];

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' ||
		    c == '<' || c == '>' || c == '\\' || c == '`' ||
		    c == '{' || c == '}' || c == '|' || c == '^') {
			*why = "only printable ASCII without spaces or quotes";
			return -1;
		}
		if (c == '#') {
			*why = "no fragment";
			return -1;
		}
		if (c == '*') {
			*why = "no wildcards";
			return -1;
		}
	}
	/* scheme = lower-case letter *( lower-case letter / digit / + - . ) */
	sl = strspn(u, "abcdefghijklmnopqrstuvwxyz0123456789+-.");
	if (sl == 0 || sl >= len || u[sl] != ':' || u[0] < 'a' || u[0] > 'z') {
		*why = "a lower-case scheme is required";
		return -1;
	}
	if ((sl == 5 && strncmp(u, "https", 5) == 0) ||
	    (sl == 4 && strncmp(u, "http", 4) == 0)) {
		if (strncmp(u + sl, "://", 3) != 0)
			return -1;
		a = sl + 3;
		hend = a + strcspn(u + a, "/?");
		if (memchr(u + a, '@', hend - a) != NULL) {
			*why = "no userinfo";
			return -1;
		}
		p->host = a;
		if (u[a] == '[') {
			const char	*rb = memchr(u + a, ']', hend - a);

			if (rb == NULL)
				return -1;
			p->hostlen = (size_t)(rb - (u + a)) + 1;
		} else
			p->hostlen = strcspn(u + a, ":/?");
		if (p->host + p->hostlen > hend)
			return -1;
		if (p->host + p->hostlen < hend) {
			if (u[p->host + p->hostlen] != ':')
				return -1;
			p->port = p->host + p->hostlen + 1;
			p->portlen = hend - p->port;
			if (!port_valid(u + p->port, p->portlen)) {
				*why = "bad port";
				return -1;
			}
		}
		p->rest = hend;
		if (sl == 4) {
			if (!((p->hostlen == 9 &&
			    strncmp(u + a, "127.0.0.1", 9) == 0) ||
			    (p->hostlen == 5 && strncmp(u + a, "[::1]", 5) == 0))) {
				*why = "http only for http://127.0.0.1 or "
				    "http://[::1] (native applications)";
				return -1;
			}
			p->kind = K_LOOPBACK;
		} else {
			if (!host_valid(u + a, p->hostlen)) {
				*why = "the host must be a lower-case DNS name";
				return -1;
			}
			if (p->hostlen == 9 && strncmp(u + a, "localhost", 9) == 0) {
				*why = "localhost is refused (RFC 8252 §8.3)";
				return -1;
			}
			p->kind = K_HTTPS;
		}
	} else {
		/* RFC 8252 §7.1: a reverse domain name, then ":/path". */
		if (memchr(u, '.', sl) == NULL) {
			*why = "a private-use scheme is a reverse domain name";
			return -1;
		}
		if (u[sl + 1] != '/' || (sl + 2 < len && u[sl + 2] == '/')) {
			*why = "a private-use scheme URI is scheme:/path";
			return -1;
		}
		p->kind = K_PRIVATE;
		p->rest = sl + 1;
	}
	return rest_valid(u + p->rest, len - p->rest, why);
}

int
redirecturi_valid(const char *uri, size_t len, enum redirecturi_type t,
    const char **why)
{
	struct parsed	 p;

	if (parse(uri, len, &p, why) == -1)
		return -1;
	switch (t) {
	case REDIRECTURI_NATIVE:
		return 0;
	case REDIRECTURI_CLI:
		if (p.kind == K_PRIVATE) {
			*why = "a command-line application uses a loopback or "
			    "https redirect URI";
			return -1;
		}
		return 0;
	case REDIRECTURI_SPA:
	case REDIRECTURI_PORTAL:
		if (p.kind != K_HTTPS) {
			*why = "https only for this type of application";
			return -1;
		}
		return 0;
	default:
		*why = "unknown application type";
		return -1;
	}
}

int
redirecturi_match(const char *registered, const char *presented,
    enum redirecturi_type t)
{
	struct parsed	 r, p;
	const char	*why;

	if (registered == NULL || presented == NULL)
		return 0;
	if (strcmp(registered, presented) == 0)
		return 1;
	/* RFC 8252 §7.3: any port of the loopback, for native clients. */
	if (t != REDIRECTURI_NATIVE && t != REDIRECTURI_CLI)
		return 0;
	if (parse(registered, strlen(registered), &r, &why) == -1 ||
	    parse(presented, strlen(presented), &p, &why) == -1 ||
	    r.kind != K_LOOPBACK || p.kind != K_LOOPBACK)
		return 0;
	return r.hostlen == p.hostlen &&
	    memcmp(registered + r.host, presented + p.host, r.hostlen) == 0 &&
	    strcmp(registered + r.rest, presented + p.rest) == 0;
}

int
redirecturi_origin(const char *uri, char *out, size_t outsz)
{
	struct parsed	 p;
	const char	*why;
	size_t		 end;

	if (uri == NULL || parse(uri, strlen(uri), &p, &why) == -1 ||
	    p.kind != K_HTTPS)
		return -1;
	end = p.port != 0 ? p.port + p.portlen : p.host + p.hostlen;
	if (p.port != 0 && p.portlen == 3 && strncmp(uri + p.port, "443", 3) == 0)
		end = p.host + p.hostlen;
	if (end >= outsz)
		return -1;
	memcpy(out, uri, end);
	out[end] = '\0';
	return 0;
}

int
redirecturi_resolve(const char *issuer, const char *stored, char *out,
    size_t outsz)
{
	size_t	 il;
	int	 n;

	if (stored[0] != '/') {
		n = snprintf(out, outsz, "%s", stored);
		return n < 0 || (size_t)n >= outsz ? -1 : 0;
	}
	il = strlen(issuer);
	while (il > 0 && issuer[il - 1] == '/')
		il--;
	n = snprintf(out, outsz, "%.*s%s", (int)il, issuer, stored);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}
