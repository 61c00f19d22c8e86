/*
 * test_username: the one spelling of a username. ASCII case folding,
 * trimming of spaces only, the allowed characters and the first one, the
 * 64-byte limit after trimming; hostile rows: tabs and other whitespace,
 * every non-ASCII byte (UTF-8 letters, fullwidth and look-alike forms that
 * other normalisers fold to ASCII), NUL inside the given length, empty and
 * all-space input. Every row is passed as an exact-length heap copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "username.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct row {
	const char	*name;
	const char	*in;
	size_t		 len;
	const char	*want;	/* NULL: refused */
};

#define OK(n, s, w)	{ n, s, sizeof(s) - 1, w }
#define BAD(n, s)	{ n, s, sizeof(s) - 1, NULL }

#define C64	"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01"
#define C64U	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ01"

static const struct row rows[] = {
	/* folding and trimming */
	OK("lower case kept", "alice", "alice"),
	OK("upper case folded", "ALICE", "alice"),
	OK("mixed case folded", "AlIcE", "alice"),
	OK("e-mail form folded", "Alice.Smith+Tag@Example.COM",
	    "alice.smith+tag@example.com"),
	OK("leading spaces trimmed", "   bob", "bob"),
	OK("trailing spaces trimmed", "bob   ", "bob"),
	OK("both trimmed", "  Bob  ", "bob"),
	OK("one char", "a", "a"),
	OK("one digit", "7", "7"),
	OK("starts with a digit", "0day", "0day"),
	OK("every punctuation allowed after the first", "a._@+-",
	    "a._@+-"),
	OK("ends with punctuation", "alice.", "alice."),
	OK("64 chars", C64, C64),
	OK("64 upper-case chars folded", C64U, C64),
	OK("64 chars inside spaces", "   " C64 "   ", C64),

	/* first character */
	BAD("starts with '.'", ".alice"),
	BAD("starts with '_'", "_alice"),
	BAD("starts with '@'", "@alice"),
	BAD("starts with '+'", "+alice"),
	BAD("starts with '-'", "-alice"),
	BAD("'-' after trimming", "  -alice"),
	BAD("one punctuation char", "."),

	/* length */
	BAD("65 chars", C64 "x"),
	BAD("65 chars inside spaces", "  " C64 "x  "),
	BAD("empty", ""),
	BAD("one space", " "),
	BAD("all spaces", "        "),

	/* whitespace other than leading/trailing spaces */
	BAD("inner space", "alice smith"),
	BAD("leading tab", "\talice"),
	BAD("trailing tab", "alice\t"),
	BAD("trailing newline", "alice\n"),
	BAD("trailing CR LF", "alice\r\n"),
	BAD("vertical tab", "\valice"),
	BAD("form feed", "alice\f"),
	BAD("tab only", "\t"),

	/* other ASCII */
	BAD("'!'", "alice!"),
	BAD("'/'", "a/b"),
	BAD("'\\\\'", "a\\b"),
	BAD("':'", "a:b"),
	BAD("'%'", "a%40b"),
	BAD("quote", "a'b"),
	BAD("double quote", "a\"b"),
	BAD("'*'", "a*"),
	BAD("','", "a,b"),
	BAD("DEL", "alice\x7f"),
	BAD("control byte", "ali\x01" "ce"),
	BAD("ESC sequence", "\x1b[31malice"),

	/* NUL inside the given length */
	BAD("NUL inside", "ali\0ce"),
	BAD("NUL last", "alice\0"),
	BAD("NUL first", "\0alice"),
	BAD("NUL between spaces", " \0 "),

	/* every non-ASCII byte */
	BAD("UTF-8 e-acute", "caf\xc3\xa9"),
	BAD("UTF-8 E-acute (no folding beyond ASCII)", "CAF\xc3\x89"),
	BAD("fullwidth A", "\xef\xbc\xa1lice"),
	BAD("fullwidth alice", "\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83"
	    "\xef\xbd\x85"),
	BAD("Kelvin sign (folds to k elsewhere)", "\xe2\x84\xaa" "ate"),
	BAD("dotless i", "al\xc4\xb1" "ce"),
	BAD("dotted capital I", "AL\xc4\xb0" "CE"),
	BAD("Cyrillic a look-alike", "\xd0\xb0lice"),
	BAD("no-break space before", "\xc2\xa0" "alice"),
	BAD("zero-width space inside", "ali\xe2\x80\x8b" "ce"),
	BAD("overlong '.' encoding", "a\xc0\xae" "b"),
	BAD("Latin-1 e-acute byte", "caf\xe9"),
	BAD("byte 0x80", "\x80"),
	BAD("byte 0xff", "alice\xff"),
};

static void
check_rows(void)
{
	char	 out[USERNAME_MAX_BYTES + 8], *copy;
	size_t	 i;
	int	 rc;

	for (i = 0; i < NELEM(rows); i++) {
		if ((copy = malloc(rows[i].len ? rows[i].len : 1)) == NULL)
			continue;
		memcpy(copy, rows[i].in, rows[i].len);
		memset(out, 'Z', sizeof(out));
		rc = username_normalize(copy, rows[i].len, out);
		free(copy);
		if (rows[i].want == NULL) {
			T_CHECK(rc == -1, "username row %zu: %s -> refused", i,
			    rows[i].name);
			continue;
		}
		T_CHECK(rc == 0 && strcmp(out, rows[i].want) == 0 &&
		    out[USERNAME_MAX_BYTES + 1] == 'Z', "username row %zu: %s -> "
		    "\"%s\"", i, rows[i].name, rows[i].want);
		/* Normalising the result gives it back: one spelling. */
		{
			char	 again[USERNAME_MAX_BYTES + 1];

			T_CHECK(username_normalize(out, strlen(out), again) == 0 &&
			    strcmp(again, out) == 0, "username row %zu: "
			    "normalisation is idempotent", i);
		}
	}
}

/* Only len bytes count; the rest of the string is never read. */
static void
check_len(void)
{
	char	 out[USERNAME_MAX_BYTES + 1];

	T_CHECK(username_normalize("alice!!!", 5, out) == 0 &&
	    strcmp(out, "alice") == 0, "len 5 of \"alice!!!\" -> \"alice\"");
	T_CHECK(username_normalize("alice", 0, out) == -1, "len 0 -> refused");
	T_CHECK(username_normalize("  alice", 2, out) == -1, "len 2 of "
	    "\"  alice\" (spaces only) -> refused");
}

/* Every byte value as a one-byte name and as the second byte. */
static void
check_bytes(void)
{
	char	 in[2], out[USERNAME_MAX_BYTES + 1];
	int	 c, rc, bad1 = 0, bad2 = 0, ok;

	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		rc = username_normalize(in, 1, out);
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if ((c >= 'A' && c <= 'Z'))
			ok = rc == 0 && out[0] == c + 32;
		else if (ok)
			ok = rc == 0 && out[0] == c;
		else
			ok = rc == -1 || c == ' ';
		if (c == ' ')
			ok = rc == -1;
		if (!ok)
			bad1++;

		in[0] = 'a';
		in[1] = (char)c;
		rc = username_normalize(in, 2, out);
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '@' ||
		    c == '+' || c == '-' || c == ' ';
		if (ok != (rc == 0))
			bad2++;
	}
	T_CHECK(bad1 == 0, "every byte as the first: only [A-Za-z0-9] pass, "
	    "folded (%d wrong)", bad1);
	T_CHECK(bad2 == 0, "every byte as the second: only [A-Za-z0-9._@+-] "
	    "(and a trailing space) pass (%d wrong)", bad2);
}

int
main(void)
{
	check_rows();
	check_len();
	check_bytes();
	return t_done();
}
