/*
 * db: connection, prepared statements, deadlines and reconnects.
 *
 * Every wait on the server is a poll() with the time left before the
 * deadline, so a request never waits longer than database_timeout_ms for the
 * database, whether it is down, unreachable or stuck. On a deadline the
 * query is cancelled and the connection dropped; the next call reconnects.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "logesc.h"
#include "metrics.h"
#include "monoclock.h"

struct db {
	const struct config	*cfg;
	PGconn			*conn;
	int			 listen;
	int			 migrate;	/* the owner's connection */
	unsigned char		 prepared[STMT__MAX];	/* on this connection */
	unsigned		 pending;	/* DB_NOTIFY_* seen */
	int			 connected_once;	/* a later connect: a reconnect */
	int			 unique_violation;
	int			 in_tx;		/* db_begin depth */
	int			 tx_failed;	/* an inner rollback: no commit */
};

/* Wait for the socket; 1 ready, 0 deadline passed, -1 error. */
static int
wait_sock(PGconn *conn, int forwrite, long long deadline)
{
	struct pollfd	 pfd;
	long long	 left;
	int		 n;

	pfd.fd = PQsocket(conn);
	pfd.events = forwrite ? POLLOUT : POLLIN;
	if (pfd.fd < 0)
		return -1;
	for (;;) {
		if ((left = deadline - monoclock_ms()) <= 0)
			return 0;
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

static void
drop(struct db *db)
{
	PQfinish(db->conn);
	db->conn = NULL;
	memset(db->prepared, 0, sizeof(db->prepared));
}

struct db *
db_new(const struct config *c, int listen)
{
	struct db	*db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->cfg = c;
	db->listen = listen;
	return db;
}

struct db *
db_new_migrate(const struct config *c)
{
	struct db	*db;

	if ((db = db_new(c, 0)) != NULL)
		db->migrate = c->database_migrate_url[0] != '\0';
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	drop(db);
	free(db);
}

static int
ok_result(PGresult *res)
{
	ExecStatusType	 st;

	if (res == NULL)
		return 0;
	st = PQresultStatus(res);
	return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

/*
 * The error of a failed statement, for the log: its SQLSTATE, constraint
 * and primary message, escaped (a primary message can quote the input, as
 * in "invalid input syntax for type ...: \"...\""). Never the DETAIL line,
 * which repeats the row that failed, input included.
 */
static void
log_result_error(const char *what, const PGresult *res)
{
	const char	*state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char	*cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	const char	*msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	char		 emsg[256], econs[128];

	logesc(emsg, sizeof(emsg), msg ? msg : "", msg ? strlen(msg) : 0);
	logesc(econs, sizeof(econs), cons ? cons : "", cons ? strlen(cons) : 0);
	log_warnx("database: %s: SQLSTATE %s%s%s: %s", what, state ? state : "?",
	    cons ? ", constraint " : "", cons ? econs : "", emsg);
}

/* Wait for one result of what was sent; NULL on deadline or failure. */
static PGresult *
get_result(struct db *db, long long deadline, const char *what)
{
	PGresult	*res = NULL, *r;
	int		 w;

	for (;;) {
		while (PQisBusy(db->conn)) {
			if ((w = wait_sock(db->conn, 0, deadline)) <= 0) {
				/*
				 * No PQcancel(): it connects anew and could
				 * block on an unreachable server. Closing the
				 * socket ends the backend's work soon enough.
				 */
				log_warnx("database: %s: %s", what, w == 0 ?
				    "deadline passed" : "poll failed");
				PQclear(res);
				drop(db);
				return NULL;
			}
			if (PQconsumeInput(db->conn) == 0) {
				PQclear(res);
				return NULL;
			}
		}
		if ((r = PQgetResult(db->conn)) == NULL)
			return res;
		/*
		 * Keep the first result, unless a later one is an error (a
		 * migration file is several statements; any failure counts).
		 */
		if (res == NULL)
			res = r;
		else if (ok_result(res) && !ok_result(r)) {
			PQclear(res);
			res = r;
		} else
			PQclear(r);
	}
}

static uint64_t
realtime_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Hand over every notification libpq holds: a payload "table:org:id" names
 * one row and goes to row(); a bare table name sets its DB_NOTIFY_* bit.
 */
static void
note_notifies(struct db *db, void (*row)(void *, const char *, const char *,
    const char *), void *arg)
{
	PGnotify	*n;
	char		*org, *id;

	while ((n = PQnotifies(db->conn)) != NULL) {
		/* The housekeeper's probe (metrics.h): its delay, nothing to
		 * reload. */
		if (strncmp(n->extra, "probe:", 6) == 0) {
			metrics_probe_seen(n->extra + 6, realtime_ms());
			PQfreemem(n);
			continue;
		}
		if ((org = strchr(n->extra, ':')) != NULL &&
		    (id = strchr(org + 1, ':')) != NULL) {
			*org++ = '\0';
			*id++ = '\0';
			if (row != NULL)
				row(arg, n->extra, org, id);
			else if (strcmp(n->extra, "revoked_jtis") == 0)
				db->pending |= DB_NOTIFY_JTIS;
			else if (strcmp(n->extra, "users") == 0)
				db->pending |= DB_NOTIFY_USERS;
		} else if (strcmp(n->extra, "signing_keys") == 0)
			db->pending |= DB_NOTIFY_SIGNING;
		else if (strcmp(n->extra, "api_keys") == 0)
			db->pending |= DB_NOTIFY_KEYS;
		else if (strcmp(n->extra, "orgs") == 0)
			db->pending |= DB_NOTIFY_ORGS;
		else if (strcmp(n->extra, "apps") == 0)
			db->pending |= DB_NOTIFY_APPS;
		else if (strcmp(n->extra, "revoked_jtis") == 0)
			db->pending |= DB_NOTIFY_JTIS;
		else if (strcmp(n->extra, "users") == 0)
			db->pending |= DB_NOTIFY_USERS;
		PQfreemem(n);
	}
}

/* Server notices ("relation exists, skipping") are not ours to print. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int
connect_db(struct db *db, long long deadline)
{
	const char	*keys[10], *vals[10];
	const char	*url = db->migrate ? db->cfg->database_migrate_url :
			    db->cfg->database_url;
	const char	*pw = db->migrate ? db->cfg->database_migrate_password :
			    db->cfg->database_password;
	char		 emsg[512];
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	PGresult	*res;
	int		 w, n = 0;

	keys[n] = "dbname"; vals[n++] = url;
	if (pw[0] != '\0') {
		keys[n] = "password"; vals[n++] = pw;
	}
	keys[n] = "application_name"; vals[n++] = "jwtmint";
	/* Text is UTF-8 whatever the database's encoding: the audit chain
	 * hashes these bytes (sql/009_audit_chain.sql converts to UTF-8). */
	keys[n] = "client_encoding"; vals[n++] = "UTF8";
	/* A peer that vanished without a word is noticed within ~25 s. */
	keys[n] = "keepalives_idle"; vals[n++] = "10";
	keys[n] = "keepalives_interval"; vals[n++] = "5";
	keys[n] = "keepalives_count"; vals[n++] = "3";
	keys[n] = NULL; vals[n] = NULL;

	/* expand_dbname: database_url may be a conninfo string or a URI. */
	if ((db->conn = PQconnectStartParams(keys, vals, 1)) == NULL)
		return -1;
	if (PQstatus(db->conn) == CONNECTION_BAD)
		goto fail;
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED)
			goto fail;
		if ((w = wait_sock(db->conn, st == PGRES_POLLING_WRITING,
		    deadline)) <= 0) {
			log_warnx("database: connect: %s", w == 0 ?
			    "deadline passed" : "poll failed");
			drop(db);
			return -1;
		}
		st = PQconnectPoll(db->conn);
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);

	if (db->listen) {
		if (PQsendQuery(db->conn, "listen jwtmint") == 0)
			goto fail;
		res = get_result(db, deadline, "listen");
		if (!ok_result(res)) {
			PQclear(res);
			goto fail;
		}
		PQclear(res);
		/* What changed while we were away is unknown: reload all. */
		db->pending = DB_NOTIFY_ALL;
	}
	if (db->connected_once)
		metrics_inc(METRIC_DB_RECONNECTS);
	db->connected_once = 1;
	return 0;
fail:
	if (db->conn != NULL) {
		/* Multi-line: escaped into one line. */
		logesc(emsg, sizeof(emsg), PQerrorMessage(db->conn),
		    strlen(PQerrorMessage(db->conn)));
		log_warnx("database: connect: %s", emsg);
		drop(db);
	}
	return -1;
}

/*
 * Prepare s on this connection the first time it is used: a statement may
 * name a table that only exists after `migrate`. Returns 0 or -1.
 */
static int
prepare(struct db *db, enum stmt s, long long deadline)
{
	const struct stmt_def	*d = stmt_get(s);
	PGresult		*res;
	int			 ok;

	if (db->prepared[s])
		return 0;
	if (PQsendPrepare(db->conn, d->name, d->sql, d->nparams, NULL) == 0)
		return -1;
	res = get_result(db, deadline, d->name);
	if (!(ok = ok_result(res)) && res != NULL)
		log_result_error(d->name, res);
	PQclear(res);
	if (!ok)
		return -1;
	db->prepared[s] = 1;
	return 0;
}

static PGresult *
run(struct db *db, enum stmt s, const char *sql, const char *const *params)
{
	const struct stmt_def *d = sql ? NULL : stmt_get(s);
	long long	 deadline = monoclock_ms() + db->cfg->database_timeout_ms;
	PGresult	*res = NULL;
	const char	*state;
	int		 attempt, sent;

	db->unique_violation = 0;
	for (attempt = 0; attempt < 2; attempt++) {
		if (db->conn != NULL && PQstatus(db->conn) != CONNECTION_OK)
			drop(db);
		/* A new connection is not inside the transaction. */
		if (db->conn == NULL && db->in_tx) {
			log_warnx("database: the connection was lost inside a "
			    "transaction");
			metrics_inc(METRIC_DB_ERRORS);
			return NULL;
		}
		if (db->conn == NULL && connect_db(db, deadline) == -1) {
			metrics_inc(METRIC_DB_ERRORS);
			return NULL;
		}
		if (sql != NULL)
			sent = PQsendQuery(db->conn, sql);
		else if (prepare(db, s, deadline) == -1) {
			if (db->conn != NULL &&
			    PQstatus(db->conn) == CONNECTION_OK) {
				/* the SQL itself is refused */
				metrics_inc(METRIC_DB_ERRORS);
				return NULL;
			}
			continue;
		} else
			sent = PQsendQueryPrepared(db->conn, d->name, d->nparams,
			    params, NULL, NULL, 0);
		if (sent && (res = get_result(db, deadline,
		    sql ? "query" : d->name)) != NULL)
			break;
		/* The connection died under us: one fresh try, same deadline. */
		if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK &&
		    sent)
			break;
		if (db->conn != NULL)
			drop(db);
	}
	/* Notifications read with the result wait in libpq's queue for
	 * db_notified. */
	if (ok_result(res))
		return res;
	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/* 23505 unique_violation, 23P01 exclusion_violation. */
		db->unique_violation = state && (strcmp(state, "23505") == 0 ||
		    strcmp(state, "23P01") == 0);
		/* A conflict is an answer, not an error. */
		if (!db->unique_violation) {
			log_result_error(sql ? "query" : d->name, res);
			metrics_inc(METRIC_DB_ERRORS);
		}
		PQclear(res);
	} else {
		log_warnx("database: %s: no result", sql ? "query" : d->name);
		metrics_inc(METRIC_DB_ERRORS);
	}
	return NULL;
}

PGresult *
db_exec(struct db *db, enum stmt s, const char *const *params)
{
	return run(db, s, NULL, params);
}

PGresult *
db_exec_simple(struct db *db, const char *sql)
{
	return run(db, STMT__MAX, sql, NULL);
}

int
db_notified(struct db *db, unsigned *tables, void (*row)(void *, const char *,
    const char *, const char *), void *arg)
{
	struct pollfd	 pfd;
	int		 i;

	/*
	 * Read what the socket holds, if anything (one poll per request in
	 * steady state). A server that went away (restart, crash) shows as an
	 * error or EOF; reading twice catches an EOF that follows the
	 * server's goodbye message.
	 */
	for (i = 0; i < 2 && db->conn != NULL; i++) {
		pfd.fd = PQsocket(db->conn);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) <= 0)
			break;
		if (PQconsumeInput(db->conn) == 0 ||
		    PQstatus(db->conn) != CONNECTION_OK) {
			drop(db);
			break;
		}
	}
	if (db->conn != NULL)
		note_notifies(db, row, arg);
	/*
	 * Without a live connection no NOTIFY can arrive: the caller's caches
	 * cannot be trusted until a reconnect (which reports all as changed).
	 */
	if (db->conn == NULL)
		db->pending |= DB_NOTIFY_ALL;
	*tables = db->pending;
	db->pending = 0;
	return *tables != 0;
}

int
db_begin(struct db *db)
{
	PGresult	*res;

	if (db->in_tx > 0) {
		db->in_tx++;
		return 0;
	}
	if ((res = run(db, STMT__MAX, "begin", NULL)) == NULL)
		return -1;
	PQclear(res);
	db->in_tx = 1;
	db->tx_failed = 0;
	return 0;
}

int
db_commit(struct db *db)
{
	PGresult	*res;

	if (db->in_tx == 0)
		return -1;
	if (db->in_tx > 1) {
		db->in_tx--;
		return db->tx_failed ? -1 : 0;
	}
	if (db->tx_failed) {
		db_rollback(db);
		return -1;
	}
	res = run(db, STMT__MAX, "commit", NULL);
	/* A commit of a failed transaction answers ROLLBACK: not done. */
	if (res != NULL && strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		PQclear(res);
		res = NULL;
	}
	db->in_tx = 0;
	if (res == NULL) {
		if (db->conn != NULL && PQtransactionStatus(db->conn) !=
		    PQTRANS_IDLE)
			drop(db);	/* state unknown: start afresh */
		return -1;
	}
	PQclear(res);
	return 0;
}

void
db_rollback(struct db *db)
{
	PGresult	*res;

	if (db->in_tx == 0)
		return;
	if (db->in_tx > 1) {
		db->in_tx--;
		db->tx_failed = 1;
		return;
	}
	db->in_tx = 0;
	db->tx_failed = 0;
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return;		/* the server rolled back when it went */
	if ((res = run(db, STMT__MAX, "rollback", NULL)) != NULL)
		PQclear(res);
	else if (db->conn != NULL)
		drop(db);
}

void
db_abandon(struct db *db)
{
	if (db->in_tx == 0)
		return;
	log_warnx("database: a transaction was left open: rolled back");
	db->in_tx = 1;
	db_rollback(db);
}

int
db_last_unique_violation(const struct db *db)
{
	return db->unique_violation;
}
