/*
 * admin_org: jwtmint-admin org (create, list, disable, enable), adapters
 * over ops_org: organizations are the platform operator's, and the CLI
 * acts as the platform operator.
 */
#include <stdio.h>
#include <string.h>

#include "ops_org.h"
#include "admin.h"

static int
org_create(struct admin *a, const struct opts *o)
{
	struct ops_org_create	 rq;
	struct ops_org		 out;
	struct ops_ctx		 x;
	const char		*field;

	rq.slug = admin_opt(o, "slug");
	rq.name = admin_opt(o, "name");
	if (rq.slug == NULL || rq.name == NULL)
		admin_usage("org create needs --slug and --name");
	admin_ops_ctx(a, "", &x);
	switch (ops_org_create(&x, &rq, &out, &field)) {
	case OPS_OK:
		break;
	case OPS_INVALID:
		admin_die(a, "cannot create the organization: %s", strcmp(field,
		    "slug") == 0 ? "--slug: a-z, 0-9 and -, at most 63, not "
		    "starting with -" : "--name: 1-200 bytes of UTF-8 without "
		    "control characters");
		break;
	case OPS_CONFLICT:
		admin_die(a, "%s", "the organization already exists");
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was created");
		break;
	default:
		admin_die(a, "%s", "cannot create the organization");
		break;
	}
	if (a->json)
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s}", "id", out.id,
		    "slug", out.slug, "name", out.name, "created_at",
		    out.created_at));
	else
		printf("organization %s created: %s\n", out.slug, out.id);
	return 0;
}

struct org_listing {
	struct admin		*a;
	struct admin_table	 t;
};

static int
org_row(void *arg, const struct ops_org *org)
{
	struct org_listing	*l = arg;
	const char		*vals[5];

	vals[0] = org->id;
	vals[1] = org->slug;
	vals[2] = org->name;
	vals[3] = org->created_at;
	vals[4] = org->disabled_at[0] ? org->disabled_at : NULL;
	admin_table_row(l->a, &l->t, vals);
	return 0;
}

static int
org_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "id", "slug", "name", "created_at",
	    "disabled_at" };
	struct org_listing	 l;
	struct ops_org_list	 rq;
	struct ops_ctx		 x;
	const char		*field;
	size_t			 n;

	(void)o;
	l.a = a;
	rq.row = org_row;
	rq.arg = &l;
	admin_ops_ctx(a, "", &x);
	admin_table_begin(a, &l.t, cols, 5);
	if (ops_org_list(&x, &rq, &n, &field) != OPS_OK)
		admin_die(a, "%s", "database error");
	admin_table_end(a, &l.t);
	return 0;
}

static int
org_set(struct admin *a, const struct opts *o, int disable)
{
	struct ops_org_slug	 rq;
	struct ops_org		 out;
	struct ops_ctx		 x;
	const char		*field;
	enum ops_err		 e;

	if ((rq.slug = admin_arg(o)) == NULL)
		admin_usage(disable ? "org disable SLUG" : "org enable SLUG");
	admin_ops_ctx(a, "", &x);
	e = disable ? ops_org_disable(&x, &rq, &out, &field) :
	    ops_org_enable(&x, &rq, &out, &field);
	switch (e) {
	case OPS_OK:
		break;
	case OPS_INVALID:
	case OPS_NOT_FOUND:
	case OPS_CONFLICT:
		admin_die(a, disable ? "no enabled organization \"%s\"" :
		    "no disabled organization \"%s\"", rq.slug);
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error");
		break;
	default:
		admin_die(a, "%s", "failed: nothing was changed");
		break;
	}
	if (disable)
		printf("organization %s disabled: its keys and tokens stop "
		    "working\n", rq.slug);
	else
		printf("organization %s enabled: its keys and unexpired tokens "
		    "work again\n", rq.slug);
	return 0;
}

static int
org_disable(struct admin *a, const struct opts *o)
{
	return org_set(a, o, 1);
}

static int
org_enable(struct admin *a, const struct opts *o)
{
	return org_set(a, o, 0);
}

static const struct admin_cmd cmds[] = {
	{ "org", "create", "slug name json",
	    "  org create --slug SLUG --name NAME [--json]\n", org_create },
	{ "org", "list", "json", "  org list [--json]\n", org_list },
	{ "org", "disable", "ARG",
	    "  org disable SLUG | org enable SLUG\n", org_disable },
	{ "org", "enable", "ARG", NULL, org_enable },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_org_cmds(void)
{
	return cmds;
}
