-- 016_login: the hosted login page (docs/LOGIN.md): browser sessions, the
-- one-time anti-forgery tokens of the page, and each organization's page
-- template. Secrets (session ids, tokens, browser bindings) are kept only
-- as SHA-256 digests.

-- A signed-in browser: the cookie's digest, its user at the generation it
-- signed in with (a new password or a disabled user ends it: the lookup
-- asks for the current generation, and those operations delete the rows).
create table sessions (
	id_hash		bytea primary key check (length(id_hash) = 32),
	org_id		text not null references orgs (id),
	user_id		text not null references users (id),
	generation	bigint not null,
	created_at	timestamptz not null default now(),
	expires_at	timestamptz not null
);
create index sessions_user on sessions (org_id, user_id);
create index sessions_expires on sessions (expires_at);

-- One rendering of the login page: the validated authorization request it
-- answers, the browser it was shown to (a cookie's digest), single use.
create table login_requests (
	token_hash	bytea primary key check (length(token_hash) = 32),
	browser_hash	bytea not null check (length(browser_hash) = 32),
	org_id		text not null references orgs (id),
	client_id	text not null,
	redirect_uri	text not null check (length(redirect_uri) <= 2048),
	scope		text not null check (length(scope) <= 8192),
	state		text check (length(state) <= 1024),
	code_challenge	text not null check (code_challenge ~ '^[A-Za-z0-9_-]{43}$'),
	resource	text check (length(resource) <= 2048),
	locale		text not null default 'en' check (locale ~ '^[a-z]{2}$'),
	created_at	timestamptz not null default now(),
	expires_at	timestamptz not null,
	used_at		timestamptz
);
create index login_requests_expires on login_requests (expires_at);

-- The page's look per organization: colours only as #rrggbb (no CSS
-- injection), text shown HTML-escaped.
create table login_templates (
	org_id		text primary key references orgs (id),
	title		text not null default '' check (length(title) <= 200),
	org_name	text not null default '' check (length(org_name) <= 200),
	color_bg	text not null default '#f4f5f7' check (color_bg ~ '^#[0-9a-f]{6}$'),
	color_fg	text not null default '#1d2330' check (color_fg ~ '^#[0-9a-f]{6}$'),
	color_accent	text not null default '#2a5bd7' check (color_accent ~ '^#[0-9a-f]{6}$'),
	updated_at	timestamptz not null default now()
);
