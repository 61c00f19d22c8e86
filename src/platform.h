/*
 * platform: the platform listener's requests (h_platform.c): its
 * credential check and the table of /platform/ operations.
 */
#ifndef JWTMINT_PLATFORM_H
#define JWTMINT_PLATFORM_H

struct app;
struct config;
struct req;
struct resp;

/* 1 when r came in on the platform listener with the platform credential. */
int	platform_auth(const struct config *, const struct req *);

/* Serve an authenticated /platform/ request (h_platform_ops.c). */
void	platform_dispatch(struct app *, struct req *, struct resp *);

#endif
