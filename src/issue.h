/*
 * issue: the one place an access token is made and the token response
 * written (RFC 6749 §5.1, RFC 8693 §2.2.1). Every grant ends here.
 */
#ifndef JWTMINT_ISSUE_H
#define JWTMINT_ISSUE_H

#include "oauth_err.h"

struct client;
struct keyring;
struct scope_set;
struct store_user;
struct verified;
struct req;
struct resp;

/* What issuing reads, and nothing else of the worker. */
struct issue_ctx {
	const char		*issuer;
	int			 ttl_sec;	/* access_ttl_sec */
	int			 alg;		/* enum jws_alg of new tokens */
	const struct keyring	*keyring;
	const char *const	*audv;		/* configured audiences, NULL-ended */
	const char		*admin_aud;	/* "{issuer}/admin" */
};

struct issue {
	const char	*sub;
	const char	*scope;		/* canonical granted scope */
	const char	*role;		/* NULL: none */
	const char	*accounts;	/* NULL: none; "*": all */
	/* Lineage (claims.h): the refresh family, the user's generation. */
	const char	*sid;		/* NULL: none */
	int		 has_gen;	/* a user's token */
	long long	 gen;
	/* RFC 8693: the subject token exchanged (NULL: not an exchange). The
	 * new token descends from it: its parents and jti, its sid and gen,
	 * and the caller becomes the current actor over its actors. */
	const struct verified *subject;
	long long	 exp_cap;	/* never outlive this (0: no cap) */
	const char	*refresh_token;	/* NULL: none */
	int		 refresh_expires_in;
	int		 exchange;	/* add issued_token_type */
	/* The caller may get the admin scope here (whether or not it asked
	 * for it): only then is the admin API's audience issued. */
	int		 may_admin;
	/* RFC 8707: the resource the authorization request named (a code's),
	 * when the token request names none. NULL: none. */
	const char	*resource;
};

/*
 * The audience asked for (`audience`, or RFC 8707 `resource`, or else the
 * resource of the authorization request when not NULL: the token request
 * may repeat it, never name another), one of the
 * configured ones, or the admin API's ("{issuer}/admin") when may_admin;
 * the first configured one when none is asked for. NULL with *err set
 * (invalid_target, invalid_request) otherwise.
 */
const char	*issue_audience(const struct issue_ctx *, struct req *,
		    int may_admin, const char *resource, enum oerr *err);

/*
 * What a user may have through a key right now: key scopes ∩ the user's
 * permissions (role patterns, extra scopes, read-only), into out.
 */
void		 issue_user_scopes(struct scope_set *out,
		    const struct scope_set *key, const struct store_user *u);

/*
 * What an application may give user u of want right now (perm_app_scopes:
 * the portal, first_party, is bounded by the user's permissions only).
 */
void		 issue_app_scopes(struct scope_set *out, int first_party,
		    const struct scope_set *app, const struct scope_set *want,
		    const struct store_user *u);

/* Sign a token for c and write the 200 response (or the error) into p. */
void		 issue_token(const struct issue_ctx *, struct req *,
		    const struct client *c,
		    const struct issue *, struct resp *p);

#endif
