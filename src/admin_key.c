/*
 * admin_key: jwtmint-admin key (create, list, get, update, disable, enable,
 * revoke, roll, trust, distrust), adapters over ops_key.h where the
 * operation exists there (the CLI acts as the platform operator: any
 * organization, no limit on scopes). A new key is printed once and only
 * its keyed hash is stored.
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

/* --rate-per-sec N: -1 (the default) or 0..OPS_KEY_MAX_RATE; dies. */
static int
rate(struct admin *a, const char *s)
{
	size_t	 n;
	int	 v = 0;

	if (s == NULL)
		return -1;
	if (strcmp(s, "-1") == 0 || strcmp(s, "default") == 0)
		return -1;
	n = strlen(s);
	if (n == 0 || n > 7 || strspn(s, "0123456789") != n)
		admin_die(a, "%s", "--rate-per-sec/--rate-per-min: a count of "
		    "requests (0: no limit)");
	for (; *s != '\0'; s++)
		v = v * 10 + (*s - '0');
	if (v > OPS_KEY_MAX_RATE)
		admin_die(a, "%s", "--rate-per-sec/--rate-per-min: a count of "
		    "requests (0: no limit)");
	return v;
}

/* An operation's error, for the key id. */
static void
die_ops(struct admin *a, enum ops_err e, const char *field, const char *id)
{
	switch (e) {
	case OPS_OK:
		return;
	case OPS_INVALID:
		if (field != NULL && strcmp(field, "id") == 0)
			admin_usage("ID is malformed");
		admin_die(a, "invalid: %s", field != NULL ? field : "?");
	case OPS_NOT_FOUND:
		admin_die(a, "no key \"%s\"", id);
	case OPS_CONFLICT:
		admin_die(a, "key %s: not in a state that allows this", id);
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was done");
	case OPS_FAILED:
		admin_die(a, "%s", "failed: nothing was done");
	case OPS_FORBIDDEN:	/* the CLI holds everything */
		admin_die(a, "forbidden: %s", field != NULL ? field : "?");
	}
}

/* key create: an adapter over ops_key_create. */
static int
key_create(struct admin *a, const struct opts *o)
{
	struct scope_set	 ss;
	struct ops_key_create	 rq;
	struct ops_key_created	 out;
	struct ops_ctx		 x;
	struct org		 org;
	char			 grants[256];
	const char		*name = admin_opt(o, "name");
	const char		*sc = admin_opt(o, "scopes");
	const char		*envs = admin_opt(o, "env");
	const char		*exp = admin_opt(o, "expires-in");
	const char		*gr = admin_opt(o, "grants");
	const char		*field;
	long long		 expires = 0;
	enum ops_err		 e;

	if (name == NULL || sc == NULL)
		admin_usage("key create needs --name and --scopes");
	if (envs != NULL && apikey_env_parse(envs) < 0)
		admin_usage("--env must be live or test");
	if (exp != NULL && (expires = admin_duration(exp)) < 0)
		admin_usage("--expires-in takes a count and a unit: 90d, 12h, 30m, "
		    "3600s (at most 10 years)");
	if (granttype_format(gr ? granttype_parse_list(gr) :
	    GT_CLIENT_CREDENTIALS, grants, sizeof(grants)) == -1 || !grants[0])
		admin_usage("--grants: a comma-separated list of client_credentials, "
		    "password, refresh_token, token_exchange");
	if (scope_parse(&ss, sc, strlen(sc)) == -1)
		admin_usage("--scopes: space-separated scope tokens (no quotes or "
		    "backslashes, 64 at most)");
	memset(&rq, 0, sizeof(rq));
	rq.name = name;
	rq.scopes = sc;
	rq.env = envs;
	rq.grants = grants;
	rq.expires_in = expires;
	rq.rate_per_sec = rate(a, admin_opt(o, "rate-per-sec"));
	rq.rate_per_min = rate(a, admin_opt(o, "rate-per-min"));
	rq.meta = admin_opt(o, "meta");
	rq.trusted_forwarder = admin_flag(o, "trusted-forwarder");
	rq.limit = NULL;	/* the platform operator */
	admin_need_secrets(a);
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	if (org.disabled)
		admin_die(a, "%s", "the organization is disabled");
	admin_ops_ctx(a, org.id, &x);
	if ((e = ops_key_create(&x, &rq, &out, &field)) != OPS_OK) {
		if (e == OPS_INVALID && field != NULL)
			admin_die(a, "cannot create the key: %s is invalid", field);
		if (e == OPS_CONFLICT)
			admin_die(a, "%s", "the organization is disabled");
		die_ops(a, e, field, "");
	}
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?,"
		    " s:s, s:s, s:b}", "id", out.view.id, "key", out.key,
		    "name", out.view.name, "scopes", out.view.scopes,
		    "grants", out.view.grants, "env", out.view.env,
		    "expires_at", out.view.expires_at[0] ? out.view.expires_at :
		    NULL, "org", org.id, "created_at", out.view.created_at,
		    "trusted_forwarder", out.view.trusted_forwarder));
	else
		printf("API key created. It is shown only this once: store it "
		    "now.\n\n  %s\n\nid %s, env %s, scopes \"%s\", expires %s\n",
		    out.key, out.view.id, out.view.env, out.view.scopes,
		    out.view.expires_at[0] ? out.view.expires_at : "never");
	secret_wipe(out.key, sizeof(out.key));
	return 0;
}

/* key get ID: the key as the admin API shows it. */
static void
print_view(struct admin *a, const struct ops_key_view *v)
{
	if (a->json) {
		admin_print_json(a, ops_key_view_json(v));
		return;
	}
	printf("id\t%s\nstart\t%s\nname\t%s\nenv\t%s\nstatus\t%s\n"
	    "scopes\t%s\ngrants\t%s\n", v->id, v->start, v->name, v->env,
	    v->status, v->scopes, v->grants);
	printf("rate_per_sec\t%d\nrate_per_min\t%d\nmeta\t%s\n",
	    v->rate_per_sec, v->rate_per_min, v->meta);
	printf("created_at\t%s\nlast_used_at\t%s\nexpires_at\t%s\n"
	    "disabled_at\t%s\nrevoked_at\t%s\nrolled_from\t%s\n"
	    "rolled_to\t%s\nversion\t%lld\n", v->created_at,
	    v->last_used_at[0] ? v->last_used_at : "-",
	    v->expires_at[0] ? v->expires_at : "-",
	    v->disabled_at[0] ? v->disabled_at : "-",
	    v->revoked_at[0] ? v->revoked_at : "-",
	    v->rolled_from[0] ? v->rolled_from : "-",
	    v->rolled_to[0] ? v->rolled_to : "-", v->version);
}

/* The key of the positional argument and the context of its organization
 * (the CLI acts for the platform operator: any organization). */
static const char *
key_ctx(struct admin *a, const struct opts *o, const char *usage,
    struct org *org, struct ops_ctx *x)
{
	const char	*id = admin_arg(o);

	if (id == NULL)
		admin_usage(usage);
	if (!apikey_id_valid(id, strlen(id)))
		admin_usage("ID is malformed");
	admin_key_org(a, id, org);
	admin_ops_ctx(a, org->id, x);
	return id;
}

static int
key_get(struct admin *a, const struct opts *o)
{
	struct ops_key_get	 rq = { NULL, NULL };	/* not limited */
	struct ops_key_view	 v;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;

	rq.id = key_ctx(a, o, "key get ID", &org, &x);
	die_ops(a, ops_key_get(&x, &rq, &v, &field), field, rq.id);
	print_view(a, &v);
	return 0;
}

/* key update ID: an adapter over ops_key_update. */
static int
key_update(struct admin *a, const struct opts *o)
{
	struct ops_key_update	 rq;
	struct ops_key_view	 v;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field, *s;
	enum ops_err		 e;

	memset(&rq, 0, sizeof(rq));
	rq.disabled = -1;
	rq.id = key_ctx(a, o, "key update ID [--name N] [--scopes S] ...", &org,
	    &x);
	rq.name = admin_opt(o, "name");
	rq.meta = admin_opt(o, "meta");
	rq.scopes = admin_opt(o, "scopes");
	rq.grants = admin_opt(o, "grants");
	if ((s = admin_opt(o, "expires-in")) != NULL &&
	    (rq.expires_in = admin_duration(s)) < 0)
		admin_usage("--expires-in takes a count and a unit: 90d, 12h, 30m, "
		    "3600s (at most 10 years)");
	if ((s = admin_opt(o, "rate-per-sec")) != NULL) {
		rq.set_rate_per_sec = 1;
		rq.rate_per_sec = rate(a, s);
	}
	if ((s = admin_opt(o, "rate-per-min")) != NULL) {
		rq.set_rate_per_min = 1;
		rq.rate_per_min = rate(a, s);
	}
	if (rq.name == NULL && rq.meta == NULL && rq.scopes == NULL &&
	    rq.grants == NULL && rq.expires_in == 0 && !rq.set_rate_per_sec &&
	    !rq.set_rate_per_min)
		admin_usage("key update: nothing to update");
	if ((e = ops_key_update(&x, &rq, &v, &field)) == OPS_INVALID &&
	    field != NULL && strcmp(field, "id") != 0)
		admin_die(a, "cannot update the key: %s", strchr(field, ' ') ?
		    field : "a value is invalid (see --help)");
	die_ops(a, e, field, rq.id);
	if (a->json)
		print_view(a, &v);
	else
		printf("key %s updated\n", rq.id);
	return 0;
}

static int
key_able(struct admin *a, const struct opts *o, int disable)
{
	struct ops_key_get	 rq = { NULL, NULL };	/* not limited */
	struct ops_key_view	 v;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;

	rq.id = key_ctx(a, o, disable ? "key disable ID" : "key enable ID",
	    &org, &x);
	die_ops(a, disable ? ops_key_disable(&x, &rq, &v, &field) :
	    ops_key_enable(&x, &rq, &v, &field), field, rq.id);
	if (a->json)
		print_view(a, &v);
	else
		printf("key %s %s\n", rq.id, disable ? "disabled: refused like "
		    "an invalid key, its tokens with it, until enabled" :
		    "enabled");
	return 0;
}

static int
key_disable(struct admin *a, const struct opts *o)
{
	return key_able(a, o, 1);
}

static int
key_enable(struct admin *a, const struct opts *o)
{
	return key_able(a, o, 0);
}

static int
key_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "id", "org", "name", "env",
	    "scopes", "grants", "created_at", "expires_at", "revoked_at",
	    "last_used_at", "trusted_forwarder", "status", "rolled_from",
	    "rolled_to", "pepper_id" };
	struct org		 org;
	const char		*params[1];

	params[0] = "";
	if (admin_opt(o, "org") != NULL || a->cfg.default_org[0] != '\0') {
		admin_org_lookup(a, admin_opt(o, "org"), &org);
		params[0] = org.id;
	}
	admin_list(a, STMT_KEY_LIST, params, cols, 15);
	return 0;
}

/* key revoke ID: an adapter over ops_key_revoke (its audit row). */
static int
key_revoke(struct admin *a, const struct opts *o)
{
	struct ops_key_get	 rq = { NULL, NULL };	/* not limited */
	struct ops_key_view	 v;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;

	rq.id = key_ctx(a, o, "key revoke ID", &org, &x);
	die_ops(a, ops_key_get(&x, &rq, &v, &field), field, rq.id);
	if (v.revoked_at[0] != '\0')
		admin_die(a, "no active key \"%s\"", rq.id);
	die_ops(a, ops_key_revoke(&x, &rq, &v, &field), field, rq.id);
	printf("key %s revoked\n", rq.id);
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
	case OPS_FORBIDDEN:
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
	    "rate-per-min meta trusted-forwarder! json",
	    "  key create --name NAME --scopes \"s1 s2\" [--env live|test]\n"
	    "             [--expires-in 90d|12h|30m|3600s] [--org SLUG]\n"
	    "             [--grants client_credentials,password,refresh_token,"
	    "token_exchange]\n"
	    "             [--rate-per-sec N] [--rate-per-min N] "
	    "[--trusted-forwarder]\n"
	    "             [--meta '{\"owner\":\"ops\"}'] [--json]\n", key_create },
	{ "key", "get", "ARG json", "  key get ID [--json]\n", key_get },
	{ "key", "update", "ARG name scopes grants expires-in rate-per-sec "
	    "rate-per-min meta json",
	    "  key update ID [--name N] [--scopes \"s1\"] [--grants g1,g2]\n"
	    "             [--expires-in 7d] [--rate-per-sec N|default]\n"
	    "             [--rate-per-min N|default] [--meta JSON] [--json]\n"
	    "             (scopes and grants only narrower, the expiry only "
	    "earlier)\n", key_update },
	{ "key", "disable", "ARG json", "  key disable ID | key enable ID  "
	    "(refused like an invalid key until enabled)\n", key_disable },
	{ "key", "enable", "ARG json", NULL, key_enable },
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
