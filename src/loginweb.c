/*
 * loginweb: see loginweb.h.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "b64url.h"
#include "config.h"
#include "cookie.h"
#include "http.h"
#include "loginweb.h"

#define LOGINWEB_MAX_COOKIE_HDR	8192

static const char *const names[2][2] = {
	/* http (loopback), https */
	{ "jwtmint_session", "__Host-jwtmint_session" },
	{ "jwtmint_login", "__Host-jwtmint_login" },
};

static int
secure(const struct app *a)
{
	return strncmp(a->cfg->issuer, "https://", 8) == 0;
}

int
loginweb_usable(const struct app *a)
{
	const char	*h = a->cfg->issuer;

	if (secure(a))
		return 1;
	if (strncmp(h, "http://", 7) != 0)
		return 0;
	h += 7;
	if (strncmp(h, "127.", 4) == 0)
		h += 4 + strspn(h + 4, "0123456789.");	/* 127.0.0.0/8 */
	else if (strncmp(h, "[::1]", 5) == 0)
		h += 5;
	else if (strncmp(h, "localhost", 9) == 0)
		h += 9;
	else
		return 0;
	return *h == '\0' || *h == ':' || *h == '/';
}

const char *
loginweb_header(const struct req *r, const char *name)
{
	const char	*v = r->io->param(r->io->ctx, name);

	if (v == NULL || r->io->count(r->io->ctx, name) > 1 ||
	    strnlen(v, LOGINWEB_MAX_COOKIE_HDR + 1) > LOGINWEB_MAX_COOKIE_HDR)
		return NULL;
	return v;
}

int
loginweb_digest(const char *value, char hex[LOGINWEB_HEX_LEN + 1])
{
	unsigned char	 d[SECRET_DIGEST_BYTES];

	if (secret_sha256(d, value, strlen(value)) == -1)
		return -1;
	secret_hex(hex, d, sizeof(d));
	return 0;
}

int
loginweb_cookie(const struct app *a, const struct req *r,
    enum loginweb_cookie c, char value[LOGINWEB_SECRET_LEN + 1],
    char hex[LOGINWEB_HEX_LEN + 1])
{
	const char	*hdr = loginweb_header(r, "HTTP_COOKIE");
	size_t		 i;

	value[0] = hex[0] = '\0';
	if (cookie_find(hdr, names[c][secure(a)], value,
	    LOGINWEB_SECRET_LEN + 1) != 1 ||
	    strlen(value) != LOGINWEB_SECRET_LEN)
		goto no;
	for (i = 0; i < LOGINWEB_SECRET_LEN; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", value[i]) == NULL)
			goto no;
	if (loginweb_digest(value, hex) == -1)
		goto no;
	return 1;
no:
	value[0] = hex[0] = '\0';
	return 0;
}

int
loginweb_set_cookie(struct resp *p, const struct app *a,
    enum loginweb_cookie c, const char *value, int max_age)
{
	char	 v[256];

	snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=Lax%s", names[c][secure(a)], value, max_age,
	    secure(a) ? "; Secure" : "");
	return http_resp_header(p, "Set-Cookie", v);
}

int
loginweb_secret(char value[LOGINWEB_SECRET_LEN + 1],
    char hex[LOGINWEB_HEX_LEN + 1])
{
	unsigned char	 r[32];
	int		 n;

	if (secret_random(r, sizeof(r)) == -1)
		return -1;
	n = b64url_encode(value, LOGINWEB_SECRET_LEN + 1, r, sizeof(r));
	secret_wipe(r, sizeof(r));
	if (n != LOGINWEB_SECRET_LEN || loginweb_digest(value, hex) == -1) {
		secret_wipe(value, LOGINWEB_SECRET_LEN + 1);
		return -1;
	}
	return 0;
}

void
loginweb_page(struct resp *p, int status, char *body, size_t len,
    const char *form_origin)
{
	char	 csp[512 + 2048];

	if (body == NULL) {
		http_resp_body(p, 500, NULL, 0);
		return;
	}
	snprintf(csp, sizeof(csp), "default-src 'none'; style-src 'self'; "
	    "form-action 'self'%s%s; frame-ancestors 'none'; "
	    "base-uri 'none'", form_origin != NULL ? " " : "",
	    form_origin != NULL ? form_origin : "");
	http_resp_body(p, status, body, len);
	http_resp_header(p, "Content-Type", "text/html; charset=utf-8");
	http_resp_header(p, "Content-Security-Policy", csp);
	http_resp_header(p, "X-Frame-Options", "DENY");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_header(p, "Referrer-Policy", "no-referrer");
	http_resp_header(p, "X-Content-Type-Options", "nosniff");
}

void
loginweb_error(struct resp *p, int status, enum loginui_lang lang,
    enum loginui_str msg)
{
	char	*body;
	size_t	 len = 0;

	body = loginui_error(lang, msg, "/login.css", &len);
	loginweb_page(p, status, body, len, NULL);
}
