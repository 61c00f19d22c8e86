/*
 * route: every endpoint jwtmint serves, in one table.
 */
#include <string.h>

#include "http.h"
#include "route.h"

static const struct route routes[] = {
	{ "/token", HTTP_POST, "POST", h_token, 0 },
	{ "/.well-known/jwks.json", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_jwks, 0 },
	{ "/.well-known/oauth-authorization-server", HTTP_GET | HTTP_HEAD,
	    "GET, HEAD", h_metadata, 0 },
	{ "/healthz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_health, 0 },
	{ "/readyz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_ready, 0 },
	{ "/revoke", HTTP_POST, "POST", h_revoke, 0 },
	{ "/introspect", HTTP_POST, "POST", h_introspect, 0 },
	/* A web server's sub-request carries the original method. */
	{ "/check", HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OTHER,
	    "GET, HEAD, POST, PUT, PATCH, DELETE", h_check, 0 },
	/* The admin API: its own table of methods and patterns (adminapi.c). */
	{ "/admin/", HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OTHER, "", h_admin,
	    1 },
};

const struct route *
route_find(const char *path)
{
	size_t	 i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!routes[i].prefix && strcmp(routes[i].path, path) == 0)
			return &routes[i];
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (routes[i].prefix && strncmp(routes[i].path, path,
		    strlen(routes[i].path)) == 0)
			return &routes[i];
	return NULL;
}
