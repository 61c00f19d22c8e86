/*
 * stmt: the statement table. Times leave the database as Unix seconds or
 * RFC 3339 UTC text; bytea leaves it as hex text ("\x...").
 */
#include "stmt.h"

#define RFC3339(col) \
	"to_char(" col " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const struct stmt_def defs[STMT__MAX] = {
	[STMT_PING] = { "ping", "select 1", 0 },

	/*
	 * One round trip authenticates a client: the row comes back whatever
	 * its state, so that the caller does the same HMAC work for a revoked,
	 * expired or disabled key as for a good one (no timing oracle).
	 */
	[STMT_KEY_GET] = { "key_get",
	    "select k.org_id, k.env, k.salt, k.hash, k.scopes,"
	    " coalesce(extract(epoch from k.expires_at)::bigint, 0),"
	    " (k.revoked_at is not null), (o.disabled_at is not null)"
	    " from api_keys k join orgs o on o.id = k.org_id"
	    " where k.id = $1", 1 },
	[STMT_KEYS_TOUCH] = { "keys_touch",
	    "update api_keys set last_used_at = now()"
	    " where id = any($1::text[])", 1 },
	[STMT_SIGNING_KEYS] = { "signing_keys",
	    "select kid, alg, private_sealed from signing_keys"
	    " where retired_at is null order by created_at desc, kid", 0 },

	/* One migrator at a time, whoever else runs `migrate` meanwhile. */
	[STMT_MIGRATION_LOCK] = { "migration_lock",
	    "select pg_advisory_xact_lock(7469746)", 0 },
	[STMT_MIGRATION_APPLIED] = { "migration_applied",
	    "select 1 from schema_migrations where name = $1", 1 },
	[STMT_MIGRATION_RECORD] = { "migration_record",
	    "insert into schema_migrations (name) values ($1)", 1 },

	[STMT_ORG_CREATE] = { "org_create",
	    "insert into orgs (id, slug, name) values ($1, $2, $3)"
	    " returning " RFC3339("created_at"), 3 },
	[STMT_ORG_LIST] = { "org_list",
	    "select id, slug, name, " RFC3339("created_at") ", "
	    RFC3339("disabled_at") " from orgs order by slug", 0 },
	[STMT_ORG_GET] = { "org_get",
	    "select id, (disabled_at is not null) from orgs where slug = $1", 1 },
	[STMT_ORG_DISABLE] = { "org_disable",
	    "update orgs set disabled_at = now()"
	    " where slug = $1 and disabled_at is null", 1 },

	[STMT_KEY_INSERT] = { "key_insert",
	    "insert into api_keys (id, org_id, name, env, salt, hash, scopes,"
	    " expires_at) values ($1, $2, $3, $4, decode($5, 'hex'),"
	    " decode($6, 'hex'), $7, case when $8::bigint > 0 then"
	    " now() + make_interval(secs => $8::bigint) end)"
	    " returning " RFC3339("created_at") ", " RFC3339("expires_at"), 8 },
	[STMT_KEY_LIST] = { "key_list",
	    "select k.id, o.slug, k.name, k.env, k.scopes, "
	    RFC3339("k.created_at") ", " RFC3339("k.expires_at") ", "
	    RFC3339("k.revoked_at") ", " RFC3339("k.last_used_at")
	    " from api_keys k join orgs o on o.id = k.org_id"
	    " where $1 = '' or k.org_id = $1 order by k.created_at, k.id", 1 },
	[STMT_KEY_REVOKE] = { "key_revoke",
	    "update api_keys set revoked_at = now()"
	    " where id = $1 and revoked_at is null", 1 },

	[STMT_SIGNING_INSERT] = { "signing_insert",
	    "insert into signing_keys (kid, alg, private_sealed)"
	    " values ($1, $2, decode($3, 'hex'))", 3 },
	[STMT_SIGNING_LIST] = { "signing_list",
	    "select kid, alg, " RFC3339("created_at") ", "
	    RFC3339("retired_at") " from signing_keys order by created_at, kid", 0 },
	[STMT_SIGNING_RETIRE] = { "signing_retire",
	    "update signing_keys set retired_at = now()"
	    " where kid = $1 and retired_at is null", 1 },
};

const struct stmt_def *
stmt_get(enum stmt s)
{
	return &defs[s];
}

const char stmt_migrations_table[] =
    "create table if not exists schema_migrations ("
    " name text primary key, applied_at timestamptz not null default now())";
