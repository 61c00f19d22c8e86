/*
 * POST /token (RFC 6749 §3.2): read and check the form, authenticate the
 * client, hand over to the grant.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "clientauth.h"
#include "config.h"
#include "cors.h"
#include "form.h"
#include "grant.h"
#include "granttype.h"
#include "metrics.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"

static const struct {
	unsigned	 bit;
	grant_fn	 fn;
} grants[] = {
	{ GT_CLIENT_CREDENTIALS, grant_client_credentials },
	{ GT_PASSWORD, grant_password },
	{ GT_REFRESH_TOKEN, grant_refresh },
	{ GT_TOKEN_EXCHANGE, grant_exchange },
	{ GT_AUTHORIZATION_CODE, grant_code },
};

static void token(struct app *, struct req *, struct resp *);

void
h_token(struct app *a, struct req *r, struct resp *p)
{
	cors_post(a, r, p, token);
}

static void
token(struct app *a, struct req *r, struct resp *p)
{
	struct client	 c;
	enum form_err	 fe;
	enum oerr	 err;
	const char	*gt;
	unsigned	 bit;
	size_t		 i;
	int		 st;

	/* RFC 6749 §3.2: parameters in an x-www-form-urlencoded body. */
	if ((st = http_req_form(r, (size_t)a->cfg->max_body_bytes, &fe)) != 0) {
		oauth_err(p, oauth_err_from_status(st), fe != FORM_OK ?
		    form_strerror(fe) : NULL);
		return;
	}
	if ((gt = form_get(&r->form, "grant_type")) == NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "grant_type is required");
		return;
	}
	/* For the log line only, escaped there (accesslog.h). */
	snprintf(r->grant, sizeof(r->grant), "%s", gt);
	if ((bit = granttype_from_name(gt)) == 0) {
		oauth_err(p, OERR_UNSUPPORTED_GRANT_TYPE, NULL);
		return;
	}
	/* A public client names its application and nothing else (RFC 6749
	 * §2.1); any credential makes it a key's request. */
	if ((st = clientauth_public(&a->authn, r, &c, &err)) == -1) {
		oauth_err(p, err, NULL);
		return;
	}
	if (st == 0 && clientauth(&a->authn, r, &c, &err) == -1) {
		oauth_err(p, err, err == OERR_INVALID_REQUEST ?
		    "use exactly one client authentication method" : NULL);
		return;
	}
	/* Each key lists the grants it may use (RFC 6749 §5.2). */
	if (!(c.grants & bit)) {
		oauth_err(p, OERR_UNAUTHORIZED_CLIENT, NULL);
		return;
	}
	for (i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
		if (grants[i].bit == bit)
			grants[i].fn(&a->grants, r, &c, p);
	/* gt is a known name here; metrics labels it from its own table. */
	if (p->status == 200)
		metrics_token_issued(gt, a->alg);
}
