/*
 * loginweb: what every page of the hosted login shares on the HTTP side
 * (h_authorize.c, h_logout.c, h_logincss.c): its two cookies, the
 * security headers of a page, an error page.
 *
 * Cookies (RFC 6265bis): HttpOnly, SameSite=Lax, Path=/, a bounded
 * Max-Age; named "__Host-jwtmint_…" with Secure whenever the issuer is
 * https (the prefix makes the browser refuse one set by a sibling domain
 * or over http), plain "jwtmint_…" only when it is http (the loopback
 * issuer of `make run`). Their values are 256 random bits (base64url, 43
 * characters); the database keeps only their SHA-256.
 *   session   a signed-in browser (table sessions)
 *   login     the browser a login form was shown to: the form's one-time
 *             token is good only with it (login CSRF), and SameSite=Lax
 *             keeps it off every cross-site POST.
 */
#ifndef JWTMINT_LOGINWEB_H
#define JWTMINT_LOGINWEB_H

#include <stddef.h>

#include "loginui.h"
#include "secret.h"

struct app;
struct req;
struct resp;

#define LOGINWEB_SECRET_LEN	43
#define LOGINWEB_HEX_LEN	(2 * SECRET_DIGEST_BYTES)

enum loginweb_cookie {
	LOGINWEB_SESSION,
	LOGINWEB_LOGIN
};

/*
 * 1 when cookies can be set as above: the issuer is https, or http on a
 * loopback address (127.0.0.0/8, [::1], localhost). Otherwise the login
 * pages answer 503: a session cookie over plain http to a remote host
 * would travel in the clear.
 */
int	loginweb_usable(const struct app *);

/*
 * The cookie c of the request, when it has the form of one of ours
 * (exactly 43 base64url characters, sent once): 1 with value and its
 * digest's hex filled, else 0.
 */
int	loginweb_cookie(const struct app *, const struct req *,
	    enum loginweb_cookie c, char value[LOGINWEB_SECRET_LEN + 1],
	    char hex[LOGINWEB_HEX_LEN + 1]);

/*
 * Set cookie c to value for max_age seconds (0: delete it). Returns 0 or
 * -1 (p is then broken).
 */
int	loginweb_set_cookie(struct resp *, const struct app *,
	    enum loginweb_cookie c, const char *value, int max_age);

/* A new secret (256 random bits) and its digest's hex. 0 or -1. */
int	loginweb_secret(char value[LOGINWEB_SECRET_LEN + 1],
	    char hex[LOGINWEB_HEX_LEN + 1]);
/* The digest's hex of a secret a client presented. 0 or -1. */
int	loginweb_digest(const char *value, char hex[LOGINWEB_HEX_LEN + 1]);

/* A request header (HTTP_ORIGIN ...) when sent once and not too long. */
const char *loginweb_header(const struct req *, const char *name);

/*
 * Answer the page body (malloc'd, taken; NULL: 500) with the page's
 * headers: text/html, the CSP (form-action 'self' and form_origin when
 * not NULL), frame-ancestors 'none' and X-Frame-Options DENY, no-store,
 * no referrer, nosniff.
 */
void	loginweb_page(struct resp *, int status, char *body, size_t len,
	    const char *form_origin);

/* An error page in lang with message msg. */
void	loginweb_error(struct resp *, int status, enum loginui_lang lang,
	    enum loginui_str msg);

#endif
