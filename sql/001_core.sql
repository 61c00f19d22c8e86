-- 001_core: organizations, API keys, signing keys.
-- Every tenant row carries org_id; statements filter on the organization
-- taken from the authenticated credential (see src/stmt.c).

create table orgs (
	id		text primary key check (id ~ '^org_[a-z2-7]{16}$'),
	slug		text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	name		text not null check (length(name) between 1 and 200),
	created_at	timestamptz not null default now(),
	disabled_at	timestamptz
);

-- An API key: only a keyed hash of its secret is kept (see src/apikey.h).
create table api_keys (
	id		text primary key check (id ~ '^[a-z2-7]{16}$'),
	org_id		text not null references orgs (id),
	name		text not null check (length(name) between 1 and 200),
	env		text not null check (env in ('live', 'test')),
	salt		bytea not null check (length(salt) = 16),
	hash		bytea not null check (length(hash) = 32),
	scopes		text not null default '' check (length(scopes) <= 8192),
	created_at	timestamptz not null default now(),
	expires_at	timestamptz,
	revoked_at	timestamptz,
	last_used_at	timestamptz
);
create index api_keys_org on api_keys (org_id);

-- Token-signing keys; the private part sealed with AES-256-GCM under the
-- key-encryption key (src/kek.h), additional data "kid:alg".
create table signing_keys (
	kid		text primary key check (length(kid) between 1 and 63),
	alg		text not null check (alg in ('ES256', 'RS256', 'HS256')),
	private_sealed	bytea not null,
	created_at	timestamptz not null default now(),
	retired_at	timestamptz
);

-- Workers LISTEN on "jwtmint" and reload what changed (the payload names the
-- table). Only changes that matter to a worker notify.
create function jwtmint_notify() returns trigger language plpgsql as $$
begin
	perform pg_notify('jwtmint', tg_table_name);
	return null;
end $$;

create trigger signing_keys_notify after insert or update or delete
	on signing_keys for each statement execute function jwtmint_notify();
create trigger api_keys_notify after update of revoked_at, scopes, expires_at
	or delete on api_keys for each statement execute function jwtmint_notify();
create trigger orgs_notify after update of disabled_at or delete
	on orgs for each statement execute function jwtmint_notify();
