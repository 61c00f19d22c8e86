-- 005_forwarder: a key that logs users in on their behalf (an application
-- backend calling /token for every user) may name its end user's address,
-- so that the per-address login failure counter counts that user and not
-- the backend, whose one address all its users share. Only keys marked by
-- an operator; every other key's end_user_ip is ignored.
alter table api_keys add column trusted_forwarder boolean not null default false;

drop trigger api_keys_notify on api_keys;
create trigger api_keys_notify after update of revoked_at, scopes, expires_at,
	grants, rate_per_sec, rate_per_min, trusted_forwarder or delete on api_keys
	for each statement execute function jwtmint_notify();
