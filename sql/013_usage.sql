-- 013_usage: per-key usage counts (src/usage.h), flushed by each host's
-- housekeeper every usage_flush_interval seconds in one statement that adds
-- each count to its minute, hour and day rows (so rollups are always
-- exact). key_id is 'unknown' (org_id NULL) for key ids not in the key
-- cache. endpoint: /token by grant_type ('token.other': missing or
-- unknown), the others by path. outcome: 'allowed' or the reason of a
-- refusal. Buckets are UTC.
create table key_usage (
	granularity text not null
	    check (granularity in ('minute', 'hour', 'day')),
	bucket timestamptz not null,
	org_id text,
	key_id text not null,
	endpoint text not null check (endpoint in ('token.client_credentials',
	    'token.password', 'token.refresh_token', 'token.token_exchange',
	    'token.authorization_code', 'token.other', 'check', 'introspect',
	    'revoke', 'admin', 'authorize')),
	outcome text not null check (outcome in ('allowed',
	    'invalid_credential', 'scope', 'rate_limit', 'account', 'other')),
	n bigint not null,
	primary key (granularity, bucket, key_id, endpoint, outcome)
);
create index key_usage_org on key_usage (org_id, granularity, bucket);
create index key_usage_key on key_usage (key_id, granularity, bucket);

-- The /24 (IPv4) or /48 (IPv6) networks a key was used from. first_seen
-- is reset when a network returns after more than 30 days unseen.
create table key_networks (
	key_id text not null,
	org_id text,
	net cidr not null,
	first_seen timestamptz not null,
	last_seen timestamptz not null,
	primary key (key_id, net)
);
