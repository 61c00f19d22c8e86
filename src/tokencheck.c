/*
 * tokencheck: verification plus revocation state, from the database
 * (tokencheck) or from the worker's caches (tokencheck_cached). One set of
 * rules decides in both cases (decide()), over the same ids (ids()).
 */
#include <string.h>
#include <time.h>

#include "appcache.h"
#include "keycache.h"
#include "keyring.h"
#include "revcache.h"
#include "store.h"
#include "store_app.h"
#include "tokcache.h"
#include "tokencheck.h"

enum tokencheck
tokencheck_verify(struct tokencheck_ctx *x, const char *token, const char *org,
    struct verified *v)
{
	struct jwtverify_opts	 o = x->opts;

	o.now = time(NULL);
	if (jwtverify(x->keyring->keys, x->keyring->n, &o, token, strlen(token),
	    v) != JWTV_OK)
		return TC_INACTIVE;
	if (org != NULL && strcmp(v->org, org) != 0)
		return TC_INACTIVE;
	return TC_ACTIVE;
}

/*
 * Every id that revokes the token when on the deny list: its jti, its
 * refresh family (sid) and the jtis of the tokens it was exchanged from.
 */
static size_t
ids(const struct verified *v, const char *out[STORE_TOKEN_IDS])
{
	size_t	 n = 0, i;

	out[n++] = v->jti;
	if (v->sid[0] != '\0')
		out[n++] = v->sid;
	for (i = 0; i < v->nparents && n < STORE_TOKEN_IDS; i++)
		out[n++] = v->parents[i];
	return n;
}

static enum tokencheck
decide(const struct verified *v, const struct store_token_state *st)
{
	if (st->jti_revoked || st->org_disabled || st->key_bad)
		return TC_INACTIVE;
	/* A user's token: the user must exist, be enabled, and be of the
	 * generation the token was issued in (no gen claim: 0). */
	if (jwtverify_is_user(v) && (!st->user_found || st->user_disabled ||
	    v->gen != st->gen))
		return TC_INACTIVE;
	return TC_ACTIVE;
}

enum tokencheck
tokencheck(struct tokencheck_ctx *x, const char *token, const char *org,
    struct verified *v, struct store_token_state *st)
{
	const char	*id[STORE_TOKEN_IDS];
	size_t		 n;

	memset(st, 0, sizeof(*st));
	if (tokencheck_verify(x, token, org, v) != TC_ACTIVE)
		return TC_INACTIVE;
	n = ids(v, id);
	if (store_token_state(x->db, id, n, v->org, v->client_id, v->sub,
	    st) == -1)
		return TC_UNAVAILABLE;
	return decide(v, st);
}

enum tokencheck
tokencheck_cached(struct tokencheck_ctx *x, const char *token, struct verified *v)
{
	struct store_key		 k;
	struct store_token_state	 st;
	struct revcache_userstate	 us;
	const char			*id[STORE_TOKEN_IDS];
	size_t				 nid, i;
	int				 n;

	memset(&st, 0, sizeof(st));
	if (!tokcache_get(x->tokens, token, (long long)time(NULL),
	    x->opts.leeway_sec, v)) {
		if (tokencheck_verify(x, token, NULL, v) != TC_ACTIVE)
			return TC_INACTIVE;
		tokcache_put(x->tokens, token, v);
	}
	nid = ids(v, id);
	for (i = 0; i < nid && !st.jti_revoked; i++) {
		if ((n = revcache_jti_revoked(x->revs, x->db, v->org,
		    id[i])) == -1)
			return TC_UNAVAILABLE;
		st.jti_revoked = n;
	}
	if (store_app_id_valid(v->client_id)) {
		/* A public client's token: its application usable. */
		if ((n = appcache_app_ok(x->apps, x->db, v->client_id,
		    v->org)) == -1)
			return TC_UNAVAILABLE;
		st.key_bad = n == 0;
	} else {
		if ((n = keycache_get(x->keys, x->db, v->client_id, &k)) == -1)
			return TC_UNAVAILABLE;
		st.key_bad = n == 0 || strcmp(k.org_id, v->org) != 0 ||
		    !store_key_tokens_good(&k, (long long)time(NULL));
	}
	if (jwtverify_is_user(v)) {
		if (revcache_user(x->revs, x->db, v->org, v->sub, &us) == -1)
			return TC_UNAVAILABLE;
		st.user_found = us.found;
		st.user_disabled = us.disabled;
		st.gen = us.gen;
	}
	return decide(v, &st);
}
