-- 008_audit_fields: who did what to which resource, from where, with what
-- outcome. "event" is the action ("key.create", "key.roll", "user.update",
-- "refresh.reuse", ...), "detail" the summary of what changed (never a
-- secret, a hash or a password). Every operation of src/ops_*.c writes one
-- row in the transaction that does the work.
alter table audit add column actor text not null default ''
	check (length(actor) <= 160);
alter table audit add column source text not null default ''
	check (length(source) <= 64);
alter table audit add column resource text not null default ''
	check (length(resource) <= 200);
alter table audit add column outcome text not null default 'ok'
	check (outcome in ('ok', 'denied', 'failed'));
