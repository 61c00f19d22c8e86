/*
 * pwcheck: see pwcheck.h.
 */
#include <stdio.h>
#include <string.h>

#include "grant.h"
#include "log.h"
#include "password.h"
#include "pwcheck.h"
#include "secret.h"

enum pwcheck_res
pwcheck(const struct grant_ctx *g, const char *org, const char *user,
    const char *pw, const char *addr, const char *actor,
    char uname[USERNAME_MAX_BYTES + 1], struct store_login *l,
    int *retry_after)
{
	char			 phc[PASSWORD_HASH_BYTES];
	enum pwcheck_res	 rc;
	int			 ok;

	*retry_after = 0;
	/* An impossible username is an unknown user, at the same cost. */
	if (username_normalize(user, strlen(user), uname) == -1)
		snprintf(uname, USERNAME_MAX_BYTES + 1, "-");
	if (store_login_lookup(g->db, org, uname, addr, g->login_window_sec,
	    l) == -1) {
		rc = PWCHECK_UNAVAILABLE;
		goto out;
	}
	if (l->user_failures >= g->login_max_failures ||
	    l->addr_failures >= g->login_max_failures_addr) {
		*retry_after = l->retry_after > 0 ? l->retry_after : 1;
		rc = PWCHECK_TOO_MANY;
		goto out;
	}
	ok = password_verify(l->found ? l->phc : g->dummy_phc, pw, strlen(pw));
	ok &= l->found & !l->user.disabled;
	if (!ok) {
		if (store_login_failed(g->db, org, uname, addr,
		    g->login_window_sec, actor, g->login_max_failures,
		    g->login_max_failures_addr) == -1)
			log_warnx("login: failure not counted");
		rc = PWCHECK_WRONG;
		goto out;
	}
	/* Upgrade a hash made with older parameters (a write only then). */
	if (password_needs_rehash(l->phc, g->pw) &&
	    (password_hash(g->pw, pw, strlen(pw), phc) == -1 ||
	    store_password_rehash(g->db, org, l->user.id, phc) == -1))
		log_warnx("login: password hash of %s not upgraded",
		    l->user.id);
	rc = PWCHECK_OK;
out:
	secret_wipe(phc, sizeof(phc));
	secret_wipe(l->phc, sizeof(l->phc));
	return rc;
}
