/*
 * stmt: the statement table. Times leave the database as Unix seconds or
 * RFC 3339 UTC text; bytea leaves it as hex text ("\x...").
 */
#include "stmt.h"

/* The columns of a refresh decision (store_refresh_peek reads them). */
#define REFRESH_PEEK_SQL \
	"select t.family_id, t.scope, (t.rotated_at is not null) as rotated,"\
	    " coalesce(extract(epoch from now() - t.rotated_at), 0)::float8,"\
	    " (t.idle_expires_at > now()) as idle_ok,"\
	    " (f.absolute_expires_at > now()) as absolute_ok,"\
	    " (f.revoked_at is not null) as family_revoked, f.key_id, u.id,"\
	    " u.role, r.scopes, r.all_accounts, r.read_only, u.extra_scopes,"\
	    " u.accounts, (u.disabled_at is not null) as user_disabled,"\
	    " (f.generation <> u.generation) as cut_off,"\
	    " (k.revoked_at is not null or k.disabled_at is not null"\
	    "   or coalesce(k.expires_at < now(), false)) as key_bad,"\
	    " greatest(0, floor(extract(epoch from f.absolute_expires_at - now())))::int,"\
	    " f.generation"\
	    " from refresh_tokens t join refresh_families f on f.id = t.family_id"\
	    " join api_keys k on k.id = f.key_id"\
	    " join users u on u.id = f.user_id"\
	    " join roles r on r.org_id = u.org_id and r.name = u.role"\
	    " where t.digest = decode($1, 'hex') and f.org_id = $2"

/* A key's status: the one definition (docs/ADMIN-API.md). */
#define KEY_STATUS \
	"case when k.revoked_at is not null then 'revoked'"\
	" when k.disabled_at is not null then 'disabled'"\
	" when k.expires_at <= now() then 'expired'"\
	" when k.rolled_to is not null then 'expiring' else 'active' end"

#define RFC3339(col) \
	"to_char(" col " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

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
	    " k.trusted_forwarder, (k.disabled_at is not null), k.keep_tokens"
	    " from api_keys k join orgs o on o.id = k.org_id"
	    " where k.id = $1", 1 },
	[STMT_KEYS_TOUCH] = { "keys_touch",
	    "update api_keys set last_used_at = now()"
	    " where id = any($1::text[])", 1 },
	[STMT_SIGNING_KEYS] = { "signing_keys",
	    "select kid, alg, private_sealed from signing_keys"
	    " where retired_at is null order by created_at desc, kid", 0 },

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
	/* Count one failure for the username and for the address. */
	[STMT_LOGIN_FAILED] = { "login_failed",
	    "insert into login_failures as f (org_id, kind, subject,"
	    " window_start, failures) values ($1, 'u', $2, now(), 1),"
	    " ($1, 'a', $3, now(), 1) on conflict (org_id, kind, subject) do update"
	    " set failures = case when f.window_start >"
	    "   now() - make_interval(secs => $4::int) then f.failures + 1 else 1 end,"
	    " window_start = case when f.window_start >"
	    "   now() - make_interval(secs => $4::int) then f.window_start"
	    "   else now() end", 4 },
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
	    "   and p.absolute_ok and not p.family_revoked and p.key_id = $5"
	    "   and not p.user_disabled and not p.cut_off and not p.key_bad),"
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
	 * Revoke a family and say why in the audit log; its access tokens
	 * (claim sid) go on the deny list for as long as one can live.
	 * $1 family, $2 org, $3 event, $4 seconds to keep the deny row.
	 */
	[STMT_FAMILY_REVOKE] = { "family_revoke",
	    "with rev as (update refresh_families set revoked_at = now()"
	    "   where id = $1 and org_id = $2 and revoked_at is null returning id),"
	    " deny as (insert into revoked_jtis (jti, org_id, expires_at)"
	    "   select id, $2, now() + make_interval(secs => $4::int) from rev"
	    "   on conflict do nothing)"
	    " insert into audit (org_id, event, detail)"
	    " select $2, $3, 'family ' || id from rev", 4 },

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
	    " coalesce((select revoked_at is not null or disabled_at is not null"
	    "   or coalesce(expires_at < now() and not keep_tokens, false)"
	    "   from api_keys where id = $3 and org_id = $2), true),"
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
	 * $1 org, $2 user id or username.
	 */
	[STMT_USER_CUTOFF] = { "user_cutoff",
	    "with u as (update users set tokens_valid_after = now(),"
	    "   generation = generation + 1"
	    "   where org_id = $1 and (id = $2 or username = $2) returning id),"
	    " f as (update refresh_families set revoked_at = now()"
	    "   where user_id in (select id from u) and revoked_at is null)"
	    " insert into audit (org_id, event, detail)"
	    " select $1, 'user_revoked', id from u returning detail", 2 },
	/* $1 key id, $2 org. */
	[STMT_KEY_REVOKE_IN_ORG] = { "key_revoke_in_org",
	    "with k as (update api_keys set revoked_at = now()"
	    "   where id = $1 and org_id = $2 and revoked_at is null returning id)"
	    " insert into audit (org_id, event, detail)"
	    " select $2, 'key_revoked', id from k returning detail", 2 },
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

	[STMT_KEY_LIST] = { "key_list",
	    "select k.id, o.slug, k.name, k.env, k.scopes, k.grants, "
	    RFC3339("k.created_at") ", " RFC3339("k.expires_at") ", "
	    RFC3339("k.revoked_at") ", " RFC3339("k.last_used_at") ","
	    " k.trusted_forwarder::text,"
	    " " KEY_STATUS ","
	    " k.rolled_from, k.rolled_to"
	    " from api_keys k join orgs o on o.id = k.org_id"
	    " where $1 = '' or k.org_id = $1 order by k.created_at, k.id", 1 },

	[STMT_SIGNING_INSERT] = { "signing_insert",
	    "insert into signing_keys (kid, alg, private_sealed)"
	    " values ($1, $2, decode($3, 'hex'))", 3 },
	[STMT_SIGNING_LIST] = { "signing_list",
	    "select kid, alg, " RFC3339("created_at") ", "
	    RFC3339("retired_at") " from signing_keys order by created_at, kid", 0 },
	[STMT_SIGNING_RETIRE] = { "signing_retire",
	    "update signing_keys set retired_at = now()"
	    " where kid = $1 and retired_at is null", 1 },

	[STMT_ROLE_CREATE] = { "role_create",
	    "insert into roles (org_id, name, scopes, all_accounts, read_only)"
	    " values ($1, $2, $3, $4::boolean, $5::boolean)"
	    " returning " RFC3339("created_at"), 5 },
	[STMT_ROLE_LIST] = { "role_list",
	    "select name, scopes, all_accounts, read_only from roles"
	    " where org_id = $1 order by name", 1 },
	[STMT_USER_CREATE] = { "user_create",
	    "insert into users (id, org_id, username, password_hash, role,"
	    " extra_scopes, accounts) values ($1, $2, $3, $4, $5, $6, $7)"
	    " returning " RFC3339("created_at"), 7 },
	[STMT_USER_LIST] = { "user_list",
	    "select id, username, role, extra_scopes, accounts, "
	    RFC3339("created_at") ", " RFC3339("disabled_at")
	    " from users where org_id = $1 order by username", 1 },
	/* A new password or a disabled user ends every session (a new
	 * generation), so enabling the user again brings no old token back. */
	[STMT_USER_PASSWD] = { "user_passwd",
	    "update users set password_hash = $3, tokens_valid_after = now(),"
	    " generation = generation + 1 where org_id = $1 and username = $2", 3 },
	[STMT_USER_DISABLE] = { "user_disable",
	    "update users set disabled_at = now(), tokens_valid_after = now(),"
	    " generation = generation + 1"
	    " where org_id = $1 and username = $2 and disabled_at is null", 2 },
	[STMT_USER_ENABLE] = { "user_enable",
	    "update users set disabled_at = null where org_id = $1"
	    " and username = $2 and disabled_at is not null", 2 },
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
	    "select env, (rolled_to is null and revoked_at is null and"
	    " disabled_at is null and (expires_at is null or expires_at > now())),"
	    " scopes from api_keys where id = $1 and org_id = $2", 2 },
	/*
	 * Roll, in one statement (one transaction): under the old row's lock,
	 * the new key copies it, the old one ends at min(its expiry, now +
	 * grace) (grace 0: revoked now, its tokens with it; else its tokens
	 * outlive it unless $7 revoke_tokens), both are linked, and the audit
	 * row is written. No row: not rollable any more (a concurrent roll
	 * won). $1 old id, $2 org, $3 new id, $4 salt (hex), $5 hash (hex),
	 * $6 grace sec, $7 revoke_tokens, $8 actor, $9 source.
	 */
	[STMT_KEY_ROLL] = { "key_roll",
	    "with old as (select * from api_keys where id = $1 and org_id = $2"
	    "   and rolled_to is null and revoked_at is null"
	    "   and disabled_at is null"
	    "   and (expires_at is null or expires_at > now()) for update),"
	    " ins as (insert into api_keys (id, org_id, name, env, salt, hash,"
	    "   scopes, expires_at, grants, rate_per_sec, rate_per_min,"
	    "   trusted_forwarder, meta, rolled_from) select $3, $2, name, env,"
	    "   decode($4, 'hex'), decode($5, 'hex'), scopes, expires_at, grants,"
	    "   rate_per_sec, rate_per_min, trusted_forwarder, meta, id from old"
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
	    ", " RFC3339("upd.expires_at") " from ins, upd", 9 },
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
	 * Create a key in an enabled organization, with its audit row, in one
	 * statement. $1 id, $2 org, $3 name, $4 env, $5 salt (hex), $6 hash
	 * (hex), $7 scopes, $8 expires in sec (0: never), $9 grants, $10/$11
	 * rate per sec/min (-1: the default), $12 meta (JSON object), $13
	 * trusted forwarder, $14 actor, $15 source. No row: the organization
	 * is disabled. A key's expires_at is whole seconds (date_trunc), so
	 * that C, which reads it as Unix seconds (STMT_KEY_GET), and SQL agree
	 * on the instant it ends (so are an update's and a roll's).
	 */
	[STMT_KEY_CREATE] = { "key_create",
	    "with o as (select id from orgs where id = $2 and disabled_at is null),"
	    " k as (insert into api_keys (id, org_id, name, env, salt, hash,"
	    "   scopes, expires_at, grants, rate_per_sec, rate_per_min, meta,"
	    "   trusted_forwarder) select $1, $2, $3, $4, decode($5, 'hex'),"
	    "   decode($6, 'hex'), $7, case when $8::bigint > 0 then"
	    "   date_trunc('second', now()) + make_interval(secs => $8::bigint)"
	    "   end, $9, nullif($10::int, -1), nullif($11::int, -1), $12::jsonb,"
	    "   $13::boolean from o returning *),"
	    " aud as (insert into audit (org_id, event, detail, actor, source,"
	    "   resource) select $2, 'key.create', 'env ' || k.env"
	    "   || ', scopes ' || k.scopes || ', grants ' || k.grants, $14, $15,"
	    "   k.id from k)"
	    " select " KEY_VIEW " from k", 15 },
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
};

const struct stmt_def *
stmt_get(enum stmt s)
{
	return &defs[s];
}

const char stmt_migrations_table[] =
    "create table if not exists schema_migrations ("
    " name text primary key, applied_at timestamptz not null default now())";
