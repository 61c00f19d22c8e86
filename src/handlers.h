/*
 * handlers: one function per endpoint, each in its own h_*.c file. A
 * handler reads the request, calls the store or the flows, and fills the
 * response; the route table (route.c) says which handler serves which path.
 */
#ifndef JWTMINT_HANDLERS_H
#define JWTMINT_HANDLERS_H

struct app;
struct req;
struct resp;

typedef void (*handler_fn)(struct app *, struct req *, struct resp *);

void	h_token(struct app *, struct req *, struct resp *);
void	h_jwks(struct app *, struct req *, struct resp *);
void	h_metadata(struct app *, struct req *, struct resp *);
void	h_health(struct app *, struct req *, struct resp *);
void	h_ready(struct app *, struct req *, struct resp *);
void	h_revoke(struct app *, struct req *, struct resp *);
void	h_introspect(struct app *, struct req *, struct resp *);
/* every path under /admin/ (adminapi.h) */
void	h_admin(struct app *, struct req *, struct resp *);
void	h_check(struct app *, struct req *, struct resp *);
void	h_platform(struct app *, struct req *, struct resp *);
/* every path under /portal/ (h_portal.c) */
void	h_portal(struct app *, struct req *, struct resp *);
/* the hosted login page (docs/LOGIN.md) */
void	h_authorize(struct app *, struct req *, struct resp *);
void	h_logout(struct app *, struct req *, struct resp *);
void	h_logincss(struct app *, struct req *, struct resp *);
/* GET /metrics, on the platform listener only */
void	h_metrics(struct app *, struct req *, struct resp *);

#endif
