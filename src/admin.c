/*
 * jwtmint-admin: the operator's command line, on the same configuration and
 * the same statement table as the server. Secrets it creates are printed
 * once and never stored in the clear. Exit 2 with admin_usage on bad arguments,
 * 1 with one message on any other failure.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apikey.h"
#include "granttype.h"
#include "config.h"
#include "db.h"
#include "jws.h"
#include "kek.h"
#include "log.h"
#include "migrations.h"
#include "ops_key.h"
#include "scope.h"
#include "secret.h"
#include "store.h"
#include "admin.h"

#define MAX_EXPIRES_SEC	(10LL * 366 * 86400)

struct config	 admin_cfg;
struct db	*admin_db;
int		 admin_json;

static const char usage_text[] =
"usage: jwtmint-admin [-c file] command [options]\n"
"  migrate\n"
"  org create --slug SLUG --name NAME [--json]\n"
"  org list [--json]\n"
"  org disable SLUG\n"
"  key create --name NAME --scopes \"s1 s2\" [--env live|test]\n"
"             [--expires-in 90d|12h|30m|3600s] [--org SLUG]\n"
"             [--grants client_credentials,password,refresh_token,token_exchange]\n"
"             [--rate-per-sec N] [--rate-per-min N] [--trusted-forwarder]\n"
"             [--json]\n"
"  key list [--org SLUG] [--json]\n"
"  key revoke ID\n"
"  key trust ID | key distrust ID   (may it send end_user_ip at login)\n"
"  key roll ID --grace 0|30m|24h|7d [--json]  (a new key; the old one ends\n"
"             after the grace, at most 30 days; 0: revoked now)\n"
"  signing-key create [--alg ES256|RS256|HS256] [--json]\n"
"  signing-key list [--json]\n"
"  signing-key retire KID\n"
"  role create NAME --scopes \"read:* write:x\" [--all-accounts] [--read-only]\n"
"             [--org SLUG] [--json]\n"
"  role list [--org SLUG] [--json]\n"
"  user create --username U --role R [--scopes \"...\"] [--accounts \"a1 a2\"]\n"
"             [--org SLUG] [--json]          (the password is read from stdin)\n"
"  user passwd U [--org SLUG]                (the password is read from stdin)\n"
"  user disable U [--org SLUG] | user enable U [--org SLUG]\n"
"  user list [--org SLUG] [--json]\n"
"  revoke --jti JTI --org SLUG | --user U [--org SLUG] | --key ID\n";

void
admin_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "jwtmint-admin: %s\n", why);
	fputs(usage_text, stderr);
	exit(2);
}

void
admin_die(const char *fmt, const char *arg)
{
	fprintf(stderr, "jwtmint-admin: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	db_free(admin_db);
	config_wipe(&admin_cfg);
	exit(1);
}

static const char *
env(const char *name)
{
	return getenv(name);
}

void
admin_need_secrets(void)
{
	char	 err[CONFIG_ERR_BYTES];

	if (config_secrets(&admin_cfg, env, err) == -1)
		admin_die("%s", err);
}


/* Options that take a value, and where it goes. */
static const struct {
	const char	*name;
	size_t		 off;
} valued[] = {
	{ "name", offsetof(struct opts, name) },
	{ "scopes", offsetof(struct opts, scopes) },
	{ "env", offsetof(struct opts, env) },
	{ "expires-in", offsetof(struct opts, expires) },
	{ "org", offsetof(struct opts, org) },
	{ "slug", offsetof(struct opts, slug) },
	{ "alg", offsetof(struct opts, alg) },
	{ "grants", offsetof(struct opts, grants) },
	{ "role", offsetof(struct opts, role) },
	{ "accounts", offsetof(struct opts, accounts) },
	{ "username", offsetof(struct opts, username) },
	{ "jti", offsetof(struct opts, jti) },
	{ "user", offsetof(struct opts, user) },
	{ "key", offsetof(struct opts, key) },
	{ "rate-per-sec", offsetof(struct opts, rate_sec) },
	{ "rate-per-min", offsetof(struct opts, rate_min) },
	{ "grace", offsetof(struct opts, grace) },
};

void
admin_parse_opts(int argc, char **argv, struct opts *o, const char *allowed)
{
	char	 flag[32], padded[256];
	size_t	 k;
	int	 i;

	memset(o, 0, sizeof(*o));
	/* " name scopes json ": whole words only. */
	snprintf(padded, sizeof(padded), " %s ", allowed);
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			if (o->arg != NULL || !strstr(padded, " ARG "))
				admin_usage("unexpected argument");
			o->arg = argv[i];
			continue;
		}
		snprintf(flag, sizeof(flag), " %s ", argv[i] + 2);
		if (strstr(padded, flag) == NULL)
			admin_usage("unknown option");
		memmove(flag, flag + 1, strlen(flag));
		if (strcmp(flag, "json ") == 0) {
			admin_json = 1;
			continue;
		}
		if (strcmp(flag, "all-accounts ") == 0) {
			o->all_accounts = 1;
			continue;
		}
		if (strcmp(flag, "read-only ") == 0) {
			o->read_only = 1;
			continue;
		}
		if (strcmp(flag, "trusted-forwarder ") == 0) {
			o->trusted_forwarder = 1;
			continue;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (strncmp(flag, valued[k].name, strlen(flag) - 1) == 0 &&
			    valued[k].name[strlen(flag) - 1] == '\0')
				break;
		if (k == sizeof(valued) / sizeof(valued[0]) || i + 1 >= argc)
			admin_usage("unknown option or missing value");
		*(const char **)(void *)((char *)o + valued[k].off) = argv[++i];
	}
}

void
admin_print_json(json_t *o)
{
	char	*s;

	if (o == NULL || (s = json_dumps(o, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL)
		admin_die("%s", "out of memory");
	puts(s);
	secret_free(s);		/* may hold a new key */
	json_decref(o);
}

/* "90d" → seconds; -1 when malformed or out of range. */
static long long
parse_duration(const char *s)
{
	char		*end;
	long long	 n;

	if (!isdigit((unsigned char)*s))
		return -1;
	n = strtoll(s, &end, 10);
	if (n <= 0 || n > MAX_EXPIRES_SEC || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 's': break;
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	default: return -1;
	}
	return n > MAX_EXPIRES_SEC ? -1 : n;
}

/* --------------------------------------------------------------- migrate */

static int
cmd_migrate(void)
{
	const struct migration	*m;
	const char		*params[1];
	PGresult		*res;
	int			 applied = 0, n;

	if ((res = db_exec_simple(admin_db, stmt_migrations_table)) == NULL)
		admin_die("%s", "cannot create schema_migrations");
	PQclear(res);
	for (m = migrations; m->name != NULL; m++) {
		params[0] = m->name;
		if ((res = db_exec_simple(admin_db, "begin")) == NULL)
			admin_die("%s", "begin failed");
		PQclear(res);
		if (store_rows(admin_db, STMT_MIGRATION_LOCK, NULL, NULL, NULL) == -1 ||
		    (n = store_rows(admin_db, STMT_MIGRATION_APPLIED, params, NULL,
		    NULL)) == -1)
			admin_die("%s", "cannot read schema_migrations");
		if (n == 0) {
			if ((res = db_exec_simple(admin_db, m->sql)) == NULL)
				admin_die("migration %s failed", m->name);
			PQclear(res);
			if (store_write(admin_db, STMT_MIGRATION_RECORD, params) != 1)
				admin_die("cannot record migration %s", m->name);
			applied++;
			if (!admin_json)
				printf("applied %s\n", m->name);
		}
		if ((res = db_exec_simple(admin_db, "commit")) == NULL)
			admin_die("commit of %s failed", m->name);
		PQclear(res);
	}
	if (applied == 0)
		printf("schema up to date\n");
	return 0;
}

/* ------------------------------------------------------------------- org */


static int
org_row(void *arg, const char *const *c, int n)
{
	struct org	*o = arg;

	if (n != 2 || c[0] == NULL || strlen(c[0]) >= sizeof(o->id))
		return -1;
	strcpy(o->id, c[0]);
	o->disabled = c[1] != NULL && c[1][0] == 't';
	return 0;
}

/* The organization named by --org or default_org; dies when absent. */
void
admin_org_lookup(const char *slug, struct org *o)
{
	const char	*params[1];
	int		 n;

	if (slug == NULL || *slug == '\0')
		slug = admin_cfg.default_org;
	if (*slug == '\0')
		admin_usage("--org SLUG is required (or set default_org)");
	params[0] = slug;
	if ((n = store_rows(admin_db, STMT_ORG_GET, params, org_row, o)) == -1)
		admin_die("%s", "database error");
	if (n == 0)
		admin_die("no organization \"%s\"", slug);
}

/* A listing: column names, and the JSON array when --json. */
struct listing {
	const char *const	*names;
	int			 ncols;
	json_t			*arr;
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct listing	*l = arg;
	json_t		*o;
	int		 i;

	if (l->arr != NULL) {
		if ((o = json_object()) == NULL)
			return -1;
		for (i = 0; i < n && i < l->ncols; i++)
			json_object_set_new(o, l->names[i],
			    c[i] ? json_string(c[i]) : json_null());
		return json_array_append_new(l->arr, o);
	}
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "\t" : "", c[i] ? c[i] : "-");
	putchar('\n');
	return 0;
}

/* Print the rows of s as a table or a JSON array of objects. */
void
admin_list(enum stmt s, const char *const *params, const char *const *names,
    int ncols)
{
	struct listing	 l = { names, ncols, NULL };
	int		 i;

	if (admin_json && (l.arr = json_array()) == NULL)
		admin_die("%s", "out of memory");
	for (i = 0; !admin_json && i < ncols; i++)
		printf("%s%s", i ? "\t" : "", names[i]);
	if (!admin_json)
		putchar('\n');
	if (store_rows(admin_db, s, params, list_row, &l) == -1)
		admin_die("%s", "database error");
	if (admin_json)
		admin_print_json(l.arr);
}


static int
first_row(void *arg, const char *const *c, int n)
{
	struct first	*f = arg;

	snprintf(f->a, sizeof(f->a), "%s", n > 0 && c[0] ? c[0] : "");
	snprintf(f->b, sizeof(f->b), "%s", n > 1 && c[1] ? c[1] : "");
	return 0;
}

int
admin_lookup(enum stmt s, const char *const *params, struct first *f)
{
	int	 n;

	memset(f, 0, sizeof(*f));
	if ((n = store_rows(admin_db, s, params, first_row, f)) < 0)
		admin_die("%s", "database error");
	return n;
}

/* Run an INSERT ... RETURNING; dies with what on failure. */
void
admin_insert(enum stmt s, const char *const *params, struct first *f,
    const char *what, const char *dup)
{
	memset(f, 0, sizeof(*f));
	if (store_rows(admin_db, s, params, first_row, f) == 1)
		return;
	if (db_last_unique_violation(admin_db))
		admin_die("%s already exists", dup);
	admin_die("cannot create the %s (see the message above)", what);
}

static int
cmd_org(int argc, char **argv)
{
	static const char *const cols[] = { "id", "slug", "name", "created_at",
	    "disabled_at" };
	struct opts		 o;
	struct first		 f;
	char			 id[4 + APIKEY_ID_LEN + 1];
	const char		*params[3];
	int			 n;

	if (argc < 1)
		admin_usage("org: create, list or disable?");
	if (strcmp(argv[0], "create") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "slug name json ");
		if (o.slug == NULL || o.name == NULL)
			admin_usage("org create needs --slug and --name");
		memcpy(id, "org_", 4);
		if (apikey_new_id(id + 4) == -1)
			admin_die("%s", "no randomness");
		params[0] = id;
		params[1] = o.slug;
		params[2] = o.name;
		admin_insert(STMT_ORG_CREATE, params, &f, "organization (slug: a-z, "
		    "0-9 and -, at most 63)", "the organization");
		if (admin_json)
			admin_print_json(json_pack("{s:s, s:s, s:s, s:s}", "id", id,
			    "slug", o.slug, "name", o.name, "created_at", f.a));
		else
			printf("organization %s created: %s\n", o.slug, id);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "json ");
		admin_list(STMT_ORG_LIST, NULL, cols, 5);
		return 0;
	}
	if (strcmp(argv[0], "disable") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "ARG");
		if (o.arg == NULL)
			admin_usage("org disable SLUG");
		params[0] = o.arg;
		if ((n = store_write(admin_db, STMT_ORG_DISABLE, params)) < 0)
			admin_die("%s", "database error");
		if (n == 0)
			admin_die("no enabled organization \"%s\"", o.arg);
		printf("organization %s disabled: its keys and tokens stop "
		    "working\n", o.arg);
		return 0;
	}
	admin_usage("org: create, list or disable?");
	return 2;
}

/* ------------------------------------------------------------------- key */

static void
key_create(struct opts *o)
{
	static struct scope_set	 ss;
	struct apikey		 k;
	struct org		 org;
	struct first		 f;
	unsigned char		 salt[APIKEY_SALT_BYTES], h[32];
	char			 key[APIKEY_LEN + 1], scopes[SCOPE_MAX_STRING_BYTES];
	char			 salthex[2 * APIKEY_SALT_BYTES + 1], hhex[65];
	char			 secs[32], grants[256];
	const char		*params[9];
	long long		 expires = 0;
	int			 env = APIKEY_ENV_LIVE;

	if (o->name == NULL || o->scopes == NULL)
		admin_usage("key create needs --name and --scopes");
	if (o->env != NULL && (env = apikey_env_parse(o->env)) < 0)
		admin_usage("--env must be live or test");
	if (o->expires != NULL && (expires = parse_duration(o->expires)) < 0)
		admin_usage("--expires-in takes a count and a unit: 90d, 12h, 30m, "
		    "3600s (at most 10 years)");
	if (granttype_format(o->grants ? granttype_parse_list(o->grants) :
	    GT_CLIENT_CREDENTIALS, grants, sizeof(grants)) == -1 || !grants[0])
		admin_usage("--grants: a comma-separated list of client_credentials, "
		    "password, refresh_token, token_exchange");
	if (scope_parse(&ss, o->scopes, strlen(o->scopes)) == -1 ||
	    scope_format(&ss, scopes, sizeof(scopes)) < 0)
		admin_usage("--scopes: space-separated scope tokens (no quotes or "
		    "backslashes, 64 at most)");
	admin_need_secrets();
	admin_org_lookup(o->org, &org);
	if (org.disabled)
		admin_die("%s", "the organization is disabled");

	if (apikey_generate(&k, (enum apikey_env)env, key, sizeof(key)) == -1 ||
	    secret_random(salt, sizeof(salt)) == -1 ||
	    apikey_hash(h, admin_cfg.pepper, admin_cfg.pepperlen, k.id, salt, k.secret) == -1)
		admin_die("%s", "cannot make a key");
	secret_hex(salthex, salt, sizeof(salt));
	secret_hex(hhex, h, sizeof(h));
	snprintf(secs, sizeof(secs), "%lld", expires);
	params[0] = k.id;
	params[1] = org.id;
	params[2] = o->name;
	params[3] = apikey_env_name(k.env);
	params[4] = salthex;
	params[5] = hhex;
	params[6] = scopes;
	params[7] = secs;
	params[8] = grants;
	admin_insert(STMT_KEY_INSERT, params, &f, "key", "a key with this id");
	if (o->rate_sec != NULL || o->rate_min != NULL) {
		params[1] = o->rate_sec ? o->rate_sec : "-1";
		params[2] = o->rate_min ? o->rate_min : "-1";
		if (strspn(params[1], "-0123456789") != strlen(params[1]) ||
		    strspn(params[2], "-0123456789") != strlen(params[2]) ||
		    store_write(admin_db, STMT_KEY_SET_RATE, params) != 1)
			admin_die("%s", "--rate-per-sec/--rate-per-min: a count "
			    "of requests (0: no limit)");
	}
	if (o->trusted_forwarder) {
		params[1] = "true";
		if (store_write(admin_db, STMT_KEY_SET_FORWARDER, params) != 1)
			admin_die("%s", "database error: the key is not marked "
			    "--trusted-forwarder");
	}

	if (admin_json)
		admin_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s,"
		    " s:b}", "id", k.id, "key", key, "name", o->name,
		    "scopes", scopes, "grants", grants, "env",
		    apikey_env_name(k.env), "expires_at", f.b[0] ? f.b : NULL,
		    "org", org.id, "created_at", f.a,
		    "trusted_forwarder", o->trusted_forwarder));
	else
		printf("API key created. It is shown only this once: store it "
		    "now.\n\n  %s\n\nid %s, env %s, scopes \"%s\", expires %s\n",
		    key, k.id, apikey_env_name(k.env), scopes,
		    f.b[0] ? f.b : "never");
	apikey_wipe(&k);
	secret_wipe(key, sizeof(key));
}

/* key roll: an adapter over ops_key_roll (arguments in, output out). */
static void
key_roll(struct opts *o)
{
	struct ops_key_roll	 rq;
	struct ops_key_rolled	 out;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;
	long long		 grace;

	if (o->arg == NULL || o->grace == NULL)
		admin_usage("key roll ID --grace 24h");
	if (strcmp(o->grace, "0") == 0 || strcmp(o->grace, "0s") == 0)
		grace = 0;
	else if ((grace = parse_duration(o->grace)) < 0 ||
	    grace > OPS_ROLL_MAX_GRACE_SEC)
		admin_usage("--grace: 0, or a count and a unit (30m, 24h, 7d), "
		    "at most 30 days");
	admin_need_secrets();
	if (!apikey_id_valid(o->arg, strlen(o->arg)))
		admin_usage("key roll: ID is malformed");
	admin_key_org(o->arg, &org);
	memset(&x, 0, sizeof(x));
	x.db = admin_db;
	x.org = org.id;
	x.pepper = admin_cfg.pepper;
	x.pepperlen = admin_cfg.pepperlen;
	memset(&rq, 0, sizeof(rq));
	rq.id = o->arg;
	rq.grace_sec = grace;
	switch (ops_key_roll(&x, &rq, &out, &field)) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		admin_usage(strcmp(field, "grace") == 0 ? "--grace: at most "
		    "30 days" : "key roll: ID is malformed");
		break;
	case OPS_NOT_FOUND:
		admin_die("no key \"%s\"", o->arg);
		break;
	case OPS_CONFLICT:
		admin_die("key %s cannot be rolled: only the newest key of a "
		    "chain, not revoked or expired, can", o->arg);
		break;
	case OPS_UNAVAILABLE:
		admin_die("%s", "database error: nothing was rolled");
		break;
	case OPS_FAILED:
		admin_die("%s", "cannot make a key: nothing was rolled");
		break;
	}
	if (admin_json)
		admin_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s}",
		    "id", out.id, "key", out.key, "rolled_from", o->arg,
		    "created_at", out.created_at, "expires_at",
		    out.expires_at[0] ? out.expires_at : NULL,
		    "old_key_ends_at", out.old_ends_at, "org", org.id));
	else
		printf("API key rolled. The new key is shown only this once: "
		    "store it now.\n\n  %s\n\nid %s (rolled from %s); the old "
		    "key stops working at %s\n", out.key, out.id, o->arg,
		    out.old_ends_at);
	secret_wipe(out.key, sizeof(out.key));
}

static int
cmd_key(int argc, char **argv)
{
	static const char *const cols[] = { "id", "org", "name", "env",
	    "scopes", "grants", "created_at", "expires_at", "revoked_at",
	    "last_used_at", "trusted_forwarder", "status", "rolled_from",
	    "rolled_to" };
	struct opts		 o;
	struct org		 org;
	const char		*params[1], *params2[2];
	int			 n;

	if (argc < 1)
		admin_usage("key: create, list, revoke, roll, trust or distrust?");
	if (strcmp(argv[0], "create") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o,
		    "name scopes env expires-in org grants rate-per-sec "
		    "rate-per-min trusted-forwarder json ");
		key_create(&o);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "org json ");
		params[0] = "";
		if (o.org != NULL || admin_cfg.default_org[0] != '\0') {
			admin_org_lookup(o.org, &org);
			params[0] = org.id;
		}
		admin_list(STMT_KEY_LIST, params, cols, 14);
		return 0;
	}
	if (strcmp(argv[0], "revoke") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "ARG");
		if (o.arg == NULL)
			admin_usage("key revoke ID");
		params[0] = o.arg;
		if ((n = store_write(admin_db, STMT_KEY_REVOKE, params)) < 0)
			admin_die("%s", "database error");
		if (n == 0)
			admin_die("no active key \"%s\"", o.arg);
		printf("key %s revoked\n", o.arg);
		return 0;
	}
	if (strcmp(argv[0], "roll") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "ARG grace json ");
		key_roll(&o);
		return 0;
	}
	if (strcmp(argv[0], "trust") == 0 || strcmp(argv[0], "distrust") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "ARG");
		if (o.arg == NULL)
			admin_usage("key trust ID | key distrust ID");
		params2[0] = o.arg;
		params2[1] = argv[0][0] == 't' ? "true" : "false";
		if ((n = store_write(admin_db, STMT_KEY_SET_FORWARDER, params2)) < 0)
			admin_die("%s", "database error");
		if (n == 0)
			admin_die("no active key \"%s\"", o.arg);
		printf("key %s %s\n", o.arg, argv[0][0] == 't' ?
		    "may send end_user_ip" : "may not send end_user_ip");
		return 0;
	}
	admin_usage("key: create, list, revoke, roll, trust or distrust?");
	return 2;
}

/* ----------------------------------------------------------- signing-key */

static void
signing_create(struct opts *o)
{
	unsigned char	 priv[JWS_MAX_PRIV_BYTES];
	unsigned char	 sealed[JWS_MAX_PRIV_BYTES + KEK_OVERHEAD];
	char		 sealedhex[2 * sizeof(sealed) + 1];
	char		 kid[JWS_KID_BYTES], aad[128];
	const char	*params[3];
	size_t		 slen = 0;
	int		 alg = JWS_ES256, n;

	if (o->alg != NULL && (alg = jws_alg_parse(o->alg)) < 0)
		admin_usage("--alg must be ES256, RS256 or HS256");
	admin_need_secrets();
	if ((n = jws_generate((enum jws_alg)alg, priv, sizeof(priv))) < 0 ||
	    jws_kid((enum jws_alg)alg, priv, (size_t)n, kid) == -1)
		admin_die("%s", "cannot generate the key");
	snprintf(aad, sizeof(aad), "%s:%s", kid, jws_alg_name(alg));
	if (kek_seal(sealed, sizeof(sealed), &slen, admin_cfg.kek, aad, strlen(aad),
	    priv, (size_t)n) == -1)
		admin_die("%s", "cannot encrypt the key");
	secret_wipe(priv, sizeof(priv));
	secret_hex(sealedhex, sealed, slen);
	params[0] = kid;
	params[1] = jws_alg_name(alg);
	params[2] = sealedhex;
	if ((n = store_write(admin_db, STMT_SIGNING_INSERT, params)) != 1)
		admin_die("%s", n == -2 ? "this key exists already" :
		    "cannot store the key");
	if (admin_json)
		admin_print_json(json_pack("{s:s, s:s}", "kid", kid, "alg",
		    jws_alg_name(alg)));
	else
		printf("signing key %s (%s) created; workers load it within "
		    "their notification delay\n", kid, jws_alg_name(alg));
}

static int
cmd_signing(int argc, char **argv)
{
	static const char *const cols[] = { "kid", "alg", "created_at",
	    "retired_at" };
	struct opts		 o;
	const char		*params[1];
	int			 n;

	if (argc < 1)
		admin_usage("signing-key: create, list or retire?");
	if (strcmp(argv[0], "create") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "alg json ");
		signing_create(&o);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "json ");
		admin_list(STMT_SIGNING_LIST, NULL, cols, 4);
		return 0;
	}
	if (strcmp(argv[0], "retire") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "ARG");
		if (o.arg == NULL)
			admin_usage("signing-key retire KID");
		params[0] = o.arg;
		if ((n = store_write(admin_db, STMT_SIGNING_RETIRE, params)) < 0)
			admin_die("%s", "database error");
		if (n == 0)
			admin_die("no active signing key \"%s\"", o.arg);
		printf("signing key %s retired\n", o.arg);
		return 0;
	}
	admin_usage("signing-key: create, list or retire?");
	return 2;
}

int
main(int argc, char *argv[])
{
	char		 err[CONFIG_ERR_BYTES];
	const char	*file = NULL, *path;
	int		 i = 1, rc;

	log_init("jwtmint-admin");
	/* jansson's copies of a new key are wiped when freed. */
	json_set_alloc_funcs(malloc, secret_free);
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		file = argv[2];
		i = 3;
	}
	if (i >= argc)
		admin_usage(NULL);
	if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[i], "migrate") != 0 && strcmp(argv[i], "org") != 0 &&
	    strcmp(argv[i], "key") != 0 && strcmp(argv[i], "signing-key") != 0 &&
	    strcmp(argv[i], "user") != 0 && strcmp(argv[i], "role") != 0 &&
	    strcmp(argv[i], "revoke") != 0)
		admin_usage("unknown command");
	if ((path = config_find(file, env)) == NULL)
		admin_die("%s", "no configuration file (use -c FILE or JWTMINT_CONFIG)");
	if (config_load(&admin_cfg, path, env, err) == -1)
		admin_die("%s", err);
	if ((admin_db = db_new(&admin_cfg, 0)) == NULL)
		admin_die("%s", "out of memory");

	if (strcmp(argv[i], "migrate") == 0) {
		if (i + 1 != argc)
			admin_usage("migrate takes no arguments");
		rc = cmd_migrate();
	} else if (strcmp(argv[i], "org") == 0)
		rc = cmd_org(argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "key") == 0)
		rc = cmd_key(argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "user") == 0)
		rc = admin_user(argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "role") == 0)
		rc = admin_role(argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "revoke") == 0)
		rc = admin_revoke(argc - i - 1, argv + i + 1);
	else
		rc = cmd_signing(argc - i - 1, argv + i + 1);
	db_free(admin_db);
	config_wipe(&admin_cfg);
	return rc;
}
