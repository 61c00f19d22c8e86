/*
 * test_perm: the intersection model. perm_user_may against role patterns
 * ("*", "read:*", exact) and extra scopes, with read-only roles that never
 * get anything outside "read:" (extra scopes included); perm_effective as
 * key ∩ user; perm_grant with absent, empty, malformed, subset and
 * superset requests; perm_within (patterns as the sets they match, the
 * read-only flag on either side, accounts). Hostile rows: extra scopes are
 * not patterns, requests are not patterns, prefixes are not matches.
 */
#include <stdio.h>
#include <string.h>

#include "perm.h"
#include "scope.h"
#include "t.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A scope set from a string; NULL stays NULL (no set at all). */
static const struct scope_set *
set(struct scope_set *s, const char *str)
{
	if (str == NULL)
		return NULL;
	if (scope_parse(s, str, strlen(str)) == -1) {
		printf("# bad fixture \"%s\"\n", str);
		scope_init(s);
	}
	return s;
}

static void
check_may(void)
{
	static const struct {
		const char	*role, *extra;
		int		 ro;
		const char	*tok;
		int		 want;
	} rows[] = {
		/* "*": every scope */
		{ "*", NULL, 0, "write:orders", 1 },
		{ "*", NULL, 0, "admin", 1 },
		{ "*", NULL, 0, "read:x", 1 },
		/* read-only drops everything outside read:, "*" included */
		{ "*", NULL, 1, "write:orders", 0 },
		{ "*", NULL, 1, "admin", 0 },
		{ "*", NULL, 1, "read:orders", 1 },
		{ "*", NULL, 1, "read", 0 },
		{ "*", NULL, 1, "READ:orders", 0 },
		{ "*", NULL, 1, "xread:orders", 0 },
		/* prefix patterns */
		{ "read:*", NULL, 0, "read:orders", 1 },
		{ "read:*", NULL, 0, "read:", 1 },
		{ "read:*", NULL, 0, "read", 0 },
		{ "read:*", NULL, 0, "reader:x", 0 },
		{ "read:*", NULL, 0, "write:orders", 0 },
		{ "read:*", NULL, 0, "READ:orders", 0 },
		{ "read:*", NULL, 0, "*", 0 },
		{ "read:* write:orders", NULL, 0, "write:orders", 1 },
		{ "read:* write:orders", NULL, 0, "write:invoices", 0 },
		{ "write:*", NULL, 1, "write:orders", 0 },
		/* exact patterns */
		{ "read:orders", NULL, 0, "read:orders", 1 },
		{ "read:orders", NULL, 0, "read:orders2", 0 },
		{ "read:orders", NULL, 0, "read:order", 0 },
		{ "read:orders", NULL, 0, "read:", 0 },
		{ "read:orders", NULL, 0, "Read:orders", 0 },
		/* a '*' only counts at the end */
		{ "*:orders", NULL, 0, "read:orders", 0 },
		{ "*:orders", NULL, 0, "*:orders", 1 },
		{ "re*d:x", NULL, 0, "read:x", 0 },
		/* extra scopes: exact, and still read-only-filtered */
		{ "read:*", "write:orders", 0, "write:orders", 1 },
		{ "read:*", "write:orders", 1, "write:orders", 0 },
		{ "read:*", "admin", 1, "admin", 0 },
		{ "read:*", "read:special", 1, "read:special", 1 },
		{ NULL, "write:orders", 0, "write:orders", 1 },
		{ NULL, "write:orders", 0, "write:invoices", 0 },
		{ "", "write:orders", 0, "write:orders", 1 },
		/* extra scopes are not patterns */
		{ NULL, "*", 0, "write:orders", 0 },
		{ NULL, "write:*", 0, "write:orders", 0 },
		{ NULL, "*", 0, "*", 1 },
		/* nothing at all */
		{ NULL, NULL, 0, "read:x", 0 },
		{ "", "", 0, "read:x", 0 },
		{ "", NULL, 1, "read:x", 0 },
	};
	struct scope_set	 r, x;
	struct perm_user	 u;
	size_t			 i;

	for (i = 0; i < NELEM(rows); i++) {
		u.role_patterns = set(&r, rows[i].role);
		u.extra = set(&x, rows[i].extra);
		u.read_only = rows[i].ro;
		T_CHECK(perm_user_may(&u, rows[i].tok) == rows[i].want,
		    "may row %zu: role \"%s\" extra \"%s\"%s, \"%s\" -> %d", i,
		    rows[i].role ? rows[i].role : "(none)",
		    rows[i].extra ? rows[i].extra : "(none)",
		    rows[i].ro ? " read-only" : "", rows[i].tok, rows[i].want);
	}
}

static void
check_effective(void)
{
	static const struct {
		const char	*key, *role, *extra;
		int		 ro;
		const char	*want;
	} rows[] = {
		{ "admin read:a read:b write:a", "*", NULL, 0,
		    "admin read:a read:b write:a" },
		{ "admin read:a read:b write:a", "*", NULL, 1, "read:a read:b" },
		{ "admin read:a read:b write:a", "read:*", NULL, 0,
		    "read:a read:b" },
		{ "admin read:a read:b write:a", "read:*", "admin", 0,
		    "admin read:a read:b" },
		{ "admin read:a read:b write:a", "read:*", "admin write:a", 1,
		    "read:a read:b" },
		{ "admin read:a read:b write:a", "read:a", NULL, 0, "read:a" },
		{ "admin read:a read:b write:a", NULL, NULL, 0, "" },
		/* the key is the ceiling: user rights outside it never appear */
		{ "read:a", "*", "write:z admin", 0, "read:a" },
		{ "", "*", "admin", 0, "" },
		{ "read:a write:a", NULL, "write:a write:b", 0, "write:a" },
		{ "read:a write:a", NULL, "*", 0, "" },
		{ "read:a read:b", "read:b read:c", NULL, 0, "read:b" },
	};
	struct scope_set	 k, r, x, out;
	struct perm_user	 u;
	char			 buf[SCOPE_MAX_STRING_BYTES];
	size_t			 i, j;
	int			 sorted;

	for (i = 0; i < NELEM(rows); i++) {
		set(&k, rows[i].key);
		u.role_patterns = set(&r, rows[i].role);
		u.extra = set(&x, rows[i].extra);
		u.read_only = rows[i].ro;
		memset(&out, 0xa5, sizeof(out));
		perm_effective(&out, &k, &u);
		buf[0] = '\0';
		scope_format(&out, buf, sizeof(buf));
		T_CHECK(strcmp(buf, rows[i].want) == 0, "effective row %zu: key "
		    "\"%s\" ∩ role \"%s\" + extra \"%s\"%s -> \"%s\" (got \"%s\")",
		    i, rows[i].key, rows[i].role ? rows[i].role : "(none)",
		    rows[i].extra ? rows[i].extra : "(none)",
		    rows[i].ro ? " read-only" : "", rows[i].want, buf);
		sorted = out.n <= SCOPE_MAX_TOKENS;
		for (j = 1; sorted && j < out.n; j++)
			sorted = strcmp(out.tok[j - 1], out.tok[j]) < 0;
		T_CHECK(sorted && scope_subset(&out, &k), "effective row %zu: "
		    "sorted, distinct, a subset of the key", i);
	}

	/* A full key: 64 scopes, read-only user keeps exactly the 32 reads. */
	{
		char	 s[SCOPE_MAX_STRING_BYTES], *p = s;
		int	 ok = 1;

		for (j = 0; j < SCOPE_MAX_TOKENS; j++)
			p += sprintf(p, "%s%s:%02zu", j ? " " : "",
			    j % 2 ? "write" : "read", j);
		set(&k, s);
		u.role_patterns = set(&r, "*");
		u.extra = NULL;
		u.read_only = 1;
		perm_effective(&out, &k, &u);
		for (j = 0; j < out.n; j++)
			ok = ok && strncmp(out.tok[j], "read:", 5) == 0;
		T_CHECK(k.n == 64 && out.n == 32 && ok, "effective: 64-scope key, "
		    "read-only \"*\" -> the 32 read: scopes (got %zu)", out.n);
	}
}

static void
check_grant(void)
{
	static const struct {
		const char	*name, *req, *allowed;
		int		 want;
		const char	*out;
	} rows[] = {
		{ "no request: all allowed", NULL, "read:a write:a", 0,
		    "read:a write:a" },
		{ "no request, nothing allowed", NULL, "", -1, NULL },
		{ "subset", "read:a", "read:a write:a", 0, "read:a" },
		{ "the whole set, reordered", "write:a read:a", "read:a write:a",
		    0, "read:a write:a" },
		{ "duplicates collapse", "read:a read:a  read:a", "read:a write:a",
		    0, "read:a" },
		{ "extra spaces", "  read:a   write:a ", "read:a write:a", 0,
		    "read:a write:a" },
		{ "superset", "read:a admin", "read:a write:a", -1, NULL },
		{ "disjoint", "admin", "read:a write:a", -1, NULL },
		{ "anything, nothing allowed", "read:a", "", -1, NULL },
		{ "empty string", "", "read:a", -1, NULL },
		{ "spaces only", "   ", "read:a", -1, NULL },
		{ "a double quote", "read:a\"", "read:a", -1, NULL },
		{ "a backslash", "read:\\a", "read:a", -1, NULL },
		{ "a tab separator", "read:a\twrite:a", "read:a write:a", -1,
		    NULL },
		{ "a newline", "read:a\n", "read:a", -1, NULL },
		{ "a control byte (0x01)", "read:a\x01", "read:a", -1, NULL },
		{ "UTF-8", "read:caf\xc3\xa9", "read:a read:caf", -1, NULL },
		{ "a request is not a pattern: read:*", "read:*", "read:a read:b",
		    -1, NULL },
		{ "a request is not a pattern: *", "*", "read:a", -1, NULL },
		{ "case-sensitive", "READ:A", "read:a", -1, NULL },
		{ "a prefix of an allowed scope", "read:", "read:a", -1, NULL },
		{ "an allowed scope plus a suffix", "read:ab", "read:a", -1, NULL },
		{ "literal * allowed and asked", "*", "* read:a", 0, "*" },
	};
	struct scope_set	 a, out;
	char			 buf[SCOPE_MAX_STRING_BYTES];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(rows); i++) {
		set(&a, rows[i].allowed);
		rc = perm_grant(&out, rows[i].req, &a);
		if (rows[i].want == -1) {
			T_CHECK(rc == -1, "grant: %s -> -1 (invalid_scope)",
			    rows[i].name);
			continue;
		}
		buf[0] = '\0';
		scope_format(&out, buf, sizeof(buf));
		T_CHECK(rc == 0 && strcmp(buf, rows[i].out) == 0, "grant: %s -> "
		    "\"%s\" (got %d \"%s\")", rows[i].name, rows[i].out, rc, buf);
	}

	/* Limits of the request: 65 tokens, a 129-byte token. */
	{
		char	 req[SCOPE_MAX_STRING_BYTES * 2], *p = req;
		size_t	 j;

		for (j = 0; j <= SCOPE_MAX_TOKENS; j++)
			p += sprintf(p, "%ss%02zu", j ? " " : "", j);
		set(&a, "s00");
		rc = perm_grant(&out, req, &a);
		T_CHECK(rc == -1, "grant: %d distinct tokens requested -> -1",
		    SCOPE_MAX_TOKENS + 1);
		memset(req, 'a', SCOPE_MAX_TOKEN_BYTES + 1);
		req[SCOPE_MAX_TOKEN_BYTES + 1] = '\0';
		rc = perm_grant(&out, req, &a);
		T_CHECK(rc == -1, "grant: a %d-byte token -> -1",
		    SCOPE_MAX_TOKEN_BYTES + 1);
		req[SCOPE_MAX_TOKEN_BYTES] = '\0';
		set(&a, req);
		rc = perm_grant(&out, req, &a);
		T_CHECK(rc == 0 && out.n == 1, "grant: a %d-byte token, allowed "
		    "-> 0", SCOPE_MAX_TOKEN_BYTES);
	}

	/* The three-way intersection end to end: key ∩ user ∩ request. */
	{
		struct scope_set	 k, r, x, eff;
		struct perm_user	 u;

		set(&k, "admin read:a read:b write:a");
		u.role_patterns = set(&r, "read:*");
		u.extra = set(&x, "write:a");
		u.read_only = 0;
		perm_effective(&eff, &k, &u);
		T_CHECK(perm_grant(&out, "read:a write:a", &eff) == 0 &&
		    out.n == 2, "key ∩ user ∩ request: read:a write:a granted");
		T_CHECK(perm_grant(&out, "read:a admin", &eff) == -1,
		    "key ∩ user ∩ request: admin (key has it, user not) -> -1");
		u.read_only = 1;
		perm_effective(&eff, &k, &u);
		T_CHECK(perm_grant(&out, "write:a", &eff) == -1,
		    "key ∩ read-only user ∩ request: write:a (an extra scope) "
		    "-> -1");
		T_CHECK(perm_grant(&out, NULL, &eff) == 0 &&
		    scope_format(&out, buf, sizeof(buf)) > 0 &&
		    strcmp(buf, "read:a read:b") == 0,
		    "key ∩ read-only user, no request -> \"read:a read:b\"");
	}
}

static void
check_within(void)
{
	static const struct {
		const char	*ap, *ae;
		int		 aro, aall;
		const char	*aacc;
		const char	*bp, *be;
		int		 bro, ball;
		const char	*bacc;
		int		 want;
	} rows[] = {
		/* the same is within itself */
		{ "*", NULL, 0, 1, NULL, "*", NULL, 0, 1, NULL, 1 },
		{ "read:* write:x", "a b", 0, 0, "c1 c2",
		  "read:* write:x", "a b", 0, 0, "c1 c2", 1 },
		/* nothing is within anything */
		{ NULL, NULL, 0, 0, NULL, NULL, NULL, 1, 0, NULL, 1 },
		{ "", "", 0, 0, "", "", "", 0, 0, "", 1 },
		/* a pattern is only within a pattern that matches more */
		{ "read:*", NULL, 0, 1, NULL, "*", NULL, 0, 1, NULL, 1 },
		{ "read:a*", NULL, 0, 1, NULL, "read:*", NULL, 0, 1, NULL, 1 },
		{ "read:*", NULL, 0, 1, NULL, "read:a*", NULL, 0, 1, NULL, 0 },
		{ "*", NULL, 0, 1, NULL, "read:* write:*", NULL, 0, 1, NULL, 0 },
		{ "read:*", NULL, 0, 1, NULL, "read:x read:y", "read:*", 0, 1, NULL, 0 },
		{ "rea*", NULL, 0, 1, NULL, "read:*", NULL, 0, 1, NULL, 0 },
		/* hostile: a held literal "*"-free prefix is no pattern */
		{ "read:*", NULL, 0, 1, NULL, "read:", NULL, 0, 1, NULL, 0 },
		{ "read:*", NULL, 0, 1, NULL, "read", NULL, 0, 1, NULL, 0 },
		/* exact scopes: by what b may have */
		{ "write:x", NULL, 0, 1, NULL, "write:*", NULL, 0, 1, NULL, 1 },
		{ NULL, "write:x", 0, 1, NULL, "write:*", NULL, 0, 1, NULL, 1 },
		{ NULL, "write:x", 0, 1, NULL, NULL, "write:x", 0, 1, NULL, 1 },
		{ NULL, "write:x", 0, 1, NULL, NULL, "write:y", 0, 1, NULL, 0 },
		{ NULL, "admin", 0, 1, NULL, "read:* write:*", NULL, 0, 1, NULL, 0 },
		/* b's extra scopes are exact, never patterns */
		{ NULL, "write:x", 0, 1, NULL, NULL, "write:*", 0, 1, NULL, 0 },
		/* read-only a: only what starts with read: counts */
		{ "*", NULL, 1, 1, NULL, "read:*", NULL, 0, 1, NULL, 1 },
		{ "*", NULL, 1, 1, NULL, "read:a*", NULL, 0, 1, NULL, 0 },
		{ "r*", NULL, 1, 1, NULL, "read:*", NULL, 0, 1, NULL, 1 },
		{ "w* admin", "write:x", 1, 1, NULL, NULL, NULL, 0, 1, NULL, 1 },
		{ "read:x*", NULL, 1, 1, NULL, "read:*", NULL, 0, 1, NULL, 1 },
		/* read-only b: nothing outside read: */
		{ "read:*", NULL, 0, 1, NULL, "*", NULL, 1, 1, NULL, 1 },
		{ "*", NULL, 0, 1, NULL, "*", NULL, 1, 1, NULL, 0 },
		{ NULL, "write:x", 0, 1, NULL, "*", NULL, 1, 1, NULL, 0 },
		/* becoming read-only narrows; leaving it widens */
		{ "*", NULL, 0, 1, NULL, "*", NULL, 1, 1, NULL, 0 },
		{ "*", NULL, 1, 1, NULL, "*", NULL, 0, 1, NULL, 1 },
		/* accounts */
		{ NULL, NULL, 0, 0, "a1", NULL, NULL, 0, 1, NULL, 1 },
		{ NULL, NULL, 0, 1, NULL, NULL, NULL, 0, 0, "a1 a2", 0 },
		{ NULL, NULL, 0, 0, "a1", NULL, NULL, 0, 0, "a1 a2", 1 },
		{ NULL, NULL, 0, 0, "a1 a3", NULL, NULL, 0, 0, "a1 a2", 0 },
		{ NULL, NULL, 0, 0, "a1", NULL, NULL, 0, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, "a*", NULL, NULL, 0, 0, "a1", 0 },
		{ NULL, NULL, 0, 0, "a1", NULL, NULL, 0, 0, "a*", 0 },
	};
	struct scope_set	 ap, ae, aa, bp, be, ba;
	struct perm_holder	 a, b;
	size_t			 i;

	for (i = 0; i < NELEM(rows); i++) {
		a.patterns = set(&ap, rows[i].ap);
		a.extra = set(&ae, rows[i].ae);
		a.read_only = rows[i].aro;
		a.all_accounts = rows[i].aall;
		a.accounts = set(&aa, rows[i].aacc);
		b.patterns = set(&bp, rows[i].bp);
		b.extra = set(&be, rows[i].be);
		b.read_only = rows[i].bro;
		b.all_accounts = rows[i].ball;
		b.accounts = set(&ba, rows[i].bacc);
		T_CHECK(perm_within(&a, &b) == rows[i].want,
		    "within row %zu: [%s|%s|ro %d|all %d|%s] in [%s|%s|ro %d|all %d|%s]"
		    " is %d", i, rows[i].ap ? rows[i].ap : "-",
		    rows[i].ae ? rows[i].ae : "-", rows[i].aro, rows[i].aall,
		    rows[i].aacc ? rows[i].aacc : "-", rows[i].bp ? rows[i].bp : "-",
		    rows[i].be ? rows[i].be : "-", rows[i].bro, rows[i].ball,
		    rows[i].bacc ? rows[i].bacc : "-", rows[i].want);
	}
}

static void
check_role_names(void)
{
	static const struct {
		const char	*s;
		int		 want;
	} rows[] = {
		{ "admin", 1 }, { "support-2", 1 }, { "a_b", 1 }, { "0", 1 },
		{ "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk", 1 },
		{ "", 0 }, { "-a", 0 }, { "_a", 0 }, { "Admin", 0 }, { "a b", 0 },
		{ "a.b", 0 }, { "a\n", 0 }, { "r\xc3\xa9le", 0 }, { "a%", 0 },
		{ "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(rows); i++)
		T_CHECK(perm_role_name_valid(rows[i].s) == rows[i].want,
		    "role name row %zu is %d", i, rows[i].want);
}

/*
 * The application bound (review M2): a third-party app at most its
 * scopes, the portal (first-party) the user's permissions only; no scope
 * asked of the portal is its scopes ∪ scopes_supported.
 */
static void
check_app(void)
{
	static const struct {
		int		 fp;
		const char	*app, *asked, *known, *role, *extra;
		int		 ask_rc;
		const char	*asked_set, *given;
	} rows[] = {
		/* third party: asked within, none asked, more: refused */
		{ 0, "read:a write:b", "read:a", "admin read:a", "*", "",
		    0, "read:a", "read:a" },
		{ 0, "read:a write:b", NULL, "admin", "read:*", "",
		    0, "read:a write:b", "read:a" },
		{ 0, "read:a", "read:a admin", "admin", "*", "", -1, "", "" },
		{ 0, "admin", "", NULL, "*", "", 0, "admin", "admin" },
		/* the portal: no bound of its own */
		{ 1, "admin", NULL, "read:a write:b admin", "*", "",
		    0, "admin read:a write:b", "admin read:a write:b" },
		{ 1, "admin", NULL, "read:a write:b admin", "read:* write:*",
		    "", 0, "admin read:a write:b", "read:a write:b" },
		{ 1, "admin", "read:a write:b admin", NULL, "read:*", "admin",
		    0, "admin read:a write:b", "admin read:a" },
		{ 1, "admin", NULL, NULL, "*", "", 0, "admin", "admin" },
		{ 1, "admin", NULL, "", "read:*", "", 0, "admin", "" },
		{ 1, "admin", "bad\"scope", NULL, "*", "", -1, "", "" },
		{ 1, "admin", NULL, "bad\"scope", "*", "", -1, "", "" },
	};
	struct scope_set	 app, ask, out, r, x;
	struct perm_user	 u;
	char			 buf[SCOPE_MAX_STRING_BYTES];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NELEM(rows); i++) {
		set(&app, rows[i].app);
		rc = perm_app_ask(&ask, rows[i].fp, &app, rows[i].asked,
		    rows[i].known);
		T_CHECK(rc == rows[i].ask_rc, "perm_app_ask row %zu: %d", i, rc);
		if (rc == -1)
			continue;
		scope_format(&ask, buf, sizeof(buf));
		T_CHECK(strcmp(buf, rows[i].asked_set) == 0,
		    "perm_app_ask row %zu: \"%s\"", i, buf);
		u.role_patterns = set(&r, rows[i].role);
		u.extra = set(&x, rows[i].extra);
		u.read_only = 0;
		perm_app_scopes(&out, rows[i].fp, &app, &ask, &u);
		scope_format(&out, buf, sizeof(buf));
		T_CHECK(strcmp(buf, rows[i].given) == 0,
		    "perm_app_scopes row %zu: \"%s\"", i, buf);
	}
}

int
main(void)
{
	check_may();
	check_within();
	check_role_names();
	check_effective();
	check_grant();
	check_app();
	return t_done();
}
