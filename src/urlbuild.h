/*
 * urlbuild: the answer's URL of an authorization request (RFC 6749
 * §4.1.2, RFC 9207) and the origin a page's CSP form-action names.
 *
 * urlbuild_redirect appends name=value pairs to a redirect URI that was
 * already validated against the application's registered ones: '?' when
 * it has no query yet, else '&' (RFC 6749 §3.1.2: its query is kept), each
 * value percent-encoded but for RFC 3986's unreserved characters, so
 * nothing a client sends (state) can add a parameter, a fragment or a
 * second URL. A URI with a fragment is refused (RFC 6749 §3.1.2). Pure.
 */
#ifndef JWTMINT_URLBUILD_H
#define JWTMINT_URLBUILD_H

#include <stddef.h>

#define URLBUILD_MAX_BYTES	8192

/*
 * dst = uri + ('?' | '&') + names[0]=enc(values[0]) + '&' ...; a NULL
 * value skips its pair. Returns the length, or -1 (does not fit, a
 * fragment, or n is 0); dst is then "".
 */
int	urlbuild_redirect(char *dst, size_t dstsz, const char *uri,
	    const char *const *names, const char *const *values, size_t n);

/*
 * The origin of uri as a CSP source expression (CSP3 §2.3.1): for
 * "scheme://host[:port]/..." that prefix, lower-cased, without the
 * scheme's default port (https :443, http :80, as a browser's Origin
 * header and RFC 6454 §6.2 spell it); for a URI without
 * an authority (a private-use scheme, "com.example.app:/cb") "scheme:".
 * Only letters, digits and "+-.:[]/" can appear in it. Returns its
 * length, or -1 (no scheme, a character a CSP list would misread, or it
 * does not fit).
 */
int	urlbuild_origin(char *dst, size_t dstsz, const char *uri);

#endif
