/*
 * issue: claims, signature and the token response. Issuing writes nothing
 * to the database: access tokens stay stateless.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claims.h"
#include "clientauth.h"
#include "form.h"
#include "http.h"
#include "jsonw.h"
#include "issue.h"
#include "jws.h"
#include "jwtverify.h"
#include "keyring.h"
#include "log.h"
#include "perm.h"
#include "secret.h"
#include "store_user.h"

#define TOKEN_TYPE_AT	"urn:ietf:params:oauth:token-type:access_token"

const char *
issue_audience(const struct issue_ctx *x, struct req *r, int may_admin,
    const char *resource, enum oerr *err)
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
	if (resource != NULL) {
		/* RFC 8707 §2.2: not another resource than authorized. */
		if (want != NULL && strcmp(want, resource) != 0) {
			*err = OERR_INVALID_TARGET;
			return NULL;
		}
		want = resource;
	}
	if (want == NULL)
		return x->audv[0];
	/* RFC 8707 §2: a resource the client may not have is invalid_target. */
	if (x->admin_aud != NULL && strcmp(want, x->admin_aud) == 0) {
		if (may_admin)
			return x->admin_aud;
		*err = OERR_INVALID_TARGET;
		return NULL;
	}
	for (i = 0; x->audv[i] != NULL; i++)
		if (strcmp(want, x->audv[i]) == 0)
			return x->audv[i];
	*err = OERR_INVALID_TARGET;
	return NULL;
}

void
issue_user_scopes(struct scope_set *out, const struct scope_set *key,
    const struct store_user *u)
{
	struct perm_user	 pu;

	pu.role_patterns = &u->role_scopes;
	pu.extra = &u->extra;
	pu.read_only = u->read_only;
	perm_effective(out, key, &pu);
}

void
issue_app_scopes(struct scope_set *out, int first_party,
    const struct scope_set *app, const struct scope_set *want,
    const struct store_user *u)
{
	struct perm_user	 pu;

	pu.role_patterns = &u->role_scopes;
	pu.extra = &u->extra;
	pu.read_only = u->read_only;
	perm_app_scopes(out, first_party, app, want, &pu);
}

/*
 * An exchanged token descends from its subject: the subject's parents and
 * then its jti, its family and generation; the caller is the current actor
 * and the subject's actors nest inside (RFC 8693 §4.1). Revoking any
 * ancestor (by jti) or the family revokes it. -1 when too deep.
 */
static int
lineage(struct claims *cl, const struct verified *s, const char *actor)
{
	size_t	 i;

	if (s->nparents + 1 > CLAIMS_MAX_CHAIN || s->nact + 1 > CLAIMS_MAX_CHAIN ||
	    !claims_jti_valid(s->jti, strlen(s->jti)))
		return -1;
	for (i = 0; i < s->nparents; i++)
		cl->parents[i] = s->parents[i];
	cl->parents[s->nparents] = s->jti;
	cl->nparents = s->nparents + 1;
	cl->act[0] = actor;
	for (i = 0; i < s->nact; i++)
		cl->act[i + 1] = s->act[i];
	cl->nact = s->nact + 1;
	cl->sid = s->sid[0] != '\0' ? s->sid : NULL;
	cl->has_gen = s->has_gen;
	cl->gen = s->gen;
	return 0;
}

void
issue_token(const struct issue_ctx *x, struct req *r, const struct client *c,
    const struct issue *is, struct resp *p)
{
	char			 token[JWS_MAX_TOKEN_BYTES];
	char			 json[JWS_MAX_TOKEN_BYTES];
	const struct jws_key	*signer;
	struct claims		 cl;
	struct jsonw		 w;
	enum oerr		 err = OERR_SERVER_ERROR;
	char			*body;
	size_t			 bodysz;
	int			 ttl, n, len;

	memset(&cl, 0, sizeof(cl));
	if ((cl.aud = issue_audience(x, r, is->may_admin, is->resource,
	    &err)) == NULL)
		goto fail;
	if ((signer = keyring_signer(x->keyring, x->alg)) == NULL) {
		log_warnx("token: no active %s signing key (jwtmint-admin "
		    "signing-key create --alg %s)", jws_alg_name(x->alg),
		    jws_alg_name(x->alg));
		err = OERR_UNAVAILABLE;
		goto fail;
	}
	if (claims_new_jti(&cl) == -1)
		goto fail;
	cl.iss = x->issuer;
	cl.sub = is->sub;
	cl.client_id = c->id;
	cl.scope = is->scope;
	cl.org = c->org_id;
	cl.role = is->role;
	cl.accounts = is->accounts;
	cl.sid = is->sid;
	cl.has_gen = is->has_gen;
	cl.gen = is->gen;
	if (is->subject != NULL && lineage(&cl, is->subject, c->id) == -1) {
		/* RFC 8693: a chain deeper than CLAIMS_MAX_CHAIN is refused. */
		err = OERR_INVALID_GRANT;
		goto fail;
	}
	cl.iat = time(NULL);
	cl.exp = cl.iat + x->ttl_sec;
	if (is->exp_cap > 0 && cl.exp > is->exp_cap)
		cl.exp = (time_t)is->exp_cap;
	if (cl.exp <= cl.iat) {
		err = OERR_INVALID_GRANT;	/* nothing left to grant */
		goto fail;
	}
	ttl = (int)(cl.exp - cl.iat);
	if ((len = claims_json(&cl, json, sizeof(json))) < 0 ||
	    (n = jws_sign(signer, json, (size_t)len, token, sizeof(token))) < 0)
		goto fail;
	/* A token nobody could present back (jwtverify's limit, 8 KiB header
	 * buffers) is not issued: too many or too long scopes. */
	if (n > JWTVERIFY_MAX_BYTES) {
		err = OERR_INVALID_SCOPE;
		goto fail;
	}

	/* Escaping at most sextuples a byte of the scope (\u00XX). */
	bodysz = (size_t)n + 6 * strlen(is->scope) + 512 + (is->refresh_token ?
	    6 * strlen(is->refresh_token) : 0);
	if ((body = malloc(bodysz)) == NULL)
		goto fail;
	jw_init(&w, body, bodysz);
	jw_strn(&w, "access_token", token, (size_t)n);
	jw_str(&w, "token_type", "Bearer");
	jw_int(&w, "expires_in", ttl);
	jw_str(&w, "scope", is->scope);
	if (is->refresh_token != NULL) {
		jw_str(&w, "refresh_token", is->refresh_token);
		jw_int(&w, "refresh_token_expires_in", is->refresh_expires_in);
	}
	if (is->exchange)
		jw_str(&w, "issued_token_type", TOKEN_TYPE_AT);
	if ((len = jw_end(&w)) < 0) {
		secret_wipe(body, bodysz);
		free(body);
		goto fail;
	}
	/* RFC 6749 §5.1 */
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_header(p, "Pragma", "no-cache");
	http_resp_body(p, 200, body, (size_t)len);
	p->secret = 1;		/* bearer and refresh tokens: wiped when freed */
	snprintf(r->sub, sizeof(r->sub), "%s", is->sub);	/* the log's */
	secret_wipe(token, (size_t)n);
	return;
fail:
	oauth_err(p, err, NULL);
}
