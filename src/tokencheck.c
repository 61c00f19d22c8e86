/*
 * tokencheck: verification plus revocation state.
 */
#include <string.h>

#include "app.h"
#include "tokencheck.h"

enum tokencheck
tokencheck(struct app *a, const char *token, const char *org,
    struct verified *v, struct store_token_state *st)
{
	struct jwtverify_opts	 o;
	int			 user;

	memset(st, 0, sizeof(*st));
	app_verify_opts(a, &o);
	if (jwtverify(a->keyring.keys, a->keyring.n, &o, token, strlen(token),
	    v) != JWTV_OK)
		return TC_INACTIVE;
	if (org != NULL && strcmp(v->org, org) != 0)
		return TC_INACTIVE;
	if (store_token_state(a->db, v->jti, v->org, v->client_id, v->sub,
	    st) == -1)
		return TC_UNAVAILABLE;
	if (st->jti_revoked || st->org_disabled || st->key_bad)
		return TC_INACTIVE;
	/* A user's token: the user must exist, be enabled, not be cut off. */
	user = strncmp(v->sub, "usr_", 4) == 0;
	if (user && (!st->user_found || st->user_disabled ||
	    (st->cutoff != 0 && v->iat <= st->cutoff)))
		return TC_INACTIVE;
	return TC_ACTIVE;
}
