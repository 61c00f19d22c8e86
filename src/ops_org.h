/*
 * ops_org: organizations, written once. These are the platform operator's
 * (jwtmint-admin, and the platform listener): nothing here is scoped to the
 * context's organization, so an adapter calls them only for a caller it
 * has authenticated as the platform operator. Each writes its audit row,
 * in the organization acted on, in the statement that does the work.
 * Every value is checked here before the database sees it.
 */
#ifndef JWTMINT_OPS_ORG_H
#define JWTMINT_OPS_ORG_H

#include "ops.h"
#include "store.h"

#define OPS_ORG_SLUG_BYTES	64	/* ^[a-z0-9][a-z0-9-]{0,62}$ */
#define OPS_ORG_NAME_BYTES	201	/* 1..200 bytes of UTF-8 */

struct ops_org {
	char	 id[STORE_ORG_ID_BYTES];
	char	 slug[OPS_ORG_SLUG_BYTES];
	char	 name[OPS_ORG_NAME_BYTES * 4];	/* as the database holds it */
	char	 created_at[32];		/* RFC 3339 UTC */
	char	 disabled_at[32];		/* "" when enabled */
};

struct ops_org_create {
	const char	*slug, *name;
};

/* A new organization (with the three seeded roles). OPS_INVALID with
 * *field "slug" or "name", OPS_CONFLICT when the slug is taken. */
enum ops_err	ops_org_create(const struct ops_ctx *,
		    const struct ops_org_create *, struct ops_org *out,
		    const char **field);

struct ops_org_list {
	/* Called once per organization, in slug order; -1 stops (OPS_FAILED). */
	int	(*row)(void *arg, const struct ops_org *);
	void	*arg;
};

/* Every organization; *count the number listed. */
enum ops_err	ops_org_list(const struct ops_ctx *, const struct ops_org_list *,
		    size_t *count, const char **field);

struct ops_org_slug {
	const char	*slug;
};

/*
 * Disable (its keys and tokens stop working everywhere) or enable again
 * (they work again; users' tokens too, unlike a user's disable, which
 * ends them). out->id is the organization's. OPS_NOT_FOUND when there is
 * no such organization, OPS_CONFLICT when it is already so.
 */
enum ops_err	ops_org_disable(const struct ops_ctx *,
		    const struct ops_org_slug *, struct ops_org *out,
		    const char **field);
enum ops_err	ops_org_enable(const struct ops_ctx *,
		    const struct ops_org_slug *, struct ops_org *out,
		    const char **field);

#endif
