-- 004_lineage: what an access token descends from, so that revoking the
-- source revokes it, and notifications that name the row that changed.
--
-- A user's generation is bumped by a password change, a disable and a
-- "revoke all". The user's access tokens carry it (claim gen) and each
-- refresh family stores the one it was created in: a token or family of an
-- older generation is dead. Unlike a cut-off time, this needs no agreement
-- between the clocks of several hosts, and a token issued in the same
-- second after the change is good.
alter table users add column generation bigint not null default 0
	check (generation >= 0);
-- Users cut off before: tokens issued before this migration carry no gen
-- (read as 0) and are refused, as a cut-off refused them.
update users set generation = 1 where tokens_valid_after is not null;
alter table refresh_families add column generation bigint not null default 0
	check (generation >= 0);
-- A family created after its user's cut-off stays good; one created at or
-- before it keeps 0 and is dead, as before.
update refresh_families f set generation = u.generation from users u
	where u.id = f.user_id and (u.tokens_valid_after is null
	or f.created_at > u.tokens_valid_after);

-- The deny list (revoked_jtis) names access tokens by any id they carry:
-- their jti, their refresh family (claim sid: the family was revoked, by
-- RFC 7009 or on refresh-token reuse), or the jti of a token they were
-- exchanged from (claim parents, RFC 8693). A row lives until every token
-- it can name has expired.

-- Bounded work per notification: the deny list and the user states are
-- cached by every worker, and a notification that named only the table
-- made each worker reload the whole list (a flood of revocations in one
-- organization slowed every other). These name the row, and a worker
-- updates only that entry.
create function jwtmint_notify_revoked() returns trigger language plpgsql as $$
begin
	perform pg_notify('jwtmint', 'revoked_jtis:' || new.org_id || ':' || new.jti);
	return null;
end $$;
drop trigger revoked_jtis_notify on revoked_jtis;
create trigger revoked_jtis_notify after insert on revoked_jtis
	for each row execute function jwtmint_notify_revoked();

create function jwtmint_notify_user() returns trigger language plpgsql as $$
begin
	if tg_op = 'DELETE' then
		perform pg_notify('jwtmint', 'users:' || old.org_id || ':' || old.id);
	else
		perform pg_notify('jwtmint', 'users:' || new.org_id || ':' || new.id);
	end if;
	return null;
end $$;
drop trigger users_notify on users;
create trigger users_notify after update of disabled_at, tokens_valid_after,
	generation, role, extra_scopes, accounts or delete
	on users for each row execute function jwtmint_notify_user();
