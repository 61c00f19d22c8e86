/*
 * POST /admin/revocations: an organization's administrator revokes, in that
 * organization only, one access token (jti), every token and refresh
 * family of a user (user, id or username: a per-user cut-off, no row per
 * token) or an API key and every token issued to it (key). The body is a
 * form (application/x-www-form-urlencoded, as before the admin API) or
 * JSON ({"jti": ...}); the caller is authenticated by the framework
 * (adminapi.h), and its organization is the credential's, never a
 * parameter. Something that does not exist in the organization is 404,
 * exactly as for another organization's. Platform-wide actions exist only
 * in jwtmint-admin.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adminapi.h"
#include "app.h"
#include "config.h"
#include "http.h"
#include "jreq.h"
#include "ops_revoke.h"

static const struct jreq_field revocation[] = {
	{ "jti", JREQ_STRING, 0, offsetof(struct ops_revoke, jti), 64, 0, 0, 0 },
	{ "user", JREQ_STRING, 0, offsetof(struct ops_revoke, user), 200, 0,
	    0, 0 },
	{ "key", JREQ_STRING, 0, offsetof(struct ops_revoke, key), 64, 0, 0, 0 },
};

void
h_admin_revocations(struct adminapi *x)
{
	struct ops_revoke rq = { NULL, NULL, NULL };
	struct jreq	 j;
	enum form_err	 fe;
	const char	*what, *field;
	char		 desc[64];
	json_t		*doc;
	int		 st;

	memset(&j, 0, sizeof(j));
	if (http_req_content_type_is(x->r, "application/x-www-form-urlencoded")) {
		if ((st = http_req_form(x->r, (size_t)x->a->cfg->max_body_bytes,
		    &fe)) != 0) {
			adminapi_error(x, oauth_err_from_status(st),
			    fe != FORM_OK ? form_strerror(fe) : NULL);
			return;
		}
		rq.jti = form_get(&x->r->form, "jti");
		rq.user = form_get(&x->r->form, "user");
		rq.key = form_get(&x->r->form, "key");
	} else if (adminapi_body(x, revocation, sizeof(revocation) /
	    sizeof(revocation[0]), &rq, &j) == -1)
		return;
	switch (ops_revoke(&x->ctx, &rq, &what, &field)) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		/* Names the field, never echoes the value. */
		snprintf(desc, sizeof(desc), "%s%s", field, strchr(field, ' ') ?
		    " is required" : " is malformed");
		adminapi_error(x, OERR_INVALID_REQUEST, desc);
		goto out;
	case OPS_NOT_FOUND:
		adminapi_error(x, OERR_NOT_FOUND, "nothing to revoke");
		goto out;
	case OPS_UNAVAILABLE:
		adminapi_error(x, OERR_UNAVAILABLE, NULL);
		goto out;
	case OPS_CONFLICT:	/* revocation has none */
	case OPS_FORBIDDEN:
	case OPS_FAILED:
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		goto out;
	}
	doc = json_pack("{s:s}", "revoked", what);
	adminapi_json(x, 200, doc, 0);
out:
	jreq_free(&j);
}
