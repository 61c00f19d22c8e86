/*
 * admin_org: jwtmint-admin org (create, list, disable): organizations are
 * the platform operator's, and exist only in the CLI.
 */
#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "store.h"
#include "admin.h"

static int
org_create(struct admin *a, const struct opts *o)
{
	struct first	 f;
	char		 id[4 + APIKEY_ID_LEN + 1];
	const char	*params[3];
	const char	*slug = admin_opt(o, "slug"), *name = admin_opt(o, "name");

	if (slug == NULL || name == NULL)
		admin_usage("org create needs --slug and --name");
	memcpy(id, "org_", 4);
	if (apikey_new_id(id + 4) == -1)
		admin_die(a, "%s", "no randomness");
	params[0] = id;
	params[1] = slug;
	params[2] = name;
	admin_insert(a, STMT_ORG_CREATE, params, &f, "organization (slug: a-z, "
	    "0-9 and -, at most 63)", "the organization");
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s}", "id", id,
		    "slug", slug, "name", name, "created_at", f.a));
	else
		printf("organization %s created: %s\n", slug, id);
	return 0;
}

static int
org_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "id", "slug", "name", "created_at",
	    "disabled_at" };

	(void)o;
	admin_list(a, STMT_ORG_LIST, NULL, cols, 5);
	return 0;
}

static int
org_disable(struct admin *a, const struct opts *o)
{
	const char	*params[1];
	int		 n;

	if ((params[0] = admin_arg(o)) == NULL)
		admin_usage("org disable SLUG");
	if ((n = store_write(a->db, STMT_ORG_DISABLE, params)) < 0)
		admin_die(a, "%s", "database error");
	if (n == 0)
		admin_die(a, "no enabled organization \"%s\"", params[0]);
	printf("organization %s disabled: its keys and tokens stop working\n",
	    params[0]);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "org", "create", "slug name json",
	    "  org create --slug SLUG --name NAME [--json]\n", org_create },
	{ "org", "list", "json", "  org list [--json]\n", org_list },
	{ "org", "disable", "ARG", "  org disable SLUG\n", org_disable },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_org_cmds(void)
{
	return cmds;
}
