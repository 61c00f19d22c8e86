/*
 * ops_app: applications (OAuth clients without a secret, sql/015_apps.sql)
 * written once; jwtmint-admin app ... and the admin API (h_admin_apps.c)
 * are adapters. Every operation acts in the context's organization only:
 * another organization's application is OPS_NOT_FOUND, as a missing one.
 * Each writes its audit row (app.create, app.update, app.disable,
 * app.enable) in the statement that does the work; the apps table's
 * trigger tells the workers (their CORS origins).
 *
 * An application's scopes never give a user more than the user holds
 * (a token's scope is the request ∩ the application's ∩ the user's), so
 * creating one needs no limit beyond the admin scope.
 */
#ifndef JWTMINT_OPS_APP_H
#define JWTMINT_OPS_APP_H

#include <jansson.h>

#include "ops.h"
#include "redirecturi.h"
#include "scope.h"
#include "store_app.h"

#define OPS_APP_NAME_BYTES	200	/* of UTF-8, no control characters */
#define OPS_APP_KEY_BYTES	64	/* a key id, NUL */

/* An application as shown. "" for a NULL time. */
struct ops_app {
	char		 client_id[STORE_APP_ID_BYTES];
	char		 name[STORE_APP_NAME_BYTES];
	char		 type[16];
	size_t		 nuris;
	char		 uris[STORE_APP_MAX_URIS][REDIRECTURI_MAX_BYTES + 1];
	char		 scopes[SCOPE_MAX_STRING_BYTES];
	char		 created_at[32], disabled_at[32];
	long long	 version;	/* the ETag */
	long long	 created_usec;	/* the listing's cursor */
	char		 key_id[OPS_APP_KEY_BYTES];	/* "" none */
};

/* {client_id, name, type, redirect_uris[], scopes, status, created_at,
 * disabled_at}: a new reference, or NULL. */
json_t		*ops_app_json(const struct ops_app *);

struct ops_app_create {
	const char	*name;
	const char	*type;		/* spa, native, cli (NULL: spa) */
	const char	*const *uris;
	size_t		 nuris;		/* 1..STORE_APP_MAX_URIS */
	const char	*scopes;	/* space-separated, at least one */
	const char	*key_id;	/* confidential client, NULL: none */
};

/* OPS_INVALID with *field "name", "type", "redirect_uris" (*why then
 * says what is wrong with which), "scopes" or "key_id" (the key that may
 * redeem the application's codes as its confidential client: an active
 * key of the organization holding the authorization_code grant). */
enum ops_err	ops_app_create(const struct ops_ctx *,
		    const struct ops_app_create *, struct ops_app *out,
		    const char **field, const char **why);

struct ops_app_list {
	int		 limit;		/* 1..OPS_LIST_MAX */
	long long	 after_usec;	/* (created_at, client_id) order */
	const char	*after_id;	/* NULL: the first page */
	int		(*row)(void *arg, const struct ops_app *);
	void		*arg;
};

enum ops_err	ops_app_list(const struct ops_ctx *,
		    const struct ops_app_list *, struct ops_page *out,
		    const char **field);

enum ops_err	ops_app_get(const struct ops_ctx *, const char *client_id,
		    struct ops_app *out, const char **field);

struct ops_app_update {
	const char	*client_id;
	const char	*name;		/* NULL: unchanged */
	const char	*const *uris;	/* NULL: unchanged */
	size_t		 nuris;
	const char	*scopes;	/* NULL: unchanged */
	const char	*key_id;	/* NULL: unchanged, "": none */
	long long	 if_version;	/* 0: any; else OPS_CONFLICT "version" */
};

/* A portal's redirect URI is its organization's: OPS_INVALID
 * "redirect_uris" when asked to change it. */
enum ops_err	ops_app_update(const struct ops_ctx *,
		    const struct ops_app_update *, struct ops_app *out,
		    const char **field, const char **why);

/* Disable (no new code, exchange or refresh; its access tokens inactive)
 * or enable again. OPS_CONFLICT when it is already so. */
enum ops_err	ops_app_set_disabled(const struct ops_ctx *,
		    const char *client_id, int disable, struct ops_app *out,
		    const char **field);

#endif
