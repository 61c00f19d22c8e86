-- 017_login_template_version: the login page's template gets the version
-- every editable admin resource has (sql/010_admin_api.sql), for its ETag
-- and If-Match in the admin API (GET/PATCH /admin/login-template). An
-- organization that never set its template reads as version 1 (the
-- defaults); a row exists only once it was set, so its first version is 2
-- and every later change adds one. Additive: the release before inserts
-- without the column (its default) and leaves it as it is on update.
alter table login_templates add column version bigint not null default 2;
