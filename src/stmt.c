/*
 * stmt: the statement table. Times leave the database as Unix seconds or
 * RFC 3339 UTC text; bytea leaves it as hex text ("\x...").
 */
#include "stmt.h"

/*
 * Is a key usable: not revoked and not expired, an expiry at this instant
 * being expired. The one rule in SQL; store_key_usable is its C twin
 * (store.h), which agrees at the boundary because expires_at is written in
 * whole seconds (STMT_KEY_INSERT). k names the api_keys row.
 */
#define KEY_USABLE(k) \
	"(" k ".revoked_at is null and " k ".disabled_at is null and"\
	    " (" k ".expires_at is null or " k ".expires_at > now()))"

/*
 * Are the access tokens a key obtained still good: the same, except that a
 * key whose end was a roll's grace without revoke_tokens (keep_tokens)
 * leaves them good until their own exp. store_key_tokens_good is its C
 * twin.
 */
#define KEY_TOKENS_GOOD(k) \
	"(" k ".revoked_at is null and " k ".disabled_at is null and"\
	    " (" k ".expires_at is null or " k ".expires_at > now() or "\
	    k ".keep_tokens))"

/*
 * Is what a refresh family is bound to still good: its organization (o)
 * enabled, its key (k, left joined: a public client's family has none)
 * usable, and its application (a, left joined: a family of the password
 * grant has none) enabled (sql/015_apps.sql). Read here, not from a
 * worker's cache: a public client's refresh names no key to find stale.
 */
#define BINDING_OK \
	"(o.disabled_at is null and"\
	    " (f.key_id is null or " KEY_USABLE("k") ") and"\
	    " (f.client_id is null or a.disabled_at is null)) is true"

/*
 * Is a refresh token's family still good: not revoked, not past its
 * absolute end, of its user's current generation, its user enabled, its
 * key usable, and not written with a code still unexchanged (authcode.h:
 * until its code is consumed, a family is no one's, whoever might have
 * unmasked its token). The one rule (store_refresh_family_ok reads this
 * column); rotation and idle time are the refresh grant's to judge. $2 is
 * the family's organization (REFRESH_PEEK_SQL's).
 */
#define REFRESH_FAMILY_OK \
	"(f.revoked_at is null and f.absolute_expires_at > now()"\
	    " and f.generation = u.generation and u.disabled_at is null"\
	    " and " BINDING_OK \
	    " and not exists (select 1 from auth_codes c where"\
	    " c.org_id = $2 and c.family_id = f.id and c.used_at is null))"

/* The columns of a refresh decision (store_refresh_peek reads them). */
#define REFRESH_PEEK_SQL \
	"select t.family_id, t.scope, (t.rotated_at is not null) as rotated,"\
	    " coalesce(extract(epoch from now() - t.rotated_at), 0)::float8,"\
	    " (t.idle_expires_at > now()) as idle_ok,"\
	    " (f.absolute_expires_at > now()) as absolute_ok,"\
	    " (f.revoked_at is not null) as family_revoked,"\
	    " coalesce(f.key_id, f.client_id) as key_id, u.id,"\
	    " u.role, r.scopes, r.all_accounts, r.read_only, u.extra_scopes,"\
	    " u.accounts, (u.disabled_at is not null) as user_disabled,"\
	    " (f.generation <> u.generation) as cut_off,"\
	    " not " BINDING_OK " as key_bad,"\
	    " greatest(0, floor(extract(epoch from f.absolute_expires_at - now())))::int,"\
	    " f.generation, " REFRESH_FAMILY_OK " as family_ok"\
	    " from refresh_tokens t join refresh_families f on f.id = t.family_id"\
	    " left join api_keys k on k.id = f.key_id"\
	    " left join apps a on a.client_id = f.client_id"\
	    " join orgs o on o.id = f.org_id"\
	    " join users u on u.id = f.user_id"\
	    " join roles r on r.org_id = u.org_id and r.name = u.role"\
	    " where t.digest = decode($1, 'hex') and f.org_id = $2"

/*
 * The id of the pepper whose check value is the hex parameter p (a new
 * key's hash is keyed with it; src/secretcheck.h): NULL, and the insert
 * refused, when no host has checked that pepper in.
 */
#define PEPPER_ID(p) \
	"(select id from secret_checks where kind = 'pepper'"\
	" and check_value = decode(" p ", 'hex'))"

/* A signing key's state from its times (sql/011_signing.sql). */
#define SIGNING_STATE \
	"case when removed_at is not null then 'removed'"\
	" when retired_at is not null then 'retired'"\
	" when activated_at is not null then 'active' else 'next' end"
/* A key's status: the one definition (docs/ADMIN-API.md). */
#define KEY_STATUS \
	"case when k.revoked_at is not null then 'revoked'"\
	" when k.disabled_at is not null then 'disabled'"\
	" when k.expires_at <= now() then 'expired'"\
	" when k.rolled_to is not null then 'expiring' else 'active' end"

#define RFC3339(col) \
	"to_char(" col " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* A time as microseconds since the epoch (the position of a listing's
 * cursor, src/cursor.h), and back from parameter n. */
#define USEC(col) \
	"(extract(epoch from " col ") * 1000000)::bigint"
#define FROM_USEC(n) \
	"(to_timestamp(0) + " n "::bigint * interval '1 microsecond')"

/* A user as struct ops_user reads it (src/ops_user.c), 9 columns. */
#define USER_COLS \
	"u.id, u.username, u.role, u.extra_scopes, u.accounts, "\
	RFC3339("u.created_at") ", " RFC3339("u.disabled_at") ", "\
	USEC("u.created_at") ", u.version"

/* A role as struct ops_role reads it (src/ops_role.c), 7 columns. */
#define ROLE_COLS \
	"r.name, r.scopes, r.all_accounts, r.read_only, "\
	RFC3339("r.created_at") ", " USEC("r.created_at") ", r.version"

/* An application as struct ops_app reads it (src/ops_app.c), 9 columns. */
#define APP_COLS \
	"a.client_id, a.name, a.type, array_to_string(a.redirect_uris, ' '),"\
	" a.scopes, " RFC3339("a.created_at") ", " RFC3339("a.disabled_at")\
	", a.version, " USEC("a.created_at") ", coalesce(a.key_id, '')"

/* The audit row of an operation: its columns (sql/008_audit_fields.sql). */
#define AUDIT_INTO \
	"insert into audit (org_id, event, detail, actor, source, resource)"

/*
 * A key as the admin API shows it (ops_key.h, struct ops_key_view): never
 * its salt or hash. The row is k; the last column is created_at in
 * microseconds since the epoch, the listing's cursor.
 */
#define KEY_VIEW \
	"k.id, k.name, k.env, k.scopes, k.grants, coalesce(k.rate_per_sec, -1),"\
	" coalesce(k.rate_per_min, -1), k.meta::text, " RFC3339("k.created_at")\
	", " RFC3339("k.last_used_at") ", " RFC3339("k.expires_at") ", "\
	RFC3339("k.disabled_at") ", " RFC3339("k.revoked_at") ", " KEY_STATUS\
	", k.rolled_from, k.rolled_to, k.trusted_forwarder, k.version,"\
	" (extract(epoch from k.created_at) * 1000000)::bigint"

static const struct stmt_def defs[STMT__MAX] = {
	[STMT_PING] = { "ping", "select 1", 0 },

	/*
	 * One round trip authenticates a client: the row comes back whatever
	 * its state, so that the caller does the same HMAC work for a revoked,
	 * expired or disabled key as for a good one (no timing oracle).
	 */
	[STMT_KEY_GET] = { "key_get",
	    "select k.org_id, k.env, k.salt, k.hash, k.scopes,"
	    " coalesce(floor(extract(epoch from k.expires_at))::bigint, 0),"
	    " (k.revoked_at is not null), (o.disabled_at is not null), k.grants,"
	    " coalesce(k.rate_per_sec, -1), coalesce(k.rate_per_min, -1),"
	    " k.trusted_forwarder, (k.disabled_at is not null), k.keep_tokens,"
	    " k.pepper_id"
	    " from api_keys k join orgs o on o.id = k.org_id"
	    " where k.id = $1", 1 },
	[STMT_KEYS_TOUCH] = { "keys_touch",
	    "update api_keys set last_used_at = now()"
	    " where id = any($1::text[])", 1 },
	/* Every published key (next, active, retired) and whether it signs. */
	[STMT_SIGNING_KEYS] = { "signing_keys",
	    "select kid, alg, private_sealed,"
	    " (activated_at is not null and retired_at is null)"
	    " from signing_keys where removed_at is null"
	    " order by created_at desc, kid", 0 },

	/*
	 * Login, one round trip before any hashing: the user (or a row of
	 * NULLs when unknown, so both cases cost the same), the role's
	 * permissions, and the failure counts of this username and address
	 * within the window. $1 org, $2 username, $3 address, $4 window sec.
	 */
	[STMT_LOGIN_LOOKUP] = { "login_lookup",
	    "select u.id, u.password_hash, u.role, r.scopes, r.all_accounts,"
	    " r.read_only, u.extra_scopes, u.accounts, (u.disabled_at is not null),"
	    " coalesce((select failures from login_failures where org_id = $1"
	    "   and kind = 'u' and subject = $2"
	    "   and window_start > now() - make_interval(secs => $4::int)), 0),"
	    " coalesce((select failures from login_failures where org_id = $1"
	    "   and kind = 'a' and subject = $3"
	    "   and window_start > now() - make_interval(secs => $4::int)), 0),"
	    " coalesce((select greatest(0, $4::int - extract(epoch from now() -"
	    "   min(window_start))::int) from login_failures where org_id = $1"
	    "   and ((kind = 'u' and subject = $2) or (kind = 'a' and subject = $3))"
	    "   and window_start > now() - make_interval(secs => $4::int)), 0),"
	    " coalesce(u.generation, 0)"
	    " from (select 1) one left join users u"
	    "   on u.org_id = $1 and u.username = $2"
	    " left join roles r on r.org_id = u.org_id and r.name = u.role", 4 },
	/*
	 * Count one failure for the username and for the address; the failure
	 * that reaches a limit starts a lockout and writes its one audit row
	 * (per username or address and window: never one per attempt, so that
	 * failed logins cannot flood the chain). $1 org, $2 username, $3
	 * address, $4 window sec, $5 actor (the key), $6 and $7 the limits
	 * per username and per address.
	 */
	[STMT_LOGIN_FAILED] = { "login_failed",
	    "with f as (insert into login_failures as f (org_id, kind, subject,"
	    "   window_start, failures) values ($1, 'u', $2, now(), 1),"
	    "   ($1, 'a', $3, now(), 1) on conflict (org_id, kind, subject)"
	    "   do update set failures = case when f.window_start >"
	    "   now() - make_interval(secs => $4::int) then f.failures + 1 else 1 end,"
	    "   window_start = case when f.window_start >"
	    "   now() - make_interval(secs => $4::int) then f.window_start"
	    "   else now() end returning f.org_id, f.kind, f.subject, f.failures)"
	    " insert into audit (org_id, event, detail, actor, source, resource,"
	    "   outcome) select $1, 'login.lockout', f.failures ||"
	    "   ' failed logins within ' || $4 || ' s: locked out until the"
	    " window ends', $5, $3, case f.kind when 'u' then 'user:' else"
	    "   'address:' end || f.subject, 'denied' from f"
	    "   where ((f.kind = 'u' and f.failures = $6::int)"
	    "   or (f.kind = 'a' and f.failures = $7::int))", 7 },
	/*
	 * A successful login: the one write it needs anyway (the refresh
	 * family and token) also resets the username's failure counter.
	 * $1 org, $2 username, $3 family, $4 user, $5 key, $6 absolute sec,
	 * $7 digest (hex), $8 scope, $9 idle sec, $10 the user's generation
	 * as the login read it (a change since makes the family dead).
	 */
	[STMT_LOGIN_SUCCEEDED] = { "login_succeeded",
	    "with reset as (delete from login_failures where org_id = $1"
	    "   and kind = 'u' and subject = $2),"
	    " fam as (insert into refresh_families (id, org_id, user_id, key_id,"
	    "   absolute_expires_at, generation) values ($3, $1, $4, $5,"
	    "   now() + make_interval(secs => $6::int), $10::bigint) returning id)"
	    " insert into refresh_tokens (digest, family_id, scope, idle_expires_at)"
	    " select decode($7, 'hex'), fam.id, $8,"
	    "   now() + make_interval(secs => least($9::int, $6::int)) from fam", 10 },
	/* Success without a refresh token, after earlier failures. */
	[STMT_LOGIN_RESET] = { "login_reset",
	    "delete from login_failures where org_id = $1 and kind = 'u'"
	    " and subject = $2", 2 },
	[STMT_PASSWORD_REHASH] = { "password_rehash",
	    "update users set password_hash = $3 where org_id = $1 and id = $2", 3 },

	/*
	 * Everything a refresh decides on, by the token's digest, in the
	 * caller's organization only. $1 digest (hex), $2 org.
	 */
	[STMT_REFRESH_PEEK] = { "refresh_peek", REFRESH_PEEK_SQL, 2 },
	/*
	 * The common refresh (no narrower scope asked for) in one round trip:
	 * the same decision, and the rotation when every rule allows it and
	 * the caller's key ($5) is the token's — the same rules the caller
	 * then applies to the returned row. Only one of concurrent requests
	 * rotates (rotated_at is null, under the row lock). The last column
	 * says whether this statement rotated. $3 new digest, $4 idle sec.
	 */
	[STMT_REFRESH_PEEK_ROTATE] = { "refresh_peek_rotate",
	    "with p as (" REFRESH_PEEK_SQL "),"
	    " ok as (select 1 from p where not p.rotated and p.idle_ok"
	    "   and p.family_ok and p.key_id = $5),"
	    " rot as (update refresh_tokens set rotated_at = now()"
	    "   where digest = decode($1, 'hex') and rotated_at is null"
	    "   and exists (select 1 from ok) returning family_id, scope),"
	    " ins as (insert into refresh_tokens (digest, family_id, scope,"
	    "   idle_expires_at) select decode($3, 'hex'), r.family_id, r.scope,"
	    "   least(now() + make_interval(secs => $4::int), f.absolute_expires_at)"
	    "   from rot r join refresh_families f on f.id = r.family_id returning 1)"
	    " select p.*, (select count(*) from ins) from p", 5 },
	/*
	 * Rotate: only the first of concurrent refreshes updates the row
	 * (the row lock serialises them; the others see rotated_at set and
	 * get 0 rows). $1 old digest, $2 new digest (hex), $3 idle sec.
	 */
	[STMT_REFRESH_ROTATE] = { "refresh_rotate",
	    "with old as (update refresh_tokens set rotated_at = now()"
	    "   where digest = decode($1, 'hex') and rotated_at is null"
	    "   returning family_id, scope)"
	    " insert into refresh_tokens (digest, family_id, scope, idle_expires_at)"
	    " select decode($2, 'hex'), o.family_id, o.scope,"
	    "   least(now() + make_interval(secs => $3::int), f.absolute_expires_at)"
	    " from old o join refresh_families f on f.id = o.family_id"
	    " returning 1", 3 },
	/*
	 * Revoke a family and say why in the audit trail; its access tokens
	 * (claim sid) go on the deny list for as long as one can live.
	 * $1 family, $2 org, $3 event, $4 seconds to keep the deny row,
	 * $5 actor, $6 source, $7 outcome.
	 */
	[STMT_FAMILY_REVOKE] = { "family_revoke",
	    "with rev as (update refresh_families set revoked_at = now()"
	    "   where id = $1 and org_id = $2 and revoked_at is null"
	    "   returning id, user_id),"
	    " deny as (insert into revoked_jtis (jti, org_id, expires_at)"
	    "   select id, $2, now() + make_interval(secs => $4::int) from rev"
	    "   on conflict do nothing)"
	    " insert into audit (org_id, event, detail, actor, source, resource,"
	    "   outcome) select $2, $3, 'refresh family of ' || user_id ||"
	    "   ' revoked with its access tokens', $5, $6, id, $7 from rev", 7 },

	/*
	 * Is a verified access token still good? One round trip: any of its
	 * ids on the deny list (jti, family, parents), its organization, its
	 * key and its user (disabled, generation).
	 * $1 ids (text[]), $2 org, $3 key id, $4 sub.
	 */
	[STMT_TOKEN_STATE] = { "token_state",
	    "select exists (select 1 from revoked_jtis where org_id = $2"
	    "   and jti = any($1::text[])),"
	    " coalesce((select disabled_at is not null from orgs where id = $2), true),"
	    " coalesce((select not " KEY_TOKENS_GOOD("api_keys") " from api_keys"
	    "   where id = $3 and org_id = $2), (select disabled_at is not null"
	    "   from apps where client_id = $3 and org_id = $2), true),"
	    " u.id is not null, u.username, coalesce(u.disabled_at is not null, false),"
	    " coalesce(u.generation, 0)"
	    " from (select 1) one left join users u on u.id = $4 and u.org_id = $2", 4 },
	/* $1 jti, $2 org, $3 token exp (Unix seconds). */
	[STMT_JTI_REVOKE] = { "jti_revoke",
	    "insert into revoked_jtis (jti, org_id, expires_at)"
	    " values ($1, $2, to_timestamp($3::bigint)) on conflict do nothing", 3 },
	/*
	 * Per-user cut-off: a new generation, so every token and refresh
	 * family of an older one is dead, and every family revoked.
	 * $1 org, $2 user id or username, $3 actor, $4 source.
	 */
	[STMT_USER_CUTOFF] = { "user_cutoff",
	    "with u as (update users set tokens_valid_after = now(),"
	    "   generation = generation + 1"
	    "   where org_id = $1 and (id = $2 or username = $2)"
	    "   returning id, username, generation),"
	    " f as (update refresh_families set revoked_at = now()"
	    "   where user_id in (select id from u) and revoked_at is null)"
	    " insert into audit (org_id, event, detail, actor, source, resource,"
	    "   outcome) select $1, 'user.revoke', 'user ' || username ||"
	    "   ': every token and refresh family ended (generation ' ||"
	    "   generation || ')', $3, $4, id, 'ok' from u returning resource", 4 },
	/* $1 key id, $2 org, $3 actor, $4 source. */
	[STMT_KEY_REVOKE_IN_ORG] = { "key_revoke_in_org",
	    "with k as (update api_keys set revoked_at = now()"
	    "   where id = $1 and org_id = $2 and revoked_at is null"
	    "   returning id, name)"
	    " insert into audit (org_id, event, detail, actor, source, resource,"
	    "   outcome) select $2, 'key.revoke', 'key ' || name ||"
	    "   ' revoked with every token issued to it', $3, $4, id, 'ok'"
	    "   from k returning resource", 4 },
	/* The gate's user cache. $1 org, $2 user id. */
	[STMT_USER_STATE] = { "user_state",
	    "select username, (disabled_at is not null), generation"
	    " from users where org_id = $1 and id = $2", 2 },
	/* The gate's deny list: every revoked token not yet expired. */
	[STMT_REVOKED_JTIS] = { "revoked_jtis",
	    "select org_id, jti from revoked_jtis where expires_at > now()", 0 },
	[STMT_REVOKED_PURGE] = { "revoked_purge",
	    "delete from revoked_jtis where expires_at < now() - interval '1 hour'", 0 },
	/* $1 org, $2 event, $3 detail. */
	[STMT_AUDIT] = { "audit",
	    "insert into audit (org_id, event, detail) values ($1, $2, $3)", 3 },

	/* One migrator at a time, whoever else runs `migrate` meanwhile. */
	[STMT_MIGRATION_LOCK] = { "migration_lock",
	    "select pg_advisory_xact_lock(7469746)", 0 },
	[STMT_MIGRATION_APPLIED] = { "migration_applied",
	    "select 1 from schema_migrations where name = $1", 1 },
	/* /readyz: how many of these migrations ($1, text[]) are applied. */
	[STMT_MIGRATIONS_APPLIED] = { "migrations_applied",
	    "select count(*) from schema_migrations where name = any($1::text[])",
	    1 },
	[STMT_MIGRATION_RECORD] = { "migration_record",
	    "insert into schema_migrations (name) values ($1)", 1 },

	/* $1 id, $2 slug, $3 name, $4 actor, $5 source. */
	[STMT_ORG_CREATE] = { "org_create",
	    "with o as (insert into orgs (id, slug, name) values ($1, $2, $3)"
	    "   returning id, created_at),"
	    " a as (" AUDIT_INTO " select o.id, 'org.create', 'slug ' || $2,"
	    "   $4, $5, o.id from o),"
	    /* Its portal (sql/015_apps.sql: one per organization). */
	    " p as (insert into apps (client_id, org_id, name, type,"
	    "   redirect_uris, scopes) select jwtmint_app_id(), o.id, 'Portal',"
	    "   'portal', array['/portal/' || $2 || '/'], 'admin' from o)"
	    " select " RFC3339("o.created_at") " from o", 5 },
	[STMT_ORG_LIST] = { "org_list",
	    "select id, slug, name, " RFC3339("created_at") ", "
	    RFC3339("disabled_at") " from orgs order by slug", 0 },
	[STMT_ORG_GET] = { "org_get",
	    "select id, (disabled_at is not null) from orgs where slug = $1", 1 },
	/* $1 slug, $2 actor, $3 source; the organization's id, or no row. */
	[STMT_ORG_DISABLE] = { "org_disable",
	    "with o as (update orgs set disabled_at = now()"
	    "   where slug = $1 and disabled_at is null returning id),"
	    " a as (" AUDIT_INTO " select o.id, 'org.disable',"
	    "   'disabled: its keys and tokens stop working', $2, $3, o.id from o)"
	    " select o.id from o", 3 },

	[STMT_KEY_LIST] = { "key_list",
	    "select k.id, o.slug, k.name, k.env, k.scopes, k.grants, "
	    RFC3339("k.created_at") ", " RFC3339("k.expires_at") ", "
	    RFC3339("k.revoked_at") ", " RFC3339("k.last_used_at") ","
	    " k.trusted_forwarder::text,"
	    " " KEY_STATUS ","
	    " k.rolled_from, k.rolled_to, k.pepper_id"
	    " from api_keys k join orgs o on o.id = k.org_id"
	    " where $1 = '' or k.org_id = $1 order by k.created_at, k.id", 1 },

	[STMT_SIGNING_LIST] = { "signing_list",
	    "select kid, alg, " RFC3339("created_at") ", "
	    RFC3339("retired_at") ", " SIGNING_STATE ", "
	    RFC3339("activated_at") ", " RFC3339("removed_at")
	    " from signing_keys order by created_at, kid", 0 },

	/* $1 org, $2 name, $3 scopes, $4 all_accounts, $5 read_only,
	 * $6 detail, $7 actor, $8 source. */
	[STMT_ROLE_CREATE] = { "role_create",
	    "with r as (insert into roles (org_id, name, scopes, all_accounts,"
	    "   read_only) values ($1, $2, $3, $4::boolean, $5::boolean)"
	    "   returning *),"
	    " a as (" AUDIT_INTO " select $1, 'role.create', $6, $7, $8, r.name"
	    "   from r)"
	    " select " ROLE_COLS " from r", 8 },
	/* A page after ($2 usec, $3 name) of at most $4 rows. */
	[STMT_ROLE_LIST] = { "role_list",
	    "select " ROLE_COLS " from roles r where r.org_id = $1"
	    " and (r.created_at, r.name) > (" FROM_USEC("$2") ", $3)"
	    " order by r.created_at, r.name limit $4::int", 4 },
	/* $1 id, $2 org, $3 username, $4 password hash (PHC), $5 role,
	 * $6 extra scopes, $7 accounts, $8 detail, $9 actor, $10 source. */
	[STMT_USER_CREATE] = { "user_create",
	    "with u as (insert into users (id, org_id, username, password_hash,"
	    "   role, extra_scopes, accounts) values ($1, $2, $3, $4, $5, $6, $7)"
	    "   returning *),"
	    " a as (" AUDIT_INTO " select $2, 'user.create', $8, $9, $10, u.id"
	    "   from u)"
	    " select " USER_COLS " from u", 10 },
	/* A page after ($2 usec, $3 id) of at most $4 rows. */
	[STMT_USER_LIST] = { "user_list",
	    "select " USER_COLS " from users u where u.org_id = $1"
	    " and (u.created_at, u.id) > (" FROM_USEC("$2") ", $3)"
	    " order by u.created_at, u.id limit $4::int", 4 },
	/*
	 * A new password or a disabled user ends every session (a new
	 * generation), so enabling the user again brings no old token back.
	 * A password is no part of what the user's version names (the ETag).
	 * $1 org, $2 username, ($3 password hash,) then actor, source.
	 */
	[STMT_USER_PASSWD] = { "user_passwd",
	    "with u as (update users set password_hash = $3,"
	    "   tokens_valid_after = now(), generation = generation + 1"
	    "   where org_id = $1 and username = $2 returning *),"
	    " s as (delete from sessions where org_id = $1"
	    "   and user_id in (select id from u)),"
	    " a as (" AUDIT_INTO " select $1, 'user.password',"
	    "   'new password: every token of the user ended', $4, $5, u.id"
	    "   from u)"
	    " select " USER_COLS " from u", 5 },
	[STMT_USER_DISABLE] = { "user_disable",
	    "with u as (update users set disabled_at = now(),"
	    "   tokens_valid_after = now(), generation = generation + 1,"
	    "   version = version + 1"
	    "   where org_id = $1 and username = $2 and disabled_at is null"
	    "   returning *),"
	    " s as (delete from sessions where org_id = $1"
	    "   and user_id in (select id from u)),"
	    " a as (" AUDIT_INTO " select $1, 'user.disable',"
	    "   'disabled: every token of the user ended', $3, $4, u.id from u)"
	    " select " USER_COLS " from u", 4 },
	[STMT_USER_ENABLE] = { "user_enable",
	    "with u as (update users set disabled_at = null,"
	    "   version = version + 1 where org_id = $1 and username = $2"
	    "   and disabled_at is not null returning *),"
	    " a as (" AUDIT_INTO " select $1, 'user.enable', 'enabled', $3, $4,"
	    "   u.id from u)"
	    " select " USER_COLS " from u", 4 },
	[STMT_KEY_GET_ORG] = { "key_get_org",
	    "select org_id from api_keys where id = $1", 1 },
	/*
	 * Shared rate limits: publish this host's counts of the minute and
	 * read the other hosts' for the same keys, in one round trip; purge
	 * minutes no host can still be in. $1 host, $2 minute, $3 key hashes
	 * (bigint[]), $4 counts (int[]).
	 */
	[STMT_RATE_SYNC] = { "rate_sync",
	    "with up as (insert into ratelimit_counts (host, key_hash, minute,"
	    "   count) select $1, h, $2::bigint, c"
	    "   from unnest($3::bigint[], $4::int[]) as t(h, c)"
	    "   on conflict (host, key_hash, minute) do update"
	    "   set count = excluded.count),"
	    " old as (delete from ratelimit_counts where minute < $2::bigint - 1)"
	    " select key_hash, least(sum(count), 2147483647)::bigint"
	    " from ratelimit_counts where minute = $2::bigint and host <> $1"
	    " and key_hash = any($3::bigint[]) group by key_hash", 4 },
	/*
	 * Roll: the key's environment, whether it may be rolled now (the
	 * newest of its chain, not revoked, disabled nor expired) and its
	 * scopes. $1 key id, $2 org.
	 */
	[STMT_KEY_ROLL_PEEK] = { "key_roll_peek",
	    "select env, (rolled_to is null and " KEY_USABLE("api_keys") "),"
	    " scopes, grants, trusted_forwarder from api_keys"
	    " where id = $1 and org_id = $2", 2 },
	/*
	 * Roll, in one statement (one transaction): under the old row's lock,
	 * the new key copies it, the old one ends at min(its expiry, now +
	 * grace) (grace 0: revoked now, its tokens with it; else its tokens
	 * outlive it unless $7 revoke_tokens), both are linked, and the audit
	 * row is written. No row: not rollable any more (a concurrent roll
	 * won). $1 old id, $2 org, $3 new id, $4 salt (hex), $5 hash (hex),
	 * $6 grace sec, $7 revoke_tokens, $8 actor, $9 source, $10 the check
	 * value (hex) of the pepper of the new key's hash.
	 */
	[STMT_KEY_ROLL] = { "key_roll",
	    "with old as (select * from api_keys where id = $1 and org_id = $2"
	    "   and rolled_to is null and " KEY_USABLE("api_keys") " for update),"
	    " ins as (insert into api_keys (id, org_id, name, env, salt, hash,"
	    "   scopes, expires_at, grants, rate_per_sec, rate_per_min,"
	    "   trusted_forwarder, meta, rolled_from, pepper_id) select $3, $2,"
	    "   name, env, decode($4, 'hex'), decode($5, 'hex'), scopes,"
	    "   expires_at, grants, rate_per_sec, rate_per_min, trusted_forwarder,"
	    "   meta, id, " PEPPER_ID("$10") " from old"
	    "   returning created_at, expires_at),"
	    " upd as (update api_keys k set rolled_to = $3,"
	    "   expires_at = least(coalesce(k.expires_at, 'infinity'),"
	    "   date_trunc('second', now()) + make_interval(secs => $6::int)),"
	    "   revoked_at = case when $6::int = 0 then now() end,"
	    "   keep_tokens = ($6::int > 0 and not $7::boolean),"
	    "   version = k.version + 1"
	    "   from old where k.id = old.id and k.org_id = $2"
	    "   returning k.expires_at),"
	    " aud as (insert into audit (org_id, event, detail, actor, source,"
	    "   resource) select $2, 'key.roll', old.id || ' -> ' || $3"
	    "   || ' grace ' || $6 || case when $7::boolean then"
	    "   ', revoke_tokens' else '' end, $8, $9, old.id from old)"
	    " select " RFC3339("ins.created_at") ", " RFC3339("ins.expires_at")
	    ", " RFC3339("upd.expires_at") " from ins, upd", 10 },
	/* $1 key id, $2 true/false. */
	[STMT_KEY_SET_FORWARDER] = { "key_set_forwarder",
	    "update api_keys set trusted_forwarder = $2::boolean,"
	    " version = version + 1 where id = $1 and revoked_at is null", 2 },
	/*
	 * Idempotency-Key (sql/010_admin_api.sql), inside the transaction
	 * that does the work: the lock of (org, actor, key) is not waited for
	 * (a concurrent duplicate is answered 409), an answer lives 24 hours.
	 * $1 org, $2 actor, $3 key.
	 */
	[STMT_IDEM_LOCK] = { "idem_lock",
	    "select pg_try_advisory_xact_lock(hashtextextended("
	    "$1 || ':' || $2 || ':' || $3, 7469747))", 3 },
	[STMT_IDEM_GET] = { "idem_get",
	    "select request_hash, status, location, body_sealed from idempotency"
	    " where org_id = $1 and actor = $2 and idem_key = $3"
	    " and created_at > now() - interval '24 hours'", 3 },
	/* $4 request hash (hex), $5 status, $6 location, $7 sealed (hex). */
	[STMT_IDEM_PUT] = { "idem_put",
	    "insert into idempotency as i (org_id, actor, idem_key, request_hash,"
	    " status, location, body_sealed) values ($1, $2, $3, decode($4, 'hex'),"
	    " $5::int, $6, decode($7, 'hex'))"
	    " on conflict (org_id, actor, idem_key) do update"
	    " set request_hash = excluded.request_hash, status = excluded.status,"
	    " location = excluded.location, body_sealed = excluded.body_sealed,"
	    " created_at = now()"
	    " where i.created_at <= now() - interval '24 hours'", 7 },
	/* The housekeeper: answers older than 24 hours go (they may hold a
	 * sealed API key). */
	[STMT_IDEM_PURGE] = { "idem_purge",
	    "delete from idempotency where created_at <= now() - interval"
	    " '24 hours'", 0 },
	/* One key of the organization. $1 org, $2 id. */
	[STMT_KEY_VIEW] = { "key_view",
	    "select " KEY_VIEW " from api_keys k where k.org_id = $1"
	    " and k.id = $2", 2 },
	/*
	 * A page of the organization's keys in (created_at, id) order, after
	 * the cursor's position ($6 microseconds, $7 id; -1 and '': from the
	 * start), a range of the index api_keys_org_created. Filters, each '' or 0 for none: $2 env, $3 status, $4 name
	 * prefix (compared, never a pattern), $5 expiring within seconds (not
	 * revoked, expiry in (now, now + $5]). $8 rows.
	 */
	[STMT_KEY_PAGE] = { "key_page",
	    "select " KEY_VIEW " from api_keys k where k.org_id = $1"
	    " and ($2 = '' or k.env = $2)"
	    " and ($3 = '' or " KEY_STATUS " = $3)"
	    " and ($4 = '' or left(k.name, length($4)) = $4)"
	    " and ($5::bigint = 0 or (k.revoked_at is null"
	    "   and k.expires_at > now()"
	    "   and k.expires_at <= now() + make_interval(secs => $5::bigint)))"
	    " and (k.created_at, k.id) >"
	    "   (timestamptz 'epoch' + $6::bigint * interval '1 microsecond', $7)"
	    " order by k.created_at, k.id limit $8::int", 8 },
	/*
	 * The same page without filters, the common case: a prepared
	 * statement's generic plan takes the optional filters above for
	 * selective, sorts every key of the organization and then cuts the
	 * page (25 ms at 23,000 keys); without them it walks the index in
	 * order and stops at the page (1.6 ms). $1 org, $2/$3 the cursor,
	 * $4 limit.
	 */
	[STMT_KEY_PAGE_ALL] = { "key_page_all",
	    "select " KEY_VIEW " from api_keys k where k.org_id = $1"
	    " and (k.created_at, k.id) >"
	    "   (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3)"
	    " order by k.created_at, k.id limit $4::int", 4 },
	/*
	 * Create a key in an enabled organization, with its audit row, in one
	 * statement. $1 id, $2 org, $3 name, $4 env, $5 salt (hex), $6 hash
	 * (hex), $7 scopes, $8 expires in sec (0: never), $9 grants, $10/$11
	 * rate per sec/min (-1: the default), $12 meta (JSON object), $13
	 * trusted forwarder, $14 actor, $15 source, $16 the check value (hex)
	 * of the pepper of its hash (PEPPER_ID). No row: the organization
	 * is disabled. A key's expires_at is whole seconds (date_trunc), so
	 * that C, which reads it as Unix seconds (STMT_KEY_GET), and SQL agree
	 * on the instant it ends (so are an update's and a roll's).
	 */
	[STMT_KEY_CREATE] = { "key_create",
	    "with o as (select id from orgs where id = $2 and disabled_at is null),"
	    " k as (insert into api_keys (id, org_id, name, env, salt, hash,"
	    "   scopes, expires_at, grants, rate_per_sec, rate_per_min, meta,"
	    "   trusted_forwarder, pepper_id) select $1, $2, $3, $4,"
	    "   decode($5, 'hex'), decode($6, 'hex'), $7, case when $8::bigint > 0"
	    "   then date_trunc('second', now()) + make_interval(secs =>"
	    "   $8::bigint) end, $9, nullif($10::int, -1), nullif($11::int, -1),"
	    "   $12::jsonb, $13::boolean, " PEPPER_ID("$16") " from o returning *),"
	    " aud as (insert into audit (org_id, event, detail, actor, source,"
	    "   resource) select $2, 'key.create', 'env ' || k.env"
	    "   || ', scopes ' || k.scopes || ', grants ' || k.grants, $14, $15,"
	    "   k.id from k)"
	    " select " KEY_VIEW " from k", 16 },
	/*
	 * What an update decides on, the row locked until the transaction
	 * ends. $1 org, $2 id.
	 */
	[STMT_KEY_PEEK] = { "key_peek",
	    "select version, scopes, grants,"
	    " coalesce(floor(extract(epoch from expires_at))::bigint, 0)"
	    " from api_keys where org_id = $1 and id = $2 for update", 2 },
	/*
	 * Update a key and write the audit row, only at version $3 when $3 is
	 * not 0 (If-Match), and with an expiry only earlier. Each value NULL
	 * is "unchanged": $4 name, $5 meta, $6/$7 rates given (boolean) and
	 * value (-1: the default), $8/$9 likewise, $10 disabled ('disable',
	 * 'enable' or NULL), $11 expires in sec, $12 scopes, $13 grants;
	 * $14 event, $15 detail, $16 actor, $17 source. $1 org, $2 id.
	 */
	[STMT_KEY_UPDATE] = { "key_update",
	    "with k as (update api_keys k set name = coalesce($4, k.name),"
	    "   meta = coalesce($5::jsonb, k.meta),"
	    "   rate_per_sec = case when $6::boolean then nullif($7::int, -1)"
	    "     else k.rate_per_sec end,"
	    "   rate_per_min = case when $8::boolean then nullif($9::int, -1)"
	    "     else k.rate_per_min end,"
	    "   disabled_at = case $10 when 'disable' then"
	    "     coalesce(k.disabled_at, now()) when 'enable' then null"
	    "     else k.disabled_at end,"
	    "   expires_at = case when $11::bigint is null then k.expires_at"
	    "     else date_trunc('second', now())"
	    "     + make_interval(secs => $11::bigint) end,"
	    "   scopes = coalesce($12, k.scopes), grants = coalesce($13, k.grants),"
	    "   version = k.version + 1"
	    "   where k.org_id = $1 and k.id = $2"
	    "   and ($3::bigint = 0 or k.version = $3::bigint)"
	    "   and ($11::bigint is null or k.expires_at is null or"
	    "   date_trunc('second', now()) + make_interval(secs => $11::bigint)"
	    "   <= k.expires_at) returning k.*),"
	    " aud as (insert into audit (org_id, event, detail, actor, source,"
	    "   resource) select $1, $14, $15, $16, $17, k.id from k)"
	    " select " KEY_VIEW " from k", 17 },
	/*
	 * Revoke a key (its tokens with it) and write the audit row; a key
	 * revoked already is shown as it is. $1 org, $2 id, $3 actor,
	 * $4 source.
	 */
	[STMT_KEY_REVOKE_OP] = { "key_revoke_op",
	    "with old as (select id, (revoked_at is null) as fresh from api_keys"
	    "   where org_id = $1 and id = $2 for update),"
	    " k as (update api_keys k set revoked_at = coalesce(k.revoked_at,"
	    "   now()), version = k.version + case when old.fresh then 1 else 0"
	    "   end from old where k.org_id = $1 and k.id = old.id returning k.*),"
	    " aud as (insert into audit (org_id, event, detail, actor, source,"
	    "   resource) select $1, 'key.revoke', 'revoked', $3, $4, k.id"
	    "   from k, old where old.fresh)"
	    " select " KEY_VIEW " from k", 4 },

	/*
	 * Signing keys (src/ops_signing.c). Platform operations: their audit
	 * rows go to the platform's pseudo-organization $n (OPS_PLATFORM_ORG).
	 *
	 * Create: $1 kid, $2 alg, $3 sealed private key (hex), $4 'active'
	 * (signs at once; the algorithm's active key, if any, retires) or
	 * 'next' (published only), $5 actor, $6 source, $7 audit org, $8
	 * event (signing_key.create, or signing_key.rotate for a rotation that
	 * had no next key). Returns created_at and the retired kid (or NULL).
	 */
	[STMT_SIGNING_CREATE] = { "signing_create",
	    "with old as (update signing_keys set retired_at = now()"
	    "   where alg = $2 and $4 = 'active' and activated_at is not null"
	    "   and retired_at is null returning kid),"
	    " ins as (insert into signing_keys (kid, alg, private_sealed,"
	    "   activated_at) values ($1, $2, decode($3, 'hex'),"
	    "   case when $4 = 'active' then now() end)"
	    "   returning kid, created_at),"
	    " aud as (" AUDIT_INTO " select $7, $8, $2 || ' ' || $4 || coalesce(', retired '"
	    "   || (select min(kid) from old), ''), $5, $6, kid from ins)"
	    " select " RFC3339("ins.created_at") ", (select min(kid) from old)"
	    " from ins", 8 },
	/*
	 * Promote the next key $2 of algorithm $1, retiring its active key,
	 * which must be $3 ('' for none): a step decided on an earlier read
	 * is done once or not at all. Concurrent promoters queue on the row
	 * locks; the later ones find the key active already and do nothing.
	 * $4 actor, $5 source, $6 audit org. Returns the promoted kid.
	 */
	[STMT_SIGNING_PROMOTE] = { "signing_promote",
	    "with nxt as (select kid from signing_keys where kid = $2 and alg = $1"
	    "   and activated_at is null and retired_at is null for update),"
	    " cur as (select kid from signing_keys where alg = $1"
	    "   and activated_at is not null and retired_at is null for update),"
	    " ok as (select 1 from nxt"
	    "   where coalesce((select min(kid) from cur), '') = $3),"
	    " ret as (update signing_keys s set retired_at = now() from cur"
	    "   where s.kid = cur.kid and exists (select 1 from ok)"
	    "   returning s.kid),"
	    " pro as (update signing_keys s set activated_at = now() from nxt"
	    "   where s.kid = nxt.kid and exists (select 1 from ok)"
	    "   returning s.kid),"
	    " aud as (" AUDIT_INTO " select $6, 'signing_key.rotate', $1 || ' '"
	    "   || coalesce(nullif($3, ''), '(none)') || ' -> ' || kid, $4, $5,"
	    "   kid from pro)"
	    " select kid from pro", 6 },
	/*
	 * Retire now: the key stops signing and verifying at once and leaves
	 * the JWKS (a compromised key; the planned way is a rotation, whose
	 * old key keeps verifying). When it was the active key, the next key
	 * of its algorithm signs instead, else the most recently retired one
	 * still published (every verifier knows it), else none.
	 * $1 kid, $2 actor, $3 source, $4 audit org. Returns the kid and the
	 * kid that signs instead (or NULL).
	 */
	[STMT_SIGNING_RETIRE] = { "signing_retire",
	    "with k as (select kid, alg, (activated_at is not null and"
	    "   retired_at is null) as was_active from signing_keys"
	    "   where kid = $1 and removed_at is null for update),"
	    " upd as (update signing_keys s set removed_at = now(),"
	    "   retired_at = coalesce(s.retired_at, now()) from k"
	    "   where s.kid = k.kid returning s.kid, s.alg),"
	    " rep as (update signing_keys s set activated_at = now(),"
	    "   retired_at = null where s.kid = (select r.kid"
	    "   from signing_keys r join k on r.alg = k.alg and r.kid <> k.kid"
	    "   where k.was_active and r.removed_at is null"
	    "   order by (r.retired_at is null) desc, r.retired_at desc,"
	    "   r.created_at desc, r.kid limit 1) returning s.kid),"
	    " aud as (" AUDIT_INTO " select $4, 'signing_key.retire', upd.alg || ' '"
	    "   || upd.kid || ' removed' || coalesce(', ' || (select min(kid)"
	    "   from rep) || ' signs', ''), $2, $3, upd.kid from upd)"
	    " select kid, (select min(kid) from rep) from upd", 4 },
	/*
	 * The housekeeper's removal of a retired key whose last token has
	 * expired: $1 kid, $2 seconds after retirement, $3 actor, $4 source,
	 * $5 audit org.
	 */
	[STMT_SIGNING_REMOVE] = { "signing_remove",
	    "with r as (update signing_keys set removed_at = now()"
	    "   where kid = $1 and removed_at is null and retired_at is not null"
	    "   and retired_at <= now() - make_interval(secs => $2::int)"
	    "   returning kid, alg)"
	    " " AUDIT_INTO " select $5, 'signing_key.remove', alg || ' ' || kid"
	    " || ' removed from the JWKS', $3, $4, kid from r"
	    " returning resource", 5 },
	/* The next and active keys of algorithm $1: kid and state. */
	[STMT_SIGNING_PEEK] = { "signing_peek",
	    "select kid, " SIGNING_STATE " from signing_keys where alg = $1"
	    " and retired_at is null order by created_at desc", 1 },
	/*
	 * What the schedule decides on (src/rotation.h): every published key
	 * with its times in milliseconds since the epoch, rounded up (a key is
	 * never taken for older than it is), and the database's now rounded
	 * down, so that every host's housekeeper judges by one clock.
	 */
	[STMT_SIGNING_SCHEDULE] = { "signing_schedule",
	    "select kid, alg, ceil(extract(epoch from created_at) * 1000)::bigint,"
	    " coalesce(ceil(extract(epoch from activated_at) * 1000)::bigint, 0),"
	    " coalesce(ceil(extract(epoch from retired_at) * 1000)::bigint, 0),"
	    " floor(extract(epoch from now()) * 1000)::bigint"
	    " from signing_keys where removed_at is null"
	    " order by created_at, kid", 0 },
	/* One rotator across every host, for this transaction (the key
	 * differs from the migrations' 7469746). */
	[STMT_SIGNING_LOCK] = { "signing_lock",
	    "select pg_try_advisory_xact_lock(7469747)", 0 },
	[STMT_SIGNING_LOCK_WAIT] = { "signing_lock_wait",
	    "select pg_advisory_xact_lock(7469747)", 0 },
	/* Every signing key's sealed private part, locked for the re-seal. */
	[STMT_SIGNING_SEALED] = { "signing_sealed",
	    "select kid, alg, private_sealed from signing_keys order by kid"
	    " for update", 0 },
	/* $1 kid, $2 new sealed (hex), $3 old sealed (hex). */
	[STMT_SIGNING_RESEAL] = { "signing_reseal",
	    "update signing_keys set private_sealed = decode($2, 'hex')"
	    " where kid = $1 and private_sealed = decode($3, 'hex')", 3 },
	/*
	 * The check value of secret ($1 kind, $2 id): written when there is
	 * none yet, then read. NULL: none could be written (the same value is
	 * stored under another id, or a concurrent first writer: read again).
	 * $3 check value (hex).
	 */
	[STMT_SECRET_CHECK] = { "secret_check",
	    "with ins as (insert into secret_checks (kind, id, check_value)"
	    "   values ($1, $2::int, decode($3, 'hex')) on conflict do nothing"
	    "   returning check_value)"
	    " select encode(coalesce((select check_value from ins),"
	    " (select check_value from secret_checks where kind = $1"
	    "   and id = $2::int)), 'hex')", 3 },
	/* The new key-encryption key's check value ($1 hex), in the
	 * transaction of the re-seal. */
	[STMT_SECRET_KEK_SET] = { "secret_kek_set",
	    "insert into secret_checks (kind, id, check_value)"
	    " values ('kek', 0, decode($1, 'hex')) on conflict (kind, id)"
	    " do update set check_value = excluded.check_value", 1 },
	/* The audit row of a KEK rotation: $1 audit org, $2 detail, $3 actor,
	 * $4 source. */
	[STMT_KEK_AUDIT] = { "kek_audit",
	    AUDIT_INTO " values ($1, 'kek.rotate', $2, $3, $4, 'kek')", 4 },
	/*
	 * A key verified under an older pepper, hashed again under the
	 * current one, once: $1 id, $2 hash (hex), $3 new pepper id, $4 the
	 * pepper id it was verified under.
	 */
	[STMT_KEY_REHASH] = { "key_rehash",
	    "update api_keys set hash = decode($2, 'hex'), pepper_id = $3::int"
	    " where id = $1 and pepper_id = $4::int", 4 },
	/* Every pepper id known (checked, or still used by a key) and how
	 * many keys use it. */
	[STMT_PEPPER_LIST] = { "pepper_list",
	    "select p.id, " RFC3339("c.created_at") ", count(k.id)"
	    " from (select id from secret_checks where kind = 'pepper'"
	    "   union select pepper_id from api_keys) p"
	    " left join secret_checks c on c.kind = 'pepper' and c.id = p.id"
	    " left join api_keys k on k.pepper_id = p.id"
	    " group by p.id, c.created_at order by p.id", 0 },
	/*
	 * The end of rolled keys' grace, marked once with its audit row (at
	 * most 500 a run): a rolled key past its end, or revoked during its
	 * grace. $1 actor.
	 */
	[STMT_GRACE_END] = { "grace_end",
	    "with k as (update api_keys set grace_ended_at = now() where id in"
	    "   (select id from api_keys where rolled_to is not null"
	    "   and grace_ended_at is null and (expires_at <= now()"
	    "   or revoked_at is not null) order by expires_at limit 500)"
	    "   returning id, org_id, rolled_to, revoked_at, expires_at)"
	    " " AUDIT_INTO " select org_id, 'key.grace_end', 'rolled to ' || rolled_to ||"
	    " case when revoked_at is not null and revoked_at < expires_at"
	    "   then ', revoked during the grace' else '' end, $1, '', id from k"
	    " returning resource", 1 },
	/* Milliseconds until the next open grace ends (0: it has), -1: none
	 * (greatest() skips a null: no row is tested first, or the housekeeper
	 * would run this every 50 ms). */
	[STMT_GRACE_NEXT] = { "grace_next",
	    "select case when min(expires_at) is null then -1"
	    " else greatest(0, ceil(extract(epoch from"
	    " min(expires_at) - now()) * 1000))::bigint end"
	    " from api_keys where rolled_to is not null"
	    " and grace_ended_at is null and revoked_at is null", 0 },

	/*
	 * Changes of an organization's users and roles one at a time, in the
	 * transaction of each (src/ops_user.c, src/ops_role.c): what one
	 * reads to decide whether a change narrows is what the other wrote.
	 * $1 org. (Another key space than STMT_MIGRATION_LOCK's.)
	 */
	[STMT_OPS_LOCK_ORG] = { "ops_lock_org",
	    "select pg_advisory_xact_lock(7469747, hashtext($1))", 1 },
	/* $1 slug, $2 actor, $3 source; the organization's id, or no row. */
	[STMT_ORG_ENABLE] = { "org_enable",
	    "with o as (update orgs set disabled_at = null"
	    "   where slug = $1 and disabled_at is not null returning id),"
	    " a as (" AUDIT_INTO " select o.id, 'org.enable', 'enabled', $2, $3,"
	    "   o.id from o)"
	    " select o.id from o", 3 },
	/* $1 org, $2 name. */
	[STMT_ROLE_GET] = { "role_get",
	    "select " ROLE_COLS " from roles r where r.org_id = $1"
	    " and r.name = $2", 2 },
	/*
	 * A role's new scopes and flags ($3..$5), when its version is still
	 * $6; when it narrows ($7), every user of the role gets a new
	 * generation, so no token issued before keeps what was removed. The
	 * role's columns and the count of those users, or no row.
	 * $8 detail, $9 actor, $10 source.
	 */
	[STMT_ROLE_UPDATE] = { "role_update",
	    "with r as (update roles set scopes = $3, all_accounts = $4::boolean,"
	    "   read_only = $5::boolean, version = version + 1"
	    "   where org_id = $1 and name = $2 and version = $6::bigint"
	    "   returning *),"
	    " c as (update users u set generation = u.generation + 1,"
	    "   tokens_valid_after = now() from r where $7::boolean"
	    "   and u.org_id = $1 and u.role = r.name returning u.id),"
	    " a as (" AUDIT_INTO " select $1, 'role.update', $8 || case when"
	    "   $7::boolean then '; tokens ended of users: ' ||"
	    "   (select count(*) from c) else '' end, $9, $10, r.name from r)"
	    " select " ROLE_COLS ", (select count(*) from c) from r", 10 },
	/* A user and its role's permissions. $1 org, $2 username. */
	[STMT_USER_GET] = { "user_get",
	    "select " USER_COLS ", r.scopes, r.all_accounts, r.read_only"
	    " from users u join roles r on r.org_id = u.org_id and r.name = u.role"
	    " where u.org_id = $1 and u.username = $2", 2 },
	/* What an enabled user holds: its role's patterns and flags, its
	 * extra scopes and accounts. $1 org, $2 user id. */
	[STMT_USER_HOLDS] = { "user_holds",
	    "select r.scopes, r.all_accounts, r.read_only, u.extra_scopes,"
	    " u.accounts from users u join roles r on r.org_id = u.org_id"
	    " and r.name = u.role where u.org_id = $1 and u.id = $2"
	    " and u.disabled_at is null", 2 },
	/*
	 * A user's role, extra scopes and accounts ($3..$5), when its version
	 * is still $7; a new generation when the change narrows ($6), so no
	 * token issued before keeps what was removed. $2 user id,
	 * $8 detail, $9 actor, $10 source.
	 */
	[STMT_USER_UPDATE] = { "user_update",
	    "with u as (update users set role = $3, extra_scopes = $4,"
	    "   accounts = $5, generation = generation +"
	    "   case when $6::boolean then 1 else 0 end,"
	    "   tokens_valid_after = case when $6::boolean then now()"
	    "   else tokens_valid_after end, version = version + 1"
	    "   where org_id = $1 and id = $2 and version = $7::bigint"
	    "   returning *),"
	    " a as (" AUDIT_INTO " select $1, 'user.update', $8, $9, $10, u.id"
	    "   from u)"
	    " select " USER_COLS " from u", 10 },

	/* jwtmint-admin migrate: who the run-time connection logs in as, and
	 * its privileges (sql/009_audit_chain.sql). $1 role. */
	[STMT_CURRENT_USER] = { "current_user", "select current_user::text", 0 },
	[STMT_GRANT_RUNTIME] = { "grant_runtime",
	    "select jwtmint_grant_runtime($1)", 1 },
	/*
	 * The audit trail of one organization, newest first, by keyset on
	 * seq (stable under concurrent inserts). NULL parameters filter
	 * nothing. $1 org, $2 action (event), $3 resource, $4 actor, $5 since
	 * (at >=), $6 until (at <), $7 cursor (seq <), $8 limit.
	 */
	[STMT_AUDIT_LIST] = { "audit_list",
	    "select id, seq, jwtmint_audit_us(at), org_id, event, detail, actor,"
	    " source, resource, outcome, encode(prev_hash, 'hex'),"
	    " encode(hash, 'hex') from audit where org_id = $1"
	    " and ($2::text is null or event = $2::text)"
	    " and ($3::text is null or resource = $3::text)"
	    " and ($4::text is null or actor = $4::text)"
	    " and ($5::timestamptz is null or at >= $5::timestamptz)"
	    " and ($6::timestamptz is null or at < $6::timestamptz)"
	    " and ($7::bigint is null or seq < $7::bigint)"
	    " order by seq desc limit $8::int", 8 },
	/*
	 * The chain of one organization in seq order, one page at a time
	 * (verify, export): $1 org, $2 after seq, $3 up to seq, $4 since
	 * (NULL: any time), $5 limit. The same columns as audit_list.
	 */
	[STMT_AUDIT_ROWS] = { "audit_rows",
	    "select id, seq, jwtmint_audit_us(at), org_id, event, detail, actor,"
	    " source, resource, outcome, encode(prev_hash, 'hex'),"
	    " encode(hash, 'hex') from audit where org_id = $1"
	    " and seq > $2::bigint and seq <= $3::bigint"
	    " and ($4::timestamptz is null or at >= $4::timestamptz)"
	    " order by seq limit $5::int", 5 },
	/* $1 org: its head (the last row's seq and hash). */
	[STMT_AUDIT_HEAD] = { "audit_head",
	    "select seq, encode(hash, 'hex') from audit_heads where org_id = $1",
	    1 },
	/* Every organization's head, for the log (ops_audit_log_heads). */
	[STMT_AUDIT_HEADS] = { "audit_heads",
	    "select h.org_id, coalesce(o.slug, ''), h.seq, encode(h.hash, 'hex')"
	    " from audit_heads h left join orgs o on o.id = h.org_id"
	    " order by h.org_id", 0 },
	/* Every organization that has audit rows or a head (audit verify of
	 * every organization: one whose head row is gone is walked too). */
	[STMT_AUDIT_ORGS] = { "audit_orgs",
	    "select a.org_id, coalesce(o.slug, '') from (select org_id from"
	    " audit_heads union select org_id from audit) a"
	    " left join orgs o on o.id = a.org_id order by a.org_id", 0 },
	/*
	 * The portal's page of an organization (h_portal.c): $1 slug; its
	 * name and its portal application's client_id (sql/015_*.sql),
	 * or no row when there is no such enabled organization. Public: it
	 * publishes nothing the page does not show anyway.
	 */
	[STMT_PORTAL_GET] = { "portal_get",
	    "select o.name, coalesce(a.client_id, '')"
	    " from orgs o left join lateral (select client_id from apps"
	    "   where apps.org_id = o.id and apps.type = 'portal'"
	    "   and apps.disabled_at is null order by apps.created_at limit 1) a"
	    "   on true"
	    " where o.slug = $1 and o.disabled_at is null", 1 },
	/*
	 * An administrator's revocation of one access token, with its audit
	 * row (the client's own, POST /revoke, is STMT_JTI_REVOKE: not an
	 * administrative act). $1 jti, $2 org, $3 keep until (Unix seconds),
	 * $4 actor, $5 source.
	 */
	[STMT_JTI_REVOKE_AUDITED] = { "jti_revoke_audited",
	    "with j as (insert into revoked_jtis (jti, org_id, expires_at)"
	    "   values ($1, $2, to_timestamp($3::bigint)) on conflict do nothing"
	    "   returning jti)"
	    " insert into audit (org_id, event, detail, actor, source, resource,"
	    "   outcome) values ($2, 'token.revoke', 'access token and every"
	    " token exchanged from it revoked', $4, $5, $1, 'ok')", 5 },

	/* An application and its organization's state (src/store_app.c). */
	[STMT_APP_GET] = { "app_get",
	    "select a.client_id, a.org_id, o.slug, a.name, a.type,"
	    " array_to_string(a.redirect_uris, ' '), a.scopes,"
	    " (a.disabled_at is not null or o.disabled_at is not null),"
	    " a.version from apps a join orgs o on o.id = a.org_id"
	    " where a.client_id = $1", 1 },
	/*
	 * A code for an enabled application and an enabled user, both of
	 * org $9 (src/authcode.c), with the refresh family its exchange will
	 * hand over and that family's first refresh token, written now: the
	 * exchange then only consumes the code. $1 digest (hex), $2
	 * client_id, $3 user id, $4 redirect URI, $5 challenge, $6 scope, $7
	 * resource ('' none), $8 session ('' none), $10 the family's id, $11
	 * its absolute lifetime (sec), $12 the token's digest (hex), $13 its
	 * idle lifetime (sec), $14 the token masked by the code (hex,
	 * src/refresh.h), $15 the id of the pepper the mask is keyed with,
	 * $16 the user's generation when the caller read the permissions
	 * that $6 was granted by, $17 the application's version when the
	 * caller read its scopes and redirect URIs. The family is bound to the application
	 * (and to the key the application names as its confidential client)
	 * and to that generation. The code carries what its token will claim
	 * (role, accounts, generation, the application's type and key), read
	 * here: the exchange reads nothing else, and the triggers of
	 * sql/019_code_claims.sql expire the code when any of it changes
	 * before the exchange. No code when the user's generation is no
	 * longer $16 (signed out everywhere, a new password, a narrower role
	 * since the caller's read), the application changed since (its
	 * version is no longer $17) or $6 is not within the application's
	 * scopes (the portal's are its user's). The application, organization
	 * and user rows are share-locked until the code is committed: a change
	 * to them either waits for the code, and its trigger then expires it,
	 * or commits first, and this statement reads the change (READ
	 * COMMITTED re-reads a row it waited for) and makes no code. The
	 * role's row is not locked (a role update locks it, then its users:
	 * locking both here could deadlock with it): a role narrowed bumps its
	 * users' generation, which the user's lock covers, and a role widened
	 * meanwhile leaves a code narrower than the user's due, never wider.
	 */
	[STMT_AUTHCODE_CREATE] = { "authcode_create",
	    "with a as (select a.org_id, a.client_id, a.key_id, a.type,"
	    "   u.id as uid, u.generation, u.role, case when r.all_accounts"
	    "   then '*' else u.accounts end as accounts"
	    "   from apps a join orgs o on o.id = a.org_id"
	    "   join users u on u.org_id = a.org_id and u.id = $3"
	    "   join roles r on r.org_id = u.org_id and r.name = u.role"
	    "   where a.client_id = $2 and a.org_id = $9"
	    "   and a.disabled_at is null and o.disabled_at is null"
	    "   and u.disabled_at is null and u.generation = $16::bigint"
	    "   and a.version = $17::bigint"
	    "   and (a.type = 'portal' or string_to_array($6, ' ')"
	    "   <@ string_to_array(a.scopes, ' '))"
	    "   for share of a, o, u),"
	    " fam as (insert into refresh_families (id, org_id, user_id, key_id,"
	    "   client_id, absolute_expires_at, generation)"
	    "   select $10, $9, a.uid, a.key_id, a.client_id,"
	    "   now() + make_interval(secs => $11::int), a.generation from a"
	    "   returning id),"
	    " tok as (insert into refresh_tokens (digest, family_id, scope,"
	    "   idle_expires_at) select decode($12, 'hex'), fam.id, $6,"
	    "   now() + make_interval(secs => least($13::int, $11::int))"
	    "   from fam returning 1)"
	    " insert into auth_codes (code_hash, org_id, client_id, user_id,"
	    " redirect_uri, code_challenge, scope, resource, session_id,"
	    " expires_at, family_id, refresh_mask, refresh_pepper, claim_role,"
	    " claim_accounts, claim_generation, app_type, key_id)"
	    " select decode($1, 'hex'),"
	    " $9, a.client_id, a.uid, $4, $5, $6, nullif($7, ''),"
	    " nullif($8, ''), now() + interval '60 seconds', $10,"
	    " decode($14, 'hex'), $15::int, a.role, a.accounts, a.generation,"
	    " a.type, a.key_id from a"
	    " where exists (select 1 from tok)", 17 },
	/*
	 * Consume a code of org $3 when this presentation matches all it is
	 * bound to: client $4, redirect URI $5, challenge $6 (S256 of the
	 * verifier presented), and the key $2 ('' for a public client's
	 * presentation) the application named as its confidential client
	 * when the code was made (an application that names one is exchanged
	 * by that key only, never by its client_id alone, RFC 6749 §3.2.1),
	 * while it is unused and live. One row read and written, nothing
	 * else: the code carries its claims and the masked first token of
	 * its family (authcode_create), and every change that would make
	 * them wrong (user, role, application, organization) expired it
	 * (sql/019_code_claims.sql). The mask is returned as it was (the
	 * self-join reads the row before this update) and cleared; a second
	 * presentation waiting on the row lock finds the code used and no
	 * row. A code this release could not read back (made by the release
	 * before, without claims; accounts longer than a token carries) is
	 * not taken either. No row: authcode_refuse tells why. The self-join
	 * must stay a join (test_exchange_one_statement checks the plan):
	 * folded into x, p.refresh_mask would read the cleared mask, and every
	 * exchange would fail closed.
	 */
	[STMT_AUTHCODE_REDEEM] = { "authcode_redeem",
	    "update auth_codes x set used_at = now(), refresh_mask = null"
	    " from (select code_hash, refresh_mask from auth_codes"
	    "   where org_id = $3 and code_hash = decode($1, 'hex')) p"
	    " where x.code_hash = p.code_hash and x.org_id = $3"
	    " and x.used_at is null and x.expires_at > now()"
	    " and x.client_id = $4 and x.redirect_uri = $5"
	    " and x.code_challenge = $6 and coalesce(x.key_id, '') = $2"
	    " and x.family_id is not null and p.refresh_mask is not null"
	    " and x.refresh_pepper is not null and x.claim_role is not null"
	    " and x.claim_accounts is not null and x.app_type is not null"
	    " and x.claim_generation is not null"
	    " and octet_length(x.claim_accounts) < 2048"	/* STORE_ACCOUNTS_BYTES */
	    " returning x.client_id, x.redirect_uri, x.code_challenge, x.scope,"
	    " coalesce(x.resource, ''), x.family_id, x.user_id, x.claim_role,"
	    " x.claim_accounts, x.claim_generation, x.app_type,"
	    " encode(p.refresh_mask, 'hex'), x.refresh_pepper", 6 },
	/*
	 * Why authcode_redeem took nothing, under the code's row lock, with
	 * the same parameters: bound (the presentation matches the code's
	 * client, redirect URI and challenge, and the key is the one the code
	 * names, or for a code of the release before the one the application
	 * names now), used before, its family, and whether this
	 * presentation consumed it now (bound and unused, but expired, or
	 * made by the release before, or its user, application or
	 * organization changed since): whatever comes of a matching
	 * presentation, the code is spent. Spent so, it also ends (expires_at
	 * no later than used_at): "used before" means exchanged before (used
	 * while live), so that presenting a dead code again is no replay to
	 * revoke and audit (its family was revoked when it was spent).
	 */
	[STMT_AUTHCODE_REFUSE] = { "authcode_refuse",
	    "with k as (select code_hash, client_id, redirect_uri,"
	    "   code_challenge, used_at, expires_at, family_id, key_id,"
	    "   claim_generation"
	    "   from auth_codes"
	    "   where org_id = $3 and code_hash = decode($1, 'hex') for update),"
	    " b as (select k.*, (k.client_id = $4 and k.redirect_uri = $5"
	    "   and k.code_challenge = $6 and coalesce(case when"
	    "   k.claim_generation is not null then k.key_id else a.key_id end,"
	    "   '') = $2)"
	    "   as bound from k join apps a on a.client_id = k.client_id),"
	    " consume as (update auth_codes x set used_at = now(),"
	    "   refresh_mask = null, expires_at = least(x.expires_at, now())"
	    "   from b where x.code_hash = b.code_hash"
	    "   and b.used_at is null and b.bound returning 1)"
	    " select b.bound, (b.used_at is not null"
	    "   and b.used_at < b.expires_at),"
	    " coalesce(b.family_id, ''), exists (select 1 from consume)"
	    " from b", 6 },
	/*
	 * The scope $3 of the first refresh token $2 (digest, hex) of family
	 * $1 of org $4 an exchange started, when it grants less than the
	 * code's.
	 */
	[STMT_AUTHCODE_NARROW] = { "authcode_narrow",
	    "with f as (select id from refresh_families where id = $1"
	    "   and org_id = $4 and revoked_at is null)"
	    " update refresh_tokens set scope = $3"
	    " where digest = decode($2, 'hex') and family_id in"
	    " (select id from f)", 4 },
	/* The family $1 of org $2 an exchange started, then refused. */
	[STMT_AUTHCODE_ABANDON] = { "authcode_abandon",
	    "update refresh_families set revoked_at = now()"
	    " where id = $1 and org_id = $2 and revoked_at is null", 2 },
	/*
	 * A code presented again (RFC 6749 §4.1.2): its first use's family
	 * revoked, and denied whether or not it exists yet (the first use may
	 * still be creating it). $1 family, $2 org, $3 keep sec, $4 actor,
	 * $5 source.
	 */
	[STMT_AUTHCODE_REUSE] = { "authcode_reuse",
	    "with rev as (update refresh_families set revoked_at = now()"
	    "   where id = $1 and org_id = $2 and revoked_at is null returning id),"
	    " deny as (insert into revoked_jtis (jti, org_id, expires_at)"
	    "   values ($1, $2, now() + make_interval(secs => $3::int))"
	    "   on conflict do nothing)"
	    " insert into audit (org_id, event, detail, actor, source, resource,"
	    "   outcome) values ($2, 'code.reuse', 'authorization code presented"
	    " again: the refresh family and the access tokens of its first use"
	    " revoked', $4, $5, $1, 'denied')", 5 },
	/*
	 * Codes an hour past their end (the housekeeper). The trigger
	 * auth_codes_dropped (sql/018_code_family.sql) deletes the refresh
	 * family written with a code never exchanged, with its token (never
	 * disclosed: deleted, not revoked, so that no deny-list notification
	 * goes out for a login left unfinished).
	 */
	[STMT_AUTHCODE_PURGE] = { "authcode_purge",
	    "delete from auth_codes where expires_at < now() - interval '1 hour'",
	    0 },

	/*
	 * Applications (src/ops_app.c). $1 org, $2 name, $3 type, $4 redirect
	 * URIs (space-separated: they hold no space), $5 scopes, $6 detail,
	 * $7 actor, $8 source, $9 confidential key ('' none).
	 */
	[STMT_APP_CREATE] = { "app_create",
	    "with a as (insert into apps (client_id, org_id, name, type,"
	    "   redirect_uris, scopes, key_id) values (jwtmint_app_id(), $1, $2,"
	    "   $3, string_to_array($4, ' '), $5, nullif($9, '')) returning *),"
	    " au as (" AUDIT_INTO " select $1, 'app.create', $6, $7, $8,"
	    "   a.client_id from a)"
	    " select " APP_COLS " from a", 9 },
	/* A key of org $1 that may be an application's confidential client
	 * ($2): active, holding the authorization_code grant. */
	[STMT_APP_KEY_OK] = { "app_key_ok",
	    "select 1 from api_keys where org_id = $1 and id = $2"
	    " and revoked_at is null and (expires_at is null or expires_at > now())"
	    " and 'authorization_code' = any (string_to_array(grants, ' '))", 2 },
	/* The organization's number of applications ($1). */
	[STMT_APP_COUNT] = { "app_count",
	    "select count(*) from apps where org_id = $1", 1 },
	/* A page after ($2 usec, $3 client_id) of at most $4 rows. */
	[STMT_APP_PAGE] = { "app_page",
	    "select " APP_COLS " from apps a where a.org_id = $1"
	    " and (a.created_at, a.client_id) > (" FROM_USEC("$2") ", $3)"
	    " order by a.created_at, a.client_id limit $4::int", 4 },
	[STMT_APP_VIEW] = { "app_view",
	    "select " APP_COLS " from apps a where a.org_id = $1"
	    " and a.client_id = $2", 2 },
	/*
	 * $1 org, $2 client_id, $3 name, $4 URIs, $5 scopes, $10 key
	 * ('' none) (NULL: each unchanged), $6 the version read under the organization's lock,
	 * $7 detail, $8 actor, $9 source.
	 */
	[STMT_APP_UPDATE] = { "app_update",
	    "with a as (update apps set name = coalesce($3, name),"
	    "   redirect_uris = coalesce(string_to_array($4, ' '), redirect_uris),"
	    "   scopes = coalesce($5, scopes), version = version + 1,"
	    "   key_id = case when $10::text is null then key_id"
	    "   else nullif($10, '') end"
	    "   where org_id = $1 and client_id = $2 and version = $6::bigint"
	    "   returning *),"
	    " au as (" AUDIT_INTO " select $1, 'app.update', $7, $8, $9,"
	    "   a.client_id from a)"
	    " select " APP_COLS " from a", 10 },
	/* $1 org, $2 client_id, $3 disable (true) or enable, $4 actor,
	 * $5 source; no row when it is already so. */
	[STMT_APP_SET_DISABLED] = { "app_set_disabled",
	    "with a as (update apps set disabled_at = case when $3::boolean"
	    "   then now() end, version = version + 1"
	    "   where org_id = $1 and client_id = $2"
	    "   and (disabled_at is null) = $3::boolean returning *),"
	    " au as (" AUDIT_INTO " select $1, case when $3::boolean then"
	    "   'app.disable' else 'app.enable' end, 'application ' || a.name,"
	    "   $4, $5, a.client_id from a)"
	    " select " APP_COLS " from a", 5 },
	/* Every application, usable or not, with its redirect URIs and
	 * scopes: a worker's appcache (the CORS origins of SPAs among them,
	 * what a public client's authentication needs). Scopes longer than
	 * 1 KB come as NULL (that client is read by itself when it comes):
	 * the result a reload holds stays small whatever an organization
	 * stores (8 KB each, sql/015_apps.sql). */
	[STMT_APP_ALL] = { "app_all",
	    "select a.client_id, a.org_id, a.type, (a.disabled_at is null and"
	    " o.disabled_at is null), array_to_string(a.redirect_uris, ' '),"
	    " case when octet_length(a.scopes) <= 1024 then a.scopes end"
	    " from apps a join orgs o on o.id = a.org_id", 0 },
	/*
	 * The hosted login page (sql/016_login.sql). Tokens, session ids and
	 * browser bindings arrive as the hex of their SHA-256 digests.
	 */
	/* The organization's name and page template ("" where unset). $1 org. */
	[STMT_LOGIN_TEMPLATE] = { "login_template",
	    "select o.name, coalesce(t.title, ''), coalesce(t.org_name, ''),"
	    " coalesce(t.color_bg, ''), coalesce(t.color_fg, ''),"
	    " coalesce(t.color_accent, ''), coalesce(t.version, 1)"
	    " from orgs o left join login_templates t on t.org_id = o.id"
	    " where o.id = $1", 1 },
	/*
	 * Set the whole template (ops_login.c merges a partial change first),
	 * with its audit row. $1 org, $2 title, $3 org name, $4-$6 colours,
	 * $7 actor, $8 source, $9 the version the caller saw (If-Match; 0:
	 * any). A template never set is version 1 (sql/017): its row is
	 * inserted only for 0 or 1; an existing row (the insert conflicts)
	 * is changed only when its version matches, checked under the row's
	 * lock (a concurrent change is seen). No row back: the version did
	 * not match.
	 */
	[STMT_LOGIN_TEMPLATE_SET] = { "login_template_set",
	    "with t as (insert into login_templates (org_id, title, org_name,"
	    "   color_bg, color_fg, color_accent)"
	    "   select $1::text, $2::text, $3::text, $4::text, $5::text, $6::text"
	    "   where $9::bigint in (0, 1) or exists (select 1"
	    "   from login_templates where org_id = $1::text)"
	    "   on conflict (org_id) do update set title = excluded.title,"
	    "   org_name = excluded.org_name, color_bg = excluded.color_bg,"
	    "   color_fg = excluded.color_fg,"
	    "   color_accent = excluded.color_accent, updated_at = now(),"
	    "   version = login_templates.version + 1"
	    "   where $9::bigint = 0 or login_templates.version = $9::bigint"
	    "   returning org_id, title, org_name, color_bg, color_fg,"
	    "   color_accent, version),"
	    " a as (" AUDIT_INTO " select $1, 'login.template',"
	    "   'login page template set', $7, $8, t.org_id from t)"
	    " select title, org_name, color_bg, color_fg, color_accent, version"
	    " from t", 9 },
	/*
	 * One rendering of the page: the validated request, single use.
	 * $1 token digest, $2 browser digest, $3 org, $4 client_id,
	 * $5 redirect_uri, $6 scope, $7 state (NULL: none), $8 code_challenge,
	 * $9 locale, $10 life in seconds, $11 resource (NULL: none).
	 */
	[STMT_LOGIN_REQ_CREATE] = { "login_req_create",
	    "insert into login_requests (token_hash, browser_hash, org_id,"
	    " client_id, redirect_uri, scope, state, code_challenge, locale,"
	    " expires_at, resource) values (decode($1, 'hex'), decode($2, 'hex'),"
	    " $3, $4, $5, $6, $7, $8, $9,"
	    " now() + make_interval(secs => $10::int), $11)", 11 },
	/*
	 * Take a token: once, before it expires, from the browser it was
	 * shown to. $1 token digest, $2 browser digest.
	 */
	[STMT_LOGIN_REQ_TAKE] = { "login_req_take",
	    "update login_requests set used_at = now()"
	    " where token_hash = decode($1, 'hex')"
	    " and browser_hash = decode($2, 'hex') and used_at is null"
	    " and expires_at > now()"
	    " returning org_id, client_id, redirect_uri, scope,"
	    " coalesce(state, ''), (state is not null), code_challenge, locale,"
	    " resource", 2 },
	[STMT_LOGIN_REQ_PURGE] = { "login_req_purge",
	    "delete from login_requests where expires_at < now()"
	    " - interval '1 hour'", 0 },
	/* $1 session digest, $2 org, $3 user id, $4 its generation, $5 life
	 * in seconds. */
	[STMT_SESSION_CREATE] = { "session_create",
	    "insert into sessions (id_hash, org_id, user_id, generation,"
	    " expires_at) values (decode($1, 'hex'), $2, $3, $4::bigint,"
	    " now() + make_interval(secs => $5::int))", 5 },
	/*
	 * The signed-in user of a session of this organization: alive, its
	 * user enabled and of the generation it signed in with (a new
	 * password or a disabled user ends it). $1 digest, $2 org.
	 */
	[STMT_SESSION_GET] = { "session_get",
	    "select u.id, u.username from sessions s join users u"
	    " on u.id = s.user_id and u.org_id = s.org_id"
	    " where s.id_hash = decode($1, 'hex') and s.org_id = $2"
	    " and s.expires_at > now() and u.disabled_at is null"
	    " and u.generation = s.generation", 2 },
	/* POST /logout: the browser's own session. $1 digest. */
	[STMT_SESSION_DELETE] = { "session_delete",
	    "delete from sessions where id_hash = decode($1, 'hex')", 1 },
	[STMT_SESSION_PURGE] = { "session_purge",
	    "delete from sessions where expires_at < now()", 0 },
	/*
	 * Usage: one flush of a host's counts, in one statement. $1..$5 the
	 * counts (key, organization or '', endpoint, outcome, n), added to
	 * their minute, hour and day rows at once (so the rollups are always
	 * exact; a key drained from two slots is summed first); $6..$8 the
	 * networks (key, organization, cidr) seen this interval: first_seen
	 * starts again when a network returns after 30 days unseen. Buckets
	 * are UTC.
	 */
	[STMT_USAGE_FLUSH] = { "usage_flush",
	    "with t as (select * from unnest($1::text[], $2::text[],"
	    "   $3::text[], $4::text[], $5::bigint[]) as t(k, o, e, c, n)),"
	    " u as (insert into key_usage (granularity, bucket, org_id, key_id,"
	    "   endpoint, outcome, n)"
	    "   select g.g, date_trunc(g.g, now(), 'UTC'), max(nullif(t.o, '')),"
	    "   t.k, t.e, t.c, sum(t.n)::bigint"
	    "   from t cross join (values ('minute'), ('hour'), ('day')) as g(g)"
	    "   group by g.g, t.k, t.e, t.c"
	    "   on conflict (granularity, bucket, key_id, endpoint, outcome)"
	    "   do update set n = key_usage.n + excluded.n returning 1),"
	    " w as (insert into key_networks (key_id, org_id, net, first_seen,"
	    "   last_seen)"
	    "   select x.k, max(nullif(x.o, '')), x.net, now(), now()"
	    "   from unnest($6::text[], $7::text[], $8::cidr[]) as x(k, o, net)"
	    "   group by x.k, x.net"
	    "   on conflict (key_id, net) do update set first_seen ="
	    "   case when key_networks.last_seen < now() - interval '30 days'"
	    "   then now() else key_networks.first_seen end, last_seen = now()"
	    "   returning 1)"
	    " select (select count(*) from u), (select count(*) from w)", 8 },
	/* One host's housekeeper purges at a time (in its transaction). */
	[STMT_USAGE_LOCK] = { "usage_lock",
	    "select pg_try_advisory_xact_lock(7469749)", 0 },
	/*
	 * Rollup retention: $1 minute rows, $2 hour rows (and networks unseen
	 * that long), $3 day rows (0: for ever), in seconds.
	 */
	[STMT_USAGE_PURGE] = { "usage_purge",
	    "with d as (delete from key_usage where"
	    "   (granularity = 'minute' and bucket < now() -"
	    "   make_interval(secs => $1::bigint)) or"
	    "   (granularity = 'hour' and bucket < now() -"
	    "   make_interval(secs => $2::bigint)) or"
	    "   (granularity = 'day' and $3::bigint > 0 and bucket < now() -"
	    "   make_interval(secs => $3::bigint)) returning 1),"
	    " w as (delete from key_networks where last_seen < now() -"
	    "   make_interval(secs => $2::bigint) returning 1)"
	    " select (select count(*) from d), (select count(*) from w)", 3 },
	/* Is key $1 of organization $2 (another's is not found). */
	[STMT_USAGE_KEY_IN_ORG] = { "usage_key_in_org",
	    "select 1 from api_keys where id = $1 and org_id = $2", 2 },
	/*
	 * One key's rows ($1 key, $2 organization, $3 granularity) whose
	 * bucket is in [$4, $5) (Unix seconds): bucket (Unix seconds),
	 * endpoint, outcome, n.
	 */
	[STMT_USAGE_KEY] = { "usage_key",
	    "select extract(epoch from bucket)::bigint, endpoint, outcome, n"
	    " from key_usage where key_id = $1 and org_id = $2"
	    " and granularity = $3 and bucket >= to_timestamp($4::bigint)"
	    " and bucket < to_timestamp($5::bigint)", 5 },
	/* The same for every key of organization $1, summed. */
	[STMT_USAGE_ORG] = { "usage_org",
	    "select extract(epoch from bucket)::bigint, endpoint, outcome,"
	    " sum(n)::bigint from key_usage where org_id = $1"
	    " and granularity = $2 and bucket >= to_timestamp($3::bigint)"
	    " and bucket < to_timestamp($4::bigint) group by 1, 2, 3", 4 },
	/* The $5 keys of organization $1 with the most requests: key, total,
	 * allowed. */
	[STMT_USAGE_TOP] = { "usage_top",
	    "select key_id, sum(n)::bigint,"
	    " (sum(n) filter (where outcome = 'allowed'))::bigint"
	    " from key_usage where org_id = $1 and granularity = $2"
	    " and bucket >= to_timestamp($3::bigint)"
	    " and bucket < to_timestamp($4::bigint)"
	    " group by key_id order by 2 desc, key_id limit $5::int", 5 },

	/*
	 * Unusual usage (src/usage_anomaly.c): one housekeeper of all the hosts at a
	 * time (another key than the signing keys' 7469747).
	 */
	[STMT_ANOMALY_LOCK] = { "anomaly_lock",
	    "select pg_try_advisory_xact_lock(7469748)", 0 },
	/*
	 * Flag the keys whose current or previous hour (key_usage hour rows)
	 * is unusual, each flag once (unique key, kind, hour), with its audit
	 * row and, when $6, its webhook outbox row, in this one statement:
	 *   volume: the hour's requests > $1 x the baseline, the baseline
	 *     being the p95 of the key's hourly totals over the 7 days before
	 *     that hour (hours it was used), at least $2;
	 *   refusals: at least $4 refusals (outcome other than 'allowed') in
	 *     the hour, and their ratio over $3 x the ratio of those 7 days
	 *     (any ratio when the key has no history);
	 *   network: a network first seen within the hour past (or back after
	 *     30 days away: key_networks) of a key that had another network
	 *     an hour before it.
	 * $5 actor. The flags written: org, key, kind, hour (RFC 3339),
	 * observed, baseline, detail.
	 */
	[STMT_ANOMALY_DETECT] = { "anomaly_detect",
	    "with cur as (select org_id, key_id, bucket, sum(n)::bigint as total,"
	    "   coalesce(sum(n) filter (where outcome <> 'allowed'), 0)::bigint"
	    "   as refused from key_usage where granularity = 'hour'"
	    "   and org_id is not null"
	    "   and bucket >= date_trunc('hour', now()) - interval '1 hour'"
	    "   group by org_id, key_id, bucket),"
	    " base as (select c.*, b.p95, b.btotal, b.brefused from cur c"
	    "   cross join lateral (select coalesce(percentile_disc(0.95)"
	    "   within group (order by h.t), 0)::bigint as p95,"
	    "   coalesce(sum(h.t), 0)::bigint as btotal,"
	    "   coalesce(sum(h.r), 0)::bigint as brefused from (select"
	    "   sum(u.n) as t, coalesce(sum(u.n) filter (where u.outcome <>"
	    "   'allowed'), 0) as r from key_usage u where u.granularity = 'hour'"
	    "   and u.key_id = c.key_id and u.bucket >= c.bucket - interval"
	    "   '7 days' and u.bucket < c.bucket group by u.bucket) h) b),"
	    " cand as (select org_id, key_id, 'volume'::text as kind,"
	    "   bucket as hour, total as observed,"
	    "   greatest(p95, $2::bigint) as baseline, total || ' requests in"
	    " the hour; baseline ' || greatest(p95, $2::bigint) || ' (p95 of"
	    " the 7 days before, at least ' || $2::bigint || ')' as detail"
	    "   from base where total > $1::bigint * greatest(p95, $2::bigint)"
	    "  union all select org_id, key_id, 'refusals', bucket, refused,"
	    "   case when btotal = 0 then 0 else round(brefused::numeric * total"
	    "   / btotal)::bigint end, refused || ' of ' || total || ' requests"
	    " refused in the hour; ' || case when btotal = 0 then 'no history'"
	    "   else round(100.0 * brefused / btotal, 1) || '% refused over the"
	    " 7 days before' end from base where refused >= $4::bigint"
	    "   and (btotal = 0 or refused * btotal > $3::bigint * brefused"
	    "   * total)"
	    "  union all select n.org_id, n.key_id, 'network',"
	    "   date_trunc('hour', max(n.first_seen)), count(*)::bigint,"
	    "   (select count(*) from key_networks o where o.key_id = n.key_id)"
	    "   - count(*), left('new network ' || string_agg(n.net::text, ', '"
	    "   order by n.net), 500) from key_networks n"
	    "   where n.first_seen >= now() - interval '1 hour'"
	    "   and n.org_id is not null and exists (select 1 from key_networks o"
	    "   where o.key_id = n.key_id and o.net <> n.net"
	    "   and o.first_seen < n.first_seen - interval '1 hour')"
	    "   group by n.org_id, n.key_id),"
	    " ins as (insert into usage_anomalies (org_id, key_id, kind, hour,"
	    "   observed, baseline, detail) select c.org_id, c.key_id, c.kind,"
	    "   c.hour, c.observed, c.baseline, c.detail from cand c"
	    "   join orgs o on o.id = c.org_id where length(c.key_id) <= 64"
	    "   on conflict (key_id, kind, hour) do nothing returning *),"
	    " aud as (" AUDIT_INTO " select org_id, 'usage.anomaly',"
	    "   kind || ': ' || detail, $5, '', key_id from ins),"
	    " hook as (insert into anomaly_outbox (anomaly_id, body)"
	    "   select id, json_build_object('type', 'usage.anomaly', 'id', id,"
	    "   'org', org_id, 'key', key_id, 'kind', kind, 'hour', "
	    RFC3339("hour") ", 'observed', observed, 'baseline', baseline,"
	    "   'detail', detail, 'at', " RFC3339("created_at") ")::text"
	    "   from ins where $6::boolean)"
	    " select org_id, key_id, kind, " RFC3339("hour") ", observed,"
	    " baseline, detail from ins order by id", 6 },
	/*
	 * An organization's flags, newest first, by keyset on id. $1 org,
	 * $2 key, $3 kind, $4 since (created_at >=), each NULL for any;
	 * $5 cursor (id <), $6 limit.
	 */
	[STMT_ANOMALY_LIST] = { "anomaly_list",
	    "select id, key_id, kind, " RFC3339("hour") ", observed, baseline,"
	    " detail, " RFC3339("created_at") " from usage_anomalies"
	    " where org_id = $1 and ($2::text is null or key_id = $2::text)"
	    " and ($3::text is null or kind = $3::text)"
	    " and ($4::timestamptz is null or created_at >= $4::timestamptz)"
	    " and ($5::bigint is null or id < $5::bigint)"
	    " order by id desc limit $6::int", 6 },
	/*
	 * The webhook's due rows, leased: their next try moves $1 seconds
	 * on (a housekeeper that dies mid-delivery leaves them to the next),
	 * the attempt counted before it is made. id, body, attempts.
	 */
	[STMT_HOOK_CLAIM] = { "hook_claim",
	    "update anomaly_outbox set attempts = attempts + 1,"
	    " next_at = now() + $1::int * interval '1 second'"
	    " where id in (select id from anomaly_outbox where state = 'pending'"
	    " and next_at <= now() order by id limit 10 for update skip locked)"
	    " returning id, body, attempts", 1 },
	/* $1 id: delivered. */
	[STMT_HOOK_DONE] = { "hook_done",
	    "update anomaly_outbox set state = 'delivered', delivered_at = now(),"
	    " last_error = '' where id = $1::bigint and state = 'pending'", 1 },
	/* $1 id failed with $2 (why): again in $3 seconds, or failed for good
	 * after $4 attempts. Returns the state. */
	[STMT_HOOK_RETRY] = { "hook_retry",
	    "update anomaly_outbox set last_error = left($2, 256),"
	    " state = case when attempts >= $4::int then 'failed'"
	    " else 'pending' end, next_at = now() + $3::int * interval '1 second'"
	    " where id = $1::bigint and state = 'pending' returning state", 4 },
	/* Milliseconds until the next pending row is due (0: now), -1: none. */
	[STMT_HOOK_NEXT] = { "hook_next",
	    "select case when min(next_at) is null then -1"
	    " else greatest(0, ceil(extract(epoch from"
	    " min(next_at) - now()) * 1000))::bigint end"
	    " from anomaly_outbox where state = 'pending'", 0 },
	/* Delivered and failed outbox rows, 30 days on (the flags stay). */
	[STMT_HOOK_PURGE] = { "hook_purge",
	    "delete from anomaly_outbox where state <> 'pending'"
	    " and created_at < now() - interval '30 days'", 0 },
	/* The housekeeper's probe of the notification delay (metrics.h):
	 * $1 "MS:NONCE". */
	[STMT_NOTIFY_PROBE] = { "notify_probe",
	    "select pg_notify('jwtmint', 'probe:' || $1)", 1 },
};

const struct stmt_def *
stmt_get(enum stmt s)
{
	return &defs[s];
}

const char stmt_migrations_table[] =
    "create table if not exists schema_migrations ("
    " name text primary key, applied_at timestamptz not null default now())";
