/*
 * admin_migrate: jwtmint-admin migrate, the schema of sql/ applied in
 * order, each migration in its own transaction under an advisory lock (one
 * migrator at a time, whoever else runs migrate meanwhile).
 */
#include <stdio.h>

#include "db.h"
#include "migrations.h"
#include "store.h"
#include "admin.h"

static int
cmd_migrate(struct admin *a, const struct opts *o)
{
	const struct migration	*m;
	const char		*params[1];
	PGresult		*res;
	int			 applied = 0, n;

	(void)o;
	if ((res = db_exec_simple(a->db, stmt_migrations_table)) == NULL)
		admin_die(a, "%s", "cannot create schema_migrations");
	PQclear(res);
	for (m = migrations; m->name != NULL; m++) {
		params[0] = m->name;
		if ((res = db_exec_simple(a->db, "begin")) == NULL)
			admin_die(a, "%s", "begin failed");
		PQclear(res);
		if (store_rows(a->db, STMT_MIGRATION_LOCK, NULL, NULL, NULL) == -1 ||
		    (n = store_rows(a->db, STMT_MIGRATION_APPLIED, params, NULL,
		    NULL)) == -1)
			admin_die(a, "%s", "cannot read schema_migrations");
		if (n == 0) {
			if ((res = db_exec_simple(a->db, m->sql)) == NULL)
				admin_die(a, "migration %s failed", m->name);
			PQclear(res);
			if (store_write(a->db, STMT_MIGRATION_RECORD, params) != 1)
				admin_die(a, "cannot record migration %s", m->name);
			applied++;
			if (!a->json)
				printf("applied %s\n", m->name);
		}
		if ((res = db_exec_simple(a->db, "commit")) == NULL)
			admin_die(a, "commit of %s failed", m->name);
		PQclear(res);
	}
	if (applied == 0)
		printf("schema up to date\n");
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
