/*
 * test_scope: RFC 6749 §3.3 scope strings and the set operations, hostile
 * rows first (forbidden bytes, tabs, too many and too long tokens).
 */
#include <stdio.h>
#include <string.h>

#include "scope.h"
#include "t.h"

struct row {
	const char	*name;
	const char	*in;
	size_t		 len;
	int		 want;
	const char	*canon;		/* on 0 */
};

#define BAD(name, lit)		{ name, lit, sizeof(lit) - 1, -1, NULL }
#define GOOD(name, lit, c)	{ name, lit, sizeof(lit) - 1, 0, c }

static const struct row rows[] = {
	BAD("double quote", "read \"write"),
	BAD("backslash", "read wr\\ite"),
	BAD("tab separator", "read\twrite"),
	BAD("leading tab", "\tread"),
	BAD("newline", "read\nwrite"),
	BAD("CR", "read\r"),
	BAD("NUL", "read\0write"),
	BAD("DEL", "read\x7f"),
	BAD("UTF-8", "caf\xc3\xa9"),
	BAD("high byte", "\x80"),
	BAD("form feed", "a\fb"),
	BAD("vertical tab", "a\vb"),
	BAD("bad token after good ones", "a b c \"d\""),
	GOOD("empty", "", ""),
	GOOD("spaces only", "   ", ""),
	GOOD("one token", "read", "read"),
	GOOD("sorted", "write read admin", "admin read write"),
	GOOD("duplicates collapse", "read write read read", "read write"),
	GOOD("runs of spaces, leading, trailing", "  b   a  ", "a b"),
	GOOD("every allowed punctuation",
	    "!#$%&'()*+,-./:;<=>?@[]^_`{|}~",
	    "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"),
	GOOD("URL scopes", "https://api.example.com/read openid",
	    "https://api.example.com/read openid"),
	GOOD("case-sensitive", "Read read READ", "READ Read read"),
	GOOD("prefix is distinct", "ab a abc", "a ab abc"),
};

static void
check_row(const struct row *r)
{
	struct scope_set	 s, s2;
	char			 buf[SCOPE_MAX_STRING_BYTES];
	int			 rc, n;

	rc = scope_parse(&s, r->in, r->len);
	if (r->want == -1) {
		T_CHECK(rc == -1 && s.n == 0, "scope rejects %s", r->name);
		return;
	}
	n = scope_format(&s, buf, sizeof(buf));
	T_CHECK(rc == 0 && n == (int)strlen(r->canon) &&
	    strcmp(buf, r->canon) == 0, "scope %s -> \"%s\"", r->name,
	    r->canon);
	rc = scope_parse(&s2, buf, n);
	T_CHECK(rc == 0 && s2.n == s.n && scope_subset(&s, &s2) &&
	    scope_subset(&s2, &s), "scope %s: format/parse round trip",
	    r->name);
}

/* n distinct tokens "t00 t01 ..." into buf. */
static size_t
tokens(char *buf, size_t n)
{
	size_t	i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += sprintf(buf + len, "%st%02zu", i ? " " : "", i);
	return len;
}

static void
check_limits(void)
{
	struct scope_set	 s;
	char			 buf[SCOPE_MAX_STRING_BYTES + 512];
	char			 out[SCOPE_MAX_STRING_BYTES];
	size_t			 len, i;

	len = tokens(buf, SCOPE_MAX_TOKENS);
	T_CHECK(scope_parse(&s, buf, len) == 0 && s.n == SCOPE_MAX_TOKENS,
	    "scope 64 tokens accepted");
	len = tokens(buf, SCOPE_MAX_TOKENS + 1);
	T_CHECK(scope_parse(&s, buf, len) == -1 && s.n == 0,
	    "scope 65 tokens rejected");
	len = tokens(buf, SCOPE_MAX_TOKENS);
	memcpy(buf + len, " t00 t63", 9);
	T_CHECK(scope_parse(&s, buf, len + 8) == 0 && s.n == SCOPE_MAX_TOKENS,
	    "scope 66 tokens, 64 distinct, accepted");

	memset(buf, 'x', SCOPE_MAX_TOKEN_BYTES);
	T_CHECK(scope_parse(&s, buf, SCOPE_MAX_TOKEN_BYTES) == 0 && s.n == 1 &&
	    strlen(s.tok[0]) == SCOPE_MAX_TOKEN_BYTES,
	    "scope 128-byte token accepted");
	memset(buf, 'x', SCOPE_MAX_TOKEN_BYTES + 1);
	T_CHECK(scope_parse(&s, buf, SCOPE_MAX_TOKEN_BYTES + 1) == -1 &&
	    s.n == 0, "scope 129-byte token rejected");

	/* The longest canonical string fits SCOPE_MAX_STRING_BYTES exactly. */
	len = 0;
	for (i = 0; i < SCOPE_MAX_TOKENS; i++) {
		if (i)
			buf[len++] = ' ';
		memset(buf + len, 'a' + i % 26, SCOPE_MAX_TOKEN_BYTES);
		buf[len] = 'A' + i / 26;
		len += SCOPE_MAX_TOKEN_BYTES;
	}
	T_CHECK(scope_parse(&s, buf, len) == 0 && s.n == SCOPE_MAX_TOKENS,
	    "scope 64 tokens of 128 bytes accepted");
	T_CHECK(scope_format(&s, out, sizeof(out)) ==
	    SCOPE_MAX_STRING_BYTES - 1, "scope longest string fits exactly");
	T_CHECK(scope_format(&s, out, sizeof(out) - 1) == -1 && out[0] == '\0',
	    "scope longest string one byte short");
}

static void
check_sets(void)
{
	struct scope_set	 e, a, b, ab, out;
	char			 buf[64];

	scope_init(&e);
	scope_parse(&a, "read write", 10);
	scope_parse(&b, "admin read", 10);
	scope_parse(&ab, "admin read write", 16);

	T_CHECK(scope_has(&a, "read") && scope_has(&a, "write") &&
	    !scope_has(&a, "admin"), "scope_has");
	T_CHECK(!scope_has(&a, "rea") && !scope_has(&a, "reads") &&
	    !scope_has(&a, "") && !scope_has(&a, NULL),
	    "scope_has no prefix, empty or NULL match");
	T_CHECK(!scope_has(&e, "read"), "scope_has on empty set");

	T_CHECK(scope_subset(&e, &e), "scope empty subset of empty");
	T_CHECK(scope_subset(&e, &a), "scope empty subset of any");
	T_CHECK(!scope_subset(&a, &e), "scope non-empty not subset of empty");
	T_CHECK(scope_subset(&a, &a), "scope set subset of itself");
	T_CHECK(scope_subset(&a, &ab) && scope_subset(&b, &ab),
	    "scope proper subsets");
	T_CHECK(!scope_subset(&ab, &a), "scope superset not subset");
	T_CHECK(!scope_subset(&a, &b) && !scope_subset(&b, &a),
	    "scope overlapping sets not subsets");

	scope_intersect(&out, &a, &b);
	T_CHECK(scope_format(&out, buf, sizeof(buf)) == 4 &&
	    strcmp(buf, "read") == 0, "scope intersect overlap");
	scope_intersect(&out, &a, &e);
	T_CHECK(out.n == 0, "scope intersect with empty");
	scope_intersect(&out, &e, &a);
	T_CHECK(out.n == 0, "scope intersect empty with set");
	scope_intersect(&out, &a, &ab);
	T_CHECK(out.n == 2 && scope_subset(&out, &a) && scope_subset(&a, &out),
	    "scope intersect with superset");
	scope_parse(&out, "x y", 3);
	scope_intersect(&out, &out, &a);
	T_CHECK(out.n == 0, "scope intersect disjoint, out aliasing a");
	out = ab;
	scope_intersect(&out, &b, &out);
	T_CHECK(scope_format(&out, buf, sizeof(buf)) == 10 &&
	    strcmp(buf, "admin read") == 0, "scope intersect, out aliasing b");

	T_CHECK(scope_format(&e, buf, sizeof(buf)) == 0 && buf[0] == '\0',
	    "scope format empty set");
	T_CHECK(scope_format(&e, buf, 0) == -1, "scope format bufsz 0");
	T_CHECK(scope_format(&a, buf, 11) == 10 &&
	    strcmp(buf, "read write") == 0, "scope format exact fit");
	T_CHECK(scope_format(&a, buf, 10) == -1, "scope format one short");
	T_CHECK(scope_parse(&out, "read write", 4) == 0 && out.n == 1 &&
	    scope_has(&out, "read"), "scope parses only len bytes");
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
	check_limits();
	check_sets();
	return t_done();
}
