-- 018_code_family: a code's refresh family and first refresh token are
-- written when the code is made (the login, where Argon2id or the user's
-- click dwarfs them), no longer by the exchange, which now only consumes
-- the code (one row) and reads the user, application and organization as
-- they are (src/stmt.c, authcode_create and authcode_redeem). The token is
-- chosen then and kept with the code, masked under the pepper and the code
-- (src/refresh.h): refresh_mask = its bits XOR HMAC-SHA-256(pepper,
-- label || code), refresh_pepper the id of that pepper (never the pepper:
-- the database alone, with or without the code, gives no token); the
-- exchange that consumes the code clears the mask.
-- Additive: the release before neither writes nor reads the columns. A
-- code it made has no family yet and is refused by this release (the user
-- signs in again: codes live 60 s); a code this release made and the
-- release before exchanges gets a family of its own (its statement
-- records it): the triggers at the end revoke the pending one and clear
-- the mask.
alter table auth_codes add column refresh_mask bytea
	check (length(refresh_mask) = 32);
alter table auth_codes add column refresh_pepper integer;
-- A family is usable only once its code was consumed (REFRESH_FAMILY_OK in
-- src/stmt.c): the refresh statements look the code up by its family.
create index auth_codes_family on auth_codes (family_id);

-- The rules above hold whichever release writes (a rolling upgrade runs
-- both): a code consumed keeps no mask (the release before does not clear
-- it), a family a consumed code no longer names (the release before
-- records a family of its own over it) is revoked, and a code deleted
-- unconsumed (the purge, either release's) takes its pending family and
-- token with it. The WHEN clauses keep this release's own writes off the
-- trigger functions: its exchange clears the mask itself and names no
-- other family.
create function jwtmint_code_consumed() returns trigger language plpgsql as $$
begin
	new.refresh_mask := null;
	if old.family_id is not null and new.family_id is distinct from old.family_id then
		update refresh_families set revoked_at = now()
			where id = old.family_id and revoked_at is null;
	end if;
	return new;
end $$;
create trigger auth_codes_consumed before update on auth_codes for each row
	when (new.used_at is not null and (new.refresh_mask is not null
	    or new.family_id is distinct from old.family_id))
	execute function jwtmint_code_consumed();
create function jwtmint_code_dropped() returns trigger language plpgsql as $$
begin
	delete from refresh_tokens where family_id = old.family_id;
	delete from refresh_families where id = old.family_id;
	return old;
end $$;
create trigger auth_codes_dropped before delete on auth_codes for each row
	when (old.used_at is null and old.family_id is not null)
	execute function jwtmint_code_dropped();
