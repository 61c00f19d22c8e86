/*
 * admin_app: jwtmint-admin app (create, list, update, disable, enable),
 * adapters over ops_app. The CLI acts as the platform operator: --org
 * names the organization of a new application; an existing one is found
 * by its client_id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "ops_app.h"
#include "store_app.h"

/* admin_die takes one argument: the message is built first. */
static void
fail(struct admin *a, enum ops_err e, const char *field, const char *why,
    const char *what)
{
	char	 msg[320];

	if (e == OPS_INVALID) {
		if (strcmp(field, "redirect_uris") == 0)
			snprintf(msg, sizeof(msg), "cannot %s the application: "
			    "--redirect-uri: %s", what, why != NULL ? why :
			    "invalid");
		else if (strcmp(field, "type") == 0)
			snprintf(msg, sizeof(msg), "cannot %s the application: "
			    "--type: spa, native or cli", what);
		else if (strcmp(field, "scopes") == 0)
			snprintf(msg, sizeof(msg), "cannot %s the application: "
			    "--scopes: at least one valid scope", what);
		else if (strcmp(field, "key_id") == 0)
			snprintf(msg, sizeof(msg), "cannot %s the application: "
			    "--key: not an active key of the organization with "
			    "the authorization_code grant", what);
		else
			snprintf(msg, sizeof(msg), "cannot %s the application: "
			    "--%s: invalid", what, field);
		admin_die(a, "%s", msg);
	}
	switch (e) {
	case OPS_NOT_FOUND:
		admin_die(a, "%s", "no such application");
		break;
	case OPS_CONFLICT:
		admin_die(a, "%s", "the application is already so");
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
print_app(struct admin *a, const struct ops_app *app, const char *verb)
{
	size_t	 i;

	if (a->json) {
		admin_print_json(a, ops_app_json(app));
		return;
	}
	printf("application %s %s: %s\n", app->client_id, verb, app->name);
	printf("  type: %s\n  scopes: %s\n", app->type, app->scopes);
	if (app->key_id[0])
		printf("  confidential key: %s\n", app->key_id);
	for (i = 0; i < app->nuris; i++)
		printf("  redirect_uri: %s\n", app->uris[i]);
	if (app->disabled_at[0])
		printf("  disabled at %s\n", app->disabled_at);
}

static int
app_create(struct admin *a, const struct opts *o)
{
	struct ops_app_create	 rq;
	struct ops_app		*out;
	const char		*uris[STORE_APP_MAX_URIS];
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field, *why;
	enum ops_err		 e;

	memset(&rq, 0, sizeof(rq));
	rq.name = admin_opt(o, "name");
	rq.scopes = admin_opt(o, "scopes");
	rq.type = admin_opt(o, "type");
	rq.key_id = admin_opt(o, "key");
	rq.nuris = admin_opt_all(o, "redirect-uri", uris, STORE_APP_MAX_URIS);
	rq.uris = uris;
	if (rq.name == NULL || rq.scopes == NULL || rq.nuris == 0)
		admin_usage("app create needs --name, --redirect-uri and "
		    "--scopes");
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	if ((out = malloc(sizeof(*out))) == NULL)
		admin_die(a, "%s", "out of memory");
	admin_ops_ctx(a, org.id, &x);
	if ((e = ops_app_create(&x, &rq, out, &field, &why)) != OPS_OK)
		fail(a, e, field, why, "create");
	print_app(a, out, "created");
	free(out);
	return 0;
}

struct app_listing {
	struct admin		*a;
	struct admin_table	 t;
	json_t			*arr;		/* --json: ops_app_json rows */
	char			 uris[STORE_APP_MAX_URIS *
				    (REDIRECTURI_MAX_BYTES + 1)];
	long long		 usec;
	char			 last[STORE_APP_ID_BYTES];
};

static int
app_row(void *arg, const struct ops_app *app)
{
	struct app_listing	*l = arg;
	const char		*vals[7];
	size_t			 i, len = 0;

	l->usec = app->created_usec;
	snprintf(l->last, sizeof(l->last), "%s", app->client_id);
	if (l->arr != NULL)
		return json_array_append_new(l->arr, ops_app_json(app)) == 0 ?
		    0 : -1;
	l->uris[0] = '\0';
	for (i = 0; i < app->nuris; i++)
		len += (size_t)snprintf(l->uris + len, sizeof(l->uris) - len,
		    "%s%s", i ? " " : "", app->uris[i]);
	vals[0] = app->client_id;
	vals[1] = app->name;
	vals[2] = app->type;
	vals[3] = app->scopes;
	vals[4] = l->uris;
	vals[5] = app->created_at;
	vals[6] = app->disabled_at[0] ? app->disabled_at : NULL;
	admin_table_row(l->a, &l->t, vals);
	return 0;
}

static int
app_list(struct admin *a, const struct opts *o)
{
	static const char *const cols[] = { "client_id", "name", "type",
	    "scopes", "redirect_uris", "created_at", "disabled_at" };
	struct app_listing	*l;
	struct ops_app_list	 rq;
	struct ops_page		 page;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*field;

	admin_org_lookup(a, admin_opt(o, "org"), &org);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		admin_die(a, "%s", "out of memory");
	l->a = a;
	memset(&rq, 0, sizeof(rq));
	rq.limit = OPS_LIST_MAX;
	rq.row = app_row;
	rq.arg = l;
	admin_ops_ctx(a, org.id, &x);
	if (a->json && (l->arr = json_array()) == NULL)
		admin_die(a, "%s", "out of memory");
	if (!a->json)
		admin_table_begin(a, &l->t, cols, 7);
	do {
		if (ops_app_list(&x, &rq, &page, &field) != OPS_OK)
			admin_die(a, "%s", "database error");
		rq.after_usec = l->usec;
		rq.after_id = l->last;
	} while (page.more);
	if (a->json)
		admin_print_json(a, l->arr);
	else
		admin_table_end(a, &l->t);
	free(l);
	return 0;
}

/* The organization of an existing application (the CLI is the platform
 * operator). */
static void
app_org(struct admin *a, const char *client_id, struct ops_ctx *x)
{
	static char		 org_id[STORE_ORG_ID_BYTES];
	struct store_app	*app;
	int			 n;

	if ((app = malloc(sizeof(*app))) == NULL)
		admin_die(a, "%s", "out of memory");
	if ((n = store_app_get(a->db, client_id, app)) == -1)
		admin_die(a, "%s", "database error");
	if (n == 0)
		admin_die(a, "no application %s", client_id);
	/* The context keeps the pointer: the id outlives this call. */
	snprintf(org_id, sizeof(org_id), "%s", app->org_id);
	free(app);
	admin_ops_ctx(a, org_id, x);
}

static int
app_update(struct admin *a, const struct opts *o)
{
	struct ops_app_update	 rq;
	struct ops_app		*out;
	const char		*uris[STORE_APP_MAX_URIS];
	struct ops_ctx		 x;
	const char		*field, *why;
	size_t			 n;
	enum ops_err		 e;

	memset(&rq, 0, sizeof(rq));
	if ((rq.client_id = admin_arg(o)) == NULL)
		admin_usage("app update CLIENT_ID [--name N] [--redirect-uri URI "
		    "...] [--scopes S] [--key KEYID|--key '']");
	rq.name = admin_opt(o, "name");
	rq.scopes = admin_opt(o, "scopes");
	rq.key_id = admin_opt(o, "key");
	if ((n = admin_opt_all(o, "redirect-uri", uris,
	    STORE_APP_MAX_URIS)) > 0) {
		rq.uris = uris;
		rq.nuris = n;
	}
	if (rq.name == NULL && rq.scopes == NULL && rq.uris == NULL &&
	    rq.key_id == NULL)
		admin_usage("app update: nothing to change");
	app_org(a, rq.client_id, &x);
	if ((out = malloc(sizeof(*out))) == NULL)
		admin_die(a, "%s", "out of memory");
	if ((e = ops_app_update(&x, &rq, out, &field, &why)) != OPS_OK)
		fail(a, e, field, why, "update");
	print_app(a, out, "updated");
	free(out);
	return 0;
}

static int
app_set(struct admin *a, const struct opts *o, int disable)
{
	struct ops_app		*out;
	struct ops_ctx		 x;
	const char		*id, *field;
	enum ops_err		 e;

	if ((id = admin_arg(o)) == NULL)
		admin_usage(disable ? "app disable CLIENT_ID" :
		    "app enable CLIENT_ID");
	app_org(a, id, &x);
	if ((out = malloc(sizeof(*out))) == NULL)
		admin_die(a, "%s", "out of memory");
	if ((e = ops_app_set_disabled(&x, id, disable, out, &field)) != OPS_OK)
		fail(a, e, field, NULL, disable ? "disable" : "enable");
	print_app(a, out, disable ? "disabled" : "enabled");
	free(out);
	return 0;
}

static int
app_disable(struct admin *a, const struct opts *o)
{
	return app_set(a, o, 1);
}

static int
app_enable(struct admin *a, const struct opts *o)
{
	return app_set(a, o, 0);
}

static const struct admin_cmd cmds[] = {
	{ "app", "create", "name redirect-uri+ scopes type key org json",
	    "  app create --name NAME --redirect-uri URI [--redirect-uri URI ...]\n"
	    "      --scopes \"S ...\" [--type spa|native|cli] [--key KEYID]\n"
	    "      [--org SLUG] [--json]\n",
	    app_create },
	{ "app", "list", "org json", "  app list [--org SLUG] [--json]\n",
	    app_list },
	{ "app", "update", "ARG name redirect-uri+ scopes key json",
	    "  app update CLIENT_ID [--name NAME] [--redirect-uri URI ...]\n"
	    "      [--scopes \"S ...\"] [--key KEYID|--key ''] [--json]\n",
	    app_update },
	{ "app", "disable", "ARG json",
	    "  app disable CLIENT_ID | app enable CLIENT_ID [--json]\n",
	    app_disable },
	{ "app", "enable", "ARG json", NULL, app_enable },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_app_cmds(void)
{
	return cmds;
}
