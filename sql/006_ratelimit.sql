-- 006_ratelimit: per-key counts of the current minute, published by each
-- host in shared mode (rate_limit_shared = 1) so that several hosts on one
-- database enforce one per-minute limit. One row per host, key and minute,
-- overwritten by that host's sync every rate_limit_sync_ms and purged after
-- two minutes. Counts are ephemeral: unlogged (no WAL, emptied by a crash
-- of the database, which only loosens a limit for a minute). key_hash is
-- the 64-bit hash of the key id the hosts' shared memory uses; no key id,
-- organization or secret is stored.
create unlogged table ratelimit_counts (
	host		text not null check (length(host) <= 32),
	key_hash	bigint not null,
	minute		bigint not null,
	count		integer not null check (count >= 0),
	primary key (host, key_hash, minute)
);
create index ratelimit_counts_minute on ratelimit_counts (minute, key_hash);
