-- 014_anomalies: unusual usage of a key (src/anomaly.c, the housekeeper's
-- "usage anomalies" task) and the webhook outbox that tells the platform
-- operator about it (src/hookpost.c, the "anomaly webhook" task).
--
-- Read from key_usage (hour rows) and key_networks (sql/013_usage.sql).
-- One flag per key, kind and hour: the unique constraint makes the task
-- idempotent across hosts and reruns (INSERT ... ON CONFLICT DO NOTHING),
-- and the flag's audit row (usage.anomaly) and outbox row are written in
-- the statement that inserts it, so there is never one without the other.
create table usage_anomalies (
	id		bigserial primary key,
	org_id		text not null references orgs (id),
	key_id		text not null check (length(key_id) <= 64),
	kind		text not null
	    check (kind in ('volume', 'refusals', 'network')),
	hour		timestamptz not null,
	observed	bigint not null,
	baseline	bigint not null,
	detail		text not null default '' check (length(detail) <= 512),
	created_at	timestamptz not null default now(),
	unique (key_id, kind, hour)
);
-- GET /admin/usage/anomalies: an organization's flags, newest first.
create index usage_anomalies_org on usage_anomalies (org_id, id);

-- The new networks of the last hour, found without reading every row.
create index key_networks_first_seen on key_networks (first_seen);

-- The durable outbox of the webhook: one row per flag while a webhook is
-- configured (jwtmint.conf, the platform operator's only). The body is
-- fixed when the flag is written, so every retry signs the same bytes.
create table anomaly_outbox (
	id		bigserial primary key,
	anomaly_id	bigint not null references usage_anomalies (id),
	body		text not null check (octet_length(body) <= 4096),
	state		text not null default 'pending'
	    check (state in ('pending', 'delivered', 'failed')),
	attempts	integer not null default 0,
	next_at		timestamptz not null default now(),
	last_error	text not null default '' check (length(last_error) <= 256),
	created_at	timestamptz not null default now(),
	delivered_at	timestamptz
);
create index anomaly_outbox_due on anomaly_outbox (next_at)
	where state = 'pending';
