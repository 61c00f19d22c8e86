/*
 * tokencheck: verification plus revocation state, from the database
 * (tokencheck) or from the worker's caches (tokencheck_cached). One set of
 * rules decides in both cases (decide()).
 */
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "store.h"
#include "tokencheck.h"

static enum tokencheck
verify(struct app *a, const char *token, const char *org, struct verified *v)
{
	struct jwtverify_opts	 o;

	app_verify_opts(a, &o);
	if (jwtverify(a->keyring.keys, a->keyring.n, &o, token, strlen(token),
	    v) != JWTV_OK)
		return TC_INACTIVE;
	if (org != NULL && strcmp(v->org, org) != 0)
		return TC_INACTIVE;
	return TC_ACTIVE;
}

static enum tokencheck
decide(const struct verified *v, const struct store_token_state *st)
{
	if (st->jti_revoked || st->org_disabled || st->key_bad)
		return TC_INACTIVE;
	/* A user's token: the user must exist, be enabled, not be cut off. */
	if (strncmp(v->sub, "usr_", 4) == 0 && (!st->user_found ||
	    st->user_disabled || (st->cutoff != 0 && v->iat <= st->cutoff)))
		return TC_INACTIVE;
	return TC_ACTIVE;
}

enum tokencheck
tokencheck(struct app *a, const char *token, const char *org,
    struct verified *v, struct store_token_state *st)
{
	memset(st, 0, sizeof(*st));
	if (verify(a, token, org, v) != TC_ACTIVE)
		return TC_INACTIVE;
	if (store_token_state(a->db, v->jti, v->org, v->client_id, v->sub,
	    st) == -1)
		return TC_UNAVAILABLE;
	return decide(v, st);
}

enum tokencheck
tokencheck_cached(struct app *a, const char *token, struct verified *v)
{
	static struct store_key		 k;
	struct store_token_state	 st;
	struct revcache_userstate	 us;
	int				 n;

	memset(&st, 0, sizeof(st));
	if (!tokcache_get(&a->tokcache, token, (long long)time(NULL),
	    a->cfg->verify_leeway_sec, v)) {
		if (verify(a, token, NULL, v) != TC_ACTIVE)
			return TC_INACTIVE;
		tokcache_put(&a->tokcache, token, v);
	}
	if ((n = revcache_jti_revoked(&a->revcache, a->db, v->org,
	    v->jti)) == -1)
		return TC_UNAVAILABLE;
	st.jti_revoked = n;
	if ((n = keycache_get(&a->keycache, a->db, v->client_id, &k)) == -1)
		return TC_UNAVAILABLE;
	st.key_bad = n == 0 || k.revoked || strcmp(k.org_id, v->org) != 0 ||
	    (k.expires_at != 0 && k.expires_at <= (long long)time(NULL));
	st.org_disabled = n == 1 && k.org_disabled;
	if (strncmp(v->sub, "usr_", 4) == 0) {
		if (revcache_user(&a->revcache, a->db, v->org, v->sub, &us) == -1)
			return TC_UNAVAILABLE;
		st.user_found = us.found;
		st.user_disabled = us.disabled;
		st.cutoff = us.cutoff;
	}
	return decide(v, &st);
}
