/*
 * clientauth: authenticate the calling application by its API key, which
 * arrives in exactly one of three ways (RFC 6749 §2.3.1 and jwtmint's
 * X-API-Key header):
 *   X-API-Key: <key>
 *   Authorization: Basic base64(urlenc(key id) ":" urlenc(key))
 *   client_id=<key id>&client_secret=<key> in the form body
 * More than one way in one request is invalid_request. Every failure after
 * that — malformed, unknown, revoked, expired, disabled organization, wrong
 * secret — is the same invalid_client, with the same hashing work done (no
 * timing oracle). A key whose checksum is wrong never reaches the database.
 *
 * A key's hash is keyed with the pepper its row names (pepper_id): the
 * current one or an old one this host still holds. A key verified under an
 * older pepper than the current one is hashed again under the current one
 * (one more HMAC, its secret being at hand only now); the write waits until
 * the response went out (keycache_flush_rehash) and happens once.
 */
#ifndef JWTMINT_CLIENTAUTH_H
#define JWTMINT_CLIENTAUTH_H

#include "apikey.h"
#include "oauth_err.h"
#include "scope.h"
#include "store.h"

struct appcache;
struct config;
struct db;
struct keycache;
struct req;
struct resp;

/* What client authentication reads, and nothing else of the worker. */
struct clientauth_ctx {
	struct db		*db;
	struct keycache		*keys;		/* rows, and last_used_at batch */
	struct appcache		*apps;		/* public clients; NULL: the DB */
	const unsigned char	*pepper;	/* the current pepper */
	size_t			 pepperlen;
	int			 pepper_id;	/* its id */
	const struct config	*peppers;	/* every pepper: config_pepper() */
	size_t			 max_body;	/* clientauth_form's form bound */
};

/* A key id, or an application's client_id (store_app.h). */
#define CLIENT_ID_BYTES		24

struct client {
	char			 id[CLIENT_ID_BYTES];
	int			 app;		/* a public client: no secret */
	int			 first_party;	/* the app is the portal */
	char			 org_id[STORE_ORG_ID_BYTES];
	enum apikey_env		 env;
	struct scope_set	 scopes;
	unsigned		 grants;	/* GT_* the key may use */
	int			 rate_per_sec;	/* -1: the configured default */
	int			 rate_per_min;
	int			 trusted_forwarder;	/* may send end_user_ip */
};

/*
 * Authenticate the client of r (whose form must be parsed). Returns 0 with
 * c filled, or -1 with *err set (invalid_request, invalid_client[_basic],
 * or unavailable when the database does not answer).
 */
int	clientauth(const struct clientauth_ctx *, struct req *, struct client *c,
	    enum oerr *err);

/*
 * The prologue of a client-authenticated form endpoint (/revoke,
 * /introspect, /admin/revocations): read the form, authenticate. Returns 0,
 * or -1 with the error response already in p.
 */
int	clientauth_form(const struct clientauth_ctx *, struct req *,
	    struct client *c,
	    struct resp *p);

/*
 * A public client (RFC 6749 §2.1): a request without any key credential
 * that names an application's client_id in its form. Returns 1 with c
 * filled (id and organization the application's, scopes the ones it may
 * be given, grants authorization_code and refresh_token, app set), 0 when
 * the request is not that (then clientauth decides), or -1 with *err set
 * (invalid_client: unknown or disabled; unavailable).
 */
int	clientauth_public(const struct clientauth_ctx *, struct req *,
	    struct client *c, enum oerr *err);

/*
 * clientauth_form, where a public client may also call (POST /revoke for
 * its own tokens; never /introspect).
 */
int	clientauth_form_public(const struct clientauth_ctx *, struct req *,
	    struct client *c, struct resp *p);

/* "key:ID" or "app:ID", the actor of an audit row. */
void	clientauth_actor(const struct client *c, char *buf, size_t bufsz);

/*
 * Verify one key string (and, when not NULL, the key id it must have).
 * Same contract as clientauth(); *err is invalid_client or unavailable.
 */
int	clientauth_key(const struct clientauth_ctx *, struct req *,
	    const char *key,
	    const char *claimed_id, struct client *c, enum oerr *err);

#endif
