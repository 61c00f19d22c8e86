/*
 * POST /token (RFC 6749 §3.2): read and check the form, authenticate the
 * client, hand over to the grant.
 */
#include <string.h>

#include "app.h"
#include "clientauth.h"
#include "config.h"
#include "form.h"
#include "grant.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"

void
h_token(struct app *a, struct req *r, struct resp *p)
{
	struct client	 c;
	enum form_err	 fe;
	enum oerr	 err;
	const char	*gt;
	int		 st;

	/* RFC 6749 §3.2: parameters in an x-www-form-urlencoded body. */
	if (!http_req_content_type_is(r, "application/x-www-form-urlencoded")) {
		oauth_err(p, OERR_UNSUPPORTED_MEDIA_TYPE, NULL);
		return;
	}
	if ((st = http_req_body(r, (size_t)a->cfg->max_body_bytes)) != 0) {
		oauth_err(p, oauth_err_from_status(st), NULL);
		return;
	}
	if ((fe = form_parse(&r->form, r->body, r->bodylen)) != FORM_OK) {
		oauth_err(p, OERR_INVALID_REQUEST, form_strerror(fe));
		return;
	}
	if ((gt = form_get(&r->form, "grant_type")) == NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "grant_type is required");
		return;
	}
	if (strcmp(gt, "client_credentials") != 0) {
		oauth_err(p, OERR_UNSUPPORTED_GRANT_TYPE, NULL);
		return;
	}
	if (clientauth(a, r, &c, &err) == -1) {
		oauth_err(p, err, err == OERR_INVALID_REQUEST ?
		    "use exactly one client authentication method" : NULL);
		return;
	}
	grant_client_credentials(a, r, &c, p);
}
