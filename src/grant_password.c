/*
 * grant_password: a user's password for a token pair (RFC 6749 §4.3), for
 * the backends that use it today: legacy (RFC 9700 §2.4), available only
 * to keys granted it; browsers and apps log in at /authorize.
 *
 *   granted = requested ∩ key scopes ∩ the user's permissions (perm.h)
 *
 * The password check is pwcheck's, shared with the login page: wrong
 * password, unknown user and disabled user are one invalid_grant at the
 * same cost; past a failure limit the answer is 429 before any hashing.
 * A successful login writes only what it needs anyway: the
 * refresh token, in the same statement that resets the username's counter.
 */
#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "clientauth.h"
#include "form.h"
#include "grant.h"
#include "granttype.h"
#include "http.h"
#include "ipaddr.h"
#include "issue.h"
#include "log.h"
#include "password.h"
#include "perm.h"
#include "pwcheck.h"
#include "refresh.h"
#include "secret.h"
#include "store_user.h"
#include "username.h"

static void
too_many(struct resp *p, int retry_after)
{
	char	 ra[16];

	oauth_err(p, OERR_SLOW_DOWN, NULL);
	snprintf(ra, sizeof(ra), "%d", retry_after > 0 ? retry_after : 1);
	http_resp_header(p, "Retry-After", ra);
}

void
grant_password(const struct grant_ctx *g, struct req *r, const struct client *c,
    struct resp *p)
{
	struct store_login	 l;
	struct scope_set		 effective, granted;
	struct issue			 is = { 0 };
	char				 uname[USERNAME_MAX_BYTES + 1];
	char				 scope[SCOPE_MAX_STRING_BYTES];
	char				 refresh[REFRESH_LEN + 1];
	char				 family[4 + APIKEY_ID_LEN + 1];
	char				 hex[2 * REFRESH_DIGEST_BYTES + 1];
	unsigned char			 digest[REFRESH_DIGEST_BYTES];
	const char			*user = form_get(&r->form, "username");
	const char			*pw = form_get(&r->form, "password");
	const char			*eip = form_get(&r->form, "end_user_ip");
	const char			*addr = "-";
	char				 ip[IPADDR_MAX_BYTES];
	char				 actor[4 + APIKEY_ID_LEN + 1];
	int				 retry_after, with_refresh;

	if (user == NULL || pw == NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "username and password are "
		    "required");
		return;
	}
	/*
	 * The address the per-address failure counter counts: the web
	 * server's, or, from a key an operator marked as a trusted forwarder
	 * (a backend logging its users in), its end user's; an IPv6 one by
	 * its /64 (ipaddr_limit_key). Everyone else's end_user_ip is ignored;
	 * the per-username counter applies always.
	 */
	if (eip != NULL && c->trusted_forwarder) {
		if (ipaddr_limit_key(eip, strlen(eip), ip) == -1) {
			oauth_err(p, OERR_INVALID_REQUEST, "end_user_ip is "
			    "malformed");
			return;
		}
		addr = ip;
	} else if (r->remote_addr != NULL && ipaddr_limit_key(r->remote_addr,
	    strlen(r->remote_addr), ip) == 0)
		addr = ip;	/* one key (an IPv6 /64); anything else is "-" */
	snprintf(actor, sizeof(actor), "key:%s", c->id);
	switch (pwcheck(g, c->org_id, user, pw, addr, actor, uname, &l,
	    &retry_after)) {
	case PWCHECK_OK:
		break;
	case PWCHECK_TOO_MANY:
		too_many(p, retry_after);
		goto out;
	case PWCHECK_WRONG:
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		goto out;
	case PWCHECK_UNAVAILABLE:
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		goto out;
	}

	issue_user_scopes(&effective, &c->scopes, &l.user);
	if (perm_grant(&granted, form_get(&r->form, "scope"), &effective) == -1 ||
	    scope_format(&granted, scope, sizeof(scope)) < 0) {
		oauth_err(p, OERR_INVALID_SCOPE, NULL);
		goto out;
	}

	with_refresh = (c->grants & GT_REFRESH_TOKEN) != 0;
	if (with_refresh) {
		memcpy(family, "fam_", 4);
		if (apikey_new_id(family + 4) == -1 ||
		    refresh_generate(refresh) == -1 ||
		    refresh_digest(refresh, digest) == -1) {
			oauth_err(p, OERR_SERVER_ERROR, NULL);
			goto out;
		}
		secret_hex(hex, digest, sizeof(digest));
		if (store_login_succeeded(g->db, c->org_id, uname, family,
		    l.user.id, l.user.generation, c->id, g->refresh_absolute_sec, hex, scope,
		    g->refresh_idle_sec) == -1) {
			oauth_err(p, OERR_UNAVAILABLE, NULL);
			goto out;
		}
		is.refresh_token = refresh;
		is.sid = family;	/* revoking the family revokes the token */
		is.refresh_expires_in = g->refresh_idle_sec <
		    g->refresh_absolute_sec ? g->refresh_idle_sec :
		    g->refresh_absolute_sec;
	} else if (l.user_failures > 0 &&
	    store_login_reset(g->db, c->org_id, uname) == -1)
		log_warnx("login: counter of %s not reset", l.user.id);

	snprintf(r->client_id, sizeof(r->client_id), "%s", c->id);
	is.sub = l.user.id;
	is.may_admin = scope_has(&effective, "admin");
	is.has_gen = 1;
	is.gen = l.user.generation;
	is.scope = scope;
	is.role = l.user.role;
	is.accounts = l.user.all_accounts ? "*" : l.user.accounts;
	issue_token(g->issue, r, c, &is, p);
out:
	/* Every way out: no secret of this login stays behind. */
	secret_wipe(refresh, sizeof(refresh));
	secret_wipe(digest, sizeof(digest));
	secret_wipe(&l.phc, sizeof(l.phc));
}
