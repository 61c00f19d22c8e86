/*
 * clientauth: find the key, then verify it in constant time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "appcache.h"
#include "basicauth.h"
#include "clientauth.h"
#include "config.h"
#include "form.h"
#include "granttype.h"
#include "http.h"
#include "keycache.h"
#include "log.h"
#include "secret.h"
#include "store_app.h"
#include "usage.h"

/* Keep HMAC work equal for rows that do not exist. */
static const unsigned char dummy_salt[APIKEY_SALT_BYTES];

/*
 * A key whose row names a pepper this host does not hold can never work
 * here: say so, once a minute at most per worker (the operator removed a
 * pepper some key still uses: jwtmint-admin key list shows pepper_id).
 */
static void
unheld_pepper(const struct clientauth_ctx *x, const char *id, int pepper_id)
{
	time_t	 now = time(NULL);

	if (now - x->keys->pepper_warned < 60)
		return;
	x->keys->pepper_warned = now;
	log_warnx("key %s is hashed under pepper %d, which this host does not "
	    "hold (old_peppers_file): refused", id, pepper_id);
}

int
clientauth(const struct clientauth_ctx *x, struct req *r, struct client *c,
    enum oerr *err)
{
	char		 bid[BASICAUTH_MAX_BYTES + 1], bkey[BASICAUTH_MAX_BYTES + 1];
	const char	*key = NULL, *fid, *fsecret, *claimed_id = NULL;
	const char	*grant;
	int		 ways = 0, b = 0;

	memset(c, 0, sizeof(*c));
	*err = OERR_INVALID_CLIENT;
	fid = form_get(&r->form, "client_id");
	fsecret = form_get(&r->form, "client_secret");

	if (r->api_key != NULL) {
		ways++;
		key = r->api_key;
	}
	if (r->authorization != NULL &&
	    (b = basicauth_parse(r->authorization, bid, sizeof(bid), bkey,
	    sizeof(bkey))) != 0) {
		ways++;
		key = bkey;
		claimed_id = bid;
		*err = OERR_INVALID_CLIENT_BASIC;
	}
	if (fsecret != NULL) {
		ways++;
		key = fsecret;
		claimed_id = fid;
		/* RFC 6749 §2.3.1: client_id is required beside it. */
		if (fid == NULL)
			b = -1;
	}
	if (ways > 1) {
		*err = OERR_INVALID_REQUEST;
		goto fail;
	}
	if (ways == 0 || b == -1)
		goto fail;
	/*
	 * A client_id beside another method must name the same key, except
	 * an application's beside a key's header in the code grant: there it
	 * names the application whose code the key redeems as its
	 * confidential client (grant_code.c checks that it names the key).
	 */
	if (claimed_id == NULL && !(fid != NULL && store_app_id_valid(fid) &&
	    (grant = form_get(&r->form, "grant_type")) != NULL &&
	    strcmp(grant, "authorization_code") == 0))
		claimed_id = fid;
	if (clientauth_key(x, r, key, claimed_id, c, err) == -1) {
		if (*err != OERR_UNAVAILABLE && b == 1)
			*err = OERR_INVALID_CLIENT_BASIC;
		goto fail;
	}
	secret_wipe(bkey, sizeof(bkey));
	return 0;
fail:
	secret_wipe(bkey, sizeof(bkey));
	return -1;
}

int
clientauth_key(const struct clientauth_ctx *x, struct req *r, const char *key,
    const char *claimed_id, struct client *c, enum oerr *err)
{
	struct apikey	 k;
	struct store_key row;
	unsigned char	 h[32];
	const unsigned char *pepper;
	size_t		 pepperlen;
	int		 found, good, held;

	memset(c, 0, sizeof(*c));
	*err = OERR_INVALID_CLIENT;

	if (apikey_parse(&k, key, strlen(key)) == -1)
		goto fail;	/* checksum or format: no database */
	if (claimed_id != NULL && strcmp(claimed_id, k.id) != 0)
		goto fail;

	found = keycache_get(x->keys, x->db, k.id, &row);
	/* Usage counts under the id only when the key exists (a well-formed
	 * id is cheap to forge: the others count together, usage.h). */
	snprintf(r->usage_key, sizeof(r->usage_key), "%s", found == 1 ?
	    k.id : USAGE_UNKNOWN);
	snprintf(r->usage_org, sizeof(r->usage_org), "%s", found == 1 ?
	    row.org_id : "");
	if (found == -1) {
		*err = OERR_UNAVAILABLE;
		goto fail;
	}
	/* The pepper the row names; the current one for a missing row or a
	 * pepper this host does not hold (the comparison then fails). */
	pepper = x->pepper;
	pepperlen = x->pepperlen;
	held = !found || row.pepper_id == x->pepper_id || (x->peppers != NULL &&
	    config_pepper(x->peppers, row.pepper_id, &pepper, &pepperlen));
	if (!held) {
		pepper = x->pepper;
		pepperlen = x->pepperlen;
	}
	if (apikey_hash(h, pepper, pepperlen, k.id,
	    found ? row.salt : dummy_salt, k.secret) == -1) {
		*err = OERR_SERVER_ERROR;
		goto fail;
	}
	good = secret_equal(h, row.hash, sizeof(h));
	good &= found == 1;
	good &= held;
	good &= store_key_usable(&row, (long long)time(NULL)) &
	    (row.env == k.env);
	if (!held)
		unheld_pepper(x, k.id, row.pepper_id);
	if (!good)
		goto fail;
	/* Verified under an older pepper: hash it under the current one. */
	if (row.pepper_id < x->pepper_id && apikey_hash(h, x->pepper,
	    x->pepperlen, k.id, row.salt, k.secret) == 0)
		keycache_rehashed(x->keys, k.id, h, x->pepper_id,
		    row.pepper_id);

	snprintf(c->id, sizeof(c->id), "%s", k.id);
	memcpy(c->org_id, row.org_id, sizeof(c->org_id));
	c->env = k.env;
	c->scopes = row.scopes;
	c->grants = row.grants;
	c->rate_per_sec = row.rate_per_sec;
	c->rate_per_min = row.rate_per_min;
	c->trusted_forwarder = row.trusted_forwarder;
	snprintf(r->client_id, sizeof(r->client_id), "%s", c->id);
	snprintf(r->org_id, sizeof(r->org_id), "%s", c->org_id);
	keycache_touch(x->keys, c->id);
	apikey_wipe(&k);
	secret_wipe(h, sizeof(h));
	return 0;
fail:
	apikey_wipe(&k);
	secret_wipe(h, sizeof(h));
	return -1;
}

int
clientauth_form(const struct clientauth_ctx *x, struct req *r, struct client *c,
    struct resp *p)
{
	enum form_err	 fe;
	enum oerr	 err;
	int		 st;

	if ((st = http_req_form(r, x->max_body, &fe)) != 0) {
		oauth_err(p, oauth_err_from_status(st), fe != FORM_OK ?
		    form_strerror(fe) : NULL);
		return -1;
	}
	if (clientauth(x, r, c, &err) == -1) {
		oauth_err(p, err, NULL);
		return -1;
	}
	return 0;
}

/* The application client_id from the worker's cache (appcache.h), or the
 * database without one. -1 / 0 / 1. */
static int
app_lookup(const struct clientauth_ctx *x, const char *client_id,
    struct appcache_client *out)
{
	struct store_app	*a;
	int			 n;

	if (x->apps != NULL)
		return appcache_client(x->apps, x->db, client_id, out);
	memset(out, 0, sizeof(*out));
	if ((a = malloc(sizeof(*a))) == NULL)
		return -1;
	if ((n = store_app_get(x->db, client_id, a)) == 1) {
		memcpy(out->org_id, a->org_id, sizeof(out->org_id));
		out->type = a->type;
		out->scopes = a->scopes;
		out->disabled = a->disabled;
	}
	free(a);
	return n;
}

int
clientauth_public(const struct clientauth_ctx *x, struct req *r,
    struct client *c, enum oerr *err)
{
	struct appcache_client	 a;
	const char		*fid = form_get(&r->form, "client_id");
	int			 n;

	memset(c, 0, sizeof(*c));
	if (fid == NULL || r->api_key != NULL || r->authorization != NULL ||
	    form_get(&r->form, "client_secret") != NULL ||
	    !store_app_id_valid(fid))
		return 0;
	*err = OERR_INVALID_CLIENT;
	/* The cache is dropped on every NOTIFY of apps or orgs (app_refresh,
	 * before each request): a disabled one is refused at once. */
	n = app_lookup(x, fid, &a);
	if (n == -1)
		*err = OERR_UNAVAILABLE;
	if (n != 1 || a.disabled)
		return -1;
	snprintf(c->id, sizeof(c->id), "%s", fid);
	snprintf(c->org_id, sizeof(c->org_id), "%s", a.org_id);
	c->app = 1;
	c->first_party = a.type == REDIRECTURI_PORTAL;
	c->env = APIKEY_ENV_LIVE;
	c->scopes = a.scopes;
	c->grants = GT_AUTHORIZATION_CODE | GT_REFRESH_TOKEN;
	c->rate_per_sec = -1;
	c->rate_per_min = -1;
	snprintf(r->client_id, sizeof(r->client_id), "%s", c->id);
	snprintf(r->org_id, sizeof(r->org_id), "%s", c->org_id);
	return 1;
}

int
clientauth_form_public(const struct clientauth_ctx *x, struct req *r,
    struct client *c, struct resp *p)
{
	enum form_err	 fe;
	enum oerr	 err;
	int		 st, n;

	if ((st = http_req_form(r, x->max_body, &fe)) != 0) {
		oauth_err(p, oauth_err_from_status(st), fe != FORM_OK ?
		    form_strerror(fe) : NULL);
		return -1;
	}
	if ((n = clientauth_public(x, r, c, &err)) == 1)
		return 0;
	if (n == -1 || clientauth(x, r, c, &err) == -1) {
		oauth_err(p, err, NULL);
		return -1;
	}
	return 0;
}

void
clientauth_actor(const struct client *c, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s:%s", c->app ? "app" : "key", c->id);
}
