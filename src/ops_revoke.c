/*
 * ops_revoke: see ops_revoke.h.
 */
#include <string.h>
#include <time.h>

#include "apikey.h"
#include "claims.h"
#include "db.h"
#include "ops_revoke.h"
#include "store_user.h"
#include "username.h"

enum ops_err
ops_revoke(const struct ops_ctx *x, const struct ops_revoke *rq,
    const char **what, const char **field)
{
	char		 uname[USERNAME_MAX_BYTES + 1];
	const char	*actor = x->actor != NULL ? x->actor : "";
	const char	*source = x->source != NULL &&
			    strlen(x->source) < OPS_SOURCE_BYTES ? x->source : "";
	int		 n;

	*what = NULL;
	*field = NULL;
	if ((rq->jti != NULL) + (rq->user != NULL) + (rq->key != NULL) != 1) {
		*field = "one of jti, user, key";
		return OPS_INVALID;
	}
	if (rq->jti != NULL && !claims_jti_valid(rq->jti, strlen(rq->jti))) {
		*field = "jti";
		return OPS_INVALID;
	}
	/* A user id (usr_...) is also a valid username spelling; a username
	 * is matched as a login matches it. */
	if (rq->user != NULL &&
	    username_normalize(rq->user, strlen(rq->user), uname) == -1) {
		*field = "user";
		return OPS_INVALID;
	}
	if (rq->key != NULL && !apikey_id_valid(rq->key, strlen(rq->key))) {
		*field = "key";
		return OPS_INVALID;
	}
	/*
	 * In a transaction of its own: a statement the client gave up on (its
	 * deadline passed, the connection was dropped) can then never commit
	 * later, when whatever held it up lets go. Without one, a revocation
	 * reported as failed could still take effect.
	 */
	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	if (rq->jti != NULL) {
		*what = "jti";
		/* The token's exp is unknown here: keep it for the longest. */
		n = store_jti_revoke_audited(x->db, rq->jti, x->org,
		    (long long)time(NULL) + x->deny_sec, actor, source) == 0 ?
		    1 : -1;
	} else if (rq->user != NULL) {
		*what = "user";
		n = store_user_cutoff(x->db, x->org, uname, actor, source);
	} else {
		*what = "key";
		n = store_key_revoke_in_org(x->db, rq->key, x->org, actor,
		    source);
	}
	if (n <= 0) {
		db_rollback(x->db);
		return n < 0 ? OPS_UNAVAILABLE : OPS_NOT_FOUND;
	}
	return db_commit(x->db) == -1 ? OPS_UNAVAILABLE : OPS_OK;
}
