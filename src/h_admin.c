/*
 * POST /admin/revocations: an organization's administrator revokes, in that
 * organization only, one access token (jti=), every token and refresh
 * family of a user (user=, id or username: a per-user cut-off, no row per
 * token) or an API key and every token issued to it (key=).
 *
 * Authenticated by an API key with the "admin" scope, or by an active
 * access token (Authorization: Bearer) with the "admin" scope; the
 * organization is the credential's, never a parameter. Something that does
 * not exist in the organization is 404, exactly as for another
 * organization's. Platform-wide actions exist only in jwtmint-admin.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "clientauth.h"
#include "config.h"
#include "form.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"
#include "ops_revoke.h"
#include "store_user.h"
#include "tokencheck.h"


/* The caller's organization into org when it is an admin. -1 → p is set. */
static int
admin_org(struct app *a, struct req *r, char *org, size_t orgsz,
    char *actor, size_t actorsz, struct resp *p)
{
	struct verified		 v;
	struct scope_set		 s;
	struct store_token_state	 st;
	struct client			 c;
	enum oerr			 err;
	const char			*h = r->authorization;

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		switch (tokencheck(&a->check, h + 7, NULL, &v, &st)) {
		case TC_UNAVAILABLE:
			oauth_err(p, OERR_UNAVAILABLE, NULL);
			return -1;
		case TC_INACTIVE:
			oauth_err(p, OERR_INVALID_TOKEN, NULL);	/* RFC 6750 §3.1 */
			return -1;
		case TC_ACTIVE:
			break;
		}
		if (scope_parse(&s, v.scope, strlen(v.scope)) == -1 ||
		    !scope_has(&s, "admin")) {
			oauth_err(p, OERR_FORBIDDEN, NULL);
			return -1;
		}
		snprintf(org, orgsz, "%s", v.org);
		if (jwtverify_is_user(&v))
			snprintf(actor, actorsz, "user:%s", v.sub);
		else
			snprintf(actor, actorsz, "key:%s", v.client_id);
		snprintf(r->client_id, sizeof(r->client_id), "%s", v.client_id);
		snprintf(r->org_id, sizeof(r->org_id), "%s", v.org);
		return 0;
	}
	if (clientauth(&a->authn, r, &c, &err) == -1) {
		oauth_err(p, err, NULL);
		return -1;
	}
	if (!scope_has(&c.scopes, "admin")) {
		oauth_err(p, OERR_FORBIDDEN, NULL);
		return -1;
	}
	snprintf(org, orgsz, "%s", c.org_id);
	snprintf(actor, actorsz, "key:%s", c.id);
	return 0;
}

void
h_admin_revocations(struct app *a, struct req *r, struct resp *p)
{
	char		 org[STORE_ID_BYTES], body[64], desc[64];
	char		 actor[OPS_ACTOR_BYTES];
	struct ops_revoke rq;
	struct ops_ctx	 x;
	const char	*what, *field;
	enum form_err	 fe;
	int		 st;

	if ((st = http_req_form(r, (size_t)a->cfg->max_body_bytes, &fe)) != 0) {
		oauth_err(p, oauth_err_from_status(st), fe != FORM_OK ?
		    form_strerror(fe) : NULL);
		return;
	}
	if (admin_org(a, r, org, sizeof(org), actor, sizeof(actor), p) == -1)
		return;
	rq.jti = form_get(&r->form, "jti");
	rq.user = form_get(&r->form, "user");
	rq.key = form_get(&r->form, "key");
	x.db = a->db;
	x.org = org;
	x.actor = actor;
	x.source = r->remote_addr != NULL ? r->remote_addr : "";
	x.deny_sec = a->check.deny_sec;
	switch (ops_revoke(&x, &rq, &what, &field)) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		/* Names the field, never echoes the value. */
		snprintf(desc, sizeof(desc), "%s%s", field, strchr(field, ' ') ?
		    " is required" : " is malformed");
		oauth_err(p, OERR_INVALID_REQUEST, desc);
		return;
	case OPS_NOT_FOUND:
		oauth_err(p, OERR_NOT_FOUND, "nothing to revoke");
		return;
	case OPS_UNAVAILABLE:
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		return;
	case OPS_CONFLICT:	/* revocation has none */
	case OPS_FORBIDDEN:
	case OPS_FAILED:
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		return;
	}
	snprintf(body, sizeof(body), "{\"revoked\":\"%s\"}", what);
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_text(p, 200, body, strlen(body));
}
