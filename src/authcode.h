/*
 * authcode: authorization codes (RFC 6749 §4.1.2) in the store.
 *
 * A code is 256 random bits, base64url (43 characters). Only SHA-256 of
 * the code string is kept (as for refresh tokens, refresh.h), with what it
 * is bound to: organization, application, user, redirect URI, PKCE
 * challenge (S256), scope, resource and the login session. It lives
 * AUTHCODE_TTL_SEC and is consumed by its first presentation, whatever
 * comes of it. The refresh family its exchange hands over, and that
 * family's first refresh token, are written with the code (the login pays
 * for them, not the exchange, which writes one row): the token is chosen
 * then and kept with the code, masked under the pepper and the code
 * (refresh.h), so that only the code's presenter recovers it, through
 * jwtmint, and only once (consuming clears the mask). The code also
 * carries what its token will claim (role, accounts, generation, the
 * application's type and key): its exchange reads no other row, and any
 * change to its user, role, application or organization before then
 * expires it (sql/019_code_claims.sql). A second presentation revokes
 * that family and every access token issued from it (they carry it as
 * sid). A family whose code is never exchanged is deleted with the code
 * (authcode_purge, and the trigger auth_codes_dropped of
 * sql/018_code_family.sql).
 */
#ifndef JWTMINT_AUTHCODE_H
#define JWTMINT_AUTHCODE_H

#include <stddef.h>

#include "pkce.h"
#include "redirecturi.h"
#include "refresh.h"
#include "scope.h"
#include "store.h"
#include "store_app.h"
#include "store_user.h"

struct config;
struct db;

#define AUTHCODE_LEN		43
#define AUTHCODE_TTL_SEC	60

/* What a code is bound to (authcode_create copies nothing it keeps). */
struct authcode_new {
	const char	*org_id;
	const char	*client_id;
	const char	*user_id;
	const char	*redirect_uri;	/* as presented (and matched) */
	const char	*code_challenge;	/* S256 */
	const char	*scope;		/* granted: canonical, not empty */
	const char	*resource;	/* RFC 8707, NULL: none */
	const char	*session_id;	/* NULL: none */
	int		 absolute_sec;	/* the refresh family's lifetime */
	int		 idle_sec;	/* its first token's */
	long long	 generation;	/* the user's, when its permissions
					   were read for scope */
	long long	 app_version;	/* the application's, when it was
					   read for scope and redirect_uri */
	const unsigned char *pepper;	/* the current pepper: the token's */
	size_t		 pepperlen;	/* mask is keyed with it (refresh.h) */
	int		 pepper_id;	/* and its id */
};

/*
 * A new code for what nc names into code (a secret: the caller wipes it
 * after use), with its refresh family and first refresh token. Returns 1;
 * 0 when the application is not an enabled one of org_id, the user not
 * an enabled user of org_id, the user's generation no longer
 * nc->generation, the application's version no longer nc->app_version
 * or nc->scope no longer within the application's scopes;
 * -1 when the database failed or a field is malformed or out of bounds
 * (nothing stored).
 */
int	authcode_create(struct db *, const struct authcode_new *nc,
	    char code[AUTHCODE_LEN + 1]);

/* 1 when s has the form of a code, else 0. */
int	authcode_valid(const char *s);

/* A code consumed by its exchange, with what its token claims. */
struct authcode {
	char			 client_id[STORE_APP_ID_BYTES];
	char			 redirect_uri[REDIRECTURI_MAX_BYTES + 1];
	char			 challenge[PKCE_CHALLENGE_LEN + 1];
	char			 scope[SCOPE_MAX_STRING_BYTES];
	char			 resource[REDIRECTURI_MAX_BYTES + 1];	/* "" */
	char			 family[STORE_ID_BYTES];
	char			 user_id[STORE_ID_BYTES];
	char			 role[STORE_ID_BYTES];
	char			 accounts[STORE_ACCOUNTS_BYTES];	/* "*": all */
	long long		 generation;
	enum redirecturi_type	 app_type;
	char			 refresh[REFRESH_LEN + 1];	/* the family's
						   first token (a secret),
						   "" when it could not be
						   unmasked */
	char			 mask[REFRESH_MASK_HEX + 1];	/* authcode_redeem's
						   own: wiped on return */
	int			 pepper_id;	/* the mask's key */
};

/* What a presentation claims: compared with the code before it is used. */
struct authcode_bind {
	const char	*client_id;	/* the application's */
	const char	*key_id;	/* the presenting key, "" for an app */
	const char	*redirect_uri;
	const char	*challenge;	/* S256 of the verifier presented */
};

/*
 * Consume code in org when b matches all it is bound to (client,
 * redirect URI, challenge; for a key, the application must have named
 * it) and it is unused and live: 1 with out filled, out->refresh the
 * family's first refresh token (carrying the code's scope), unmasked
 * with the code and the pepper the row names (config_pepper: a pepper
 * this host does not hold leaves out->refresh "", and the caller
 * refuses, the code spent). 0 when this presentation consumed nothing
 * (authcode_refuse tells why), -1 (out->family, when not "", is that of
 * a code consumed but not read back: the caller revokes it). The caller
 * wipes out->refresh.
 */
int	authcode_redeem(struct db *, const char *code, const char *org,
	    const struct authcode_bind *b, const struct config *peppers,
	    struct authcode *out);

/* Why a presentation authcode_redeem refused took nothing. */
struct authcode_refusal {
	int	 bound;		/* it matched the code's bindings */
	int	 used;		/* an earlier presentation exchanged it
				   (consumed it while it was live) */
	int	 consumed;	/* this one did, now (bound, unused, but dead) */
	char	 family[STORE_ID_BYTES];	/* written with the code, "" */
};

/*
 * Under the code's row lock, with the arguments authcode_redeem had: 1
 * with out filled, 0 when there is no such code in org, -1. A bound
 * presentation of an unused code consumes it (out->consumed): the caller
 * revokes its family (authcode_abandon).
 */
int	authcode_refuse(struct db *, const char *code, const char *org,
	    const struct authcode_bind *b, struct authcode_refusal *out);

/*
 * The first refresh token (digest_hex) of family (of org), handed over by
 * authcode_redeem, carries scope instead (the one granted, narrower than
 * the code's). 1; 0 when the family was revoked meanwhile (the code was
 * presented again); -1 when the database failed.
 */
int	authcode_narrow(struct db *, const char *family, const char *org,
	    const char *digest_hex, const char *scope);

/* Revoke family (of org), handed over by an exchange then refused. 0 or
 * -1. */
int	authcode_abandon(struct db *, const char *family, const char *org);

/*
 * A second use of a code: revoke family (the first use's) and put it on
 * the deny list for keep_sec, whether or not it exists yet; the audit row
 * "code.reuse" names actor and source. 0 or -1.
 */
int	authcode_reuse(struct db *, const char *family, const char *org,
	    int keep_sec, const char *actor, const char *source);

#endif
