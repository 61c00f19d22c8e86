/*
 * test_logesc: every byte that could forge or split a log line comes out as
 * \xHH; truncation keeps escapes whole, ends in "..." and always leaves a
 * NUL-terminated string inside dstsz.
 */
#include <string.h>

#include "logesc.h"
#include "t.h"

struct row {
	const char	*name;
	const char	*in;
	size_t		 len;
	const char	*want;
};

#define R(name, lit, want)	{ name, lit, sizeof(lit) - 1, want }

static const struct row rows[] = {
	R("newline", "a\nb", "a\\x0ab"),
	R("forged line", "x\nINFO admin login ok",
	    "x\\x0aINFO admin login ok"),
	R("CR", "a\rb", "a\\x0db"),
	R("CRLF", "\r\n", "\\x0d\\x0a"),
	R("ESC sequence", "\x1b[2J", "\\x1b[2J"),
	R("NUL", "a\0b", "a\\x00b"),
	R("tab", "\t", "\\x09"),
	R("DEL", "\x7f", "\\x7f"),
	R("double quote", "say \"hi\"", "say \\x22hi\\x22"),
	R("backslash", "a\\b", "a\\x5cb"),
	R("escape-looking input", "\\x41", "\\x5cx41"),
	R("high bytes", "caf\xc3\xa9", "caf\\xc3\\xa9"),
	R("0x80 and 0xff", "\x80\xff", "\\x80\\xff"),
	R("printable ASCII kept", " !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~",
	    " !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~"),
	R("empty", "", ""),
};

/* Every output char is printable ASCII; '\' only as \x followed by 2 hex. */
static int
safe(const char *s)
{
	const char	*hexd = "0123456789abcdef";

	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e || *s == '"')
			return 0;
		if (*s == '\\') {
			if (s[1] != 'x' || s[2] == '\0' || s[3] == '\0' ||
			    strchr(hexd, s[2]) == NULL ||
			    strchr(hexd, s[3]) == NULL)
				return 0;
			s += 3;
		}
	}
	return 1;
}

static void
check_trunc(const char *name, const char *in, size_t len)
{
	char	full[256], dst[256];
	size_t	fl, sz, ol;
	int	ok = 1;

	logesc(full, sizeof(full), in, len);
	fl = strlen(full);
	for (sz = 4; sz <= fl + 2 && ok; sz++) {
		memset(dst, 'Z', sizeof(dst));
		logesc(dst, sz, in, len);
		ol = strnlen(dst, sz);
		if (ol == sz || dst[sz] != 'Z' || !safe(dst)) {
			ok = 0;
			break;
		}
		if (sz > fl)
			ok = strcmp(dst, full) == 0;
		else
			ok = ol >= 3 && strcmp(dst + ol - 3, "...") == 0 &&
			    strncmp(dst, full, ol - 3) == 0 &&
			    ol + 5 > sz;
	}
	T_CHECK(ok, "logesc %s: truncation for dstsz 4..%zu (failed at %zu)",
	    name, fl + 2, sz);
}

int
main(void)
{
	char	dst[128];
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		logesc(dst, sizeof(dst), rows[i].in, rows[i].len);
		T_CHECK(strcmp(dst, rows[i].want) == 0 && safe(dst),
		    "logesc %s", rows[i].name);
	}

	check_trunc("plain", "abcdefghijklmnop", 16);
	check_trunc("all escapes", "\n\n\n\n\n\n", 6);
	check_trunc("mixed", "a\nbc\"d\\e\xff" "fgh\x1bij", 14);

	T_CHECK(strcmp(logesc(dst, 4, "abc", 3), "abc") == 0,
	    "logesc dstsz 4 exact fit, no dots");
	T_CHECK(strcmp(logesc(dst, 4, "abcd", 4), "...") == 0,
	    "logesc dstsz 4 truncated is \"...\"");
	T_CHECK(strcmp(logesc(dst, 5, "\nab", 3), "...") == 0,
	    "logesc escape never cut in half");
	T_CHECK(strcmp(logesc(dst, 8, "\nab", 3), "\\x0aab") == 0,
	    "logesc escape fits with room");
	T_CHECK(strcmp(logesc(dst, 8, "\nabcd", 5), "\\x0a...") == 0,
	    "logesc escape then dots");
	T_CHECK(strcmp(logesc(dst, 6, "a\nbcd", 5), "a...") == 0,
	    "logesc escape dropped whole before dots");
	T_CHECK(logesc(dst, sizeof(dst), "x", 1) == dst, "logesc returns dst");
	T_CHECK(strcmp(logesc(dst, sizeof(dst), "ab\0cd", 2), "ab") == 0,
	    "logesc reads only n bytes");
	dst[0] = 'Q';
	logesc(dst, 0, "abc", 3);
	T_CHECK(dst[0] == 'Q', "logesc dstsz 0 writes nothing");
	logesc(dst, 1, "abc", 3);
	T_CHECK(dst[0] == '\0', "logesc dstsz 1 is an empty string");
	return t_done();
}
