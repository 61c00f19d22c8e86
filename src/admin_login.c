/*
 * admin_login: jwtmint-admin login-template (show, set), adapters over
 * ops_login: the hosted login page's look per organization.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "ops_login.h"

static void
check(struct admin *a, enum ops_err e, const char *field)
{
	switch (e) {
	case OPS_OK:
		return;
	case OPS_INVALID:
		if (strcmp(field, "bg") == 0 || strcmp(field, "fg") == 0 ||
		    strcmp(field, "accent") == 0)
			admin_die(a, "login-template: --%s must be a colour "
			    "#rrggbb (lower-case hex)", field);
		admin_die(a, "login-template: --%s must be text of at most 200 "
		    "characters without control characters", field);
		break;
	case OPS_NOT_FOUND:
		admin_die(a, "%s", "no such organization");
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error: nothing was changed");
		break;
	default:
		admin_die(a, "%s", "failed: nothing was changed");
		break;
	}
}

static void
print(struct admin *a, const struct store_login_tpl *t)
{
	if (a->json) {
		admin_print_json(a, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "title", t->title, "org_name", t->org_name, "bg",
		    t->colors[0], "fg", t->colors[1], "accent", t->colors[2]));
		return;
	}
	printf("title:    %s\norg name: %s\nbg:       %s\nfg:       %s\n"
	    "accent:   %s\n", t->title, t->org_name, t->colors[0],
	    t->colors[1], t->colors[2]);
}

static int
tpl_show(struct admin *a, const struct opts *o)
{
	struct store_login_tpl	 t;
	struct ops_ctx		 x;
	struct org		 org;

	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	check(a, ops_login_tpl_get(&x, &t), "");
	print(a, &t);
	return 0;
}

static int
tpl_set(struct admin *a, const struct opts *o)
{
	struct ops_login_tpl_set	 rq;
	struct store_login_tpl		 t;
	struct ops_ctx			 x;
	struct org			 org;
	const char			*field = "";
	enum ops_err			 e;

	memset(&rq, 0, sizeof(rq));
	rq.title = admin_opt(o, "title");
	rq.org_name = admin_opt(o, "org-name");
	rq.colors[0] = admin_opt(o, "bg");
	rq.colors[1] = admin_opt(o, "fg");
	rq.colors[2] = admin_opt(o, "accent");
	if (rq.title == NULL && rq.org_name == NULL && rq.colors[0] == NULL &&
	    rq.colors[1] == NULL && rq.colors[2] == NULL)
		admin_usage("login-template set: nothing to set");
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	e = ops_login_tpl_set(&x, &rq, &t, &field);
	check(a, e, field);
	print(a, &t);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "login-template", "show", "org json",
	    "  login-template show [--org SLUG] [--json]\n", tpl_show },
	{ "login-template", "set", "title org-name bg fg accent org json",
	    "  login-template set [--title T] [--org-name N] [--bg #rrggbb]\n"
	    "             [--fg #rrggbb] [--accent #rrggbb] [--org SLUG] "
	    "[--json]\n", tpl_set },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_login_cmds(void)
{
	return cmds;
}
