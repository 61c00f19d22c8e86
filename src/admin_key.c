/*
 * admin_key: jwtmint-admin key (create, list, revoke, roll, trust,
 * distrust). A new key is printed once and only its keyed hash is stored.
 */
#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "granttype.h"
#include "ops_key.h"
#include "scope.h"
#include "secret.h"
#include "store.h"
#include "admin.h"

static int
key_create(struct admin *a, const struct opts *o)
{
	struct scope_set	 ss;
	struct apikey		 k;
	struct org		 org;
	struct first		 f;
	unsigned char		 salt[APIKEY_SALT_BYTES], h[32];
	char			 key[APIKEY_LEN + 1], scopes[SCOPE_MAX_STRING_BYTES];
	char			 salthex[2 * APIKEY_SALT_BYTES + 1], hhex[65];
	char			 secs[32], grants[256];
	const char		*params[9];
	const char		*name = admin_opt(o, "name");
	const char		*sc = admin_opt(o, "scopes");
	const char		*envs = admin_opt(o, "env");
	const char		*exp = admin_opt(o, "expires-in");
	const char		*gr = admin_opt(o, "grants");
	const char		*rsec = admin_opt(o, "rate-per-sec");
	const char		*rmin = admin_opt(o, "rate-per-min");
	int			 fwd = admin_flag(o, "trusted-forwarder");
	long long		 expires = 0;
	int			 env = APIKEY_ENV_LIVE;

	if (name == NULL || sc == NULL)
		admin_usage("key create needs --name and --scopes");
	if (envs != NULL && (env = apikey_env_parse(envs)) < 0)
		admin_usage("--env must be live or test");
	if (exp != NULL && (expires = admin_duration(exp)) < 0)
		admin_usage("--expires-in takes a count and a unit: 90d, 12h, 30m, "
		    "3600s (at most 10 years)");
	if (granttype_format(gr ? granttype_parse_list(gr) :
	    GT_CLIENT_CREDENTIALS, grants, sizeof(grants)) == -1 || !grants[0])
		admin_usage("--grants: a comma-separated list of client_credentials, "
		    "password, refresh_token, token_exchange");
	if (scope_parse(&ss, sc, strlen(sc)) == -1 ||
	    scope_format(&ss, scopes, sizeof(scopes)) < 0)
		admin_usage("--scopes: space-separated scope tokens (no quotes or "
		    "backslashes, 64 at most)");
	admin_need_secrets(a);
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	if (org.disabled)
		admin_die(a, "%s", "the organization is disabled");

	if (apikey_generate(&k, (enum apikey_env)env, key, sizeof(key)) == -1 ||
	    secret_random(salt, sizeof(salt)) == -1 ||
	    apikey_hash(h, a->cfg.pepper, a->cfg.pepperlen, k.id, salt,
	    k.secret) == -1)
		admin_die(a, "%s", "cannot make a key");
	secret_hex(salthex, salt, sizeof(salt));
	secret_hex(hhex, h, sizeof(h));
	snprintf(secs, sizeof(secs), "%lld", expires);
	params[0] = k.id;
	params[1] = org.id;
	params[2] = name;
	params[3] = apikey_env_name(k.env);
	params[4] = salthex;
	params[5] = hhex;
	params[6] = scopes;
	params[7] = secs;
	params[8] = grants;
	admin_insert(a, STMT_KEY_INSERT, params, &f, "key", "a key with this id");
	if (rsec != NULL || rmin != NULL) {
		params[1] = rsec ? rsec : "-1";
		params[2] = rmin ? rmin : "-1";
		if (strspn(params[1], "-0123456789") != strlen(params[1]) ||
		    strspn(params[2], "-0123456789") != strlen(params[2]) ||
		    store_write(a->db, STMT_KEY_SET_RATE, params) != 1)
			admin_die(a, "%s", "--rate-per-sec/--rate-per-min: a count "
			    "of requests (0: no limit)");
	}
	if (fwd) {
		params[1] = "true";
		if (store_write(a->db, STMT_KEY_SET_FORWARDER, params) != 1)
			admin_die(a, "%s", "database error: the key is not marked "
			    "--trusted-forwarder");
	}

	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?,"
		    " s:s, s:s, s:b}", "id", k.id, "key", key, "name", name,
		    "scopes", scopes, "grants", grants, "env",
		    apikey_env_name(k.env), "expires_at", f.b[0] ? f.b : NULL,
		    "org", org.id, "created_at", f.a,
		    "trusted_forwarder", fwd));
	else
		printf("API key created. It is shown only this once: store it "
		    "now.\n\n  %s\n\nid %s, env %s, scopes \"%s\", expires %s\n",
		    key, k.id, apikey_env_name(k.env), scopes,
		    f.b[0] ? f.b : "never");
	apikey_wipe(&k);
	secret_wipe(key, sizeof(key));
	secret_wipe(h, sizeof(h));
	secret_wipe(hhex, sizeof(hhex));
	return 0;
}

static int
key_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "id", "org", "name", "env",
	    "scopes", "grants", "created_at", "expires_at", "revoked_at",
	    "last_used_at", "trusted_forwarder", "status", "rolled_from",
	    "rolled_to" };
	struct org		 org;
	const char		*params[1];

	params[0] = "";
	if (admin_opt(o, "org") != NULL || a->cfg.default_org[0] != '\0') {
		admin_org_lookup(a, admin_opt(o, "org"), &org);
		params[0] = org.id;
	}
	admin_list(a, STMT_KEY_LIST, params, cols, 14);
	return 0;
}

static int
key_revoke(struct admin *a, const struct opts *o)
{
	const char	*params[1];
	int		 n;

	if ((params[0] = admin_arg(o)) == NULL)
		admin_usage("key revoke ID");
	if ((n = store_write(a->db, STMT_KEY_REVOKE, params)) < 0)
		admin_die(a, "%s", "database error");
	if (n == 0)
		admin_die(a, "no active key \"%s\"", params[0]);
	printf("key %s revoked\n", params[0]);
	return 0;
}

/* key roll: an adapter over ops_key_roll (arguments in, output out). */
static int
key_roll(struct admin *a, const struct opts *o)
{
	struct ops_key_roll	 rq;
	struct ops_key_rolled	 out;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field, *id = admin_arg(o);
	const char		*gs = admin_opt(o, "grace");
	long long		 grace;

	if (id == NULL || gs == NULL)
		admin_usage("key roll ID --grace 24h");
	if (strcmp(gs, "0") == 0 || strcmp(gs, "0s") == 0)
		grace = 0;
	else if ((grace = admin_duration(gs)) < 0 ||
	    grace > OPS_ROLL_MAX_GRACE_SEC)
		admin_usage("--grace: 0, or a count and a unit (30m, 24h, 7d), "
		    "at most 30 days");
	admin_need_secrets(a);
	if (!apikey_id_valid(id, strlen(id)))
		admin_usage("key roll: ID is malformed");
	admin_key_org(a, id, &org);
	admin_ops_ctx(a, org.id, &x);
	memset(&rq, 0, sizeof(rq));
	rq.id = id;
	rq.grace_sec = grace;
	switch (ops_key_roll(&x, &rq, &out, &field)) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		admin_usage(strcmp(field, "grace") == 0 ? "--grace: at most "
		    "30 days" : "key roll: ID is malformed");
		break;
	case OPS_NOT_FOUND:
		admin_die(a, "no key \"%s\"", id);
		break;
	case OPS_CONFLICT:
		admin_die(a, "key %s cannot be rolled: only the newest key of a "
		    "chain, not revoked or expired, can", id);
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was rolled");
		break;
	case OPS_FAILED:
		admin_die(a, "%s", "cannot make a key: nothing was rolled");
		break;
	}
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s}",
		    "id", out.id, "key", out.key, "rolled_from", id,
		    "created_at", out.created_at, "expires_at",
		    out.expires_at[0] ? out.expires_at : NULL,
		    "old_key_ends_at", out.old_ends_at, "org", org.id));
	else
		printf("API key rolled. The new key is shown only this once: "
		    "store it now.\n\n  %s\n\nid %s (rolled from %s); the old "
		    "key stops working at %s\n", out.key, out.id, id,
		    out.old_ends_at);
	secret_wipe(out.key, sizeof(out.key));
	return 0;
}

/* key trust ID | key distrust ID: may it send end_user_ip at login. */
static int
key_forwarder(struct admin *a, const struct opts *o, int trust)
{
	const char	*params[2];
	int		 n;

	if ((params[0] = admin_arg(o)) == NULL)
		admin_usage("key trust ID | key distrust ID");
	params[1] = trust ? "true" : "false";
	if ((n = store_write(a->db, STMT_KEY_SET_FORWARDER, params)) < 0)
		admin_die(a, "%s", "database error");
	if (n == 0)
		admin_die(a, "no active key \"%s\"", params[0]);
	printf("key %s %s\n", params[0], trust ? "may send end_user_ip" :
	    "may not send end_user_ip");
	return 0;
}

static int
key_trust(struct admin *a, const struct opts *o)
{
	return key_forwarder(a, o, 1);
}

static int
key_distrust(struct admin *a, const struct opts *o)
{
	return key_forwarder(a, o, 0);
}

static const struct admin_cmd cmds[] = {
	{ "key", "create", "name scopes env expires-in org grants rate-per-sec "
	    "rate-per-min trusted-forwarder! json",
	    "  key create --name NAME --scopes \"s1 s2\" [--env live|test]\n"
	    "             [--expires-in 90d|12h|30m|3600s] [--org SLUG]\n"
	    "             [--grants client_credentials,password,refresh_token,"
	    "token_exchange]\n"
	    "             [--rate-per-sec N] [--rate-per-min N] "
	    "[--trusted-forwarder]\n"
	    "             [--json]\n", key_create },
	{ "key", "list", "org json", "  key list [--org SLUG] [--json]\n",
	    key_list },
	{ "key", "revoke", "ARG", "  key revoke ID\n", key_revoke },
	{ "key", "roll", "ARG grace json",
	    "  key roll ID --grace 0|30m|24h|7d [--json]  (a new key; the old "
	    "one ends\n"
	    "             after the grace, at most 30 days; 0: revoked now)\n",
	    key_roll },
	{ "key", "trust", "ARG", "  key trust ID | key distrust ID   (may it "
	    "send end_user_ip at login)\n", key_trust },
	{ "key", "distrust", "ARG", NULL, key_distrust },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_key_cmds(void)
{
	return cmds;
}
