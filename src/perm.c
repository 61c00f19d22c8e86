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
perm_app_ask(struct scope_set *out, int first_party,
    const struct scope_set *app, const char *asked, const char *known)
{
	char	 buf[2 * SCOPE_MAX_STRING_BYTES + 2];
	int	 n;

	scope_init(out);
	if (asked != NULL && asked[0] != '\0') {
		if (scope_parse(out, asked, strlen(asked)) == -1 ||
		    (!first_party && !scope_subset(out, app)))
			return -1;
		return 0;
	}
	if (!first_party || known == NULL || known[0] == '\0') {
		*out = *app;
		return 0;
	}
	if ((n = scope_format(app, buf, sizeof(buf))) < 0 ||
	    strlen(known) >= sizeof(buf) - (size_t)n - 1)
		return -1;
	buf[n] = ' ';
	memcpy(buf + n + 1, known, strlen(known) + 1);
	return scope_parse(out, buf, strlen(buf));
}

void
perm_app_scopes(struct scope_set *out, int first_party,
    const struct scope_set *app, const struct scope_set *want,
    const struct perm_user *u)
{
	struct scope_set	 w;

	if (first_party)
		w = *want;
	else
		scope_intersect(&w, want, app);
	perm_effective(out, &w, u);
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

/* 1 when every scope starting with prefix (len bytes) is one b may have. */
static int
prefix_within(const char *prefix, size_t len, const struct perm_holder *b)
{
	const char	*q;
	size_t		 i, n;

	/* A read-only b has nothing outside "read:". */
	if (b->read_only && (len < 5 || strncmp(prefix, "read:", 5) != 0))
		return 0;
	/* Only a pattern matches infinitely many: one whose prefix is ours. */
	for (i = 0; b->patterns != NULL && i < b->patterns->n; i++) {
		q = b->patterns->tok[i];
		n = strlen(q);
		if (n > 0 && q[n - 1] == '*' && n - 1 <= len &&
		    strncmp(q, prefix, n - 1) == 0)
			return 1;
	}
	return 0;
}

/* 1 when b may have the one scope tok. */
static int
token_within(const char *tok, const struct perm_holder *b)
{
	struct perm_user	 u;

	u.role_patterns = b->patterns;
	u.extra = b->extra;
	u.read_only = b->read_only;
	return perm_user_may(&u, tok);
}

/* 1 when what pattern p matches, as a's read-only flag leaves it, is b's. */
static int
pattern_within(const char *p, int read_only, const struct perm_holder *b)
{
	size_t	 n = strlen(p);

	if (n == 0 || p[n - 1] != '*') {
		if (read_only && strncmp(p, "read:", 5) != 0)
			return 1;	/* never given */
		return token_within(p, b);
	}
	n--;
	if (read_only && (n < 5 || strncmp(p, "read:", 5) != 0)) {
		/* "*", "r*", "rea*": only "read:*" of it is given; others none. */
		if (strncmp(p, "read:", n) != 0)
			return 1;
		return prefix_within("read:", 5, b);
	}
	return prefix_within(p, n, b);
}

int
perm_within(const struct perm_holder *a, const struct perm_holder *b)
{
	size_t	 i;

	for (i = 0; a->patterns != NULL && i < a->patterns->n; i++)
		if (!pattern_within(a->patterns->tok[i], a->read_only, b))
			return 0;
	for (i = 0; a->extra != NULL && i < a->extra->n; i++) {
		if (a->read_only &&
		    strncmp(a->extra->tok[i], "read:", 5) != 0)
			continue;	/* never given */
		if (!token_within(a->extra->tok[i], b))
			return 0;
	}
	if (b->all_accounts)
		return 1;
	if (a->all_accounts)
		return 0;
	for (i = 0; a->accounts != NULL && i < a->accounts->n; i++)
		if (b->accounts == NULL || !scope_has(b->accounts,
		    a->accounts->tok[i]))
			return 0;
	return 1;
}

int
perm_role_name_valid(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n < PERM_ROLE_NAME_BYTES &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n &&
	    s[0] != '_' && s[0] != '-';
}
