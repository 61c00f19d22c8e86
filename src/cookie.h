/*
 * cookie: one cookie's value out of a Cookie request header (RFC 6265
 * §4.2.1, §5.4: "name=value" pairs separated by "; "). Pure.
 *
 * Names are compared byte for byte (case-sensitive, as browsers send
 * them). A name sent twice is refused: a second cookie of the same name
 * may come from a sibling domain or a non-secure origin (cookie tossing),
 * and picking one would let it win.
 */
#ifndef JWTMINT_COOKIE_H
#define JWTMINT_COOKIE_H

#include <stddef.h>

/*
 * The value of name in hdr (NULL: no header) into out (outsz bytes).
 * Returns 1, 0 when absent, -1 when sent twice or the value does not
 * fit (out is then "").
 */
int	cookie_find(const char *hdr, const char *name, char *out, size_t outsz);

#endif
