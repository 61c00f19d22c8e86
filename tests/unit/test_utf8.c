/*
 * test_utf8: utf8_valid against RFC 3629 §4 boundaries, hostile rows first;
 * utf8_text: no control character, no direction control.
 */
#include <stddef.h>

#include "t.h"
#include "utf8.h"

struct row {
	const char	*name;
	const char	*s;
	size_t		 n;
	int		 want;
};

#define R(name, lit, want)	{ name, lit, sizeof(lit) - 1, want }

static const struct row rows[] = {
	/* Hostile. */
	R("NUL alone", "\x00", 0),
	R("NUL inside", "a\x00" "b", 0),
	R("overlong NUL C0 80", "\xc0\x80", 0),
	R("overlong C1 BF", "\xc1\xbf", 0),
	R("overlong 3-byte E0 80 80", "\xe0\x80\x80", 0),
	R("overlong 3-byte E0 9F BF", "\xe0\x9f\xbf", 0),
	R("overlong 4-byte F0 80 80 80", "\xf0\x80\x80\x80", 0),
	R("overlong 4-byte F0 8F BF BF", "\xf0\x8f\xbf\xbf", 0),
	R("surrogate ED A0 80 (U+D800)", "\xed\xa0\x80", 0),
	R("surrogate ED BF BF (U+DFFF)", "\xed\xbf\xbf", 0),
	R("surrogate pair CESU-8", "\xed\xa0\xbd\xed\xb8\x80", 0),
	R("above U+10FFFF F4 90 80 80", "\xf4\x90\x80\x80", 0),
	R("F5 lead", "\xf5\x80\x80\x80", 0),
	R("F8 five-byte lead", "\xf8\x88\x80\x80\x80", 0),
	R("FE", "\xfe", 0),
	R("FF", "\xff", 0),
	R("lone continuation 80", "\x80", 0),
	R("lone continuation BF", "a\xbf", 0),
	R("truncated 2-byte", "\xc3", 0),
	R("truncated 3-byte (1 of 2)", "\xe2\x82", 0),
	R("truncated 3-byte (0 of 2)", "\xe2", 0),
	R("truncated 4-byte", "\xf0\x9f\x98", 0),
	R("truncated then ASCII", "\xe2\x82" "a", 0),
	R("bad tail 2-byte", "\xc3\x28", 0),
	R("bad second tail 3-byte", "\xe2\x82\x28", 0),
	R("bad third tail 4-byte", "\xf0\x9f\x98\x28", 0),
	R("tail C0 in 2-byte", "\xc3\xc0", 0),
	R("valid then bad", "ok \xc3\xa9 \xc0\xaf", 0),
	/* Valid. */
	{ "empty", "", 0, 1 },
	R("ASCII", "client_credentials", 1),
	R("DEL and controls other than NUL", "\x01\x1f\x7f", 1),
	R("U+0080 C2 80", "\xc2\x80", 1),
	R("U+07FF DF BF", "\xdf\xbf", 1),
	R("U+0800 E0 A0 80", "\xe0\xa0\x80", 1),
	R("U+D7FF ED 9F BF", "\xed\x9f\xbf", 1),
	R("U+E000 EE 80 80", "\xee\x80\x80", 1),
	R("U+FFFD", "\xef\xbf\xbd", 1),
	R("U+FFFF", "\xef\xbf\xbf", 1),
	R("U+10000 F0 90 80 80", "\xf0\x90\x80\x80", 1),
	R("U+10FFFF F4 8F BF BF", "\xf4\x8f\xbf\xbf", 1),
	R("mixed", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 1),
};

/* utf8_text: characters, or -1. */
static const struct {
	const char	*name;
	const char	*s;
	size_t		 n;
	long		 want;
} texts[] = {
#define X(name, lit, want)	{ name, lit, sizeof(lit) - 1, want }
	X("plain", "Acme Portal", 11),
	X("accents and emoji", "caf\xc3\xa9 \xf0\x9f\x98\x80", 6),
	X("Arabic letters", "\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a", 4),
	X("empty", "", 0),
	X("tab", "a\tb", -1),
	X("newline", "a\nb", -1),
	X("ESC", "a\x1b[31m", -1),
	X("DEL", "a\x7f", -1),
	X("C1 U+0085", "a\xc2\x85", -1),
	X("C1 U+009F", "\xc2\x9f", -1),
	X("U+00A0 is text", "a\xc2\xa0" "b", 3),
	X("ALM U+061C", "\xd8\x9c", -1),
	X("LRM U+200E", "a\xe2\x80\x8e", -1),
	X("RLM U+200F", "\xe2\x80\x8f", -1),
	X("LRE U+202A", "\xe2\x80\xaa", -1),
	X("RLO U+202E", "Acme \xe2\x80\xaeLAYPAP", -1),
	X("U+202F is text", "\xe2\x80\xaf", 1),
	X("LRI U+2066", "\xe2\x81\xa6", -1),
	X("PDI U+2069", "\xe2\x81\xa9", -1),
	X("U+206A is text", "\xe2\x81\xaa", 1),
	X("invalid UTF-8", "\xc3", -1),
	X("NUL", "a\x00", -1),
#undef X
};

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_CHECK(utf8_valid((const unsigned char *)rows[i].s,
		    rows[i].n) == rows[i].want, "utf8 %s", rows[i].name);

	/* The length bounds the read: a valid prefix of an invalid buffer. */
	T_CHECK(utf8_valid((const unsigned char *)"ab\xc3\xa9\xff", 4) == 1,
	    "utf8 length excludes trailing FF");
	T_CHECK(utf8_valid((const unsigned char *)"\xc3\xa9", 1) == 0,
	    "utf8 length cuts a sequence");
	T_CHECK(utf8_valid(NULL, 0) == 1, "utf8 NULL with length 0");
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		T_CHECK(utf8_text((const unsigned char *)texts[i].s,
		    texts[i].n) == texts[i].want, "utf8_text %s", texts[i].name);
	return t_done();
}
