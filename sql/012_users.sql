-- 012_users: users as a resource of the admin API (src/ops_user.c). A
-- listing is a keyset page in (created_at, id) order within an
-- organization (src/cursor.h), read through this index. Roles are few per
-- organization and are listed in (created_at, name) order without one.
create index users_org_created on users (org_id, created_at, id);
