/*
 * ops_user: the users of an organization, written once; jwtmint-admin user
 * and the admin API (/admin/users) are adapters. Every change runs in one
 * transaction with its audit row ("user.create", "user.update",
 * "user.password", "user.disable", "user.enable"; never a password or a
 * hash in it), the changes of one organization's users and roles one at a
 * time. Every value is checked here before the database sees it.
 *
 * A password only ever goes in: it is hashed with Argon2id here and no
 * operation returns it or its hash. The caller wipes its copy.
 *
 * held: what the caller holds (perm.h). A user beyond it, as it is (for
 * any change) or as it would become, is OPS_FORBIDDEN with *field naming
 * what ("role", "scopes", "accounts", "username" for a user already
 * beyond it): nobody gives more than it holds, nor takes over (new
 * password) or disables a user who holds more. NULL: no limit
 * (jwtmint-admin, the platform operator).
 */
#ifndef JWTMINT_OPS_USER_H
#define JWTMINT_OPS_USER_H

#include "ops.h"
#include "password.h"
#include "perm.h"
#include "store_user.h"
#include "username.h"

struct ops_user {
	char		 id[STORE_ID_BYTES];
	char		 username[USERNAME_MAX_BYTES + 1];
	char		 role[PERM_ROLE_NAME_BYTES];
	char		 scopes[OPS_SCOPES_MAX_BYTES + 1];	/* extra, exact */
	char		 accounts[OPS_SCOPES_MAX_BYTES + 1];
	char		 created_at[32];	/* RFC 3339 UTC */
	char		 disabled_at[32];	/* "" when enabled */
	long long	 created_usec;		/* the cursor's position */
	long long	 version;		/* the ETag (etag.h) */
};

struct ops_user_create {
	const char			*username;	/* normalised (username.h) */
	const char			*role;
	const char			*scopes;	/* NULL: none */
	const char			*accounts;	/* NULL: none */
	const char			*password;	/* 8..1024 bytes */
	const struct password_params	*pw;		/* Argon2id cost */
	const struct perm_holder	*held;
};

/* OPS_INVALID (*field "username", "role" (malformed or no such role),
 * "scopes", "accounts", "password"), OPS_CONFLICT when the username is
 * taken, OPS_FORBIDDEN. */
enum ops_err	ops_user_create(const struct ops_ctx *,
		    const struct ops_user_create *, struct ops_user *out,
		    const char **field);

struct ops_user_list {
	int		 limit;		/* 1..OPS_LIST_MAX */
	/* A page after (after_usec, after_id) in (created_at, id) order;
	 * after_id NULL: the first page. */
	long long	 after_usec;
	const char	*after_id;
	int		(*row)(void *arg, const struct ops_user *);	/* -1 stops */
	void		*arg;
};

enum ops_err	ops_user_list(const struct ops_ctx *,
		    const struct ops_user_list *, struct ops_page *out,
		    const char **field);

struct ops_user_name {
	const char			*username;
	const struct perm_holder	*held;	/* disable, enable */
};

/* One user. OPS_NOT_FOUND, OPS_INVALID (*field "username"). */
enum ops_err	ops_user_get(const struct ops_ctx *,
		    const struct ops_user_name *, struct ops_user *out,
		    const char **field);

struct ops_user_update {
	const char			*username;
	const char			*role;		/* NULL: unchanged */
	const char			*scopes;	/* NULL: unchanged */
	const char			*accounts;	/* NULL: unchanged */
	long long			 if_version;	/* 0: any version */
	const struct perm_holder	*held;
};

struct ops_user_updated {
	struct ops_user	 user;
	int		 cut_off;	/* it narrowed: every token ended */
};

/*
 * Change a user's role, extra scopes or accounts. When the change narrows
 * (perm_within: the user as it was is not within what it becomes) the
 * user gets a new generation, as a revocation does: no token issued
 * before keeps what was removed. OPS_NOT_FOUND, OPS_CONFLICT (*field
 * "version") when the version is not if_version, OPS_INVALID,
 * OPS_FORBIDDEN.
 */
enum ops_err	ops_user_update(const struct ops_ctx *,
		    const struct ops_user_update *, struct ops_user_updated *out,
		    const char **field);

struct ops_user_password {
	const char			*username;
	const char			*password;	/* 8..1024 bytes */
	const struct password_params	*pw;
	const struct perm_holder	*held;
};

/* A new password; every token of the user ends (a new generation). */
enum ops_err	ops_user_set_password(const struct ops_ctx *,
		    const struct ops_user_password *, struct ops_user *out,
		    const char **field);

/* Disable (every token of the user ends) or enable again (old tokens stay
 * dead). OPS_CONFLICT when it is already so. */
enum ops_err	ops_user_disable(const struct ops_ctx *,
		    const struct ops_user_name *, struct ops_user *out,
		    const char **field);
enum ops_err	ops_user_enable(const struct ops_ctx *,
		    const struct ops_user_name *, struct ops_user *out,
		    const char **field);

/* What a user holds, as perm_within compares it (h points into it). */
struct ops_user_holds {
	struct scope_set	 patterns, extra, accounts;
	struct perm_holder	 h;
};

struct ops_user_id {
	const char	*id;		/* "usr_..." */
};

/* What the enabled user id holds (the admin API's callers who are users:
 * no user or role they make may hold more). OPS_NOT_FOUND. */
enum ops_err	ops_user_holds(const struct ops_ctx *, const struct ops_user_id *,
		    struct ops_user_holds *out, const char **field);

#endif
