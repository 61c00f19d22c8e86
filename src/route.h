/*
 * route: the route table, path → allowed methods → handler.
 */
#ifndef JWTMINT_ROUTE_H
#define JWTMINT_ROUTE_H

#include "handlers.h"

struct route {
	const char	*path;
	unsigned	 methods;	/* HTTP_GET | HTTP_POST ... */
	const char	*allow;		/* the Allow header for 405 */
	handler_fn	 fn;
	int		 prefix;	/* every path under path (its own table
					   decides 404 and 405) */
};

/* The route of path (an exact one first), or NULL. */
const struct route	*route_find(const char *path);

#endif
