/*
 * jwtmint-admin: the operator's command line, on the same configuration and
 * the same statement table as the server. Secrets it creates are printed
 * once and never stored in the clear. Exit 2 with usage on bad arguments,
 * 1 with one message on any other failure.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apikey.h"
#include "config.h"
#include "db.h"
#include "jws.h"
#include "kek.h"
#include "log.h"
#include "migrations.h"
#include "scope.h"
#include "secret.h"
#include "store.h"

#define MAX_EXPIRES_SEC	(10LL * 366 * 86400)

static struct config	 cfg;
static struct db	*db;
static int		 json_out;

static const char usage_text[] =
"usage: jwtmint-admin [-c file] command [options]\n"
"  migrate\n"
"  org create --slug SLUG --name NAME [--json]\n"
"  org list [--json]\n"
"  org disable SLUG\n"
"  key create --name NAME --scopes \"s1 s2\" [--env live|test]\n"
"             [--expires-in 90d|12h|30m|3600s] [--org SLUG] [--json]\n"
"  key list [--org SLUG] [--json]\n"
"  key revoke ID\n"
"  signing-key create [--alg ES256|RS256|HS256] [--json]\n"
"  signing-key list [--json]\n"
"  signing-key retire KID\n";

static void
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "jwtmint-admin: %s\n", why);
	fputs(usage_text, stderr);
	exit(2);
}

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "jwtmint-admin: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	db_free(db);
	config_wipe(&cfg);
	exit(1);
}

static const char *
env(const char *name)
{
	return getenv(name);
}

static void
need_secrets(void)
{
	char	 err[CONFIG_ERR_BYTES];

	if (config_secrets(&cfg, env, err) == -1)
		die("%s", err);
}

/* Options after the command words: --name value pairs and --json. */
struct opts {
	const char	*name, *scopes, *env, *expires, *org, *slug, *alg;
	const char	*arg;		/* the one positional argument */
};

static void
parse_opts(int argc, char **argv, struct opts *o, const char *allowed)
{
	char	 flag[32];
	int	 i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && strstr(allowed, "json")) {
			json_out = 1;
			continue;
		}
		if (strncmp(argv[i], "--", 2) != 0) {
			if (o->arg != NULL || !strstr(allowed, "ARG"))
				usage("unexpected argument");
			o->arg = argv[i];
			continue;
		}
		snprintf(flag, sizeof(flag), "%s ", argv[i] + 2);
		if (strstr(allowed, flag) == NULL || i + 1 >= argc)
			usage("unknown option or missing value");
		if (strcmp(flag, "name ") == 0) o->name = argv[++i];
		else if (strcmp(flag, "scopes ") == 0) o->scopes = argv[++i];
		else if (strcmp(flag, "env ") == 0) o->env = argv[++i];
		else if (strcmp(flag, "expires-in ") == 0) o->expires = argv[++i];
		else if (strcmp(flag, "org ") == 0) o->org = argv[++i];
		else if (strcmp(flag, "slug ") == 0) o->slug = argv[++i];
		else if (strcmp(flag, "alg ") == 0) o->alg = argv[++i];
	}
}

static void
print_json(json_t *o)
{
	char	*s;

	if (o == NULL || (s = json_dumps(o, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL)
		die("%s", "out of memory");
	puts(s);
	free(s);
	json_decref(o);
}

static void
hex(char *out, const unsigned char *in, size_t n)
{
	static const char	 d[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
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

	if ((res = db_exec_simple(db, stmt_migrations_table)) == NULL)
		die("%s", "cannot create schema_migrations");
	PQclear(res);
	for (m = migrations; m->name != NULL; m++) {
		params[0] = m->name;
		if ((res = db_exec_simple(db, "begin")) == NULL)
			die("%s", "begin failed");
		PQclear(res);
		if (store_rows(db, STMT_MIGRATION_LOCK, NULL, NULL, NULL) == -1 ||
		    (n = store_rows(db, STMT_MIGRATION_APPLIED, params, NULL,
		    NULL)) == -1)
			die("%s", "cannot read schema_migrations");
		if (n == 0) {
			if ((res = db_exec_simple(db, m->sql)) == NULL)
				die("migration %s failed", m->name);
			PQclear(res);
			if (store_write(db, STMT_MIGRATION_RECORD, params) != 1)
				die("cannot record migration %s", m->name);
			applied++;
			if (!json_out)
				printf("applied %s\n", m->name);
		}
		if ((res = db_exec_simple(db, "commit")) == NULL)
			die("commit of %s failed", m->name);
		PQclear(res);
	}
	if (applied == 0)
		printf("schema up to date\n");
	return 0;
}

/* ------------------------------------------------------------------- org */

struct org {
	char	 id[STORE_ORG_ID_BYTES];
	int	 disabled;
};

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
static void
org_lookup(const char *slug, struct org *o)
{
	const char	*params[1];
	int		 n;

	if (slug == NULL || *slug == '\0')
		slug = cfg.default_org;
	if (*slug == '\0')
		usage("--org SLUG is required (or set default_org)");
	params[0] = slug;
	if ((n = store_rows(db, STMT_ORG_GET, params, org_row, o)) == -1)
		die("%s", "database error");
	if (n == 0)
		die("no organization \"%s\"", slug);
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
static void
list(enum stmt s, const char *const *params, const char *const *names,
    int ncols)
{
	struct listing	 l = { names, ncols, NULL };
	int		 i;

	if (json_out && (l.arr = json_array()) == NULL)
		die("%s", "out of memory");
	for (i = 0; !json_out && i < ncols; i++)
		printf("%s%s", i ? "\t" : "", names[i]);
	if (!json_out)
		putchar('\n');
	if (store_rows(db, s, params, list_row, &l) == -1)
		die("%s", "database error");
	if (json_out)
		print_json(l.arr);
}

/* The first column of the first row (RETURNING values). */
struct first {
	char	 a[64], b[64];
};

static int
first_row(void *arg, const char *const *c, int n)
{
	struct first	*f = arg;

	snprintf(f->a, sizeof(f->a), "%s", n > 0 && c[0] ? c[0] : "");
	snprintf(f->b, sizeof(f->b), "%s", n > 1 && c[1] ? c[1] : "");
	return 0;
}

/* Run an INSERT ... RETURNING; dies with what on failure. */
static void
insert(enum stmt s, const char *const *params, struct first *f,
    const char *what, const char *dup)
{
	memset(f, 0, sizeof(*f));
	if (store_rows(db, s, params, first_row, f) == 1)
		return;
	if (db_last_unique_violation(db))
		die("%s already exists", dup);
	die("cannot create the %s (see the message above)", what);
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
		usage("org: create, list or disable?");
	if (strcmp(argv[0], "create") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "slug name json");
		if (o.slug == NULL || o.name == NULL)
			usage("org create needs --slug and --name");
		memcpy(id, "org_", 4);
		if (apikey_new_id(id + 4) == -1)
			die("%s", "no randomness");
		params[0] = id;
		params[1] = o.slug;
		params[2] = o.name;
		insert(STMT_ORG_CREATE, params, &f, "organization (slug: a-z, "
		    "0-9 and -, at most 63)", "the organization");
		if (json_out)
			print_json(json_pack("{s:s, s:s, s:s, s:s}", "id", id,
			    "slug", o.slug, "name", o.name, "created_at", f.a));
		else
			printf("organization %s created: %s\n", o.slug, id);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "json");
		list(STMT_ORG_LIST, NULL, cols, 5);
		return 0;
	}
	if (strcmp(argv[0], "disable") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "ARG");
		if (o.arg == NULL)
			usage("org disable SLUG");
		params[0] = o.arg;
		if ((n = store_write(db, STMT_ORG_DISABLE, params)) < 0)
			die("%s", "database error");
		if (n == 0)
			die("no enabled organization \"%s\"", o.arg);
		printf("organization %s disabled: its keys and tokens stop "
		    "working\n", o.arg);
		return 0;
	}
	usage("org: create, list or disable?");
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
	char			 secs[32];
	const char		*params[8];
	long long		 expires = 0;
	int			 env = APIKEY_ENV_LIVE;

	if (o->name == NULL || o->scopes == NULL)
		usage("key create needs --name and --scopes");
	if (o->env != NULL && (env = apikey_env_parse(o->env)) < 0)
		usage("--env must be live or test");
	if (o->expires != NULL && (expires = parse_duration(o->expires)) < 0)
		usage("--expires-in takes a count and a unit: 90d, 12h, 30m, "
		    "3600s (at most 10 years)");
	if (scope_parse(&ss, o->scopes, strlen(o->scopes)) == -1 ||
	    scope_format(&ss, scopes, sizeof(scopes)) < 0)
		usage("--scopes: space-separated scope tokens (no quotes or "
		    "backslashes, 64 at most)");
	need_secrets();
	org_lookup(o->org, &org);
	if (org.disabled)
		die("%s", "the organization is disabled");

	if (apikey_generate(&k, (enum apikey_env)env, key, sizeof(key)) == -1 ||
	    secret_random(salt, sizeof(salt)) == -1 ||
	    apikey_hash(h, cfg.pepper, cfg.pepperlen, k.id, salt, k.secret) == -1)
		die("%s", "cannot make a key");
	hex(salthex, salt, sizeof(salt));
	hex(hhex, h, sizeof(h));
	snprintf(secs, sizeof(secs), "%lld", expires);
	params[0] = k.id;
	params[1] = org.id;
	params[2] = o->name;
	params[3] = apikey_env_name(k.env);
	params[4] = salthex;
	params[5] = hhex;
	params[6] = scopes;
	params[7] = secs;
	insert(STMT_KEY_INSERT, params, &f, "key", "a key with this id");

	if (json_out)
		print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s}",
		    "id", k.id, "key", key, "name", o->name, "scopes", scopes,
		    "env", apikey_env_name(k.env),
		    "expires_at", f.b[0] ? f.b : NULL,
		    "org", org.id, "created_at", f.a));
	else
		printf("API key created. It is shown only this once: store it "
		    "now.\n\n  %s\n\nid %s, env %s, scopes \"%s\", expires %s\n",
		    key, k.id, apikey_env_name(k.env), scopes,
		    f.b[0] ? f.b : "never");
	apikey_wipe(&k);
	secret_wipe(key, sizeof(key));
}

static int
cmd_key(int argc, char **argv)
{
	static const char *const cols[] = { "id", "org", "name", "env",
	    "scopes", "created_at", "expires_at", "revoked_at", "last_used_at" };
	struct opts		 o;
	struct org		 org;
	const char		*params[1];
	int			 n;

	if (argc < 1)
		usage("key: create, list or revoke?");
	if (strcmp(argv[0], "create") == 0) {
		parse_opts(argc - 1, argv + 1, &o,
		    "name scopes env expires-in org json");
		key_create(&o);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "org json");
		params[0] = "";
		if (o.org != NULL || cfg.default_org[0] != '\0') {
			org_lookup(o.org, &org);
			params[0] = org.id;
		}
		list(STMT_KEY_LIST, params, cols, 9);
		return 0;
	}
	if (strcmp(argv[0], "revoke") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "ARG");
		if (o.arg == NULL)
			usage("key revoke ID");
		params[0] = o.arg;
		if ((n = store_write(db, STMT_KEY_REVOKE, params)) < 0)
			die("%s", "database error");
		if (n == 0)
			die("no active key \"%s\"", o.arg);
		printf("key %s revoked\n", o.arg);
		return 0;
	}
	usage("key: create, list or revoke?");
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
		usage("--alg must be ES256, RS256 or HS256");
	need_secrets();
	if ((n = jws_generate((enum jws_alg)alg, priv, sizeof(priv))) < 0 ||
	    jws_kid((enum jws_alg)alg, priv, (size_t)n, kid) == -1)
		die("%s", "cannot generate the key");
	snprintf(aad, sizeof(aad), "%s:%s", kid, jws_alg_name(alg));
	if (kek_seal(sealed, sizeof(sealed), &slen, cfg.kek, aad, strlen(aad),
	    priv, (size_t)n) == -1)
		die("%s", "cannot encrypt the key");
	secret_wipe(priv, sizeof(priv));
	hex(sealedhex, sealed, slen);
	params[0] = kid;
	params[1] = jws_alg_name(alg);
	params[2] = sealedhex;
	if ((n = store_write(db, STMT_SIGNING_INSERT, params)) != 1)
		die("%s", n == -2 ? "this key exists already" :
		    "cannot store the key");
	if (json_out)
		print_json(json_pack("{s:s, s:s}", "kid", kid, "alg",
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
		usage("signing-key: create, list or retire?");
	if (strcmp(argv[0], "create") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "alg json");
		signing_create(&o);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "json");
		list(STMT_SIGNING_LIST, NULL, cols, 4);
		return 0;
	}
	if (strcmp(argv[0], "retire") == 0) {
		parse_opts(argc - 1, argv + 1, &o, "ARG");
		if (o.arg == NULL)
			usage("signing-key retire KID");
		params[0] = o.arg;
		if ((n = store_write(db, STMT_SIGNING_RETIRE, params)) < 0)
			die("%s", "database error");
		if (n == 0)
			die("no active signing key \"%s\"", o.arg);
		printf("signing key %s retired\n", o.arg);
		return 0;
	}
	usage("signing-key: create, list or retire?");
	return 2;
}

int
main(int argc, char *argv[])
{
	char		 err[CONFIG_ERR_BYTES];
	const char	*file = NULL, *path;
	int		 i = 1, rc;

	log_init("jwtmint-admin");
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		file = argv[2];
		i = 3;
	}
	if (i >= argc)
		usage(NULL);
	if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[i], "migrate") != 0 && strcmp(argv[i], "org") != 0 &&
	    strcmp(argv[i], "key") != 0 && strcmp(argv[i], "signing-key") != 0)
		usage("unknown command");
	if ((path = config_find(file, env)) == NULL)
		die("%s", "no configuration file (use -c FILE or JWTMINT_CONFIG)");
	if (config_load(&cfg, path, env, err) == -1)
		die("%s", err);
	if ((db = db_new(&cfg, 0)) == NULL)
		die("%s", "out of memory");

	if (strcmp(argv[i], "migrate") == 0) {
		if (i + 1 != argc)
			usage("migrate takes no arguments");
		rc = cmd_migrate();
	} else if (strcmp(argv[i], "org") == 0)
		rc = cmd_org(argc - i - 1, argv + i + 1);
	else if (strcmp(argv[i], "key") == 0)
		rc = cmd_key(argc - i - 1, argv + i + 1);
	else
		rc = cmd_signing(argc - i - 1, argv + i + 1);
	db_free(db);
	config_wipe(&cfg);
	return rc;
}
