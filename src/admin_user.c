/*
 * admin_user: jwtmint-admin user (create, passwd, disable, enable, list).
 * Passwords are read from stdin (never argv, which other local users can
 * see), hashed with Argon2id and wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apikey.h"
#include "password.h"
#include "scope.h"
#include "secret.h"
#include "store_user.h"
#include "username.h"
#include "admin.h"

/* Read one line of stdin as the password. */
static void
read_password(struct admin *a, char *pw, size_t pwsz)
{
	size_t	 n;

	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (fgets(pw, (int)pwsz, stdin) == NULL)
		admin_die(a, "%s", "no password on standard input");
	n = strcspn(pw, "\r\n");
	if (pw[n] == '\0' && n == pwsz - 1)
		admin_die(a, "password longer than %s bytes", "1024");
	pw[n] = '\0';
	if (n < PASSWORD_MIN_BYTES)
		admin_die(a, "password shorter than %s bytes", "8");
}

static void
hash_password(struct admin *a, char *phc)
{
	struct password_params	 p;
	char			 pw[PASSWORD_MAX_BYTES + 2];

	read_password(a, pw, sizeof(pw));
	p.m_kib = (uint32_t)a->cfg.argon2_m_kib;
	p.t = (uint32_t)a->cfg.argon2_t;
	p.p = (uint32_t)a->cfg.argon2_p;
	if (password_hash(&p, pw, strlen(pw), phc) == -1)
		admin_die(a, "%s", "cannot hash the password");
	secret_wipe(pw, sizeof(pw));
}

/* A canonical scope list, or usage on a bad one. */
static void
canonical_scopes(const char *in, char *out, size_t outsz)
{
	struct scope_set	 ss;

	if (scope_parse(&ss, in ? in : "", in ? strlen(in) : 0) == -1 ||
	    scope_format(&ss, out, outsz) < 0)
		admin_usage("--scopes: space-separated scope tokens");
}

static int
user_create(struct admin *a, const struct opts *o)
{
	struct org	 org;
	struct first	 f;
	char		 uname[USERNAME_MAX_BYTES + 1], id[4 + APIKEY_ID_LEN + 1];
	char		 scopes[SCOPE_MAX_STRING_BYTES], phc[PASSWORD_HASH_BYTES];
	char		 accounts[STORE_ACCOUNTS_BYTES];
	const char	*params[7], *u = admin_opt(o, "username");
	const char	*role = admin_opt(o, "role");

	if (u == NULL || role == NULL)
		admin_usage("user create needs --username and --role");
	if (username_normalize(u, strlen(u), uname) == -1)
		admin_usage("--username: 1-64 of a-z 0-9 . _ @ + - (letters are "
		    "folded to lower case), starting with a letter or digit");
	canonical_scopes(admin_opt(o, "scopes"), scopes, sizeof(scopes));
	/* Accounts are scope-like tokens: reuse the same rules. */
	canonical_scopes(admin_opt(o, "accounts"), accounts, sizeof(accounts));
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	hash_password(a, phc);
	memcpy(id, "usr_", 4);
	if (apikey_new_id(id + 4) == -1)
		admin_die(a, "%s", "no randomness");
	params[0] = id;
	params[1] = org.id;
	params[2] = uname;
	params[3] = phc;
	params[4] = role;
	params[5] = scopes;
	params[6] = accounts;
	admin_insert(a, STMT_USER_CREATE, params, &f, "user (does the role "
	    "exist?)", "a user with this username");
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", id, "username", uname, "role", role, "scopes",
		    scopes, "accounts", accounts, "org", org.id, "created_at", f.a));
	else
		printf("user %s created: %s\n", uname, id);
	return 0;
}

/* passwd, disable, enable: one statement on (org, username). */
static int
user_change(struct admin *a, const struct opts *o, enum stmt s,
    const char *done)
{
	struct org	 org;
	char		 uname[USERNAME_MAX_BYTES + 1], phc[PASSWORD_HASH_BYTES];
	const char	*params[3], *u = admin_arg(o);
	int		 n;

	if (u == NULL || username_normalize(u, strlen(u), uname) == -1)
		admin_usage("which user?");
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	params[0] = org.id;
	params[1] = uname;
	if (s == STMT_USER_PASSWD) {
		hash_password(a, phc);
		params[2] = phc;
	}
	if ((n = store_write(a->db, s, params)) < 0)
		admin_die(a, "%s", "database error");
	if (n == 0)
		admin_die(a, "no such user (or nothing to change): %s", uname);
	printf("user %s %s\n", uname, done);
	return 0;
}

static int
user_passwd(struct admin *a, const struct opts *o)
{
	return user_change(a, o, STMT_USER_PASSWD, "has a new password");
}

static int
user_disable(struct admin *a, const struct opts *o)
{
	return user_change(a, o, STMT_USER_DISABLE, "disabled: every token of "
	    "it stops working");
}

static int
user_enable(struct admin *a, const struct opts *o)
{
	return user_change(a, o, STMT_USER_ENABLE, "enabled");
}

static int
user_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "id", "username", "role", "scopes",
	    "accounts", "created_at", "disabled_at" };
	struct org		 org;
	const char		*params[1];

	admin_org_lookup(a, admin_opt(o, "org"), &org);
	params[0] = org.id;
	admin_list(a, STMT_USER_LIST, params, cols, 7);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "user", "create", "username role scopes accounts org json",
	    "  user create --username U --role R [--scopes \"...\"] "
	    "[--accounts \"a1 a2\"]\n"
	    "             [--org SLUG] [--json]          (the password is read "
	    "from stdin)\n", user_create },
	{ "user", "passwd", "ARG org",
	    "  user passwd U [--org SLUG]                (the password is read "
	    "from stdin)\n", user_passwd },
	{ "user", "disable", "ARG org",
	    "  user disable U [--org SLUG] | user enable U [--org SLUG]\n",
	    user_disable },
	{ "user", "enable", "ARG org", NULL, user_enable },
	{ "user", "list", "org json", "  user list [--org SLUG] [--json]\n",
	    user_list },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_user_cmds(void)
{
	return cmds;
}
