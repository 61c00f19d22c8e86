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
};

/* The route of path, or NULL. */
const struct route	*route_find(const char *path);

#endif
