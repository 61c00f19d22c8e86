/*
 * cursor: the opaque next_cursor of an admin API listing. A listing is
 * ordered by (created_at, id) and a page starts after the last row of the
 * one before (keyset pagination), so rows inserted meanwhile shift
 * nothing: every row that existed when the listing began is listed once.
 * The cursor is base64url of "c1.<microseconds since the epoch>.<id>": not
 * a secret and not signed (it only moves a position inside the caller's own
 * organization, which every statement filters on). Pure.
 */
#ifndef JWTMINT_CURSOR_H
#define JWTMINT_CURSOR_H

#include <stddef.h>

#define CURSOR_MAX_ID_BYTES	64
/* "c1." + 19 digits + "." + id, base64url */
#define CURSOR_MAX_BYTES	128

struct cursor {
	long long	 usec;			/* >= 0 */
	char		 id[CURSOR_MAX_ID_BYTES + 1];	/* [A-Za-z0-9_-] */
};

/* Encode c into out (CURSOR_MAX_BYTES + 1). Returns 0, or -1 when c is
 * out of range. */
int	cursor_encode(char *out, size_t outsz, const struct cursor *c);

/* Decode len bytes of s. Returns 0, or -1 when s is no cursor of ours. */
int	cursor_decode(struct cursor *c, const char *s, size_t len);

/*
 * The page size from ?limit=: NULL gives def; anything but 1..max in plain
 * digits is -1.
 */
int	cursor_limit(const char *s, int def, int max);

#endif
