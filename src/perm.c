/*
 * perm: scope patterns and intersections.
 */
#include <string.h>

#include "perm.h"

static int
matches(const char *pattern, const char *tok)
{
	size_t	 n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, tok, n - 1) == 0;
	return strcmp(pattern, tok) == 0;
}

int
perm_user_may(const struct perm_user *u, const char *tok)
{
	size_t	 i;
	int	 ok = 0;

	if (u->read_only && strncmp(tok, "read:", 5) != 0)
		return 0;
	for (i = 0; !ok && u->role_patterns && i < u->role_patterns->n; i++)
		ok = matches(u->role_patterns->tok[i], tok);
	if (!ok && u->extra != NULL)
		ok = scope_has(u->extra, tok);
	return ok;
}

void
perm_effective(struct scope_set *out, const struct scope_set *key,
    const struct perm_user *u)
{
	size_t	 i;

	scope_init(out);
	/* key is sorted and distinct, so out is too. */
	for (i = 0; i < key->n; i++)
		if (perm_user_may(u, key->tok[i]))
			memcpy(out->tok[out->n++], key->tok[i],
			    sizeof(key->tok[i]));
}

int
perm_grant(struct scope_set *out, const char *requested,
    const struct scope_set *allowed)
{
	if (requested == NULL) {
		*out = *allowed;
		return out->n > 0 ? 0 : -1;
	}
	if (scope_parse(out, requested, strlen(requested)) == -1 ||
	    out->n == 0 || !scope_subset(out, allowed))
		return -1;
	return 0;
}
