/*
 * admin_role: jwtmint-admin role (create, list): named scope sets of one
 * organization.
 */
#include <stdio.h>
#include <string.h>

#include "scope.h"
#include "store.h"
#include "admin.h"

static int
role_create(struct admin *a, const struct opts *o)
{
	struct scope_set	 ss;
	struct org		 org;
	struct first		 f;
	char			 scopes[SCOPE_MAX_STRING_BYTES];
	const char		*params[5], *name = admin_arg(o);
	const char		*sc = admin_opt(o, "scopes");
	int			 all = admin_flag(o, "all-accounts");
	int			 ro = admin_flag(o, "read-only");

	if (name == NULL || sc == NULL)
		admin_usage("role create NAME --scopes \"...\"");
	if (scope_parse(&ss, sc, strlen(sc)) == -1 ||
	    scope_format(&ss, scopes, sizeof(scopes)) < 0)
		admin_usage("--scopes: space-separated scope tokens");
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	params[0] = org.id;
	params[1] = name;
	params[2] = scopes;
	params[3] = all ? "true" : "false";
	params[4] = ro ? "true" : "false";
	admin_insert(a, STMT_ROLE_CREATE, params, &f, "role (name: a-z 0-9 _ -)",
	    "a role with this name");
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:b, s:b}", "name",
		    name, "scopes", scopes, "all_accounts", all, "read_only", ro));
	else
		printf("role %s created\n", name);
	return 0;
}

static int
role_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "name", "scopes", "all_accounts",
	    "read_only" };
	struct org		 org;
	const char		*params[1];

	admin_org_lookup(a, admin_opt(o, "org"), &org);
	params[0] = org.id;
	admin_list(a, STMT_ROLE_LIST, params, cols, 4);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "role", "create", "ARG scopes all-accounts! read-only! org json",
	    "  role create NAME --scopes \"read:* write:x\" [--all-accounts] "
	    "[--read-only]\n"
	    "             [--org SLUG] [--json]\n", role_create },
	{ "role", "list", "org json", "  role list [--org SLUG] [--json]\n",
	    role_list },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_role_cmds(void)
{
	return cmds;
}
