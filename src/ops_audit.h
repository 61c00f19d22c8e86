/*
 * ops_audit: the audit trail's operations, written once; jwtmint-admin
 * audit (src/admin_audit.c) and GET /admin/audit[/verify] are adapters.
 * The chain itself is sql/009_audit_chain.sql and src/auditchain.h.
 *
 * Everything reads one organization (the context's) only; the heads of
 * every organization go to the log (ops_audit_log_heads), for the
 * housekeeper. Reads only: these operations write no audit row.
 */
#ifndef JWTMINT_OPS_AUDIT_H
#define JWTMINT_OPS_AUDIT_H

#include <jansson.h>

#include "auditchain.h"
#include "ops.h"

#define OPS_AUDIT_LIMIT_DEFAULT	50
#define OPS_AUDIT_LIMIT_MAX	500
#define OPS_AUDIT_FILTER_BYTES	256	/* action, resource, actor */
#define OPS_AUDIT_CURSOR_BYTES	24	/* a decimal seq */
#define OPS_AUDIT_PAGE_ROWS	1000	/* rows per statement of a walk */

/* One row of the trail, as list and export give it (strings borrowed for
 * the call only). */
struct ops_audit_entry {
	const struct auditchain_row	*row;	/* seq, time, fields, hashes */
	char				 at[AUDITCHAIN_TIME_BYTES]; /* RFC 3339 */
	char				 hash[AUDITCHAIN_HEX_BYTES];
	char				 prev[AUDITCHAIN_HEX_BYTES];
};

/* Called once per row; returns 0 to go on, -1 to stop (OPS_FAILED). */
typedef int	(*ops_audit_row_fn)(void *arg, const struct ops_audit_entry *);

/*
 * List, newest first. Filters (NULL or "": any): action (the event,
 * "key.create"), resource, actor exactly; since (at >=) and until (at <)
 * as auditchain_time_parse reads them. cursor: the next_cursor of the
 * previous page (NULL: the newest rows). limit 0 is the default (50); at
 * most 500. OPS_INVALID names "action", "resource", "actor" (over
 * OPS_AUDIT_FILTER_BYTES or control bytes), "since", "until", "cursor" or
 * "limit".
 */
struct ops_audit_list {
	const char	*action, *resource, *actor;
	const char	*since, *until;
	const char	*cursor;
	int		 limit;
	ops_audit_row_fn row;
	void		*arg;
};
struct ops_audit_listed {
	size_t		 n;					/* rows given */
	char		 next_cursor[OPS_AUDIT_CURSOR_BYTES];	/* "": no more */
};
enum ops_err	ops_audit_list(const struct ops_ctx *,
		    const struct ops_audit_list *, struct ops_audit_listed *,
		    const char **field);

/*
 * Walk the organization's chain up to its head row (rows written meanwhile
 * are left for the next walk) and judge it (auditchain.h). head: a hash an
 * operator kept (64 hex digits), which must be in the chain; NULL for
 * none (OPS_INVALID "head" when malformed). OPS_OK whatever the verdict:
 * out->verdict says; out->head_seq and out->head are the chain's head
 * when it is good.
 */
struct ops_audit_verify {
	const char	*head;
};
struct ops_audit_verified {
	enum auditchain_verdict	 verdict;
	long long		 rows;		/* rows checked */
	long long		 bad_seq, bad_id;	/* bad_id 0: missing */
	char			 why[AUDITCHAIN_WHY_BYTES];
	long long		 head_seq;
	char			 head[AUDITCHAIN_HEX_BYTES];
};
enum ops_err	ops_audit_verify(const struct ops_ctx *,
		    const struct ops_audit_verify *, struct ops_audit_verified *,
		    const char **field);

/*
 * Every row written since (at >=; required, OPS_INVALID "since") in seq
 * order, page by page up to the head as it was when the export began,
 * through req->row: for a SIEM, one JSON line each (the caller's format).
 */
struct ops_audit_export {
	const char	*since;
	ops_audit_row_fn row;
	void		*arg;
};
enum ops_err	ops_audit_export(const struct ops_ctx *,
		    const struct ops_audit_export *, long long *rows,
		    const char **field);

/*
 * Write every organization's head (seq and hash) to the log, one line
 * each: "audit head: org ID (SLUG) seq N hash HEX". The housekeeper calls
 * it every few minutes, so that an operator who keeps the log elsewhere
 * can give a head to `audit verify --head` and catch rows cut from the
 * end. x->org is not used. OPS_OK or OPS_UNAVAILABLE.
 */
enum ops_err	ops_audit_log_heads(const struct ops_ctx *);

/*
 * One entry as the JSON object every adapter shows (list, export, the
 * admin API): seq, at (RFC 3339 UTC, microseconds), org, action,
 * resource, actor, source, outcome, detail, prev_hash, hash. The caller
 * owns it (json_decref); NULL on allocation failure.
 */
json_t		*ops_audit_entry_json(const struct ops_audit_entry *);

/*
 * A verification as JSON, the same for the CLI and the admin API: org,
 * slug (when given), ok, verdict, rows, and head_seq and head when good,
 * bad_seq, bad_id (null: the row is missing) and why when not.
 */
json_t		*ops_audit_verified_json(const char *org, const char *slug,
		    const struct ops_audit_verified *);

#endif
