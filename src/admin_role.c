/*
 * admin_role: jwtmint-admin role (create, list, update), adapters over
 * ops_role: named scope patterns of one organization.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_role.h"
#include "admin.h"

/* The errors every role command shares; returns only on OPS_OK. */
static void
check(struct admin *a, enum ops_err e, const char *field, const char *name)
{
	switch (e) {
	case OPS_OK:
		return;
	case OPS_INVALID:
		if (strcmp(field, "scopes") == 0)
			admin_usage("--scopes: space-separated scope tokens");
		admin_die(a, "role: --%s is malformed (name: a-z 0-9 _ -, at "
		    "most 63)", strcmp(field, "name") == 0 ? "name" : field);
		break;
	case OPS_NOT_FOUND:
		admin_die(a, "no role \"%s\"", name);
		break;
	case OPS_CONFLICT:
		admin_die(a, "%s", "a role with this name already exists");
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was changed");
		break;
	default:
		admin_die(a, "%s", "failed: nothing was changed");
		break;
	}
}

static int
role_create(struct admin *a, const struct opts *o)
{
	struct ops_role_create	 rq;
	struct ops_role		 out;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;
	enum ops_err		 e;

	rq.name = admin_arg(o);
	rq.scopes = admin_opt(o, "scopes");
	rq.all_accounts = admin_flag(o, "all-accounts");
	rq.read_only = admin_flag(o, "read-only");
	rq.held = NULL;
	if (rq.name == NULL || rq.scopes == NULL)
		admin_usage("role create NAME --scopes \"...\"");
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	e = ops_role_create(&x, &rq, &out, &field);
	check(a, e, field, rq.name);
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:b, s:b}", "name",
		    out.name, "scopes", out.scopes, "all_accounts",
		    out.all_accounts, "read_only", out.read_only));
	else
		printf("role %s created\n", out.name);
	return 0;
}

struct role_listing {
	struct admin		*a;
	struct admin_table	 t;
	long long		 usec;		/* the last row's position */
	char			 name[PERM_ROLE_NAME_BYTES];
};

static int
role_row(void *arg, const struct ops_role *r)
{
	struct role_listing	*l = arg;
	const char		*vals[4];

	vals[0] = r->name;
	vals[1] = r->scopes;
	vals[2] = r->all_accounts ? "t" : "f";	/* as PostgreSQL spells it */
	vals[3] = r->read_only ? "t" : "f";
	admin_table_row(l->a, &l->t, vals);
	l->usec = r->created_usec;
	snprintf(l->name, sizeof(l->name), "%s", r->name);
	return 0;
}

static int
role_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "name", "scopes", "all_accounts",
	    "read_only" };
	struct role_listing	 l;
	struct ops_role_list	 rq;
	struct ops_page		 page;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;

	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	l.a = a;
	memset(&rq, 0, sizeof(rq));
	rq.limit = OPS_LIST_MAX;
	rq.row = role_row;
	rq.arg = &l;
	admin_table_begin(a, &l.t, cols, 4);
	do {
		if (ops_role_list(&x, &rq, &page, &field) != OPS_OK)
			admin_die(a, "%s", "database error");
		rq.after_usec = l.usec;
		rq.after_name = l.name;
	} while (page.more);
	admin_table_end(a, &l.t);
	return 0;
}

/* "true" / "false" of a --flag VALUE; -1 when not given. */
static int
boolean(const struct opts *o, const char *name)
{
	const char	*v = admin_opt(o, name);

	if (v == NULL)
		return -1;
	if (strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "false") == 0)
		return 0;
	admin_usage("--all-accounts and --read-only take true or false");
}

static int
role_update(struct admin *a, const struct opts *o)
{
	struct ops_role_update	 rq;
	struct ops_role_updated	 out;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;
	enum ops_err		 e;

	memset(&rq, 0, sizeof(rq));
	rq.name = admin_arg(o);
	rq.scopes = admin_opt(o, "scopes");
	rq.all_accounts = boolean(o, "all-accounts");
	rq.read_only = boolean(o, "read-only");
	if (rq.name == NULL || (rq.scopes == NULL && rq.all_accounts == -1 &&
	    rq.read_only == -1))
		admin_usage("role update NAME [--scopes \"...\"] "
		    "[--all-accounts true|false] [--read-only true|false]");
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	e = ops_role_update(&x, &rq, &out, &field);
	check(a, e, field, rq.name);
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:b, s:b, s:I, s:I}",
		    "name", out.role.name, "scopes", out.role.scopes,
		    "all_accounts", out.role.all_accounts, "read_only",
		    out.role.read_only, "version", (json_int_t)out.role.version,
		    "users_cut_off", (json_int_t)out.users_cut_off));
	else if (out.users_cut_off > 0)
		printf("role %s updated; narrower: every token of its %lld "
		    "users ended\n", out.role.name, out.users_cut_off);
	else
		printf("role %s updated\n", out.role.name);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "role", "create", "ARG scopes all-accounts! read-only! org json",
	    "  role create NAME --scopes \"read:* write:x\" [--all-accounts] "
	    "[--read-only]\n"
	    "             [--org SLUG] [--json]\n", role_create },
	{ "role", "list", "org json", "  role list [--org SLUG] [--json]\n",
	    role_list },
	{ "role", "update", "ARG scopes all-accounts read-only org json",
	    "  role update NAME [--scopes \"...\"] [--all-accounts true|false]\n"
	    "             [--read-only true|false] [--org SLUG] [--json]\n"
	    "             (narrower: the tokens of the role's users end)\n",
	    role_update },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_role_cmds(void)
{
	return cmds;
}
