/*
 * redirecturi: the redirect URIs of applications, validated when they are
 * registered and matched exactly when they are used (RFC 9700 §4.1.3,
 * RFC 6749 §3.1.2). Pure: no I/O.
 *
 * A registrable URI is at most REDIRECTURI_MAX_BYTES of printable ASCII
 * without '#' (no fragment, RFC 6749 §3.1.2), '*' (no wildcard), '\\',
 * quotes, '<', '>', and with well-formed percent escapes, and is one of:
 *   https://host[:port]/path[?query]       every type
 *   http://127.0.0.1[:port]/path[?query]   native and cli only (RFC 8252 §7.3)
 *   http://[::1][:port]/path[?query]       native and cli only
 *   scheme.with.dots:/path[?query]         native only (RFC 8252 §7.1)
 * The host is lower case (a-z 0-9 . -, or the two loopback literals), a
 * port is 1..65535 without leading zeros, there is no userinfo ('@'), the
 * path starts with '/' and has no "." or ".." segment. localhost is
 * refused (RFC 8252 §8.3). Case is never folded: what is registered is
 * what must be presented.
 *
 * Matching is byte for byte, with one exception: for a native or cli
 * application, a registered loopback URI matches the same URI with any
 * port (RFC 8252 §7.3), the rest still exact.
 */
#ifndef JWTMINT_REDIRECTURI_H
#define JWTMINT_REDIRECTURI_H

#include <stddef.h>

#define REDIRECTURI_MAX_BYTES	2048
/* "https://" host ":" port: an origin fits a URI. */
#define REDIRECTURI_ORIGIN_BYTES	(REDIRECTURI_MAX_BYTES + 1)

/* Application types (sql/015_apps.sql): what a type may register. */
enum redirecturi_type {
	REDIRECTURI_SPA,
	REDIRECTURI_NATIVE,
	REDIRECTURI_CLI,
	REDIRECTURI_PORTAL,
	REDIRECTURI__MAX
};

/* The type named s ("spa", "native", "cli", "portal"), or -1. */
int		 redirecturi_type_from_name(const char *s);
/* Its name (the column's value). */
const char	*redirecturi_type_name(enum redirecturi_type);

/*
 * 0 when uri (NUL-terminated, len bytes) may be registered for an
 * application of type t, else -1 with *why set to a static reason (never
 * echoing the input). A portal's one URI is not registered this way: it is
 * the path "/portal/{slug}/", resolved with redirecturi_resolve.
 */
int	redirecturi_valid(const char *uri, size_t len, enum redirecturi_type t,
	    const char **why);

/*
 * 1 when presented may be used for registered, an URI of an application of
 * type t, else 0 (exact match, the loopback port aside: see above).
 */
int	redirecturi_match(const char *registered, const char *presented,
	    enum redirecturi_type t);

/*
 * The origin of an https URI (RFC 6454: "https://host[:port]", ":443"
 * left out as browsers do) into out. Returns 0, or -1 when uri is no
 * registrable https URI or out is too small.
 */
int	redirecturi_origin(const char *uri, char *out, size_t outsz);

/*
 * A stored URI as used: a path (a portal's "/portal/{slug}/") is resolved
 * against issuer (its trailing '/' dropped); any other is copied. Returns
 * 0, or -1 when out is too small.
 */
int	redirecturi_resolve(const char *issuer, const char *stored, char *out,
	    size_t outsz);

#endif
