-- 009_audit_chain: the audit trail becomes append-only and hash-chained per
-- organization (docs/OPERATIONS.md, "Audit trail" and "Database roles").
--
-- Every row of an organization gets the next sequence number (seq, from 1)
-- and hash = SHA-256 of its canonical encoding (src/auditchain.h, the same
-- bytes in C):
--
--   str("jwtmint.audit.v1") || prev_hash (32 bytes) || int64be(seq)
--   || int64be(at in microseconds since 1970) || str(org_id) || str(event)
--   || str(detail) || str(actor) || str(source) || str(resource)
--   || str(outcome)
--
-- where str(s) = uint32be(octet length of s in UTF-8) || those octets, and
-- prev_hash is the hash of the organization's previous row (32 zero bytes
-- before its first). audit_heads holds each organization's last (seq,
-- hash); the trigger below locks that row for every insert (until the
-- writer's transaction ends), so concurrent writers (any worker, any host)
-- form one chain, and it fills seq, prev_hash and hash whatever the writer
-- gave: every existing and future "insert into audit" is chained without
-- knowing it.
--
-- Roles: these objects belong to the role that runs the migrations (the
-- owner). The role jwtmint runs as gets SELECT and INSERT on audit and
-- SELECT on audit_heads only (jwtmint_grant_runtime, called by
-- `jwtmint-admin migrate`); the trigger function runs as the owner
-- (SECURITY DEFINER) to move the head. UPDATE, DELETE and TRUNCATE of audit
-- are refused to everyone by triggers too (a superuser can still bypass
-- them: that is what verify and an external copy of the head are for).

alter table audit add column seq bigint;
alter table audit add column prev_hash bytea;
alter table audit add column hash bytea;

create table audit_heads (
	org_id		text primary key,
	seq		bigint not null check (seq >= 0),
	hash		bytea not null check (length(hash) = 32)
);

-- str(s): the length-prefixed UTF-8 octets of s.
create function jwtmint_audit_str(s text) returns bytea
	language sql immutable strict parallel safe as $$
	select int4send(octet_length(convert_to(s, 'UTF8'))) || convert_to(s, 'UTF8')
$$;

-- A timestamp as whole microseconds since 1970 (exact: extract returns
-- numeric).
create function jwtmint_audit_us(t timestamptz) returns bigint
	language sql immutable strict parallel safe as $$
	select (extract(epoch from t) * 1000000)::bigint
$$;

create function jwtmint_audit_hash(prev bytea, seq bigint, at_us bigint,
    org_id text, event text, detail text, actor text, source text,
    resource text, outcome text) returns bytea
	language sql immutable strict parallel safe as $$
	select sha256(jwtmint_audit_str('jwtmint.audit.v1') || prev
	    || int8send(seq) || int8send(at_us) || jwtmint_audit_str(org_id)
	    || jwtmint_audit_str(event) || jwtmint_audit_str(detail)
	    || jwtmint_audit_str(actor) || jwtmint_audit_str(source)
	    || jwtmint_audit_str(resource) || jwtmint_audit_str(outcome))
$$;

-- The rows written before this migration, chained in the order they were
-- written (id), per organization.
do $$
declare
	r	record;
	o	text := null;
	s	bigint := 0;
	h	bytea;
begin
	for r in select * from audit order by org_id, id loop
		if o is distinct from r.org_id then
			o := r.org_id;
			s := 0;
			h := decode(repeat('00', 32), 'hex');
		end if;
		s := s + 1;
		update audit set seq = s, prev_hash = h,
		    hash = jwtmint_audit_hash(h, s, jwtmint_audit_us(r.at),
		    r.org_id, r.event, r.detail, r.actor, r.source, r.resource,
		    r.outcome)
		    where id = r.id returning hash into h;
	end loop;
end $$;
insert into audit_heads (org_id, seq, hash)
	select distinct on (org_id) org_id, seq, hash from audit
	order by org_id, seq desc;

alter table audit alter column seq set not null;
alter table audit alter column prev_hash set not null;
alter table audit alter column hash set not null;
alter table audit add constraint audit_hash_len
	check (length(hash) = 32 and length(prev_hash) = 32);
create unique index audit_org_seq on audit (org_id, seq);
-- Bounds for rows from now on (older rows are kept as they are).
alter table audit add constraint audit_event_name
	check (event ~ '^[a-z][a-z0-9_.-]{0,63}$') not valid;
alter table audit add constraint audit_detail_len
	check (length(detail) <= 16384) not valid;
alter table audit add constraint audit_org_len
	check (length(org_id) <= 64) not valid;

-- Chain every new row under its organization's head row, which stays
-- locked until the writer's transaction ends. The row chains to the head,
-- or to the last row this transaction wrote beyond it (rows written
-- earlier by the same statement are visible here, and only this
-- transaction can have written any: it holds the lock); the head itself
-- moves once per statement (audit_chain_head), so that a statement writing
-- many rows does not rewrite the head row once for each.
create function jwtmint_audit_chain() returns trigger
	language plpgsql security definer
	set search_path = pg_catalog, public as $$
declare
	s	bigint;
	h	bytea;
	ls	bigint;
	lh	bytea;
begin
	select seq, hash into s, h from audit_heads
	    where org_id = new.org_id for update;
	if not found then
		insert into audit_heads (org_id, seq, hash)
		    values (new.org_id, 0, decode(repeat('00', 32), 'hex'))
		    on conflict (org_id) do nothing;
		select seq, hash into s, h from audit_heads
		    where org_id = new.org_id for update;
	end if;
	select seq, hash into ls, lh from audit
	    where org_id = new.org_id and seq > s order by seq desc limit 1;
	if found then
		s := ls;
		h := lh;
	end if;
	-- The time is the database's, whatever the writer sent: the
	-- run-time role cannot backdate what it appends.
	new.at := now();
	new.seq := s + 1;
	new.prev_hash := h;
	new.hash := jwtmint_audit_hash(new.prev_hash, new.seq,
	    jwtmint_audit_us(new.at), new.org_id, new.event, new.detail,
	    new.actor, new.source, new.resource, new.outcome);
	return new;
end $$;
revoke all on function jwtmint_audit_chain() from public;
create trigger audit_chain before insert on audit
	for each row execute function jwtmint_audit_chain();

-- The head of every organization a statement wrote to: its last row.
create function jwtmint_audit_head() returns trigger
	language plpgsql security definer
	set search_path = pg_catalog, public as $$
begin
	update audit_heads h set seq = i.seq, hash = i.hash
	    from (select distinct on (org_id) org_id, seq, hash from ins
	    order by org_id, seq desc) i
	    where h.org_id = i.org_id and i.seq > h.seq;
	return null;
end $$;
revoke all on function jwtmint_audit_head() from public;
create trigger audit_chain_head after insert on audit
	referencing new table as ins
	for each statement execute function jwtmint_audit_head();

create function jwtmint_audit_append_only() returns trigger
	language plpgsql as $$
begin
	raise exception 'audit is append-only (%)', tg_op
	    using errcode = 'insufficient_privilege';
end $$;
create trigger audit_append_only before update or delete on audit
	for each statement execute function jwtmint_audit_append_only();
create trigger audit_no_truncate before truncate on audit
	for each statement execute function jwtmint_audit_append_only();

-- The run-time role's privileges, granted by `jwtmint-admin migrate` after
-- every migration (so tables of later migrations are covered; a later
-- migration that needs another rule replaces this function): read and
-- write every table, except audit (SELECT, INSERT), audit_heads and
-- schema_migrations (SELECT). Returns whether the audit trail is
-- append-only for that role: false when it owns the tables, is a member of
-- their owner, or is a superuser (privileges do not bind those).
create function jwtmint_grant_runtime(r text) returns boolean
	language plpgsql as $$
declare
	t	record;
begin
	if r = current_user then
		return false;
	end if;
	execute format('grant usage on schema public to %I', r);
	for t in select c.relname from pg_class c
	    join pg_namespace n on n.oid = c.relnamespace
	    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v')
	    order by c.relname loop
		execute format('revoke all on table %I from %I', t.relname, r);
		if t.relname = 'audit' then
			execute format('grant select, insert on table %I to %I',
			    t.relname, r);
		elsif t.relname in ('audit_heads', 'schema_migrations') then
			execute format('grant select on table %I to %I',
			    t.relname, r);
		else
			execute format('grant select, insert, update, delete'
			    ' on table %I to %I', t.relname, r);
		end if;
	end loop;
	execute format('grant usage, select on all sequences in schema public'
	    ' to %I', r);
	return not pg_has_role(r, (select relowner from pg_class
	    where oid = 'audit'::regclass), 'MEMBER');
end $$;
revoke all on function jwtmint_grant_runtime(text) from public;
