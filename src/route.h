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

/*
 * The route of path on the public listener (platform 0) or on the
 * platform listener (1), or NULL. The two tables share nothing but the
 * health checks: a platform path is 404 on the public listener.
 */
const struct route	*route_find(const char *path, int platform);

#endif
