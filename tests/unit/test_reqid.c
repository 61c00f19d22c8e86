/*
 * test_reqid: which web-server ids are taken as they are, which are
 * replaced, and what a generated id looks like (32 lower-case hex digits,
 * distinct, the same sequence for the same seed only).
 */
#include <string.h>

#include "reqid.h"
#include "t.h"

struct row {
	const char	*name;
	const char	*param;	/* NULL: absent */
	int		 count;
	int		 taken;
};

#define S64	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._"

static const struct row rows[] = {
	{ "absent", NULL, 0, 0 },
	{ "empty", "", 1, 0 },
	{ "sent twice", "abc", 2, 0 },
	{ "count 0 (not sent)", "abc", 0, 0 },
	{ "space", "a b", 1, 0 },
	{ "newline (a forged line)", "a\nrequest_id=x", 1, 0 },
	{ "quote", "a\"b", 1, 0 },
	{ "slash", "a/b", 1, 0 },
	{ "colon", "a:b", 1, 0 },
	{ "semicolon", "a;b", 1, 0 },
	{ "at sign", "a@b", 1, 0 },
	{ "plus", "a+b", 1, 0 },
	{ "percent", "a%0a", 1, 0 },
	{ "non-ASCII", "caf\xc3\xa9", 1, 0 },
	{ "DEL", "a\x7f", 1, 0 },
	{ "65 bytes", S64 "x", 1, 0 },
	{ "nginx $request_id", "0f3a9c5e1b2d4f6a8c0e2b4d6f8a0c2e", 1, 1 },
	{ "Apache UNIQUE_ID", "Z1Gk7n8AAQEAAAbc-_xyzAAAAAE", 1, 1 },
	{ "one byte", "a", 1, 1 },
	{ "dots dashes underscores", "._-", 1, 1 },
	{ "64 bytes", S64, 1, 1 },
};

static int
hex32(const char *s)
{
	size_t	 i;

	if (strlen(s) != REQID_GEN_BYTES)
		return 0;
	for (i = 0; i < REQID_GEN_BYTES; i++)
		if (strchr("0123456789abcdef", s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

int
main(void)
{
	struct reqid_gen	 g, h;
	unsigned char		 seed[32];
	char			 out[REQID_BUF_BYTES], prev[REQID_BUF_BYTES];
	char			 many[64][REQID_BUF_BYTES];
	size_t			 i, j;
	int			 taken, ok;

	memset(seed, 7, sizeof(seed));
	reqid_seed(&g, seed);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(out, 'Q', sizeof(out));
		taken = reqid_pick(&g, rows[i].param, rows[i].count, out);
		if (rows[i].taken)
			T_CHECK(taken == 1 && strcmp(out, rows[i].param) == 0,
			    "reqid %s: taken as is", rows[i].name);
		else
			T_CHECK(taken == 0 && hex32(out),
			    "reqid %s: replaced by a generated id (%s)",
			    rows[i].name, out);
	}
	T_CHECK(reqid_valid("abc", 3) && !reqid_valid("abc", 0) &&
	    !reqid_valid(NULL, 1), "reqid_valid: length and NULL");
	T_CHECK(reqid_valid("ab\0cd", 2) && !reqid_valid("ab\0cd", 5),
	    "reqid_valid: only n bytes, a NUL among them refused");

	/* Generated: distinct; the same seed gives the same sequence (it is
	 * the CSPRNG seed that makes them unpredictable), another does not. */
	ok = 1;
	for (i = 0; i < 64; i++) {
		reqid_next(&g, many[i]);
		ok &= hex32(many[i]);
		for (j = 0; j < i; j++)
			ok &= strcmp(many[i], many[j]) != 0;
	}
	T_CHECK(ok, "reqid_next: 64 ids of 32 hex digits, all distinct");
	reqid_seed(&g, seed);
	reqid_seed(&h, seed);
	reqid_next(&g, out);
	reqid_next(&h, prev);
	T_CHECK(strcmp(out, prev) == 0, "reqid_next: same seed, same id");
	seed[31] ^= 1;
	reqid_seed(&h, seed);
	reqid_next(&h, prev);
	T_CHECK(strcmp(out, prev) != 0, "reqid_next: another seed, another id");
	memset(seed, 0, sizeof(seed));
	reqid_seed(&g, seed);
	reqid_next(&g, out);
	reqid_next(&g, prev);
	T_CHECK(hex32(out) && strcmp(out, prev) != 0 &&
	    strcmp(out, "00000000000000000000000000000000") != 0,
	    "reqid_seed: an all-zero seed still generates");
	return t_done();
}
