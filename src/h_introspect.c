/*
 * POST /introspect (RFC 7662). A client may introspect access tokens
 * issued to its own key; a key with the "introspect" scope (a resource
 * server), any access token of its organization. Anything expired, revoked
 * (jti, family, per-user cut-off, key, organization), malformed, signed by
 * an unknown key or with the wrong algorithm, foreign or not the caller's
 * is {"active":false}. An access token costs one database round trip
 * (tokencheck).
 *
 * A refresh token is never usable at a resource server (RFC 6749 §1.5), and
 * resource servers that read only "active" would take it for an access
 * token (RFC 7662 §4: the server decides what is usable where). So it is
 * {"active":false} to every caller but the key it was issued to, which may
 * see its own (session management); that answer says "token_use":
 * "refresh" and has no token_type, which names access token types only
 * (RFC 7662 §2.2, RFC 6749 §7.1).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "clientauth.h"
#include "config.h"
#include "form.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"
#include "refresh.h"
#include "secret.h"
#include "tokencheck.h"

static int
may_see(const struct client *c, const char *client_id)
{
	return strcmp(client_id, c->id) == 0 ||
	    scope_has(&c->scopes, "introspect");
}

/* NULL → inactive, unless *down is set: 1 the database is down (503), 2
 * the answer could not be built (500). */
static json_t *
access(struct app *a, const struct client *c, const char *tok, int *down)
{
	struct verified		 v;
	struct store_token_state	 st;
	json_t				*o;

	switch (tokencheck(&a->check, tok, c->org_id, &v, &st)) {
	case TC_UNAVAILABLE:
		*down = 1;
		return NULL;
	case TC_INACTIVE:
		return NULL;
	case TC_ACTIVE:
		break;
	}
	if (!may_see(c, v.client_id))
		return NULL;
	o = json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s,"
	    " s:s, s:s}", "active", 1, "scope", v.scope,
	    "client_id", v.client_id, "sub", v.sub, "exp", (json_int_t)v.exp,
	    "iat", (json_int_t)v.iat, "nbf", (json_int_t)(v.nbf ? v.nbf : v.iat),
	    "jti", v.jti, "iss", a->cfg->issuer, "aud", v.aud,
	    "token_type", "Bearer", "org", v.org);
	/* An answer missing a member is an error, never a partial answer. */
	if (o != NULL && ((st.user_found && json_object_set_new(o, "username",
	    json_string(st.username)) == -1) || (jwtverify_is_user(&v) &&
	    json_object_set_new(o, "role", json_string(v.role)) == -1))) {
		json_decref(o);
		o = NULL;
	}
	if (o == NULL)
		*down = 2;
	return o;
}

static json_t *
refresh(struct app *a, const struct client *c, const char *tok, int *down)
{
	struct store_refresh	 t;
	char				 hex[2 * REFRESH_DIGEST_BYTES + 1];
	json_t				*o;
	int				 n;

	if (refresh_digest_hex(tok, hex) == -1)
		return NULL;
	if ((n = store_refresh_peek(a->db, hex, c->org_id, &t)) == -1)
		*down = 1;
	/* Only its own client: the "introspect" scope does not reach it. */
	if (n != 1 || strcmp(t.key_id, c->id) != 0 || t.rotated ||
	    !t.idle_ok || !store_refresh_family_ok(&t))
		return NULL;
	if ((o = json_pack("{s:b, s:s, s:s, s:s, s:s}", "active", 1,
	    "scope", t.scope, "client_id", t.key_id, "sub", t.user.id,
	    "token_use", "refresh")) == NULL)
		*down = 2;
	return o;
}

void
h_introspect(struct app *a, struct req *r, struct resp *p)
{
	struct client	 c;
	const char	*tok;
	json_t		*o;
	char		*s;
	int		 down = 0;

	if (clientauth_form(&a->authn, r, &c, p) == -1)
		return;
	if ((tok = form_get(&r->form, "token")) == NULL) {
		oauth_err(p, OERR_INVALID_REQUEST, "token is required");
		return;
	}
	o = refresh_valid(tok, strlen(tok)) ? refresh(a, &c, tok, &down) :
	    access(a, &c, tok, &down);
	if (down) {
		json_decref(o);
		oauth_err(p, down == 1 ? OERR_UNAVAILABLE : OERR_SERVER_ERROR,
		    NULL);
		return;
	}
	if (o == NULL)
		o = json_pack("{s:b}", "active", 0);
	s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (s == NULL) {
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		return;
	}
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_body(p, 200, s, strlen(s));
}
