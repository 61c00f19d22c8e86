/*
 * admin_migrate: jwtmint-admin migrate, the schema of sql/ applied in
 * order, each migration in its own transaction under an advisory lock (one
 * migrator at a time, whoever else runs migrate meanwhile), as the role
 * that owns the schema (database_migrate_url; database_url without it).
 * Then the run-time role gets the privileges it needs and no more
 * (jwtmint_grant_runtime, sql/009_audit_chain.sql): the audit trail is
 * append-only for it. docs/OPERATIONS.md, "Database roles".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "migrations.h"
#include "store.h"
#include "admin.h"

static const char *
env(const char *name)
{
	return getenv(name);
}

static void __attribute__((noreturn))
die(struct admin *a, struct db *own, const char *fmt, const char *arg)
{
	db_free(own);
	admin_die(a, fmt, arg);
}

static int
first_col(void *arg, const char *const *c, int n)
{
	char	*out = arg;

	if (n < 1 || c[0] == NULL || strlen(c[0]) >= 64)
		return -1;
	memcpy(out, c[0], strlen(c[0]) + 1);
	return 0;
}

/*
 * The run-time role: database_runtime_role, else the role database_url
 * logs in as (asked of the server). Only with database_migrate_url: with
 * one connection there is one role, and nothing to grant.
 */
static void
grant_runtime(struct admin *a, struct db *own)
{
	char		 role[64], ok[64];
	const char	*params[1] = { role };

	if (a->cfg.database_migrate_url[0] == '\0') {
		if (!a->json)
			printf("database roles: one (database_url owns the schema); "
			    "set database_migrate_url to run jwtmint as a role "
			    "that cannot rewrite the audit trail\n");
		return;
	}
	if (a->cfg.database_runtime_role[0] != '\0')
		snprintf(role, sizeof(role), "%s", a->cfg.database_runtime_role);
	else if (store_rows(a->db, STMT_CURRENT_USER, NULL, first_col,
	    role) != 1)
		die(a, own, "%s", "cannot learn the run-time role from "
		    "database_url (or set database_runtime_role)");
	if (store_rows(own, STMT_GRANT_RUNTIME, params, first_col, ok) != 1)
		die(a, own, "cannot grant the run-time role %s its privileges",
		    role);
	if (ok[0] == 't') {
		if (!a->json)
			printf("run-time role %s: privileges granted; the audit "
			    "trail is append-only for it\n", role);
	} else
		fprintf(stderr, "jwtmint-admin: warning: the run-time role %s "
		    "owns the schema or is a superuser: it can rewrite the "
		    "audit trail (docs/OPERATIONS.md, \"Database roles\")\n",
		    role);
}

static int
cmd_migrate(struct admin *a, const struct opts *o)
{
	const struct migration	*m;
	const char		*params[1];
	struct db		*own;
	PGresult		*res;
	char			 err[CONFIG_ERR_BYTES];
	int			 applied = 0, n;

	(void)o;
	if (config_migrate_password(&a->cfg, env, err) == -1)
		admin_die(a, "%s", err);
	if ((own = db_new_migrate(&a->cfg)) == NULL)
		admin_die(a, "%s", "out of memory");
	if ((res = db_exec_simple(own, stmt_migrations_table)) == NULL)
		die(a, own, "%s", "cannot create schema_migrations");
	PQclear(res);
	for (m = migrations; m->name != NULL; m++) {
		params[0] = m->name;
		if ((res = db_exec_simple(own, "begin")) == NULL)
			die(a, own, "%s", "begin failed");
		PQclear(res);
		if (store_rows(own, STMT_MIGRATION_LOCK, NULL, NULL, NULL) == -1 ||
		    (n = store_rows(own, STMT_MIGRATION_APPLIED, params, NULL,
		    NULL)) == -1)
			die(a, own, "%s", "cannot read schema_migrations");
		if (n == 0) {
			if ((res = db_exec_simple(own, m->sql)) == NULL)
				die(a, own, "migration %s failed", m->name);
			PQclear(res);
			if (store_write(own, STMT_MIGRATION_RECORD, params) != 1)
				die(a, own, "cannot record migration %s", m->name);
			applied++;
			if (!a->json)
				printf("applied %s\n", m->name);
		}
		if ((res = db_exec_simple(own, "commit")) == NULL)
			die(a, own, "commit of %s failed", m->name);
		PQclear(res);
	}
	if (applied == 0)
		printf("schema up to date\n");
	grant_runtime(a, own);
	db_free(own);
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "migrate", NULL, "", "  migrate\n", cmd_migrate },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_migrate_cmds(void)
{
	return cmds;
}
