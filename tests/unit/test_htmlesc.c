/*
 * test_htmlesc: nothing that can open a tag, close an attribute or start
 * an entity survives; controls become U+FFFD; a result that does not fit
 * is refused whole.
 */
#include <string.h>

#include "htmlesc.h"
#include "t.h"

struct row {
	const char	*name;
	const char	*in;
	size_t		 len;
	const char	*want;
};

#define R(name, lit, want)	{ name, lit, sizeof(lit) - 1, want }

static const struct row rows[] = {
	R("script tag", "<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;"),
	R("attribute breakout dq", "\" onmouseover=\"x",
	    "&quot; onmouseover=&quot;x"),
	R("attribute breakout sq", "' autofocus onfocus='x",
	    "&#39; autofocus onfocus=&#39;x"),
	R("entity smuggling", "&lt;b&gt;", "&amp;lt;b&amp;gt;"),
	R("NUL", "a\0b", "a&#xfffd;b"),
	R("ESC and DEL", "\x1b\x7f", "&#xfffd;&#xfffd;"),
	R("CR", "a\rb", "a&#xfffd;b"),
	R("tab and newline kept", "a\tb\nc", "a\tb\nc"),
	R("UTF-8 kept", "Soci\xc3\xa9t\xc3\xa9 \xe2\x9c\x93",
	    "Soci\xc3\xa9t\xc3\xa9 \xe2\x9c\x93"),
	R("scopes", "read:accounts write:settings",
	    "read:accounts write:settings"),
	R("backtick and equals kept", "`a=b`", "`a=b`"),
	R("empty", "", ""),
};

int
main(void)
{
	char	dst[256];
	size_t	i;
	int	n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = htmlesc(dst, sizeof(dst), rows[i].in, rows[i].len);
		T_CHECK(n >= 0 && strcmp(dst, rows[i].want) == 0 &&
		    (size_t)n == strlen(rows[i].want) &&
		    htmlesc_len(rows[i].in, rows[i].len) == (size_t)n,
		    "htmlesc %s", rows[i].name);
	}
	T_CHECK(htmlesc(dst, 4, "abc", 3) == 3 && strcmp(dst, "abc") == 0,
	    "htmlesc exact fit");
	T_CHECK(htmlesc(dst, 3, "abc", 3) == -1 && dst[0] == '\0',
	    "htmlesc one byte short: refused whole");
	T_CHECK(htmlesc(dst, 8, "a<bcd", 5) == -1 && dst[0] == '\0',
	    "htmlesc an entity that does not fit: never cut");
	T_CHECK(htmlesc(dst, 0, "a", 1) == -1, "htmlesc dstsz 0");
	T_CHECK(htmlesc(dst, sizeof(dst), "ab<cd", 2) == 2 &&
	    strcmp(dst, "ab") == 0, "htmlesc reads only n bytes");
	return t_done();
}
