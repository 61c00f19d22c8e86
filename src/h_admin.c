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

#include "apikey.h"
#include "app.h"
#include "claims.h"
#include "clientauth.h"
#include "config.h"
#include "form.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"
#include "store_user.h"
#include "tokencheck.h"
#include "username.h"


/* The caller's organization into org when it is an admin. -1 → p is set. */
static int
admin_org(struct app *a, struct req *r, char *org, size_t orgsz,
    struct resp *p)
{
	static struct verified		 v;
	static struct scope_set		 s;
	struct store_token_state	 st;
	struct client			 c;
	enum oerr			 err;
	const char			*h = r->authorization;

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		switch (tokencheck(a, h + 7, NULL, &v, &st)) {
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
		snprintf(r->client_id, sizeof(r->client_id), "%s", v.client_id);
		snprintf(r->org_id, sizeof(r->org_id), "%s", v.org);
		return 0;
	}
	if (clientauth(a, r, &c, &err) == -1) {
		oauth_err(p, err, NULL);
		return -1;
	}
	if (!scope_has(&c.scopes, "admin")) {
		oauth_err(p, OERR_FORBIDDEN, NULL);
		return -1;
	}
	snprintf(org, orgsz, "%s", c.org_id);
	return 0;
}

void
h_admin_revocations(struct app *a, struct req *r, struct resp *p)
{
	char		 org[STORE_ID_BYTES], body[64];
	char		 uname[USERNAME_MAX_BYTES + 1];
	const char	*jti, *user, *key, *what;
	enum form_err	 fe;
	int		 st, n;

	if ((st = http_req_form(r, (size_t)a->cfg->max_body_bytes, &fe)) != 0) {
		oauth_err(p, oauth_err_from_status(st), fe != FORM_OK ?
		    form_strerror(fe) : NULL);
		return;
	}
	if (admin_org(a, r, org, sizeof(org), p) == -1)
		return;
	jti = form_get(&r->form, "jti");
	user = form_get(&r->form, "user");
	key = form_get(&r->form, "key");
	if ((jti != NULL) + (user != NULL) + (key != NULL) != 1) {
		oauth_err(p, OERR_INVALID_REQUEST, "give exactly one of jti, "
		    "user, key");
		return;
	}
	/*
	 * Every value is checked here, before the database sees it (its
	 * constraints are the second line): a 400 naming the field, never
	 * the value.
	 */
	if (jti != NULL && !claims_jti_valid(jti, strlen(jti))) {
		oauth_err(p, OERR_INVALID_REQUEST, "jti is malformed");
		return;
	}
	/* A user id (usr_...) is also a valid username spelling; a username
	 * is matched as a login would match it. */
	if (user != NULL && username_normalize(user, strlen(user), uname) == -1) {
		oauth_err(p, OERR_INVALID_REQUEST, "user is malformed");
		return;
	}
	if (key != NULL && !apikey_id_valid(key, strlen(key))) {
		oauth_err(p, OERR_INVALID_REQUEST, "key is malformed");
		return;
	}
	if (jti != NULL) {
		what = "jti";
		/* The token's exp is unknown here: keep it for the longest. */
		n = store_jti_revoke(a->db, jti, org, (long long)time(NULL) +
		    tokencheck_deny_sec(a)) == 0 ? 1 : -1;
	} else if (user != NULL) {
		what = "user";
		n = store_user_cutoff(a->db, org, uname);
	} else {
		what = "key";
		n = store_key_revoke_in_org(a->db, key, org);
	}
	if (n < 0) {
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		return;
	}
	if (n == 0) {
		oauth_err(p, OERR_NOT_FOUND, "nothing to revoke");
		return;
	}
	snprintf(body, sizeof(body), "{\"revoked\":\"%s\"}", what);
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_text(p, 200, body, strlen(body));
}
