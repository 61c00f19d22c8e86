/*
 * grant: client_credentials (RFC 6749 §4.4) with RFC 9068 access tokens.
 * Issuing a token writes nothing to the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "app.h"
#include "claims.h"
#include "clientauth.h"
#include "config.h"
#include "form.h"
#include "grant.h"
#include "http.h"
#include "jws.h"
#include "log.h"
#include "oauth_err.h"

/*
 * The audience asked for (RFC 8707 `resource` or the common `audience`),
 * which must be one the configuration allows. NULL → invalid_target or
 * invalid_request (in *err).
 */
static const char *
pick_audience(struct app *a, struct req *r, enum oerr *err)
{
	const char	*want = form_get(&r->form, "audience");
	const char	*res = form_get(&r->form, "resource");
	size_t		 i;

	if (want != NULL && res != NULL) {
		*err = OERR_INVALID_REQUEST;
		return NULL;
	}
	if (want == NULL)
		want = res;
	if (want == NULL)
		return a->aud[0];
	for (i = 0; i < a->naud; i++)
		if (strcmp(want, a->aud[i]) == 0)
			return a->aud[i];
	*err = OERR_INVALID_TARGET;
	return NULL;
}

/*
 * The scope granted: the requested set when it is a subset of the allowed
 * one, or all of allowed when none is asked for. -1 → invalid_scope.
 */
static int
pick_scope(struct req *r, const struct scope_set *allowed,
    struct scope_set *out)
{
	const char	*want = form_get(&r->form, "scope");

	if (want == NULL) {
		*out = *allowed;
		return out->n > 0 ? 0 : -1;
	}
	if (scope_parse(out, want, strlen(want)) == -1 || out->n == 0 ||
	    !scope_subset(out, allowed))
		return -1;
	return 0;
}

void
grant_client_credentials(struct app *a, struct req *r,
    const struct client *c, struct resp *p)
{
	static struct scope_set	 granted;	/* 8 KiB: off the stack */
	char			 scope[SCOPE_MAX_STRING_BYTES];
	char			 token[JWS_MAX_TOKEN_BYTES];
	const struct jws_key	*signer;
	struct claims		 cl;
	enum oerr		 err = OERR_SERVER_ERROR;
	char			*json = NULL, *body;
	size_t			 len;
	json_t			*o;
	int			 n;

	memset(&cl, 0, sizeof(cl));
	if ((cl.aud = pick_audience(a, r, &err)) == NULL)
		goto fail;
	if (pick_scope(r, &c->scopes, &granted) == -1) {
		err = OERR_INVALID_SCOPE;
		goto fail;
	}
	if ((signer = keyring_signer(&a->keyring, a->alg)) == NULL) {
		log_warnx("token: no active %s signing key (jwtmint-admin "
		    "signing-key create --alg %s)", jws_alg_name(a->alg),
		    jws_alg_name(a->alg));
		err = OERR_UNAVAILABLE;
		goto fail;
	}
	if (scope_format(&granted, scope, sizeof(scope)) < 0 ||
	    claims_new_jti(&cl) == -1)
		goto fail;
	cl.iss = a->cfg->issuer;
	cl.sub = c->id;		/* RFC 9068 §2.2: the client, no user */
	cl.client_id = c->id;
	cl.scope = scope;
	cl.org = c->org_id;
	cl.iat = time(NULL);
	cl.exp = cl.iat + a->cfg->access_ttl_sec;
	if ((json = claims_json(&cl, &len)) == NULL ||
	    (n = jws_sign(signer, json, len, token, sizeof(token))) < 0)
		goto fail;

	o = json_pack("{s:s, s:s, s:i, s:s}", "access_token", token,
	    "token_type", "Bearer", "expires_in", a->cfg->access_ttl_sec,
	    "scope", scope);
	body = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (body == NULL)
		goto fail;
	free(json);
	/* RFC 6749 §5.1 */
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_header(p, "Pragma", "no-cache");
	http_resp_body(p, 200, body, strlen(body));
	return;
fail:
	free(json);
	oauth_err(p, err, NULL);
}
