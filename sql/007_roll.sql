-- 007_roll: API key rotation with a grace period. Rolling a key makes a
-- new one (new id and secret, the same name, scopes, grants, limits,
-- organization and expiry) and lets the old one work until
-- min(its own expiry, now + grace); both name each other. Only the newest
-- key of a chain can be rolled. Workers compare a cached key's expiry on
-- every use, so the end of a grace needs no notification.
alter table api_keys add column rolled_from text references api_keys (id);
alter table api_keys add column rolled_to text references api_keys (id);
