/*
 * GET /login.css: the login page's style sheet, served by jwtmint itself
 * (the page's CSP: style-src 'self', no inline style). ?org=ORG_ID gives
 * that organization's colours from its template; they are stored only as
 * #rrggbb and written only then (loginui_css), so no CSS can be injected.
 */
#include <string.h>

#include "app.h"
#include "form.h"
#include "handlers.h"
#include "http.h"
#include "loginui.h"
#include "loginweb.h"
#include "store_login.h"

#define LOGINCSS_MAX_QUERY	256

void
h_logincss(struct app *a, struct req *r, struct resp *p)
{
	struct store_login_tpl	 tpl;
	struct form		 f = { 0 };
	const char		*qs = loginweb_header(r, "QUERY_STRING");
	const char		*org = NULL;
	const char		*colors[LOGINUI_COLORS] = { NULL, NULL, NULL };
	char			*body;
	size_t			 len = 0;

	if (qs != NULL && strlen(qs) <= LOGINCSS_MAX_QUERY &&
	    form_parse(&f, qs, strlen(qs)) == FORM_OK)
		org = form_get(&f, "org");
	/* Another organization's id is no secret; an unknown one, the
	 * defaults. */
	if (org != NULL && strlen(org) < 64 &&
	    store_login_template(a->db, org, &tpl) == 1) {
		colors[0] = tpl.colors[0];
		colors[1] = tpl.colors[1];
		colors[2] = tpl.colors[2];
	}
	body = loginui_css(colors, &len);
	form_free(&f);
	http_resp_body(p, 200, body, len);
	http_resp_header(p, "Content-Type", "text/css; charset=utf-8");
	http_resp_header(p, "Cache-Control", "no-cache");
	http_resp_header(p, "X-Content-Type-Options", "nosniff");
}
