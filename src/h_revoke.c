/*
 * POST /revoke (RFC 7009). A client revokes tokens issued to its own key
 * (or, a public client, to its own application: by client_id alone); a
 * key with the "admin" scope, any token of its organization. Revoking a
 * refresh token revokes its whole family; revoking an access token puts its
 * jti on the deny list until the token's own expiry. RFC 7009 §2.2: unknown,
 * invalid, expired or foreign tokens get the same 200 — nothing tells the
 * caller whether a token existed.
 */
#include <string.h>

#include "apikey.h"
#include "app.h"
#include "clientauth.h"
#include "config.h"
#include "cors.h"
#include "form.h"
#include "handlers.h"
#include "http.h"
#include "ipaddr.h"
#include "jwtverify.h"
#include "log.h"
#include "oauth_err.h"
#include "refresh.h"
#include "secret.h"
#include "store_user.h"
#include "tokencheck.h"

/*
 * A key with the "admin" scope revokes any token of its organization; a
 * public client only its own, whatever scopes its application may be
 * given (the portal's include "admin": a client_id is no credential).
 */
static int
may_revoke_any(const struct client *c)
{
	return !c->app && scope_has(&c->scopes, "admin");
}

/* 0 done (or nothing to do), -1 database unavailable. */
static int
revoke_refresh(struct app *a, struct req *r, const struct client *c,
    const char *tok)
{
	struct store_refresh	 t;
	char				 hex[2 * REFRESH_DIGEST_BYTES + 1];
	char				 actor[8 + CLIENT_ID_BYTES];
	char				 ip[IPADDR_MAX_BYTES];
	int				 n;

	if (refresh_digest_hex(tok, hex) == -1)
		return 0;
	if ((n = store_refresh_peek(a->db, hex, c->org_id, &t)) <= 0)
		return n;
	if (strcmp(t.key_id, c->id) != 0 && !may_revoke_any(c))
		return 0;
	clientauth_actor(c, actor, sizeof(actor));
	if (r->remote_addr == NULL || ipaddr_canon(r->remote_addr,
	    strlen(r->remote_addr), ip) == -1)
		ip[0] = '\0';
	return store_family_revoke(a->db, t.family, c->org_id,
	    "refresh.revoke", a->check.deny_sec, actor, ip, "ok");
}

static int
revoke_access(struct app *a, const struct client *c, const char *tok)
{
	struct verified	 v;

	/* An expired or invalid token is already unusable: nothing to do.
	 * Any audience jwtmint issues, the admin API's included. */
	if (tokencheck_verify(&a->any_check, tok, c->org_id, &v) != TC_ACTIVE)
		return 0;
	if (strcmp(v.client_id, c->id) != 0 && !may_revoke_any(c))
		return 0;
	return store_jti_revoke(a->db, v.jti, c->org_id, v.exp);
}

static void revoke(struct app *, struct req *, struct resp *);

void
h_revoke(struct app *a, struct req *r, struct resp *p)
{
	cors_post(a, r, p, revoke);
}

static void
revoke(struct app *a, struct req *r, struct resp *p)
{
	struct client	 c;
	const char	*tok;
	int		 rc;

	/* RFC 7009 §5: a public client revokes its own tokens by client_id. */
	if (clientauth_form_public(&a->authn, r, &c, p) == -1)
		return;
	if ((tok = form_get(&r->form, "token")) == NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "token is required");
		return;
	}
	/* The hint is only a hint (§2.1): the token's form decides. */
	if (refresh_valid(tok, strlen(tok)))
		rc = revoke_refresh(a, r, &c, tok);
	else
		rc = revoke_access(a, &c, tok);
	if (rc == -1) {
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		return;
	}
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_text(p, 200, "{}", 2);
}
