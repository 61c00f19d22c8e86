/*
 * ops: what every administrative operation (src/ops_*.c) shares — the
 * narrow context it runs in and the one error enum it returns. Operations
 * are written once; jwtmint-admin (src/admin_*.c) and the admin API
 * (src/h_admin*.c) are thin adapters over them. Each operation runs in one
 * transaction that also writes its audit row and sends its NOTIFY.
 */
#ifndef JWTMINT_OPS_H
#define JWTMINT_OPS_H

#include <stddef.h>

struct db;

#define OPS_ACTOR_BYTES		160	/* "key:ID", "user:usr_…", "cli:u@host" */
#define OPS_SOURCE_BYTES	64	/* a client address, or "" */

/* What an operation reads: the database, the caller and its organization. */
struct ops_ctx {
	struct db		*db;
	const char		*org;		/* the caller's organization id */
	const char		*actor;		/* who acts, for the audit trail */
	const char		*source;	/* from where ("" when local) */
	int			 deny_sec;	/* deny-row life (claims_deny_sec) */
	const unsigned char	*pepper;	/* new API keys' hashes */
	size_t			 pepperlen;
	int			 apps_max;	/* apps_per_org_max; 0: 100 */
};

/* One error enum for every operation (ops_*.h). */
enum ops_err {
	OPS_OK,
	OPS_INVALID,		/* *field names the bad (or missing) field */
	OPS_NOT_FOUND,		/* nothing of that name in the organization */
	OPS_CONFLICT,		/* exists, but not in a state that allows it */
	OPS_UNAVAILABLE,	/* the database failed: nothing was done */
	OPS_FAILED,		/* something else failed: nothing was done */
	OPS_FORBIDDEN		/* the caller holds less than that needs
				   (perm_within): *field names what */
};

/* A page of a listing: at most OPS_LIST_MAX rows. */
#define OPS_LIST_MAX		500

/* What a listing operation returns besides its rows. */
struct ops_page {
	size_t		 n;		/* rows handed over */
	int		 more;		/* 1 when rows follow the last one */
};

/* The longest scope list a role or a user keeps (sql/002_lifecycle.sql). */
#define OPS_SCOPES_MAX_BYTES	8192

#endif
