/*
 * perm: effective permissions, the intersection model of the API this
 * service exists for: what the application's key allows ∩ what the user
 * may do ∩ what was asked for — never more.
 *
 * A user may do the scopes matched by the role's patterns ("*" every
 * scope, "read:*" every scope with that prefix, otherwise exact) plus the
 * user's extra scopes; a read-only role (support) never gets a scope that
 * does not start with "read:", extra scopes included. Pure.
 */
#ifndef JWTMINT_PERM_H
#define JWTMINT_PERM_H

#include "scope.h"

struct perm_user {
	const struct scope_set	*role_patterns;
	const struct scope_set	*extra;
	int			 read_only;
};

/* 1 when the user may have scope tok. */
int	perm_user_may(const struct perm_user *, const char *tok);

/* out = { t ∈ key : the user may have t } (out aliases nothing). */
void	perm_effective(struct scope_set *out, const struct scope_set *key,
	    const struct perm_user *);

/*
 * The one scope bound of an application (an OAuth client without a
 * secret), used by /authorize, the code exchange and refresh alike.
 *
 * perm_app_ask: what /authorize asks for (out) given the request's scope
 * parameter asked (NULL or "": none). A third-party application (spa,
 * native, cli: first_party 0): at most its scopes app (none asked: all of
 * them); more is -1 (invalid_scope). The portal (first_party 1) has no
 * bound of its own: any well-formed request; none asked: app ∪ known (the
 * issuer's scopes_supported, a space-separated string, may be NULL), as a
 * user's patterns ("*", "read:*") name no finite set. -1 when malformed.
 */
int	perm_app_ask(struct scope_set *out, int first_party,
	    const struct scope_set *app, const char *asked, const char *known);

/*
 * perm_app_scopes: what the application may give user u of want (the
 * request, the code's or the family's scope): want ∩ app ∩ the user's
 * permissions; for the portal want ∩ the user's permissions.
 */
void	perm_app_scopes(struct scope_set *out, int first_party,
	    const struct scope_set *app, const struct scope_set *want,
	    const struct perm_user *u);

/*
 * The granted scope: requested when requested ⊆ allowed (requested NULL:
 * all of allowed). Returns 0, or -1 (invalid_scope) when the request asks
 * for more, is malformed, or the result is empty.
 */
int	perm_grant(struct scope_set *out, const char *requested,
	    const struct scope_set *allowed);

/*
 * Everything one may ever be given: a user (its role's patterns and
 * read-only flag, its extra scopes, its accounts), or what a caller holds
 * (its scopes, as patterns: a caller holding "*" holds every scope).
 */
struct perm_holder {
	const struct scope_set	*patterns;	/* "*", "read:*", exact; NULL: none */
	const struct scope_set	*extra;		/* exact; NULL: none */
	int			 read_only;	/* nothing outside "read:" */
	int			 all_accounts;
	const struct scope_set	*accounts;	/* unless all_accounts; NULL: none */
};

/*
 * 1 when everything a may be given, b may be given too (a ⊆ b, patterns
 * compared as the sets of scopes they match), else 0. The one rule for
 * "narrower" (a change of a user or a role that is not within what it
 * was ends the tokens issued before: a new generation) and for "a caller
 * never gives more than it holds".
 */
int	perm_within(const struct perm_holder *a, const struct perm_holder *b);

#define PERM_ROLE_NAME_BYTES	64	/* ^[a-z0-9][a-z0-9_-]{0,62}$ + NUL */

/* 1 when s is a role name (sql/002_lifecycle.sql's rule), else 0. */
int	perm_role_name_valid(const char *s);

#endif
