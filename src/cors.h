/*
 * cors: cross-origin access to /token and /revoke, and to nothing else
 * (the admin API and the portal are same-origin). A browser's request is
 * allowed when its Origin is the origin of a redirect URI of an enabled
 * SPA (appcache): the answer then carries Access-Control-Allow-Origin with
 * that origin (never "*", never credentials); every answer of these two
 * endpoints carries Vary: Origin, so no cache serves one origin's answer
 * to another. An OPTIONS preflight (Fetch standard) is answered 204 with
 * POST and Content-Type allowed, or 403 without any Access-Control header.
 */
#ifndef JWTMINT_CORS_H
#define JWTMINT_CORS_H

struct app;
struct req;
struct resp;

/* 1 when r is an OPTIONS request (answer it with cors_preflight). */
int	cors_is_preflight(const struct req *r);

/* Answer the preflight r into p. */
void	cors_preflight(struct app *, struct req *r, struct resp *p);

/* The headers of an actual request's answer (after the handler's). */
void	cors_headers(struct app *, struct req *r, struct resp *p);

#endif
