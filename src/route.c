/*
 * route: every endpoint jwtmint serves, in one table.
 */
#include <string.h>

#include "http.h"
#include "route.h"

static const struct route routes[] = {
	{ "/token", HTTP_POST, "POST", h_token },
	{ "/.well-known/jwks.json", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_jwks },
	{ "/.well-known/oauth-authorization-server", HTTP_GET | HTTP_HEAD,
	    "GET, HEAD", h_metadata },
	{ "/healthz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_health },
	{ "/readyz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_ready },
	{ "/revoke", HTTP_POST, "POST", h_revoke },
	{ "/introspect", HTTP_POST, "POST", h_introspect },
	{ "/admin/revocations", HTTP_POST, "POST", h_admin_revocations },
	/* A web server's sub-request carries the original method. */
	{ "/check", HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OTHER,
	    "GET, HEAD, POST, PUT, PATCH, DELETE", h_check },
};

const struct route *
route_find(const char *path)
{
	size_t	 i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].path, path) == 0)
			return &routes[i];
	return NULL;
}
