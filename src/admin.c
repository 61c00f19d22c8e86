/*
 * jwtmint-admin: the operator's command line, on the same configuration and
 * the same statement table as the server. This file holds main, the option
 * parser, the table of nouns, the usage assembled from their rows and the
 * helpers every command file shares (admin.h). Secrets the commands create
 * are printed once and never stored in the clear. Exit 2 with admin_usage
 * on bad arguments, 1 with one message on any other failure.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "claims.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "secret.h"
#include "secretcheck.h"
#include "store.h"
#include "admin.h"

#define MAX_EXPIRES_SEC		(10LL * 366 * 86400)
#define ADMIN_MAX_OPTS		32	/* options on one command line */
#define ADMIN_NAME_BYTES	32	/* an option's name */
#define ACTOR_PART_BYTES	64	/* of the user and of the host */

/* The nouns, in the order of the usage. Add one line per noun file. */
static const struct admin_cmd *(*const nouns[])(void) = {
	admin_migrate_cmds,
	admin_org_cmds,
	admin_key_cmds,
	admin_signing_cmds,
	admin_rotate_cmds,
	admin_role_cmds,
	admin_user_cmds,
	admin_revoke_cmds,
	admin_audit_cmds,
	admin_app_cmds,
	admin_login_cmds,
	admin_usage_cmds,
};
#define NNOUNS	(sizeof(nouns) / sizeof(nouns[0]))

struct opts {
	struct {
		const char	*name;	/* as allowed, without '!' */
		const char	*value;	/* NULL for a flag */
	}		 v[ADMIN_MAX_OPTS];
	size_t		 n;
	const char	*arg;
};

static void
print_usage(FILE *f)
{
	const struct admin_cmd	*c;
	size_t			 i;

	fputs("usage: jwtmint-admin [-c file] command [options]\n"
	    "       jwtmint-admin help [--commands]\n", f);
	for (i = 0; i < NNOUNS; i++)
		for (c = nouns[i](); c->noun != NULL; c++)
			if (c->usage != NULL)
				fputs(c->usage, f);
}

/*
 * help --commands: every command, "noun verb" (or "noun") per line, from the
 * table the dispatcher uses (tests/integration/test_install.py holds
 * jwtmint-admin(8) against it).
 */
static int
print_commands(void)
{
	const struct admin_cmd	*c;
	size_t			 i;

	for (i = 0; i < NNOUNS; i++)
		for (c = nouns[i](); c->noun != NULL; c++)
			printf("%s%s%s\n", c->noun, c->verb ? " " : "",
			    c->verb ? c->verb : "");
	return fflush(stdout) == 0 ? 0 : 1;
}

void
admin_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "jwtmint-admin: %s\n", why);
	print_usage(stderr);
	exit(2);
}

/* "org: create, list, disable or enable?" */
/* The verbs of noun, from every file that has rows of it. */
static void
verb_usage(const char *noun)
{
	const struct admin_cmd	*c;
	char			 why[256];
	size_t			 n = 0, k = 0, len, i;

	for (i = 0; i < NNOUNS; i++)
		for (c = nouns[i](); c->noun != NULL; c++)
			if (strcmp(c->noun, noun) == 0 && c->verb != NULL)
				n++;
	len = (size_t)snprintf(why, sizeof(why), "%s:", noun);
	for (i = 0; i < NNOUNS; i++)
		for (c = nouns[i](); c->noun != NULL && len < sizeof(why);
		    c++) {
			if (strcmp(c->noun, noun) != 0 || c->verb == NULL)
				continue;
			k++;
			len += (size_t)snprintf(why + len, sizeof(why) - len,
			    "%s%s", k == 1 ? " " : k == n ? " or " : ", ",
			    c->verb);
		}
	if (len < sizeof(why))
		snprintf(why + len, sizeof(why) - len, "?");
	admin_usage(why);
}

void
admin_die(struct admin *a, const char *fmt, const char *arg)
{
	fprintf(stderr, "jwtmint-admin: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	if (a != NULL) {
		db_free(a->db);
		config_wipe(&a->cfg);
	}
	exit(1);
}

static const char *
env(const char *name)
{
	return getenv(name);
}

void
admin_need_secrets(struct admin *a)
{
	char	 err[CONFIG_ERR_BYTES], msg[SECRETCHECK_MSG_BYTES];

	if (config_secrets(&a->cfg, env, err) == -1)
		admin_die(a, "%s", err);
	/* Secrets that are not the database's would seal keys or hash API
	 * keys no host could use: stop before (src/secretcheck.h). */
	switch (secretcheck_verify(a->db, &a->cfg, msg, sizeof(msg))) {
	case -1:
		admin_die(a, "%s", "database error: the key-encryption key and "
		    "pepper cannot be checked (is the schema migrated?)");
		break;
	case 0:
		admin_die(a, "%s", msg);
		break;
	}
}

void
admin_ops_ctx(struct admin *a, const char *org_id, struct ops_ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->db = a->db;
	x->org = org_id;
	x->actor = a->actor;
	x->source = "";
	x->deny_sec = claims_deny_sec(a->cfg.verify_leeway_sec);
	x->pepper = a->cfg.pepper;
	x->pepperlen = a->cfg.pepperlen;
	x->apps_max = a->cfg.apps_per_org_max;
}

/* ------------------------------------------------------------ options */

/* 1 when name is allowed in the space-separated list; *flag says whether
 * it is a flag ("name!", or "json": 1) or may be given more than once
 * ("name+": 2, every value kept, admin_opt_all). */
static int
allowed(const char *list, const char *name, int *flag)
{
	const char	*p = list;
	size_t		 len = strlen(name), w;

	while (*p != '\0') {
		p += strspn(p, " ");
		w = strcspn(p, " ");
		if (w == len + 1 && (p[len] == '!' || p[len] == '+') &&
		    strncmp(p, name, len) == 0) {
			*flag = p[len] == '!' ? 1 : 2;
			return 1;
		}
		if (w == len && strncmp(p, name, len) == 0) {
			*flag = strcmp(name, "json") == 0;
			return 1;
		}
		p += w;
	}
	return 0;
}

static void
parse_opts(int argc, char **argv, struct opts *o, const char *list)
{
	char	 name[ADMIN_NAME_BYTES];
	size_t	 k;
	int	 i, flag;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			if (o->arg != NULL || !allowed(list, "ARG", &flag))
				admin_usage("unexpected argument");
			o->arg = argv[i];
			continue;
		}
		if (strlen(argv[i] + 2) >= sizeof(name) ||
		    strchr(argv[i], '!') != NULL || strchr(argv[i], '+') != NULL ||
		    strcmp(argv[i], "--ARG") == 0 ||
		    !allowed(list, argv[i] + 2, &flag))
			admin_usage("unknown option");
		snprintf(name, sizeof(name), "%s", argv[i] + 2);
		if (flag != 1 && i + 1 >= argc)
			admin_usage("unknown option or missing value");
		/* Given again: the last one counts (a repeatable one: all). */
		for (k = 0; k < o->n && flag != 2; k++)
			if (strcmp(o->v[k].name, argv[i] + 2) == 0)
				break;
		if (flag == 2)
			k = o->n;
		if (k == o->n) {
			if (o->n == ADMIN_MAX_OPTS)
				admin_usage("too many options");
			o->n++;
		}
		o->v[k].name = argv[i] + 2;
		o->v[k].value = flag == 1 ? NULL : argv[++i];
	}
}

const char *
admin_opt(const struct opts *o, const char *name)
{
	size_t	 k;

	for (k = 0; k < o->n; k++)
		if (strcmp(o->v[k].name, name) == 0)
			return o->v[k].value;
	return NULL;
}

size_t
admin_opt_all(const struct opts *o, const char *name, const char **out,
    size_t max)
{
	size_t	 k, n = 0;

	for (k = 0; k < o->n; k++)
		if (strcmp(o->v[k].name, name) == 0 && o->v[k].value != NULL) {
			if (n == max)
				admin_usage("an option given too many times");
			out[n++] = o->v[k].value;
		}
	return n;
}

int
admin_flag(const struct opts *o, const char *name)
{
	size_t	 k;

	for (k = 0; k < o->n; k++)
		if (strcmp(o->v[k].name, name) == 0)
			return 1;
	return 0;
}

const char *
admin_arg(const struct opts *o)
{
	return o->arg;
}

/* ------------------------------------------------------------- output */

void
admin_print_json(struct admin *a, json_t *o)
{
	char	*s;

	if (o == NULL || (s = json_dumps(o, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL)
		admin_die(a, "%s", "out of memory");
	puts(s);
	secret_free(s);		/* may hold a new key */
	json_decref(o);
}

long long
admin_duration(const char *s)
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

void
admin_org_lookup(struct admin *a, const char *slug, struct org *o)
{
	const char	*params[1];
	int		 n;

	if (slug == NULL || *slug == '\0')
		slug = a->cfg.default_org;
	if (*slug == '\0')
		admin_usage("--org SLUG is required (or set default_org)");
	params[0] = slug;
	if ((n = store_rows(a->db, STMT_ORG_GET, params, org_row, o)) == -1)
		admin_die(a, "%s", "database error");
	if (n == 0)
		admin_die(a, "no organization \"%s\"", slug);
}

void
admin_key_org(struct admin *a, const char *id, struct org *o)
{
	const char	*params[1] = { id };
	struct first	 f;

	if (admin_lookup(a, STMT_KEY_GET_ORG, params, &f) == 0)
		admin_die(a, "no key %s", id);
	snprintf(o->id, sizeof(o->id), "%s", f.a);
	o->disabled = 0;
}

void
admin_table_begin(struct admin *a, struct admin_table *t,
    const char *const *names, int ncols)
{
	int	 i;

	t->names = names;
	t->ncols = ncols;
	t->arr = NULL;
	if (a->json) {
		if ((t->arr = json_array()) == NULL)
			admin_die(a, "%s", "out of memory");
		return;
	}
	for (i = 0; i < ncols; i++)
		printf("%s%s", i ? "\t" : "", names[i]);
	putchar('\n');
}

/* 0, or -1 out of memory. */
static int
table_row(struct admin_table *t, const char *const *c, int n)
{
	json_t	*o;
	int	 i;

	if (t->arr != NULL) {
		if ((o = json_object()) == NULL)
			return -1;
		for (i = 0; i < n && i < t->ncols; i++)
			json_object_set_new(o, t->names[i],
			    c[i] ? json_string(c[i]) : json_null());
		return json_array_append_new(t->arr, o);
	}
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "\t" : "", c[i] ? c[i] : "-");
	putchar('\n');
	return 0;
}

void
admin_table_row(struct admin *a, struct admin_table *t, const char *const *vals)
{
	if (table_row(t, vals, t->ncols) == -1)
		admin_die(a, "%s", "out of memory");
}

void
admin_table_end(struct admin *a, struct admin_table *t)
{
	if (t->arr != NULL)
		admin_print_json(a, t->arr);
	t->arr = NULL;
}

static int
list_row(void *arg, const char *const *c, int n)
{
	return table_row(arg, c, n);
}

void
admin_list(struct admin *a, enum stmt s, const char *const *params,
    const char *const *names, int ncols)
{
	struct admin_table	 t;

	admin_table_begin(a, &t, names, ncols);
	if (store_rows(a->db, s, params, list_row, &t) == -1)
		admin_die(a, "%s", "database error");
	admin_table_end(a, &t);
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
admin_lookup(struct admin *a, enum stmt s, const char *const *params,
    struct first *f)
{
	int	 n;

	memset(f, 0, sizeof(*f));
	if ((n = store_rows(a->db, s, params, first_row, f)) < 0)
		admin_die(a, "%s", "database error");
	return n;
}

void
admin_insert(struct admin *a, enum stmt s, const char *const *params,
    struct first *f, const char *what, const char *dup)
{
	memset(f, 0, sizeof(*f));
	if (store_rows(a->db, s, params, first_row, f) == 1)
		return;
	if (db_last_unique_violation(a->db))
		admin_die(a, "%s already exists", dup);
	admin_die(a, "cannot create the %s (see the message above)", what);
}

/* --------------------------------------------------------------- main */

/* Letters, digits and ._- of s, at most sz - 1 of them; others as '_'. */
static void
actor_part(char *dst, size_t sz, const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i + 1 < sz; i++)
		dst[i] = isalnum((unsigned char)s[i]) || strchr("._-", s[i]) ?
		    s[i] : '_';
	dst[i] = '\0';
	if (i == 0)
		snprintf(dst, sz, "?");
}

/* "cli:<os user>@<host>", bounded (OPS_ACTOR_BYTES). */
static void
actor_init(struct admin *a)
{
	struct passwd	*pw;
	char		 host[256], user[ACTOR_PART_BYTES], h[ACTOR_PART_BYTES];
	char		 uid[24];

	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name != NULL)
		actor_part(user, sizeof(user), pw->pw_name);
	else {
		snprintf(uid, sizeof(uid), "%lu", (unsigned long)geteuid());
		actor_part(user, sizeof(user), uid);
	}
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	actor_part(h, sizeof(h), host);
	snprintf(a->actor, sizeof(a->actor), "cli:%s@%s", user, h);
}

/* The row of noun (and verb, when the noun has verbs); usage when none. */
static const struct admin_cmd *
find(const char *noun, const char *verb, int *took_verb)
{
	const struct admin_cmd	*c, *rows;
	size_t			 i;

	/* A noun's verbs may come from several files (signing-key rotate
	 * is admin_rotate.c's): every file is searched before the usage. */
	for (i = 0; i < NNOUNS; i++) {
		rows = nouns[i]();
		for (c = rows; c->noun != NULL; c++) {
			if (strcmp(c->noun, noun) != 0)
				continue;
			if (c->verb == NULL) {
				*took_verb = 0;
				return c;
			}
			if (verb != NULL && strcmp(c->verb, verb) == 0) {
				*took_verb = 1;
				return c;
			}
		}
	}
	for (i = 0; i < NNOUNS; i++)
		for (c = nouns[i](); c->noun != NULL; c++)
			if (strcmp(c->noun, noun) == 0)
				verb_usage(noun);
	admin_usage("unknown command");
}

int
main(int argc, char *argv[])
{
	struct admin		 a;	/* holds the secrets: wiped at exit */
	const struct admin_cmd	*c;
	struct opts		 o;
	char			 err[CONFIG_ERR_BYTES];
	const char		*file = NULL, *path;
	int			 i = 1, took, rc;

	memset(&a, 0, sizeof(a));
	log_init("jwtmint-admin");
	/* jansson's copies of a new key are wiped when freed. */
	json_set_alloc_funcs(malloc, secret_free);
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		file = argv[2];
		i = 3;
	}
	if (i >= argc)
		admin_usage(NULL);
	if (strcmp(argv[i], "help") == 0 && i + 2 == argc &&
	    strcmp(argv[i + 1], "--commands") == 0)
		return print_commands();
	if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ||
	    (strcmp(argv[i], "help") == 0 && i + 1 == argc)) {
		print_usage(stdout);
		return 0;
	}
	c = find(argv[i], i + 1 < argc ? argv[i + 1] : NULL, &took);
	i += 1 + took;
	parse_opts(argc - i, argv + i, &o, c->opts);
	a.json = admin_flag(&o, "json");
	actor_init(&a);

	if ((path = config_find(file, env)) == NULL)
		admin_die(&a, "no configuration file: no %s (use -c FILE "
		    "or JWTMINT_CONFIG)", config_system_path());
	if (config_load(&a.cfg, path, env, err) == -1 ||
	    config_db_password(&a.cfg, env, err) == -1)
		admin_die(&a, "%s", err);
	if ((a.db = db_new(&a.cfg, 0)) == NULL)
		admin_die(&a, "%s", "out of memory");
	rc = c->fn(&a, &o);
	db_free(a.db);
	config_wipe(&a.cfg);
	return rc;
}
