/*
 * POST /logout: end the browser's session of the hosted login page.
 *
 * Anti-forgery by Origin (the Fetch standard sends it with every POST a
 * browser makes): only a form of jwtmint's own origin (the issuer's) may
 * end a session, so another site cannot sign a user out. The session row
 * is deleted and the cookie expired; the answer is a small page.
 */
#include <string.h>

#include "app.h"
#include "config.h"
#include "handlers.h"
#include "http.h"
#include "loginui.h"
#include "loginweb.h"
#include "store_login.h"
#include "urlbuild.h"

void
h_logout(struct app *a, struct req *r, struct resp *p)
{
	const char		*origin = loginweb_header(r, "HTTP_ORIGIN");
	char			 own[512];
	char			 value[LOGINWEB_SECRET_LEN + 1];
	char			 hex[LOGINWEB_HEX_LEN + 1];
	char			*body;
	size_t			 len = 0;
	enum loginui_lang	 lang;

	lang = loginui_lang_pick(NULL, loginweb_header(r,
	    "HTTP_ACCEPT_LANGUAGE"));
	if (origin == NULL || urlbuild_origin(own, sizeof(own),
	    a->cfg->issuer) <= 0 || strcmp(origin, own) != 0) {
		loginweb_error(p, 403, lang, LS_BAD_REQUEST);
		return;
	}
	if (loginweb_cookie(a, r, LOGINWEB_SESSION, value, hex) &&
	    store_session_delete(a->db, hex) == -1) {
		loginweb_error(p, 503, lang, LS_UNAVAILABLE);
		return;
	}
	body = loginui_notice(lang, LS_SIGN_OUT, LS_SIGNED_OUT, "/login.css",
	    &len);
	loginweb_page(p, 200, body, len, NULL);
	loginweb_set_cookie(p, a, LOGINWEB_SESSION, "", 0);
}
