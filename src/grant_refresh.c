/*
 * grant_refresh: refresh_token (RFC 6749 §6) with rotation and reuse
 * detection (RFC 9700 §4.14.2).
 *
 * Every refresh rotates: the successor is returned and the presented token
 * stops working. The decision reads the token, its family and the user's
 * current permissions; the rotation is a conditional update that only one
 * of concurrent requests wins. Both go in one round trip when no narrower
 * scope is asked for, in two otherwise. A duplicate within refresh_grace_sec — a client retrying a
 * lost response, or the loser of a race — gets the same successor, which is
 * derived from the presented token (refresh.h). Later, the same token is
 * reuse: the whole family is revoked, with every access token issued from
 * it (they carry it as sid: RFC 9700 §4.14.2), and an audit row written.
 *
 * Bound to the key that obtained it (another key: invalid_grant); scope may
 * narrow, never widen, and is re-intersected with the user's and the key's
 * current permissions on every refresh.
 */
#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "clientauth.h"
#include "form.h"
#include "grant.h"
#include "http.h"
#include "ipaddr.h"
#include "issue.h"
#include "log.h"
#include "metrics.h"
#include "perm.h"
#include "refresh.h"
#include "secret.h"
#include "store_user.h"
#include "tokencheck.h"

void
grant_refresh(const struct grant_ctx *g, struct req *r, const struct client *c,
    struct resp *p)
{
	struct store_refresh	 t;
	struct scope_set		 effective, original, allowed, granted;
	struct issue			 is = { 0 };
	char				 scope[SCOPE_MAX_STRING_BYTES];
	char				 next[REFRESH_LEN + 1];
	char				 oldhex[2 * REFRESH_DIGEST_BYTES + 1];
	char				 newhex[2 * REFRESH_DIGEST_BYTES + 1];
	char				 actor[8 + CLIENT_ID_BYTES];
	char				 ip[IPADDR_MAX_BYTES];
	const char			*tok = form_get(&r->form, "refresh_token");
	const char			*want = form_get(&r->form, "scope");
	int				 n, rotated = 0;

	if (tok == NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "refresh_token is required");
		return;
	}
	if (!refresh_valid(tok, strlen(tok)) ||
	    refresh_digest_hex(tok, oldhex) == -1) {
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		return;
	}
	if (refresh_successor(tok, g->successor_key, g->successor_keylen,
	    next) == -1 || refresh_digest_hex(next, newhex) == -1) {
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		goto out;
	}
	/*
	 * Without a narrower scope asked for, nothing below can refuse what
	 * the rules in SQL allow: decide and rotate in one round trip. A
	 * narrower scope is checked before rotating (two round trips), so an
	 * invalid_scope never costs the client its token.
	 */
	if (want == NULL)
		n = store_refresh_peek_rotate(g->db, oldhex, c->org_id, newhex,
		    g->refresh_idle_sec, c->id, &t, &rotated);
	else
		n = store_refresh_peek(g->db, oldhex, c->org_id, &t);
	if (n == -1) {
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		goto out;
	}
	/* Unknown, another organization's, another key's: all the same. */
	if (n == 0 || strcmp(t.key_id, c->id) != 0 ||
	    !store_refresh_family_ok(&t)) {
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		goto out;
	}
	if (t.rotated && t.since_rotation > g->refresh_grace_sec) {
		/* RFC 9700 §4.14.2: reuse of a rotated token. */
		log_warnx("refresh: reuse detected, family %s revoked", t.family);
		metrics_inc(METRIC_REFRESH_REUSE);
		clientauth_actor(c, actor, sizeof(actor));
		if (r->remote_addr == NULL || ipaddr_canon(r->remote_addr,
		    strlen(r->remote_addr), ip) == -1)
			ip[0] = '\0';
		if (store_family_revoke(g->db, t.family, c->org_id,
		    "refresh.reuse", g->check->deny_sec, actor, ip,
		    "denied") == -1)
			log_warnx("refresh: family %s NOT revoked", t.family);
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		goto out;
	}
	if (!t.rotated && !t.idle_ok) {
		oauth_err(p, OERR_INVALID_GRANT, NULL);
		goto out;
	}

	/* allowed = the grant's scope ∩ the user's and key's scope now */
	if (scope_parse(&original, t.scope, strlen(t.scope)) == -1) {
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		goto out;
	}
	/* An application's bound is perm_app_scopes (the portal: the
	 * user's permissions only). */
	if (c->app)
		issue_app_scopes(&effective, c->first_party, &c->scopes,
		    &original, &t.user);
	else
		issue_user_scopes(&effective, &c->scopes, &t.user);
	scope_intersect(&allowed, &original, &effective);
	if (perm_grant(&granted, want, &allowed) == -1 ||
	    scope_format(&granted, scope, sizeof(scope)) < 0) {
		oauth_err(p, OERR_INVALID_SCOPE, NULL);
		goto out;
	}

	/* 0: a concurrent refresh rotated it first; same successor. */
	if (!t.rotated && !rotated && want != NULL &&
	    store_refresh_rotate(g->db, oldhex, newhex,
	    g->refresh_idle_sec) == -1) {
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		goto out;
	}

	is.sub = t.user.id;
	is.may_admin = scope_has(&allowed, "admin") &&
	    (!c->app || c->first_party);
	is.sid = t.family;
	is.has_gen = 1;
	is.gen = t.user.generation;	/* the family's: they are equal */
	is.scope = scope;
	is.role = t.user.role;
	is.accounts = t.user.all_accounts ? "*" : t.user.accounts;
	is.refresh_token = next;
	/* The successor dies at the idle limit or with its family. */
	is.refresh_expires_in = t.absolute_left < g->refresh_idle_sec ?
	    t.absolute_left : g->refresh_idle_sec;
	issue_token(g->issue, r, c, &is, p);
out:
	/* Every way out: the successor (a live secret) leaves the stack. */
	secret_wipe(next, sizeof(next));
}
