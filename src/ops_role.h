/*
 * ops_role: the roles of an organization (named scope patterns, with
 * all_accounts and read_only), written once; jwtmint-admin role and the
 * admin API (/admin/roles) are adapters. Every change runs in one
 * transaction with its audit row ("role.create", "role.update"), and the
 * changes of one organization's users and roles one at a time (so what one
 * reads to decide, the other has written). Every value is checked here
 * before the database sees it.
 *
 * held: what the caller holds (perm.h); a role beyond it, as it is or as
 * it would become, is OPS_FORBIDDEN (*field "scopes", "all_accounts" or
 * "read_only"). NULL: no limit (jwtmint-admin, the platform operator).
 */
#ifndef JWTMINT_OPS_ROLE_H
#define JWTMINT_OPS_ROLE_H

#include "ops.h"
#include "perm.h"
#include "scope.h"

struct ops_role {
	char		 name[PERM_ROLE_NAME_BYTES];
	char		 scopes[OPS_SCOPES_MAX_BYTES + 1];	/* canonical */
	int		 all_accounts;
	int		 read_only;
	char		 created_at[32];	/* RFC 3339 UTC */
	long long	 created_usec;		/* the cursor's position */
	long long	 version;		/* the ETag (etag.h) */
};

struct ops_role_create {
	const char			*name;
	const char			*scopes;	/* patterns, space-separated */
	int				 all_accounts, read_only;
	const struct perm_holder	*held;
};

/* OPS_INVALID (*field "name" or "scopes"), OPS_CONFLICT when the name is
 * taken, OPS_FORBIDDEN. */
enum ops_err	ops_role_create(const struct ops_ctx *,
		    const struct ops_role_create *, struct ops_role *out,
		    const char **field);

struct ops_role_list {
	int		 limit;		/* 1..OPS_LIST_MAX */
	/* A page after (after_usec, after_name) in (created_at, name) order;
	 * after_name NULL: the first page. */
	long long	 after_usec;
	const char	*after_name;
	int		(*row)(void *arg, const struct ops_role *);	/* -1 stops */
	void		*arg;
};

enum ops_err	ops_role_list(const struct ops_ctx *,
		    const struct ops_role_list *, struct ops_page *out,
		    const char **field);

struct ops_role_name {
	const char	*name;
};

enum ops_err	ops_role_get(const struct ops_ctx *,
		    const struct ops_role_name *, struct ops_role *out,
		    const char **field);

struct ops_role_update {
	const char			*name;
	const char			*scopes;	/* NULL: unchanged */
	int				 all_accounts;	/* -1: unchanged */
	int				 read_only;	/* -1: unchanged */
	long long			 if_version;	/* 0: any version */
	const struct perm_holder	*held;
};

struct ops_role_updated {
	struct ops_role	 role;
	long long	 users_cut_off;	/* users whose tokens ended */
};

/*
 * Change a role. When it narrows (perm_within: the old role is not within
 * the new one) every user of the role gets a new generation: no token
 * issued before keeps what was removed (refresh families end too).
 * OPS_NOT_FOUND, OPS_CONFLICT (*field "version") when the version is not
 * if_version, OPS_INVALID, OPS_FORBIDDEN.
 */
enum ops_err	ops_role_update(const struct ops_ctx *,
		    const struct ops_role_update *, struct ops_role_updated *out,
		    const char **field);

#endif
