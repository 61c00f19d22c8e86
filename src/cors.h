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

/*
 * The handler of an endpoint open to browsers (/token, /revoke): an
 * OPTIONS preflight is answered here; a method other than POST gets 405;
 * a POST goes to fn, and its answer gets the CORS headers (after fn's).
 */
void	cors_post(struct app *, struct req *r, struct resp *p,
	    void (*fn)(struct app *, struct req *, struct resp *));

#endif
