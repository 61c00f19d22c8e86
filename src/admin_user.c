/*
 * admin_user: jwtmint-admin user (create, get, update, passwd, disable,
 * enable, list), adapters over ops_user. Passwords are read from stdin
 * (never argv, which other local users can see) and wiped; ops_user hashes
 * them with Argon2id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops_user.h"
#include "scope.h"
#include "secret.h"
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
	if (pw[n] == '\0' && n == pwsz - 1) {
		secret_wipe(pw, pwsz);
		admin_die(a, "password longer than %s bytes", "1024");
	}
	pw[n] = '\0';
	if (n < PASSWORD_MIN_BYTES) {
		secret_wipe(pw, pwsz);
		admin_die(a, "password shorter than %s bytes", "8");
	}
}

static void
argon2_params(struct admin *a, struct password_params *p)
{
	p->m_kib = (uint32_t)a->cfg.argon2_m_kib;
	p->t = (uint32_t)a->cfg.argon2_t;
	p->p = (uint32_t)a->cfg.argon2_p;
}

/* Usage (exit 2) on a malformed username, scope or account list, before a
 * password is read. */
static void
check_args(const char *uname, const char *scopes, const char *accounts)
{
	struct scope_set	 ss;
	char			 u[USERNAME_MAX_BYTES + 1];

	if (uname != NULL && username_normalize(uname, strlen(uname), u) == -1)
		admin_usage("--username: 1-64 of a-z 0-9 . _ @ + - (letters are "
		    "folded to lower case), starting with a letter or digit");
	if ((scopes != NULL && scope_parse(&ss, scopes, strlen(scopes)) == -1) ||
	    (accounts != NULL && scope_parse(&ss, accounts,
	    strlen(accounts)) == -1))
		admin_usage("--scopes: space-separated scope tokens");
}

/* The errors every user command shares; returns only on OPS_OK. */
static void
check(struct admin *a, enum ops_err e, const char *field, const char *uname)
{
	switch (e) {
	case OPS_OK:
		return;
	case OPS_INVALID:
		if (strcmp(field, "role") == 0)
			admin_die(a, "%s", "cannot create or update the user "
			    "(does the role exist?)");
		if (strcmp(field, "username") == 0)
			admin_usage("which user?");
		if (strcmp(field, "scopes") == 0 ||
		    strcmp(field, "accounts") == 0)
			admin_usage("--scopes: space-separated scope tokens");
		admin_die(a, "--%s is malformed", field);
		break;
	case OPS_NOT_FOUND:
		admin_die(a, "no such user: %s", uname);
		break;
	case OPS_CONFLICT:
		admin_die(a, "%s", "a user with this username already exists");
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was changed");
		break;
	default:
		admin_die(a, "%s", "failed: nothing was changed");
		break;
	}
}

static json_t *
user_json(const struct ops_user *u, const char *org)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:I}",
	    "id", u->id, "username", u->username, "role", u->role, "scopes",
	    u->scopes, "accounts", u->accounts, "org", org, "created_at",
	    u->created_at, "disabled_at", u->disabled_at[0] ? u->disabled_at :
	    NULL, "version", (json_int_t)u->version);
}

static int
user_create(struct admin *a, const struct opts *o)
{
	struct ops_user_create	 rq;
	struct password_params	 pp;
	struct ops_user		 out;
	struct ops_ctx		 x;
	struct org		 org;
	char			 pw[PASSWORD_MAX_BYTES + 2];
	const char		*field;
	enum ops_err		 e;

	memset(&rq, 0, sizeof(rq));
	rq.username = admin_opt(o, "username");
	rq.role = admin_opt(o, "role");
	rq.scopes = admin_opt(o, "scopes");
	rq.accounts = admin_opt(o, "accounts");
	if (rq.username == NULL || rq.role == NULL)
		admin_usage("user create needs --username and --role");
	check_args(rq.username, rq.scopes, rq.accounts);
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	read_password(a, pw, sizeof(pw));
	argon2_params(a, &pp);
	rq.password = pw;
	rq.pw = &pp;
	admin_ops_ctx(a, org.id, &x);
	e = ops_user_create(&x, &rq, &out, &field);
	secret_wipe(pw, sizeof(pw));
	check(a, e, field, rq.username);
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", out.id, "username", out.username, "role", out.role,
		    "scopes", out.scopes, "accounts", out.accounts, "org", org.id,
		    "created_at", out.created_at));
	else
		printf("user %s created: %s\n", out.username, out.id);
	return 0;
}

static int
user_get(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "id", "username", "role", "scopes",
	    "accounts", "created_at", "disabled_at" };
	struct ops_user_name	 rq;
	struct ops_user		 out;
	struct admin_table	 t;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field, *vals[7];
	enum ops_err		 e;

	rq.username = admin_arg(o);
	rq.held = NULL;
	if (rq.username == NULL)
		admin_usage("user get U [--org SLUG] [--json]");
	check_args(rq.username, NULL, NULL);
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	e = ops_user_get(&x, &rq, &out, &field);
	check(a, e, field, rq.username);
	if (a->json) {
		admin_print_json(a, user_json(&out, org.id));
		return 0;
	}
	admin_table_begin(a, &t, cols, 7);
	vals[0] = out.id;
	vals[1] = out.username;
	vals[2] = out.role;
	vals[3] = out.scopes;
	vals[4] = out.accounts;
	vals[5] = out.created_at;
	vals[6] = out.disabled_at[0] ? out.disabled_at : NULL;
	admin_table_row(a, &t, vals);
	admin_table_end(a, &t);
	return 0;
}

static int
user_update(struct admin *a, const struct opts *o)
{
	struct ops_user_update	 rq;
	struct ops_user_updated	 out;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;
	enum ops_err		 e;
	json_t			*j;

	memset(&rq, 0, sizeof(rq));
	rq.username = admin_arg(o);
	rq.role = admin_opt(o, "role");
	rq.scopes = admin_opt(o, "scopes");
	rq.accounts = admin_opt(o, "accounts");
	if (rq.username == NULL || (rq.role == NULL && rq.scopes == NULL &&
	    rq.accounts == NULL))
		admin_usage("user update U [--role R] [--scopes \"...\"] "
		    "[--accounts \"...\"]");
	check_args(rq.username, rq.scopes, rq.accounts);
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	e = ops_user_update(&x, &rq, &out, &field);
	check(a, e, field, rq.username);
	if (a->json) {
		if ((j = user_json(&out.user, org.id)) != NULL)
			json_object_set_new(j, "tokens_ended",
			    json_boolean(out.cut_off));
		admin_print_json(a, j);
	} else
		printf("user %s updated%s\n", out.user.username, out.cut_off ?
		    "; narrower: every token of it ended" : "");
	return 0;
}

/* passwd, disable, enable: (org, username), the old messages. */
static int
user_change(struct admin *a, const struct opts *o, int what)
{
	struct ops_user_password pq;
	struct ops_user_name	 rq;
	struct password_params	 pp;
	struct ops_user		 out;
	struct ops_ctx		 x;
	struct org		 org;
	char			 uname[USERNAME_MAX_BYTES + 1];
	char			 pw[PASSWORD_MAX_BYTES + 2];
	const char		*field, *u = admin_arg(o);
	enum ops_err		 e;

	if (u == NULL || username_normalize(u, strlen(u), uname) == -1)
		admin_usage("which user?");
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	rq.username = uname;
	rq.held = NULL;
	if (what == 'p') {
		read_password(a, pw, sizeof(pw));
		argon2_params(a, &pp);
		pq.username = uname;
		pq.password = pw;
		pq.pw = &pp;
		pq.held = NULL;
		e = ops_user_set_password(&x, &pq, &out, &field);
		secret_wipe(pw, sizeof(pw));
	} else if (what == 'd')
		e = ops_user_disable(&x, &rq, &out, &field);
	else
		e = ops_user_enable(&x, &rq, &out, &field);
	if (e == OPS_NOT_FOUND || e == OPS_CONFLICT)
		admin_die(a, "no such user (or nothing to change): %s", uname);
	if (e == OPS_UNAVAILABLE)
		admin_die(a, "%s", "database error");
	check(a, e, field, uname);
	printf("user %s %s\n", uname, what == 'p' ? "has a new password" :
	    what == 'd' ? "disabled: every token of it stops working" :
	    "enabled");
	return 0;
}

static int
user_passwd(struct admin *a, const struct opts *o)
{
	return user_change(a, o, 'p');
}

static int
user_disable(struct admin *a, const struct opts *o)
{
	return user_change(a, o, 'd');
}

static int
user_enable(struct admin *a, const struct opts *o)
{
	return user_change(a, o, 'e');
}

struct user_listing {
	struct admin		*a;
	struct admin_table	 t;
	long long		 usec;		/* the last row's position */
	char			 id[STORE_ID_BYTES];
};

static int
user_row(void *arg, const struct ops_user *u)
{
	struct user_listing	*l = arg;
	const char		*vals[7];

	vals[0] = u->id;
	vals[1] = u->username;
	vals[2] = u->role;
	vals[3] = u->scopes;
	vals[4] = u->accounts;
	vals[5] = u->created_at;
	vals[6] = u->disabled_at[0] ? u->disabled_at : NULL;
	admin_table_row(l->a, &l->t, vals);
	l->usec = u->created_usec;
	snprintf(l->id, sizeof(l->id), "%s", u->id);
	return 0;
}

/* Every user of the organization, oldest first, a page at a time. */
static int
user_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "id", "username", "role", "scopes",
	    "accounts", "created_at", "disabled_at" };
	struct user_listing	 l;
	struct ops_user_list	 rq;
	struct ops_page		 page;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;

	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	l.a = a;
	memset(&rq, 0, sizeof(rq));
	rq.limit = OPS_LIST_MAX;
	rq.row = user_row;
	rq.arg = &l;
	admin_table_begin(a, &l.t, cols, 7);
	do {
		if (ops_user_list(&x, &rq, &page, &field) != OPS_OK)
			admin_die(a, "%s", "database error");
		rq.after_usec = l.usec;
		rq.after_id = l.id;
	} while (page.more);
	admin_table_end(a, &l.t);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "user", "create", "username role scopes accounts org json",
	    "  user create --username U --role R [--scopes \"...\"] "
	    "[--accounts \"a1 a2\"]\n"
	    "             [--org SLUG] [--json]          (the password is read "
	    "from stdin)\n", user_create },
	{ "user", "get", "ARG org json", "  user get U [--org SLUG] [--json]\n",
	    user_get },
	{ "user", "update", "ARG role scopes accounts org json",
	    "  user update U [--role R] [--scopes \"...\"] [--accounts \"...\"]\n"
	    "             [--org SLUG] [--json]   (narrower: its tokens end)\n",
	    user_update },
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
