/*
 * grant_code: authorization_code (RFC 6749 §4.1.3) with PKCE (RFC 7636,
 * S256 only), for public clients (an application's client_id alone, RFC
 * 6749 §2.1) and for keys as confidential clients.
 *
 * The code is consumed by its first presentation that matches its
 * bindings (client, redirect_uri, verifier; for a key, the application
 * must name it as its confidential client: apps.key_id, and the form's
 * client_id must be the application's; an application that names a key
 * is that key's alone, its client_id is no public client), whatever comes
 * of it then
 * (authcode_redeem, under a row lock: one of concurrent presentations is
 * the first). A presentation that does not match consumes nothing. Every
 * check fails the same way (invalid_grant, nothing said about which):
 * code of another organization or application, redirect_uri not the one
 * of the authorization request, wrong verifier, expired, disabled user,
 * application or organization. A second matching presentation revokes
 * the refresh family the first one started and every access token issued
 * from it (RFC 6749 §4.1.2; they carry it as sid).
 *
 * Granted scope = the code's (requested ∩ the application's ∩ the user's,
 * decided at /authorize, and still so: any change to the user, the role,
 * the application or the organization since expired the code,
 * sql/019_code_claims.sql) ∩ the key's now, for a key. The admin API's
 * audience (RFC 8707 resource={issuer}/admin) only when that includes
 * "admin". Every exchange hands over the refresh family written with its
 * code (its sid lets a replay revoke); the refresh token is returned to
 * public clients and to keys that may use refresh_token.
 *
 * One round trip and one row, read and written, in the common case
 * (authcode_redeem): the code carries its claims and its family's first
 * refresh token (the code's scope), masked under the pepper and the code
 * (refresh.h). When a key holds less now, a second statement narrows
 * that token's scope. When the exchange took nothing, authcode_refuse
 * tells a code presented again (its family revoked) from one that does
 * not match (nothing consumed) and from one that matched but was dead
 * (consumed, its family revoked: authcode_abandon); all three answer
 * invalid_grant. The family's token was never disclosed either way:
 * nobody can present it before this answer.
 */
#include <stdio.h>
#include <string.h>

#include "authcode.h"
#include "clientauth.h"
#include "form.h"
#include "grant.h"
#include "granttype.h"
#include "http.h"
#include "ipaddr.h"
#include "issue.h"
#include "log.h"
#include "perm.h"
#include "pkce.h"
#include "refresh.h"
#include "secret.h"
#include "store_app.h"
#include "tokencheck.h"

/* An exchange refused after this presentation consumed the code: revoke
 * the family written with it (its token was never disclosed; this leaves
 * nothing half-made). */
static void
abandon(const struct grant_ctx *g, const char *family, const char *org)
{
	if (family[0] == '\0')
		return;
	if (authcode_abandon(g->db, family, org) == -1)
		log_warnx("code: family %s NOT revoked after a refusal", family);
	else
		log_info("code: exchange refused after its code was consumed: "
		    "family %s revoked", family);
}

/* authcode_redeem took nothing: why, and what follows. */
static void
refused(const struct grant_ctx *g, struct req *r, const struct client *c,
    const char *code, const struct authcode_bind *bind, struct resp *p)
{
	struct authcode_refusal	 rf;
	char			 actor[8 + CLIENT_ID_BYTES];
	char			 ip[IPADDR_MAX_BYTES];
	int			 n;

	if ((n = authcode_refuse(g->db, code, c->org_id, bind, &rf)) == -1) {
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		return;
	}
	if (n == 1 && rf.bound && rf.used) {
		/* RFC 6749 §4.1.2: revoke what the first use obtained. */
		log_warnx("code: presented again, family %s revoked", rf.family);
		clientauth_actor(c, actor, sizeof(actor));
		if (r->remote_addr == NULL || ipaddr_canon(r->remote_addr,
		    strlen(r->remote_addr), ip) == -1)
			ip[0] = '\0';
		if (rf.family[0] != '\0' && authcode_reuse(g->db, rf.family,
		    c->org_id, g->check->deny_sec, actor, ip) == -1)
			log_warnx("code: family %s NOT revoked", rf.family);
	} else if (n == 1 && rf.consumed)
		abandon(g, rf.family, c->org_id);
	oauth_err(p, OERR_INVALID_GRANT, NULL);
}

void
grant_code(const struct grant_ctx *g, struct req *r, const struct client *c,
    struct resp *p)
{
	struct authcode		 ac;
	struct authcode_bind	 bind;
	char			 challenge[PKCE_CHALLENGE_LEN + 1];
	struct scope_set	 code_scope, allowed, granted;
	struct issue		 is = { 0 };
	char			 scope[SCOPE_MAX_STRING_BYTES];
	char			 hex[2 * REFRESH_DIGEST_BYTES + 1];
	const char		*code = form_get(&r->form, "code");
	const char		*uri = form_get(&r->form, "redirect_uri");
	const char		*verifier = form_get(&r->form, "code_verifier");
	const char		*cid;
	int			 n, ok;

	memset(&ac, 0, sizeof(ac));
	hex[0] = '\0';
	if (code == NULL || uri == NULL || verifier == NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "code, redirect_uri and "
		    "code_verifier are required");
		return;
	}
	if (!authcode_valid(code)) {
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		return;
	}
	/*
	 * The bindings are compared before the code is used: a presentation
	 * by another client, or without the verifier, neither consumes it nor
	 * (once used) revokes what its first use obtained. A key presents
	 * the application's client_id, and must be the key it names.
	 */
	cid = form_get(&r->form, "client_id");
	if (c->app)
		cid = c->id;
	else if (cid == NULL || !store_app_id_valid(cid))
		cid = "";
	bind.client_id = cid;
	bind.key_id = c->app ? "" : c->id;
	bind.redirect_uri = uri;
	bind.challenge = challenge;
	if (!pkce_verifier_valid(verifier) ||
	    pkce_s256(verifier, challenge) == -1 || strlen(uri) >
	    REDIRECTURI_MAX_BYTES) {
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		goto out;
	}
	if ((n = authcode_redeem(g->db, code, c->org_id, &bind, g->peppers,
	    &ac)) == -1) {
		abandon(g, ac.family, c->org_id);
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		goto out;
	}
	if (n == 0) {
		refused(g, r, c, code, &bind, p);
		goto out;
	}
	/* Consumed by this presentation. Every binding again, all
	 * evaluated, one answer. */
	ok = strcmp(ac.client_id, cid) == 0;
	ok &= strcmp(ac.redirect_uri, uri) == 0;
	ok &= pkce_check(verifier, ac.challenge);
	ok &= ac.refresh[0] != '\0';
	if (ok && refresh_digest_hex(ac.refresh, hex) == -1)
		ok = 0;
	if (!ok) {
		abandon(g, ac.family, c->org_id);
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		goto out;
	}

	/* allowed = the code's scope (∩ the key's now, for a key). */
	if (scope_parse(&code_scope, ac.scope, strlen(ac.scope)) == -1) {
		abandon(g, ac.family, c->org_id);
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		goto out;
	}
	if (c->app)
		allowed = code_scope;
	else
		scope_intersect(&allowed, &code_scope, &c->scopes);
	if (perm_grant(&granted, NULL, &allowed) == -1 ||
	    scope_format(&granted, scope, sizeof(scope)) < 0) {
		abandon(g, ac.family, c->org_id);
		oauth_err(p, OERR_INVALID_SCOPE, NULL);
		goto out;
	}
	/* The family's first token carries what is granted, as refreshes
	 * re-derive from it (grant_refresh.c). */
	if (strcmp(scope, ac.scope) != 0 &&
	    (n = authcode_narrow(g->db, ac.family, c->org_id, hex,
	    scope)) != 1) {
		/* 0: a second presentation revoked the family meanwhile. */
		abandon(g, ac.family, c->org_id);
		oauth_err(p, n == 0 ? OERR_INVALID_GRANT : OERR_UNAVAILABLE,
		    NULL);
		goto out;
	}
	if (c->app || (c->grants & GT_REFRESH_TOKEN)) {
		is.refresh_token = ac.refresh;
		is.refresh_expires_in = g->refresh_idle_sec <
		    g->refresh_absolute_sec ? g->refresh_idle_sec :
		    g->refresh_absolute_sec;
	}
	is.sub = ac.user_id;
	is.sid = ac.family;
	/* The admin API's audience: a key's, or the portal's (first-party)
	 * users'; never a third-party application's. */
	is.may_admin = scope_has(&granted, "admin") &&
	    (!c->app || ac.app_type == REDIRECTURI_PORTAL);
	is.has_gen = 1;
	is.gen = ac.generation;
	is.scope = scope;
	is.role = ac.role;
	is.accounts = ac.accounts;
	is.resource = ac.resource[0] != '\0' ? ac.resource : NULL;
	issue_token(g->issue, r, c, &is, p);
out:
	secret_wipe(challenge, sizeof(challenge));
	secret_wipe(ac.refresh, sizeof(ac.refresh));
	secret_wipe(hex, sizeof(hex));
}
