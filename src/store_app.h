/*
 * store_app: applications (sql/015_apps.sql) as the request path reads
 * them: a public client authenticated by its client_id alone (RFC 6749
 * §2.1), the redirect URIs /authorize matches, the scopes it may be given.
 * Lookups return -1 / 0 / 1 like store.h.
 */
#ifndef JWTMINT_STORE_APP_H
#define JWTMINT_STORE_APP_H

#include <stddef.h>

#include "redirecturi.h"
#include "scope.h"
#include "store.h"

struct db;

#define STORE_APP_ID_BYTES	24	/* "app_" + 16, NUL */
#define STORE_APP_ID_LEN	20
#define STORE_APP_NAME_BYTES	801	/* 200 characters of UTF-8 */
#define STORE_APP_MAX_URIS	16	/* sql/015_apps.sql */
#define STORE_APP_SLUG_BYTES	64

struct store_app {
	char			 client_id[STORE_APP_ID_BYTES];
	char			 org_id[STORE_ORG_ID_BYTES];
	char			 org_slug[STORE_APP_SLUG_BYTES];
	char			 name[STORE_APP_NAME_BYTES];
	enum redirecturi_type	 type;
	size_t			 nuris;
	/* As stored: a portal's is a path, see redirecturi_resolve. */
	char			 uris[STORE_APP_MAX_URIS][REDIRECTURI_MAX_BYTES + 1];
	struct scope_set	 scopes;
	int			 disabled;	/* the app's or its org's */
	long long		 version;	/* store_app_get's; 0 in the
						   appcache */
};

/* 1 when s has the form of a client_id (^app_[a-z2-7]{16}$), else 0. */
int	store_app_id_valid(const char *s);

/* The application client_id, in any state. -1 / 0 / 1. */
int	store_app_get(struct db *, const char *client_id, struct store_app *out);

/*
 * 1 when presented is one of a's redirect URIs (redirecturi_match, each
 * stored one resolved against issuer first), else 0.
 */
int	store_app_redirect_ok(const struct store_app *a, const char *issuer,
	    const char *presented);

#endif
