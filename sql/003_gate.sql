-- 003_gate: per-key rate limits for the gateway check (/check).
-- NULL: the configuration's default (rate_limit_per_sec / _per_min); 0: none.
alter table api_keys add column rate_per_sec integer check (rate_per_sec >= 0);
alter table api_keys add column rate_per_min integer check (rate_per_min >= 0);

drop trigger api_keys_notify on api_keys;
create trigger api_keys_notify after update of revoked_at, scopes, expires_at,
	grants, rate_per_sec, rate_per_min or delete on api_keys
	for each statement execute function jwtmint_notify();

-- Old deny-list rows are useless once their token expired.
create index revoked_jtis_expires on revoked_jtis (expires_at);
