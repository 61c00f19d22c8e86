/*
 * grant_cc: client_credentials (RFC 6749 §4.4). The token is the
 * application's own: sub = client_id = the key id (RFC 9068 §2.2), scope ⊆
 * the key's scopes.
 */
#include "clientauth.h"
#include "form.h"
#include "grant.h"
#include "http.h"
#include "issue.h"
#include "perm.h"

void
grant_client_credentials(const struct grant_ctx *g, struct req *r, const struct client *c,
    struct resp *p)
{
	struct scope_set	 granted;
	char			 scope[SCOPE_MAX_STRING_BYTES];
	struct issue		 is = { 0 };

	if (perm_grant(&granted, form_get(&r->form, "scope"), &c->scopes) == -1 ||
	    scope_format(&granted, scope, sizeof(scope)) < 0) {
		oauth_err(p, OERR_INVALID_SCOPE, NULL);
		return;
	}
	is.sub = c->id;
	is.scope = scope;
	is.may_admin = scope_has(&c->scopes, "admin");
	issue_token(g->issue, r, c, &is, p);
}
