-- 010_admin_api: what the admin HTTP API needs (src/adminapi.h).
--
-- Optimistic concurrency: every row an administrator edits over HTTP has a
-- version, bumped by every update (UPDATE ... SET version = version + 1
-- WHERE ... AND version = $n). The API sends it as the ETag and a PATCH
-- with a stale If-Match changes nothing (412).
alter table api_keys add column version bigint not null default 1
	check (version >= 1);
alter table users add column version bigint not null default 1
	check (version >= 1);
alter table roles add column version bigint not null default 1
	check (version >= 1);

-- A disabled key is refused everywhere exactly like an invalid key, its
-- tokens with it, until it is enabled again (unlike a revoked key, which is
-- dead for good).
alter table api_keys add column disabled_at timestamptz;
-- What the organization records about a key (owner, ticket, ...): a flat
-- JSON object of short strings (src/jreq.h bounds it before it gets here).
alter table api_keys add column meta jsonb not null default '{}'
	check (jsonb_typeof(meta) = 'object' and octet_length(meta::text) <= 8192);
-- Set by a roll with a grace and without revoke_tokens: when the old key
-- ends (its grace is over) the access tokens it obtained stay good until
-- their own exp. Any other end of a key (revoked, expired, disabled) takes
-- its tokens with it.
alter table api_keys add column keep_tokens boolean not null default false;

-- Cursor pagination of a listing: keyset on (created_at, id) within an
-- organization.
create index api_keys_org_created on api_keys (org_id, created_at, id);

-- Idempotency-Key: the first answer to a POST, per organization, caller
-- and key, for 24 hours. Written in the transaction that does the work, so
-- nothing is done twice; the body is sealed under the key-encryption key
-- (it can hold a new API key), additional data "idem:" org ":" actor ":"
-- key. Purged after 24 hours (STMT_IDEM_PURGE).
create table idempotency (
	org_id		text not null references orgs (id),
	actor		text not null check (length(actor) <= 160),
	idem_key	text not null check (length(idem_key) between 1 and 255),
	request_hash	bytea not null check (length(request_hash) = 32),
	status		integer not null check (status between 200 and 599),
	location	text not null default '' check (length(location) <= 512),
	body_sealed	bytea not null check (length(body_sealed) <= 1048576),
	created_at	timestamptz not null default now(),
	primary key (org_id, actor, idem_key)
);
create index idempotency_created on idempotency (created_at);

-- Workers cache a key's disabled state and keep_tokens too.
drop trigger api_keys_notify on api_keys;
create trigger api_keys_notify after update of revoked_at, scopes, expires_at,
	grants, rate_per_sec, rate_per_min, trusted_forwarder, disabled_at,
	keep_tokens or delete on api_keys
	for each statement execute function jwtmint_notify();
