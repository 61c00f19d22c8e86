-- 002_lifecycle: users, roles, refresh tokens, revocation, login throttling,
-- audit. Every table carries org_id; statements filter on the organization of
-- the authenticated API key (src/stmt.c).

-- Which grants a key may use (space-separated grant_type values).
alter table api_keys add column grants text not null
	default 'client_credentials' check (length(grants) <= 512);

-- A role is a named scope set of one organization. Scope patterns: "*" is
-- every scope, "read:*" every scope starting with "read:".
--   all_accounts: the role reaches every customer account (else only the
--                 accounts assigned to the user);
--   read_only:    only scopes starting with "read:" are ever granted.
create table roles (
	org_id		text not null references orgs (id),
	name		text not null check (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
	scopes		text not null default '' check (length(scopes) <= 8192),
	all_accounts	boolean not null default false,
	read_only	boolean not null default false,
	created_at	timestamptz not null default now(),
	primary key (org_id, name)
);

-- The three roles the API model uses, seeded in every organization.
create function jwtmint_seed_roles() returns trigger language plpgsql as $$
begin
	insert into roles (org_id, name, scopes, all_accounts, read_only) values
	    (new.id, 'admin', '*', true, false),
	    (new.id, 'limited', 'read:* write:*', false, false),
	    (new.id, 'support', 'read:*', true, true);
	return null;
end $$;
create trigger orgs_seed_roles after insert on orgs
	for each row execute function jwtmint_seed_roles();
insert into roles (org_id, name, scopes, all_accounts, read_only)
	select id, r.name, r.scopes, r.all_accounts, r.read_only from orgs,
	(values ('admin', '*', true, false), ('limited', 'read:* write:*', false, false),
	        ('support', 'read:*', true, true)) as r (name, scopes, all_accounts, read_only);

create table users (
	id		text primary key check (id ~ '^usr_[a-z2-7]{16}$'),
	org_id		text not null references orgs (id),
	username	text not null check (username ~ '^[a-z0-9][a-z0-9._@+-]{0,63}$'),
	password_hash	text not null check (length(password_hash) <= 256),
	role		text not null,
	extra_scopes	text not null default '' check (length(extra_scopes) <= 8192),
	accounts	text not null default '' check (length(accounts) <= 8192),
	created_at	timestamptz not null default now(),
	disabled_at	timestamptz,
	-- Per-user cut-off: every token issued before it is dead.
	tokens_valid_after timestamptz,
	unique (org_id, username),
	foreign key (org_id, role) references roles (org_id, name)
);

-- A refresh-token family: one login and every rotation of it.
create table refresh_families (
	id		text primary key,
	org_id		text not null references orgs (id),
	user_id		text not null references users (id),
	key_id		text not null references api_keys (id),
	created_at	timestamptz not null default now(),
	absolute_expires_at timestamptz not null,
	revoked_at	timestamptz
);
create index refresh_families_user on refresh_families (user_id);
create index refresh_families_key on refresh_families (key_id);

-- Refresh tokens exist here only as SHA-256 digests.
create table refresh_tokens (
	digest		bytea primary key check (length(digest) = 32),
	family_id	text not null references refresh_families (id),
	scope		text not null,
	created_at	timestamptz not null default now(),
	idle_expires_at	timestamptz not null,
	rotated_at	timestamptz
);
create index refresh_tokens_family on refresh_tokens (family_id);

-- Access tokens revoked one by one (RFC 7009), kept until they expire.
create table revoked_jtis (
	org_id		text not null references orgs (id),
	jti		text not null check (length(jti) <= 64),
	expires_at	timestamptz not null,
	revoked_at	timestamptz not null default now(),
	primary key (org_id, jti)
);

-- Failed logins per username and per client address, per organization.
create table login_failures (
	org_id		text not null references orgs (id),
	kind		char(1) not null check (kind in ('u', 'a')),
	subject		text not null check (length(subject) <= 128),
	window_start	timestamptz not null,
	failures	integer not null,
	primary key (org_id, kind, subject)
);

create table audit (
	id		bigserial primary key,
	at		timestamptz not null default now(),
	org_id		text not null,
	event		text not null,
	detail		text not null default ''
);
create index audit_org_at on audit (org_id, at);

-- Workers cache per-user cut-offs and revocations: tell them.
create trigger users_notify after update of disabled_at, tokens_valid_after,
	role, extra_scopes, accounts or delete
	on users for each statement execute function jwtmint_notify();
create trigger revoked_jtis_notify after insert on revoked_jtis
	for each statement execute function jwtmint_notify();
create trigger refresh_families_notify after update of revoked_at
	on refresh_families for each statement execute function jwtmint_notify();
create trigger roles_notify after update or delete
	on roles for each statement execute function jwtmint_notify();

-- A key's grants are cached by workers too.
drop trigger api_keys_notify on api_keys;
create trigger api_keys_notify after update of revoked_at, scopes, expires_at,
	grants or delete on api_keys for each statement execute function jwtmint_notify();
