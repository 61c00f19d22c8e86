/*
 * portalfiles: the portal's static files (portal/ in the source tree),
 * embedded at build time by scripts/embed-portal.sh, so a binary serves
 * the very files it was built with and nothing is read from disk.
 */
#ifndef JWTMINT_PORTALFILES_H
#define JWTMINT_PORTALFILES_H

#include <stddef.h>

struct portal_file {
	const char	*name;		/* "app.js": a name, never a path */
	const char	*type;		/* Content-Type */
	const char	*etag;		/* "\"<16 hex of its SHA-256>\"" */
	const char	*body;
	size_t		 len;
};

extern const struct portal_file	portal_files[];
extern const size_t		portal_nfiles;

#endif
