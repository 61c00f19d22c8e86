/*
 * test_stmt: the tenant rule of src/stmt.h, checked over the whole table.
 * Every statement that touches a table of tenant data must name org_id
 * (the organization taken from the authenticated credential) — except the
 * few listed below, each with the reason it is safe. A new statement that
 * forgets the organization fails here before it can leak anything.
 */
#include <string.h>

#include "stmt.h"
#include "t.h"

static const char *const tenant_tables[] = {
	"api_keys", "users", "roles", "refresh_families", "refresh_tokens",
	"revoked_jtis", "login_failures", "audit", "orgs",
};

/* Statements allowed without org_id, and why. */
static const struct {
	enum stmt	 s;
	const char	*why;
} exempt[] = {
	{ STMT_KEY_GET, "the lookup that finds the organization: by the key id "
	    "of the credential itself, returns its org_id" },
	{ STMT_KEYS_TOUCH, "last_used_at of keys this worker authenticated" },
	{ STMT_REFRESH_ROTATE, "by the digest of a token whose organization "
	    "STMT_REFRESH_PEEK checked in the same request" },
	{ STMT_REVOKED_JTIS, "the gate's whole deny list; every row is matched "
	    "with its org_id" },
	{ STMT_REVOKED_PURGE, "deletes expired rows of every organization" },
	{ STMT_ORG_CREATE, "jwtmint-admin only (platform operator)" },
	{ STMT_ORG_LIST, "jwtmint-admin only (platform operator)" },
	{ STMT_ORG_GET, "jwtmint-admin only: resolves --org" },
	{ STMT_ORG_DISABLE, "jwtmint-admin only" },
	{ STMT_KEY_REVOKE, "jwtmint-admin only" },
	{ STMT_KEY_SET_RATE, "jwtmint-admin only" },
	{ STMT_KEY_SET_FORWARDER, "jwtmint-admin only (key trust, distrust)" },
	{ STMT_KEY_GET_ORG, "jwtmint-admin only: resolves a key's org" },
};

static int
is_exempt(enum stmt s)
{
	size_t	 i;

	for (i = 0; i < sizeof(exempt) / sizeof(exempt[0]); i++)
		if (exempt[i].s == s)
			return 1;
	return 0;
}

int
main(void)
{
	const struct stmt_def	*d;
	size_t			 i, j;
	int			 s, tenant, n, dollars;
	const char		*p;

	for (s = 0; s < STMT__MAX; s++) {
		d = stmt_get((enum stmt)s);
		T_CHECK(d->name != NULL && d->sql != NULL, "statement %d defined", s);
		if (d->name == NULL || d->sql == NULL)
			continue;
		tenant = 0;
		for (i = 0; i < sizeof(tenant_tables) / sizeof(tenant_tables[0]); i++)
			if (strstr(d->sql, tenant_tables[i]) != NULL)
				tenant = 1;
		if (tenant && !is_exempt((enum stmt)s))
			T_CHECK(strstr(d->sql, "org_id") != NULL,
			    "%s names org_id (tenant data)", d->name);
		/* nparams matches the highest $n used. */
		n = 0;
		for (p = d->sql; (p = strchr(p, '$')) != NULL; p++)
			if (p[1] >= '1' && p[1] <= '9') {
				dollars = p[1] - '0';
				if (p[2] >= '0' && p[2] <= '9')
					dollars = dollars * 10 + p[2] - '0';
				if (dollars > n)
					n = dollars;
			}
		T_CHECK(n == d->nparams, "%s: %d parameters declared, $%d used",
		    d->name, d->nparams, n);
		/* Names are unique: they are the prepared statements' names. */
		for (j = 0; j < (size_t)s; j++)
			T_CHECK(strcmp(stmt_get((enum stmt)j)->name, d->name) != 0,
			    "%s named once", d->name);
	}
	/* No statement text is assembled at run time: printf formats here
	 * would be a sign of it. */
	for (s = 0; s < STMT__MAX; s++) {
		d = stmt_get((enum stmt)s);
		if (d->sql != NULL)
			T_CHECK(strstr(d->sql, "%s") == NULL && strstr(d->sql,
			    "%d") == NULL, "%s has no format directives", d->name);
	}
	return t_done();
}
