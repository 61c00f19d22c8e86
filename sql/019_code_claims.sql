-- 019_code_claims: a code carries what its token will claim, read when the
-- code is made (src/stmt.c, authcode_create): the user's role, accounts
-- ('*' for a role with every account) and generation, the application's
-- type and the key it names as its confidential client. The exchange
-- (authcode_redeem) then writes its one row and reads no other table: it
-- no longer reads the user, the role, the application and the
-- organization as they are, because no code outlives a change to them.
-- The triggers below expire every code not yet exchanged of a user, a
-- role, an application or an organization that changes in a way the
-- exchange would have seen: the user signs in again (codes live 60 s),
-- and gets what is granted then.
-- Additive: the release before neither writes nor reads the columns. A
-- code it made has no claims and is refused by this release (the user
-- signs in again); a code this release made and the release before
-- exchanges is read its release's way.
alter table auth_codes add column claim_role text
	check (length(claim_role) <= 64);
alter table auth_codes add column claim_accounts text
	check (length(claim_accounts) <= 8192);
alter table auth_codes add column claim_generation bigint;
alter table auth_codes add column app_type text
	check (length(app_type) <= 16);
alter table auth_codes add column key_id text
	check (length(key_id) <= 64);
-- A user's codes, found when the user changes.
create index auth_codes_user on auth_codes (user_id);

-- A live code is expired an hour ago: refused by every release's exchange
-- (expires_at > now(), whenever that exchange's transaction began), and
-- the housekeeper's next purge takes it, with its family and token
-- (auth_codes_dropped, 018). Consumed codes are left as they are: their
-- second presentation must still revoke what the first obtained. An
-- application's redirect URIs count too: a code issued to a URI removed
-- since is dead. Every trigger locks the codes it expires in one order
-- (code_hash), so that two changes at once, say an organization disabled
-- while one of its users is, cannot deadlock on the codes they share.
-- A code being made while the change commits is covered by
-- authcode_create, which share-locks the rows it reads (src/stmt.c).
create function jwtmint_codes_expire_user() returns trigger
	language plpgsql as $$
begin
	update auth_codes set expires_at = now() - interval '1 hour'
		where code_hash in (select code_hash from auth_codes
		    where user_id = new.id and used_at is null
		    and expires_at > now() order by code_hash for update);
	return null;
end $$;
create trigger users_codes_expire after update of role, extra_scopes,
	accounts, disabled_at, tokens_valid_after, generation on users
	for each row when (old.role is distinct from new.role
	    or old.extra_scopes is distinct from new.extra_scopes
	    or old.accounts is distinct from new.accounts
	    or old.disabled_at is distinct from new.disabled_at
	    or old.tokens_valid_after is distinct from new.tokens_valid_after
	    or old.generation is distinct from new.generation)
	execute function jwtmint_codes_expire_user();

create function jwtmint_codes_expire_role() returns trigger
	language plpgsql as $$
begin
	update auth_codes set expires_at = now() - interval '1 hour'
		where code_hash in (select code_hash from auth_codes
		    where org_id = new.org_id and claim_role = new.name
		    and used_at is null and expires_at > now()
		    order by code_hash for update);
	return null;
end $$;
create trigger roles_codes_expire after update of scopes, all_accounts,
	read_only on roles for each row
	when (old.scopes is distinct from new.scopes
	    or old.all_accounts is distinct from new.all_accounts
	    or old.read_only is distinct from new.read_only)
	execute function jwtmint_codes_expire_role();

-- Roles, applications and organizations change seldom: their live codes
-- are found through auth_codes_expires (a role's by the role the code
-- claims: a user moved to another role since has had its codes expired).
create function jwtmint_codes_expire_app() returns trigger
	language plpgsql as $$
begin
	update auth_codes set expires_at = now() - interval '1 hour'
		where code_hash in (select code_hash from auth_codes
		    where client_id = new.client_id and used_at is null
		    and expires_at > now() order by code_hash for update);
	return null;
end $$;
create trigger apps_codes_expire after update of scopes, type, disabled_at,
	key_id, redirect_uris on apps for each row
	when (old.scopes is distinct from new.scopes
	    or old.type is distinct from new.type
	    or old.disabled_at is distinct from new.disabled_at
	    or old.key_id is distinct from new.key_id
	    or old.redirect_uris is distinct from new.redirect_uris)
	execute function jwtmint_codes_expire_app();

create function jwtmint_codes_expire_org() returns trigger
	language plpgsql as $$
begin
	update auth_codes set expires_at = now() - interval '1 hour'
		where code_hash in (select code_hash from auth_codes
		    where org_id = new.id and used_at is null
		    and expires_at > now() order by code_hash for update);
	return null;
end $$;
create trigger orgs_codes_expire after update of disabled_at on orgs
	for each row when (old.disabled_at is distinct from new.disabled_at)
	execute function jwtmint_codes_expire_org();

-- A pending family revoked (RFC 7009 with its token, which nobody was
-- given yet; a sign-out everywhere, which also bumps the generation) takes
-- its code with it: the exchange reads no family. Only for a top-level
-- revocation: the release before's exchange revokes the family its code
-- named from within auth_codes_consumed (018), on the very row it is
-- updating, which this must not touch; that code is consumed anyway.
create function jwtmint_codes_expire_family() returns trigger
	language plpgsql as $$
begin
	update auth_codes set expires_at = now() - interval '1 hour'
		where code_hash in (select code_hash from auth_codes
		    where family_id = new.id and used_at is null
		    and expires_at > now() order by code_hash for update);
	return null;
end $$;
create trigger refresh_families_codes_expire after update of revoked_at
	on refresh_families for each row
	when (old.revoked_at is null and new.revoked_at is not null
	    and pg_trigger_depth() = 0)
	execute function jwtmint_codes_expire_family();
