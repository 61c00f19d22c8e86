/*
 * stmt: every SQL statement jwtmint runs, as a table of prepared statements
 * indexed by an enum. Nothing else holds SQL text (the migrations in sql/
 * aside). Parameters are always $n; no statement is ever built with printf.
 *
 * Tenant rule: a statement that reads or writes one organization's rows
 * takes that organization's id as a parameter, and the id always comes from
 * the authenticated credential (the API key row), never from request input.
 */
#ifndef JWTMINT_STMT_H
#define JWTMINT_STMT_H

enum stmt {
	/* server hot path */
	STMT_PING,
	STMT_KEY_GET,
	STMT_KEYS_TOUCH,
	STMT_SIGNING_KEYS,
	/* users and the token lifecycle */
	STMT_LOGIN_LOOKUP,
	STMT_LOGIN_FAILED,
	STMT_LOGIN_SUCCEEDED,
	STMT_LOGIN_RESET,
	STMT_PASSWORD_REHASH,
	STMT_REFRESH_PEEK,
	STMT_REFRESH_ROTATE,
	STMT_REFRESH_PEEK_ROTATE,
	STMT_FAMILY_REVOKE,
	STMT_TOKEN_STATE,
	STMT_JTI_REVOKE,
	STMT_USER_CUTOFF,
	STMT_KEY_REVOKE_IN_ORG,
	STMT_AUDIT,
	STMT_USER_STATE,
	STMT_REVOKED_JTIS,
	STMT_REVOKED_PURGE,
	/* administration (jwtmint-admin) */
	STMT_MIGRATION_LOCK,
	STMT_MIGRATION_APPLIED,
	STMT_MIGRATION_RECORD,
	STMT_ORG_CREATE,
	STMT_ORG_LIST,
	STMT_ORG_GET,
	STMT_ORG_DISABLE,
	STMT_KEY_LIST,
	STMT_SIGNING_LIST,
	STMT_ROLE_CREATE,
	STMT_ROLE_LIST,
	STMT_USER_CREATE,
	STMT_USER_LIST,
	STMT_USER_PASSWD,
	STMT_USER_DISABLE,
	STMT_USER_ENABLE,
	STMT_KEY_GET_ORG,
	STMT_KEY_SET_FORWARDER,
	STMT_RATE_SYNC,
	STMT_KEY_ROLL_PEEK,
	STMT_MIGRATIONS_APPLIED,
	STMT_KEY_ROLL,
	/* operations on organizations, users and roles (src/ops_*.c) */
	STMT_OPS_LOCK_ORG,
	STMT_ORG_ENABLE,
	STMT_ROLE_GET,
	STMT_ROLE_UPDATE,
	STMT_USER_GET,
	STMT_USER_UPDATE,
	STMT_USER_HOLDS,
	/* the admin API (adminapi.c, ops_key.c) */
	STMT_IDEM_LOCK,
	STMT_IDEM_GET,
	STMT_IDEM_PUT,
	STMT_IDEM_PURGE,
	STMT_KEY_VIEW,
	STMT_KEY_PAGE,
	STMT_KEY_PAGE_ALL,
	STMT_KEY_CREATE,
	STMT_KEY_PEEK,
	STMT_KEY_UPDATE,
	STMT_KEY_REVOKE_OP,
	/* signing keys, secrets, housekeeping (sql/011_signing.sql) */
	STMT_SIGNING_CREATE,
	STMT_SIGNING_PROMOTE,
	STMT_SIGNING_RETIRE,
	STMT_SIGNING_REMOVE,
	STMT_SIGNING_PEEK,
	STMT_SIGNING_SCHEDULE,
	STMT_SIGNING_LOCK,
	STMT_SIGNING_LOCK_WAIT,
	STMT_SIGNING_SEALED,
	STMT_SIGNING_RESEAL,
	STMT_SECRET_CHECK,
	STMT_SECRET_KEK_SET,
	STMT_KEK_AUDIT,
	STMT_KEY_REHASH,
	STMT_PEPPER_LIST,
	STMT_GRACE_END,
	STMT_GRACE_NEXT,
	/* database roles and the audit trail (sql/009_audit_chain.sql) */
	STMT_CURRENT_USER,
	STMT_GRANT_RUNTIME,
	STMT_AUDIT_LIST,
	STMT_AUDIT_ROWS,
	STMT_AUDIT_HEAD,
	STMT_AUDIT_HEADS,
	STMT_AUDIT_ORGS,
	/* the portal (h_portal.c) */
	STMT_PORTAL_GET,
	STMT_JTI_REVOKE_AUDITED,
	/* applications and authorization codes (sql/015_apps.sql) */
	STMT_APP_GET,
	STMT_AUTHCODE_CREATE,
	STMT_AUTHCODE_REDEEM,
	STMT_AUTHCODE_REFUSE,
	STMT_AUTHCODE_NARROW,
	STMT_AUTHCODE_ABANDON,
	STMT_AUTHCODE_REUSE,
	STMT_AUTHCODE_PURGE,
	STMT_APP_CREATE,
	STMT_APP_PAGE,
	STMT_APP_VIEW,
	STMT_APP_UPDATE,
	STMT_APP_SET_DISABLED,
	STMT_APP_ALL,
	STMT_APP_KEY_OK,
	STMT_APP_COUNT,
	/* the hosted login page (sql/016_login.sql, h_authorize.c) */
	STMT_LOGIN_TEMPLATE,
	STMT_LOGIN_TEMPLATE_SET,
	STMT_LOGIN_REQ_CREATE,
	STMT_LOGIN_REQ_TAKE,
	STMT_LOGIN_REQ_PURGE,
	STMT_SESSION_CREATE,
	STMT_SESSION_GET,
	STMT_SESSION_DELETE,
	STMT_SESSION_PURGE,
	/* usage per key (sql/013_usage.sql, src/usage.h) */
	STMT_USAGE_FLUSH,
	STMT_USAGE_LOCK,
	STMT_USAGE_PURGE,
	STMT_USAGE_KEY_IN_ORG,
	STMT_USAGE_KEY,
	STMT_USAGE_ORG,
	STMT_USAGE_TOP,
	/* unusual usage and its webhook (sql/014_anomalies.sql) */
	STMT_ANOMALY_LOCK,
	STMT_ANOMALY_DETECT,
	STMT_ANOMALY_LIST,
	STMT_HOOK_CLAIM,
	STMT_HOOK_DONE,
	STMT_HOOK_RETRY,
	STMT_HOOK_NEXT,
	STMT_HOOK_PURGE,
	STMT_NOTIFY_PROBE,
	STMT__MAX
};

struct stmt_def {
	const char	*name;		/* the prepared statement's name */
	const char	*sql;
	int		 nparams;
};

/* The definition of s. */
const struct stmt_def	*stmt_get(enum stmt s);

/* DDL run with a simple query before migrating (DDL cannot be prepared). */
extern const char	stmt_migrations_table[];

#endif
