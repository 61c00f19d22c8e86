-- 018_code_family: a code's refresh family and first refresh token are
-- written when the code is made (the login, where Argon2id or the user's
-- click dwarfs them), no longer by the exchange, which now only consumes
-- the code (one row) and reads the user, application and organization as
-- they are (src/stmt.c, authcode_create and authcode_redeem). The token is
-- chosen then and kept with the code masked by the code itself
-- (src/refresh.h): refresh_mask = its bits XOR HMAC-SHA-256(pepper,
-- label || code), refresh_pepper the id of that pepper (never the pepper:
-- the database alone, with or without the code, gives no token); the
-- exchange that consumes the code clears the mask.
-- Additive: the release before neither writes nor reads the column. A code
-- it made has no family yet and is refused by this release (the user signs
-- in again: codes live 60 s); a code this release made and the release
-- before exchanges gets a family of its own (its statement records it),
-- and the pending one is never disclosed.
alter table auth_codes add column refresh_mask bytea
	check (length(refresh_mask) = 32);
alter table auth_codes add column refresh_pepper integer;
-- A family is usable only once its code was consumed (REFRESH_FAMILY_OK in
-- src/stmt.c): the refresh statements look the code up by its family.
create index auth_codes_family on auth_codes (family_id);
