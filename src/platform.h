/*
 * platform: the platform listener's requests (h_platform.c): its
 * credential check and the table of /platform/ operations.
 */
#ifndef JWTMINT_PLATFORM_H
#define JWTMINT_PLATFORM_H

#include <stddef.h>

struct adminapi_route;
struct app;
struct config;
struct req;
struct resp;

/* 1 when r came in on the platform listener with the platform credential. */
int	platform_auth(const struct config *, const struct req *);

/* Serve a /platform/ request (h_platform_ops.c): route, then the
 * credential (platform_auth), then the operation. */
void	platform_dispatch(struct app *, struct req *, struct resp *);

/* The table, for what lists the routes (n rows). */
const struct adminapi_route *platform_routes(size_t *n);

#endif
