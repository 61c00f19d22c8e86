/*
 * test_clen: CONTENT_LENGTH. Hostile rows first: signs, spaces, hex and
 * octal spellings, exponents, empty, over 20 characters (leading zeros
 * count), past ULLONG_MAX, past the caller's bound; then the boundaries.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "clen.h"
#include "logesc.h"
#include "t.h"

struct row {
	const char	*s;
	size_t		 max;
	enum clen_err	 want;
	size_t		 len;		/* on CLEN_OK */
};

#define MAX	16384

static const struct row rows[] = {
	{ NULL, MAX, CLEN_ABSENT, 0 },
	{ "", MAX, CLEN_ABSENT, 0 },
	{ " ", MAX, CLEN_MALFORMED, 0 },
	{ " 1", MAX, CLEN_MALFORMED, 0 },
	{ "1 ", MAX, CLEN_MALFORMED, 0 },
	{ "1\t", MAX, CLEN_MALFORMED, 0 },
	{ "1\n", MAX, CLEN_MALFORMED, 0 },
	{ "+1", MAX, CLEN_MALFORMED, 0 },
	{ "-1", MAX, CLEN_MALFORMED, 0 },	/* strtoull would wrap it */
	{ "-0", MAX, CLEN_MALFORMED, 0 },
	{ "0x10", MAX, CLEN_MALFORMED, 0 },
	{ "1e3", MAX, CLEN_MALFORMED, 0 },
	{ "1.0", MAX, CLEN_MALFORMED, 0 },
	{ "1,2", MAX, CLEN_MALFORMED, 0 },
	{ "12, 12", MAX, CLEN_MALFORMED, 0 },	/* a repeated header joined */
	{ "abc", MAX, CLEN_MALFORMED, 0 },
	{ "\xef\xbc\x91", MAX, CLEN_MALFORMED, 0 },	/* fullwidth 1 */
	{ "18446744073709551616", MAX, CLEN_MALFORMED, 0 },	/* 2^64 */
	{ "99999999999999999999", MAX, CLEN_MALFORMED, 0 },
	{ "000000000000000000001", MAX, CLEN_MALFORMED, 0 },	/* 21 chars */
	{ "100000000000000000000", MAX, CLEN_MALFORMED, 0 },
	{ "16385", MAX, CLEN_TOO_LARGE, 0 },
	{ "18446744073709551615", MAX, CLEN_TOO_LARGE, 0 },	/* 2^64 - 1 */
	{ "1", 0, CLEN_TOO_LARGE, 0 },
	{ "0", MAX, CLEN_OK, 0 },
	{ "0", 0, CLEN_OK, 0 },
	{ "16384", MAX, CLEN_OK, 16384 },
	{ "00000000000000016384", MAX, CLEN_OK, 16384 },	/* 20 chars */
	{ "010", MAX, CLEN_OK, 10 },		/* decimal, not octal */
	{ "42", MAX, CLEN_OK, 42 },
	{ "18446744073709551615", SIZE_MAX, CLEN_OK, SIZE_MAX },
};

int
main(void)
{
	const struct row	*r;
	enum clen_err		 e;
	char			 name[64];
	size_t			 i, len;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = &rows[i];
		if (r->s == NULL)
			snprintf(name, sizeof(name), "NULL");
		else
			logesc(name, sizeof(name), r->s, strlen(r->s));
		len = 12345;
		e = clen_parse(r->s, r->max, &len);
		T_CHECK(e == r->want && len == (e == CLEN_OK ? r->len : 0),
		    "clen \"%s\" max %zu -> %d (got %d, %zu)", name, r->max,
		    (int)r->want, (int)e, len);
	}
	return t_done();
}
