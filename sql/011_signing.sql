-- 011_signing: signing keys that rotate themselves, the check values of the
-- secrets every host must share, pepper ids, and the end of rolled keys'
-- grace marked once.
--
-- A signing key's state follows from its times (src/rotation.h):
--   next     published in the JWKS, not signing  (activated_at, retired_at null)
--   active   signing                              (activated_at set, retired_at null)
--   retired  published, verifying only           (retired_at set, removed_at null)
--   removed  gone from the JWKS and the keyring  (removed_at set)
-- removed_at implies retired_at. Before this migration retired_at meant
-- "gone": those rows become removed, and the key of each algorithm that
-- signed (the newest not retired, as src/keyring.c chose it) stays the
-- active one; older ones of the same
-- algorithm turn retired (still published until the housekeeper removes
-- them, an hour and the verify leeway later).
alter table signing_keys add column activated_at timestamptz;
alter table signing_keys add column removed_at timestamptz;
update signing_keys set removed_at = retired_at where retired_at is not null;
update signing_keys s set activated_at = s.created_at
	where s.retired_at is null;
update signing_keys s set retired_at = now()
	where s.retired_at is null and exists (select 1 from signing_keys n
	    where n.alg = s.alg and n.retired_at is null and n.removed_at is null
	    and (n.created_at > s.created_at or
	    (n.created_at = s.created_at and n.kid < s.kid)));
alter table signing_keys add constraint signing_keys_removed_retired
	check (removed_at is null or retired_at is not null);
-- Exactly one active key and at most one next key per algorithm. Deferred
-- to the end of the transaction, so that one statement may retire the
-- active key and promote the next (sub-statements of a WITH run in no
-- fixed order).
alter table signing_keys add constraint signing_keys_one_active
	exclude using btree (alg with =)
	where (activated_at is not null and retired_at is null)
	deferrable initially deferred;
alter table signing_keys add constraint signing_keys_one_next
	exclude using btree (alg with =)
	where (activated_at is null and retired_at is null)
	deferrable initially deferred;
-- A re-seal under a new key-encryption key (jwtmint-admin kek rotate)
-- changes no state: it does not make every worker reload its keys (a host
-- still on the old KEK keeps the keys it has parsed, src/keyring.c).
drop trigger signing_keys_notify on signing_keys;
create trigger signing_keys_notify after insert or
	update of activated_at, retired_at, removed_at or delete
	on signing_keys for each statement execute function jwtmint_notify();

-- Check values of the secrets (HMAC-SHA-256 keyed with the secret over a
-- fixed label, src/secretcheck.h), never the secrets: a host whose
-- key-encryption key or pepper of an id differs refuses to start. The first
-- host (or jwtmint-admin) that holds a secret writes its check value;
-- `jwtmint-admin kek rotate` replaces the KEK's in the transaction that
-- re-seals the signing keys. kind 'kek' has id 0; a pepper its pepper_id.
create table secret_checks (
	kind		text not null check (kind in ('kek', 'pepper')),
	id		integer not null check (id between 0 and 32767),
	check_value	bytea not null unique check (length(check_value) = 32),
	created_at	timestamptz not null default now(),
	primary key (kind, id),
	check ((kind = 'kek') = (id = 0))
);

-- The pepper an API key's hash is keyed with (configuration pepper_id and
-- old_peppers_file). Keys made before this migration used the one pepper
-- there was: id 1, the default of pepper_id. A key on an older pepper is
-- re-hashed under the current one at its next successful use.
alter table api_keys add column pepper_id integer not null default 1
	check (pepper_id between 1 and 32767);
create index api_keys_pepper on api_keys (pepper_id);

-- A rolled key whose grace ended (or that was revoked during it) is
-- marked once by the housekeeper, with its audit row "key.grace_end";
-- keys are never deleted.
alter table api_keys add column grace_ended_at timestamptz;
create index api_keys_grace_open on api_keys (expires_at)
	where rolled_to is not null and grace_ended_at is null;
