/*
 * pathpat: match a request path against a route pattern such as
 * "/admin/keys/{id}/roll". A literal segment matches itself; "{name}"
 * matches one segment of 1..PATHPAT_MAX_SEG_BYTES characters of
 * [A-Za-z0-9._@+-] (neither "." nor ".."), which is captured. Anything
 * else (an empty segment, a trailing slash, another character) does not
 * match: the caller answers 404. Pure.
 */
#ifndef JWTMINT_PATHPAT_H
#define JWTMINT_PATHPAT_H

#include <stddef.h>

#define PATHPAT_MAX_CAPTURES	2
#define PATHPAT_MAX_SEG_BYTES	200

struct pathpat_captures {
	size_t	 n;
	char	 name[PATHPAT_MAX_CAPTURES][32];		/* "id" */
	char	 value[PATHPAT_MAX_CAPTURES][PATHPAT_MAX_SEG_BYTES + 1];
};

/*
 * 1 when path matches pattern (c filled with the captures in order), else
 * 0 (c emptied). A pattern with more than PATHPAT_MAX_CAPTURES captures or
 * a capture name over 31 bytes never matches.
 */
int		 pathpat_match(const char *pattern, const char *path,
		    struct pathpat_captures *c);

/* The value captured as name, or NULL. */
const char	*pathpat_get(const struct pathpat_captures *c, const char *name);

#endif
