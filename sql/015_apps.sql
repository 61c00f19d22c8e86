-- 015_apps: applications (OAuth clients without a secret, RFC 6749 §2.1
-- public clients) and their authorization codes (docs/LOGIN.md).
--
-- An application's client_id is public (never a secret). Its redirect
-- URIs are matched exactly (src/redirecturi.h), and it may be given at most
-- its scopes (an exact list, like a key's). Every organization has exactly
-- one application of type 'portal', whose one redirect URI is stored as the
-- path '/portal/{slug}/' and resolved against the configured issuer when
-- used (the issuer is configuration, not data).

-- 'app_' and 16 characters of base32 (the alphabet of key and user ids):
-- an identifier, public, so gen_random_uuid's 122 random bits suffice.
create function jwtmint_app_id() returns text language sql volatile as $$
	select 'app_' || string_agg(substr('abcdefghijklmnopqrstuvwxyz234567',
	    1 + get_byte(r.b, i) % 32, 1), '' order by i)
	from (select decode(replace(gen_random_uuid()::text, '-', ''), 'hex') as b) r,
	    generate_series(0, 15) i
$$;

create table apps (
	client_id	text primary key check (client_id ~ '^app_[a-z2-7]{16}$'),
	org_id		text not null references orgs (id),
	name		text not null check (length(name) between 1 and 200),
	type		text not null check (type in ('spa', 'native', 'cli', 'portal')),
	redirect_uris	text[] not null check (cardinality(redirect_uris) between 1 and 16),
	scopes		text not null default '' check (length(scopes) <= 8192),
	created_at	timestamptz not null default now(),
	disabled_at	timestamptz,
	version		bigint not null default 1,
	-- The key that may redeem this application's codes as its
	-- confidential client (RFC 6749 §4.1.3); NULL: none.
	key_id		text references api_keys (id)
);
create index apps_org_created on apps (org_id, created_at, client_id);
-- One portal per organization.
create unique index apps_one_portal on apps (org_id) where type = 'portal';

-- Workers cache the origins of SPA redirect URIs (CORS) and the state of
-- applications: tell them.
create trigger apps_notify after insert or update or delete on apps
	for each statement execute function jwtmint_notify();

insert into apps (client_id, org_id, name, type, redirect_uris, scopes)
	select jwtmint_app_id(), o.id, 'Portal', 'portal',
	    array['/portal/' || o.slug || '/'], 'admin'
	from orgs o
	where not exists (select 1 from apps a where a.org_id = o.id
	    and a.type = 'portal');

-- An authorization code (RFC 6749 §4.1.2): only SHA-256 of the code string
-- is kept, as for refresh tokens. Single use (used_at), 60 s. family_id
-- names the refresh family its exchange started: a second use of the code
-- revokes it with every access token issued from it (RFC 6749 §4.1.2).
create table auth_codes (
	code_hash	bytea primary key check (length(code_hash) = 32),
	org_id		text not null references orgs (id),
	client_id	text not null references apps (client_id),
	user_id		text not null references users (id),
	redirect_uri	text not null check (length(redirect_uri) <= 2048),
	code_challenge	text not null check (code_challenge ~ '^[A-Za-z0-9_-]{43}$'),
	scope		text not null check (length(scope) <= 8192),
	resource	text check (length(resource) <= 2048),
	session_id	text,
	created_at	timestamptz not null default now(),
	expires_at	timestamptz not null,
	used_at		timestamptz,
	family_id	text
);
create index auth_codes_expires on auth_codes (expires_at);

-- A public client's refresh family is bound to its application instead of
-- a key. A confidential client's (a key using the code grant) names both.
alter table refresh_families alter column key_id drop not null;
alter table refresh_families add column client_id text references apps (client_id);
alter table refresh_families add constraint refresh_families_bound
	check (key_id is not null or client_id is not null);
create index refresh_families_client on refresh_families (client_id);
