/*
 * grant_exchange: token exchange (RFC 8693), the intersection model as a
 * grant. An application, authenticated by its key, presents a user's access
 * token and gets a token for that user narrowed to
 *
 *   requested ∩ key scopes ∩ the subject token's scope
 *
 * with client_id and "act" naming the application (nesting the subject's
 * own actors, RFC 8693 §4.1). The subject token must be active and of the
 * key's organization; no refresh token is issued, and the new token never
 * outlives the subject token. It descends from the subject (its jti and
 * parents, its family, its user's generation): revoking the subject, or
 * anything the subject descends from, revokes it too. Chains are at most
 * CLAIMS_MAX_CHAIN deep.
 */
#include <string.h>
#include <time.h>

#include "clientauth.h"
#include "form.h"
#include "grant.h"
#include "http.h"
#include "issue.h"
#include "perm.h"
#include "tokencheck.h"

#define TT_ACCESS	"urn:ietf:params:oauth:token-type:access_token"

void
grant_exchange(const struct grant_ctx *g, struct req *r, const struct client *c,
    struct resp *p)
{
	struct verified		 v;
	struct scope_set		 subject, allowed, granted;
	struct store_token_state	 st;
	struct issue			 is = { 0 };
	char				 scope[SCOPE_MAX_STRING_BYTES];
	const char			*tok = form_get(&r->form, "subject_token");
	const char			*tt = form_get(&r->form, "subject_token_type");
	const char			*want = form_get(&r->form,
					    "requested_token_type");

	if (tok == NULL || tt == NULL || strcmp(tt, TT_ACCESS) != 0 ||
	    (want != NULL && strcmp(want, TT_ACCESS) != 0) ||
	    form_get(&r->form, "actor_token") != NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "subject_token with "
		    "subject_token_type access_token is required; only access "
		    "tokens are issued; actor_token is not supported");
		return;
	}
	switch (tokencheck(g->check, tok, c->org_id, &v, &st)) {
	case TC_UNAVAILABLE:
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		return;
	case TC_INACTIVE:
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		return;
	case TC_ACTIVE:
		break;
	}
	/* The leeway is for other clocks; a token of ours past its exp is
	 * not exchanged into one that would be born expired. */
	if (v.exp <= (long long)time(NULL) ||
	    scope_parse(&subject, v.scope, strlen(v.scope)) == -1) {
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		return;
	}
	scope_intersect(&allowed, &subject, &c->scopes);
	if (perm_grant(&granted, form_get(&r->form, "scope"), &allowed) == -1 ||
	    scope_format(&granted, scope, sizeof(scope)) < 0) {
		oauth_err(p, OERR_INVALID_SCOPE, NULL);
		return;
	}
	is.sub = v.sub;
	is.scope = scope;
	is.may_admin = scope_has(&allowed, "admin");
	is.role = jwtverify_is_user(&v) ? v.role : NULL;
	is.accounts = v.accounts[0] ? v.accounts : NULL;
	is.subject = &v;		/* lineage, actors, sid and gen */
	is.exp_cap = v.exp;
	is.exchange = 1;
	issue_token(g->issue, r, c, &is, p);
}
