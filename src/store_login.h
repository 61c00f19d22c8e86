/*
 * store_login: typed access to what the hosted login page keeps
 * (sql/016_login.sql); applications are store_app's. Secrets
 * (the form's token, the session id, the browser binding) arrive as the
 * hex of their SHA-256 digests (2 * SECRET_DIGEST_BYTES characters); the
 * database never sees them. Lookups return -1 / 0 / 1 like store.h.
 */
#ifndef JWTMINT_STORE_LOGIN_H
#define JWTMINT_STORE_LOGIN_H

#include "redirecturi.h"
#include "scope.h"

struct db;

#define STORE_LOGIN_ID_BYTES	64
#define STORE_LOGIN_NAME_BYTES	808	/* 200 characters of UTF-8 */
/* A redirect URI or resource and its NUL: one bound with registration. */
#define STORE_LOGIN_URI_BYTES	(REDIRECTURI_MAX_BYTES + 1)
#define STORE_LOGIN_STATE_BYTES	1025	/* 1024 and the NUL */

/* An organization's name and page template ("" where unset). */
struct store_login_tpl {
	char	 org[STORE_LOGIN_NAME_BYTES];	/* orgs.name */
	char	 title[STORE_LOGIN_NAME_BYTES];
	char	 org_name[STORE_LOGIN_NAME_BYTES];
	char	 colors[3][8];			/* bg, fg, accent: #rrggbb */
	long long version;			/* 1: never set (sql/017) */
};

/* A taken login-page token: the authorization request it answers. */
struct store_login_req {
	char	 org_id[STORE_LOGIN_ID_BYTES];
	char	 client_id[STORE_LOGIN_ID_BYTES];
	char	 redirect_uri[STORE_LOGIN_URI_BYTES];
	char	 scope[SCOPE_MAX_STRING_BYTES];
	char	 state[STORE_LOGIN_STATE_BYTES];
	int	 has_state;
	char	 code_challenge[64];
	char	 locale[4];
	char	 resource[STORE_LOGIN_URI_BYTES];	/* "": none */
};

int	store_login_template(struct db *, const char *org,
	    struct store_login_tpl *out);
/* What one rendering of the page answers (state, resource NULL: none). */
struct store_login_req_new {
	const char	*org_id;
	const char	*client_id;
	const char	*redirect_uri;
	const char	*scope;
	const char	*state;
	const char	*code_challenge;
	const char	*locale;
	const char	*resource;
};

/* 0 or -1. */
int	store_login_req_create(struct db *, const char *token_hex,
	    const char *browser_hex, const struct store_login_req_new *,
	    int ttl_sec);
/* Take (use up) the token shown to this browser, unexpired. */
int	store_login_req_take(struct db *, const char *token_hex,
	    const char *browser_hex, struct store_login_req *out);
/* 0 or -1. */
int	store_session_create(struct db *, const char *id_hex, const char *org,
	    const char *user_id, long long generation, int ttl_sec);
/* The live session's user in org (its id and username). */
int	store_session_get(struct db *, const char *id_hex, const char *org,
	    char user_id[STORE_LOGIN_ID_BYTES],
	    char username[STORE_LOGIN_ID_BYTES]);
/* 0 or -1 (a session already gone is 0). */
int	store_session_delete(struct db *, const char *id_hex);
/* The housekeeper: expired tokens and sessions. Rows deleted, or -1. */
int	store_login_purge(struct db *);

#endif
