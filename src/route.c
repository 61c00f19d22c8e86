/*
 * route: every endpoint jwtmint serves, in one table.
 */
#include <string.h>

#include "http.h"
#include "route.h"

static const struct route routes[] = {
	/* OPTIONS: a browser's CORS preflight (cors.h). */
	{ "/token", HTTP_POST | HTTP_OTHER, "POST, OPTIONS", h_token },
	{ "/.well-known/jwks.json", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_jwks },
	{ "/.well-known/oauth-authorization-server", HTTP_GET | HTTP_HEAD,
	    "GET, HEAD", h_metadata },
	{ "/healthz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_health },
	{ "/readyz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_ready },
	{ "/revoke", HTTP_POST | HTTP_OTHER, "POST, OPTIONS", h_revoke },
	{ "/introspect", HTTP_POST, "POST", h_introspect },
	/* A web server's sub-request carries the original method. */
	{ "/check", HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OTHER,
	    "GET, HEAD, POST, PUT, PATCH, DELETE", h_check },
	/* The hosted login page (h_authorize.c); HEAD would spend a token. */
	{ "/authorize", HTTP_GET | HTTP_POST, "GET, POST", h_authorize },
	{ "/logout", HTTP_POST, "POST", h_logout },
	{ "/login.css", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_logincss },
	/* The admin API: its own table of methods and patterns (adminapi.c). */
	{ "/admin/", HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OTHER,
	    "GET, HEAD, POST, PATCH, DELETE", h_admin },
	/* The portal's static files and config (h_portal.c). */
	{ "/portal/", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_portal },
};

/*
 * The platform listener's: nothing of the public table (no /token, no
 * /admin/), only what the platform operator and monitoring use. A route
 * whose path ends in '/' serves every path under it.
 */
static const struct route platform_routes[] = {
	{ "/healthz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_health },
	{ "/readyz", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_ready },
	{ "/metrics", HTTP_GET | HTTP_HEAD, "GET, HEAD", h_metrics },
	{ "/platform/", HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OTHER,
	    "GET, HEAD, POST, PATCH, DELETE", h_platform },
};

static const struct route *
find(const struct route *t, size_t n, const char *path)
{
	size_t	 i, len;

	for (i = 0; i < n; i++) {
		len = strlen(t[i].path);
		if (t[i].path[len - 1] == '/' ?
		    strncmp(t[i].path, path, len) == 0 :
		    strcmp(t[i].path, path) == 0)
			return &t[i];
	}
	return NULL;
}

const struct route *
route_find(const char *path, int platform)
{
	if (platform)
		return find(platform_routes, sizeof(platform_routes) /
		    sizeof(platform_routes[0]), path);
	return find(routes, sizeof(routes) / sizeof(routes[0]), path);
}
