/*
 * admin_user: jwtmint-admin's user, role and revoke commands. Passwords are
 * read from stdin (never argv, which other local users can see), hashed
 * with Argon2id and wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "apikey.h"
#include "claims.h"
#include "config.h"
#include "ops_revoke.h"
#include "password.h"
#include "scope.h"
#include "secret.h"
#include "store_user.h"
#include "username.h"


/* Read one line of stdin as the password. */
static void
read_password(char *pw, size_t pwsz)
{
	size_t	 n;

	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (fgets(pw, (int)pwsz, stdin) == NULL)
		admin_die("%s", "no password on standard input");
	n = strcspn(pw, "\r\n");
	if (pw[n] == '\0' && n == pwsz - 1)
		admin_die("password longer than %s bytes", "1024");
	pw[n] = '\0';
	if (n < PASSWORD_MIN_BYTES)
		admin_die("password shorter than %s bytes", "8");
}

static void
hash_password(char *phc)
{
	struct password_params	 p;
	char			 pw[PASSWORD_MAX_BYTES + 2];

	read_password(pw, sizeof(pw));
	p.m_kib = (uint32_t)admin_cfg.argon2_m_kib;
	p.t = (uint32_t)admin_cfg.argon2_t;
	p.p = (uint32_t)admin_cfg.argon2_p;
	if (password_hash(&p, pw, strlen(pw), phc) == -1)
		admin_die("%s", "cannot hash the password");
	secret_wipe(pw, sizeof(pw));
}

/* A canonical scope list, or usage on a bad one. */
static void
canonical_scopes(const char *in, char *out, size_t outsz)
{
	static struct scope_set	 ss;

	if (scope_parse(&ss, in ? in : "", in ? strlen(in) : 0) == -1 ||
	    scope_format(&ss, out, outsz) < 0)
		admin_usage("--scopes: space-separated scope tokens");
}

static void
user_create(struct opts *o)
{
	struct org	 org;
	struct first	 f;
	char		 uname[USERNAME_MAX_BYTES + 1], id[4 + APIKEY_ID_LEN + 1];
	char		 scopes[SCOPE_MAX_STRING_BYTES], phc[PASSWORD_HASH_BYTES];
	char		 accounts[STORE_ACCOUNTS_BYTES];
	const char	*params[7];

	if (o->username == NULL || o->role == NULL)
		admin_usage("user create needs --username and --role");
	if (username_normalize(o->username, strlen(o->username), uname) == -1)
		admin_usage("--username: 1-64 of a-z 0-9 . _ @ + - (letters are "
		    "folded to lower case), starting with a letter or digit");
	canonical_scopes(o->scopes, scopes, sizeof(scopes));
	/* Accounts are scope-like tokens: reuse the same rules. */
	canonical_scopes(o->accounts, accounts, sizeof(accounts));
	admin_org_lookup(o->org, &org);
	hash_password(phc);
	memcpy(id, "usr_", 4);
	if (apikey_new_id(id + 4) == -1)
		admin_die("%s", "no randomness");
	params[0] = id;
	params[1] = org.id;
	params[2] = uname;
	params[3] = phc;
	params[4] = o->role;
	params[5] = scopes;
	params[6] = accounts;
	admin_insert(STMT_USER_CREATE, params, &f, "user (does the role exist?)",
	    "a user with this username");
	if (admin_json)
		admin_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", id, "username", uname, "role", o->role, "scopes",
		    scopes, "accounts", accounts, "org", org.id, "created_at", f.a));
	else
		printf("user %s created: %s\n", uname, id);
}

/* passwd, disable, enable: one statement on (org, username). */
static int
user_update(enum stmt s, struct opts *o, const char *done)
{
	struct org	 org;
	char		 uname[USERNAME_MAX_BYTES + 1], phc[PASSWORD_HASH_BYTES];
	const char	*params[3];
	int		 n;

	if (o->arg == NULL ||
	    username_normalize(o->arg, strlen(o->arg), uname) == -1)
		admin_usage("which user?");
	admin_org_lookup(o->org, &org);
	params[0] = org.id;
	params[1] = uname;
	if (s == STMT_USER_PASSWD) {
		hash_password(phc);
		params[2] = phc;
	}
	if ((n = store_write(admin_db, s, params)) < 0)
		admin_die("%s", "database error");
	if (n == 0)
		admin_die("no such user (or nothing to change): %s", uname);
	printf("user %s %s\n", uname, done);
	return 0;
}

int
admin_user(int argc, char **argv)
{
	static const char *const cols[] = { "id", "username", "role", "scopes",
	    "accounts", "created_at", "disabled_at" };
	struct opts		 o;
	struct org		 org;
	const char		*params[1];

	if (argc < 1)
		admin_usage("user: create, passwd, disable, enable or list?");
	if (strcmp(argv[0], "create") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o,
		    "username role scopes accounts org json");
		user_create(&o);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "org json");
		admin_org_lookup(o.org, &org);
		params[0] = org.id;
		admin_list(STMT_USER_LIST, params, cols, 7);
		return 0;
	}
	admin_parse_opts(argc - 1, argv + 1, &o, "ARG org");
	if (strcmp(argv[0], "passwd") == 0)
		return user_update(STMT_USER_PASSWD, &o, "has a new password");
	if (strcmp(argv[0], "disable") == 0)
		return user_update(STMT_USER_DISABLE, &o, "disabled: every token "
		    "of it stops working");
	if (strcmp(argv[0], "enable") == 0)
		return user_update(STMT_USER_ENABLE, &o, "enabled");
	admin_usage("user: create, passwd, disable, enable or list?");
}

int
admin_role(int argc, char **argv)
{
	static const char *const cols[] = { "name", "scopes", "all_accounts",
	    "read_only" };
	struct opts		 o;
	struct org		 org;
	struct first		 f;
	char			 scopes[SCOPE_MAX_STRING_BYTES];
	const char		*params[5];

	if (argc < 1)
		admin_usage("role: create or list?");
	if (strcmp(argv[0], "create") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o,
		    "ARG scopes all-accounts read-only org json");
		if (o.arg == NULL || o.scopes == NULL)
			admin_usage("role create NAME --scopes \"...\"");
		canonical_scopes(o.scopes, scopes, sizeof(scopes));
		admin_org_lookup(o.org, &org);
		params[0] = org.id;
		params[1] = o.arg;
		params[2] = scopes;
		params[3] = o.all_accounts ? "true" : "false";
		params[4] = o.read_only ? "true" : "false";
		admin_insert(STMT_ROLE_CREATE, params, &f, "role (name: a-z 0-9 "
		    "_ -)", "a role with this name");
		if (admin_json)
			admin_print_json(json_pack("{s:s, s:s, s:b, s:b}", "name",
			    o.arg, "scopes", scopes, "all_accounts",
			    o.all_accounts, "read_only", o.read_only));
		else
			printf("role %s created\n", o.arg);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		admin_parse_opts(argc - 1, argv + 1, &o, "org json");
		admin_org_lookup(o.org, &org);
		params[0] = org.id;
		admin_list(STMT_ROLE_LIST, params, cols, 4);
		return 0;
	}
	admin_usage("role: create or list?");
}

void
admin_key_org(const char *id, struct org *o)
{
	const char	*params[1] = { id };
	struct first	 f;

	if (admin_lookup(STMT_KEY_GET_ORG, params, &f) == 0)
		admin_die("no key %s", id);
	snprintf(o->id, sizeof(o->id), "%s", f.a);
}

int
admin_revoke(int argc, char **argv)
{
	struct opts	 o;
	struct org	 org;
	struct ops_ctx	 x;
	struct ops_revoke rq;
	const char	*what, *field;

	admin_parse_opts(argc, argv, &o, "jti user key org");
	rq.jti = o.jti;
	rq.user = o.user;
	rq.key = o.key;
	/* A key names its organization; a jti or a user is of --org's. */
	if (o.key != NULL && (o.jti != NULL) + (o.user != NULL) == 0 &&
	    apikey_id_valid(o.key, strlen(o.key)))
		admin_key_org(o.key, &org);
	else
		admin_org_lookup(o.org, &org);
	memset(&x, 0, sizeof(x));
	x.db = admin_db;
	x.org = org.id;
	x.deny_sec = CLAIMS_MAX_TTL_SEC + admin_cfg.verify_leeway_sec;
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
		admin_die("%s", "nothing to revoke (unknown or already revoked)");
		break;
	case OPS_UNAVAILABLE:
		/* Never "nothing to revoke": the database failed. */
		admin_die("%s", "database error: nothing was revoked");
		break;
	case OPS_CONFLICT:
	case OPS_FAILED:
		admin_die("%s", "revocation failed: nothing was revoked");
		break;
	}
	printf("revoked\n");
	return 0;
}
