/*
 * db: one persistent PostgreSQL connection per process, with every statement
 * of stmt.c prepared once per connection, a deadline on every connect and
 * query (database_timeout_ms), and a reconnect when the connection is lost.
 * A worker LISTENs on "jwtmint" so that changes made anywhere reach it.
 *
 * Only db.c and store.c include libpq-fe.h.
 */
#ifndef JWTMINT_DB_H
#define JWTMINT_DB_H

#include <stddef.h>

#include <libpq-fe.h>

#include "stmt.h"

struct config;
struct db;

/* A new handle (not connected yet); NULL on allocation failure. */
struct db	*db_new(const struct config *c, int listen);
/*
 * A handle on the owner's connection (database_migrate_url, password
 * database_migrate_password): for `jwtmint-admin migrate` only. Without
 * database_migrate_url, the same as db_new(c, 0).
 */
struct db	*db_new_migrate(const struct config *c);
void		 db_free(struct db *);

/*
 * Run a prepared statement with text parameters (NULL for SQL NULL).
 * Connects or reconnects as needed (one retry when the connection turns out
 * to be dead), within the deadline. Returns a result the caller PQclear()s
 * with status TUPLES_OK or COMMAND_OK, or NULL after logging the failure.
 */
PGresult	*db_exec(struct db *, enum stmt, const char *const *params);

/* A simple query (DDL, migrations). Same contract as db_exec. */
PGresult	*db_exec_simple(struct db *, const char *sql);

/*
 * 1 when a NOTIFY on "jwtmint" arrived since the last call (reading what the
 * socket holds, without blocking), else 0. A payload that names a table
 * sets its bit in tables (DB_NOTIFY_*); one that names a row,
 * "table:org:id" (revoked_jtis, users: sql/004_lineage.sql), is handed to
 * row(arg, table, org, id), called once per row (without row, it sets the
 * table's bit). While there is no live connection every bit is set:
 * nothing cached can be trusted then.
 */
#define DB_NOTIFY_SIGNING	0x1
#define DB_NOTIFY_KEYS		0x2
#define DB_NOTIFY_ORGS		0x4
#define DB_NOTIFY_JTIS		0x8
#define DB_NOTIFY_USERS		0x10
#define DB_NOTIFY_APPS		0x20
#define DB_NOTIFY_ALL		0x3f
int		 db_notified(struct db *, unsigned *tables,
		    void (*row)(void *arg, const char *table, const char *org,
		    const char *id), void *arg);

/*
 * A transaction over several statements (an operation that reads before it
 * writes, an idempotent request). Between db_begin and db_commit or
 * db_rollback no statement is retried on a new connection: a connection
 * lost inside a transaction fails the statement (the server rolled the
 * transaction back). Transactions nest: an inner db_begin joins the open
 * one, an inner db_commit only counts down, and an inner db_rollback makes
 * the outermost commit roll back (and fail). db_begin and db_commit return
 * 0 or -1 (logged); db_rollback is for every way out after a failure and
 * is a no-op when no transaction is open. A failed db_commit leaves
 * nothing open.
 */
int		 db_begin(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);
/* After a request: a transaction still open (a bug) is logged and rolled
 * back whole, so that it never spans two requests. */
void		 db_abandon(struct db *);

/*
 * 1 when the last failure was a unique-key or exclusion-constraint
 * violation ("exists already": admin messages, concurrent writers).
 */
int		 db_last_unique_violation(const struct db *);

#endif
