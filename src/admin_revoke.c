/*
 * admin_revoke: jwtmint-admin revoke, an adapter over ops_revoke (the
 * operation behind POST /admin/revocations too): one access token (--jti),
 * every token of a user (--user) or a key and its tokens (--key).
 */
#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "ops_revoke.h"
#include "admin.h"

static int
revoke(struct admin *a, const struct opts *o)
{
	struct org		 org;
	struct ops_ctx		 x;
	struct ops_revoke	 rq;
	const char		*what, *field;

	rq.jti = admin_opt(o, "jti");
	rq.user = admin_opt(o, "user");
	rq.key = admin_opt(o, "key");
	/* A key names its organization; a jti or a user is of --org's. */
	if (rq.key != NULL && (rq.jti != NULL) + (rq.user != NULL) == 0 &&
	    apikey_id_valid(rq.key, strlen(rq.key)))
		admin_key_org(a, rq.key, &org);
	else
		admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	switch (ops_revoke(&x, &rq, &what, &field)) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		fprintf(stderr, "jwtmint-admin: revoke: --%s is malformed\n",
		    field);
		admin_usage(strchr(field, ' ') ? "revoke: exactly one of "
		    "--jti, --user, --key" : NULL);
		break;
	case OPS_NOT_FOUND:
		admin_die(a, "%s", "nothing to revoke (unknown or already "
		    "revoked)");
		break;
	case OPS_UNAVAILABLE:
		/* Never "nothing to revoke": the database failed. */
		admin_die(a, "%s", "database error: nothing was revoked");
		break;
	case OPS_CONFLICT:
	case OPS_FORBIDDEN:
	case OPS_FAILED:
		admin_die(a, "%s", "revocation failed: nothing was revoked");
		break;
	}
	printf("revoked\n");
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "revoke", NULL, "jti user key org",
	    "  revoke --jti JTI --org SLUG | --user U [--org SLUG] | --key ID\n",
	    revoke },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_revoke_cmds(void)
{
	return cmds;
}
