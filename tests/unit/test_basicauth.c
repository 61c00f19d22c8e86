/*
 * test_basicauth: HTTP Basic client credentials (RFC 6749 §2.3.1: client_id
 * and secret form-urlencoded, then base64). Hostile rows first: other
 * schemes, no space, empty, whitespace around the base64, bad and
 * non-canonical base64, no colon, NUL, control bytes raw and encoded,
 * invalid UTF-8, bad escapes, lengths at and over the bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basicauth.h"
#include "logesc.h"
#include "t.h"

struct row {
	const char	*h;
	int		 want;
	const char	*id;		/* on 1 */
	const char	*secret;
};

#define NO(h)		{ h, 0, NULL, NULL }
#define BAD(h)		{ h, -1, NULL, NULL }
#define OK(h, i, s)	{ h, 1, i, s }

static const struct row rows[] = {
	/* Not Basic: the caller looks elsewhere. */
	NO(""),
	NO("Bearer YTpi"),
	NO("Basic"),
	NO("Basi YTpi"),
	NO("Basic\tYTpi"),		/* the separator is a space */
	NO("BasicYTpi"),
	NO(" Basic YTpi"),
	NO("Digest username=\"a\""),
	/* Basic, malformed. */
	BAD("Basic "),
	BAD("Basic    "),
	BAD("Basic YTpi "),		/* trailing space */
	BAD("Basic YTpi\t"),
	BAD("Basic YT pi"),
	BAD("Basic YTpi\n"),
	BAD("Basic Y"),			/* one character is no byte */
	BAD("Basic YTp"),		/* non-canonical: low bits set */
	BAD("Basic YTpi=YTpi"),		/* '=' inside */
	BAD("Basic %59Tpi"),
	BAD("Basic YTpi.YTpi"),
	BAD("Basic ===="),
	BAD("Basic bm9jb2xvbg=="),	/* "nocolon" */
	BAD("Basic YQBiOmM="),		/* "a\0b:c" */
	BAD("Basic YSV6ejpi"),		/* "a%zz:b" */
	BAD("Basic YTpiJQ=="),		/* "a:b%" */
	BAD("Basic YTolMDA="),		/* "a:%00" */
	BAD("Basic YTpiJTBh"),		/* "a:b%0a" */
	BAD("Basic YToB"),		/* "a:" 0x01 */
	BAD("Basic YX86Yg=="),		/* "a" 0x7f ":b" */
	BAD("Basic YTpiCg=="),		/* "a:b\n" */
	BAD("Basic YTolRkY="),		/* "a:%FF" */
	BAD("Basic YTr/"),		/* "a:" 0xff */
	BAD("Basic YTr_"),		/* the same, url-safe */
	/* Accepted. */
	OK("Basic YTpi", "a", "b"),
	OK("basic YTpi", "a", "b"),
	OK("BASIC YTpi", "a", "b"),
	OK("Basic     YTpi", "a", "b"),
	OK("Basic YTpi====", "a", "b"),	/* trailing '=' are ignored */
	OK("Basic YWJjOng=", "abc", "x"),
	OK("Basic YWJjOng", "abc", "x"),	/* padding optional */
	OK("Basic aWQ6c2VjOnJldA==", "id", "sec:ret"),	/* first ':' splits */
	OK("Basic Og==", "", ""),
	OK("Basic YTo=", "a", ""),
	OK("Basic OmI=", "", "b"),
	OK("Basic YSUzQWI6Yw==", "a:b", "c"),		/* "a%3Ab:c" */
	OK("Basic YStiOmMlMkJk", "a b", "c+d"),		/* "a+b:c%2Bd" */
	OK("Basic YTpjYWYlQzMlQTk=", "a", "caf\xc3\xa9"),
	OK("Basic w6k6eA==", "\xc3\xa9", "x"),
	OK("Basic YTo/Pz4=", "a", "?\?>"),		/* standard alphabet */
	OK("Basic YTo_Pz4=", "a", "?\?>"),		/* url-safe alphabet */
	OK("Basic YTp+fn4=", "a", "~~~"),
	OK("Basic YTp-fn4=", "a", "~~~"),
	OK("Basic am1fdGVzdF9hYmM6czNjciUyRnQ=", "jm_test_abc", "s3cr/t"),
};

static void
check_row(const struct row *r)
{
	char	 id[BASICAUTH_MAX_BYTES + 1], sec[BASICAUTH_MAX_BYTES + 1];
	char	 h[128];
	int	 rc;

	logesc(h, sizeof(h), r->h, strlen(r->h));	/* a name on one line */
	memset(id, 'Z', sizeof(id));
	memset(sec, 'Z', sizeof(sec));
	rc = basicauth_parse(r->h, id, sizeof(id), sec, sizeof(sec));
	if (r->want != 1) {
		T_CHECK(rc == r->want, "basicauth \"%s\" -> %d (got %d)", h,
		    r->want, rc);
		if (r->want == 0)
			T_CHECK(id[0] == 'Z' && sec[0] == 'Z',
			    "basicauth \"%s\": outputs untouched", h);
		return;
	}
	T_CHECK(rc == 1 && strcmp(id, r->id) == 0 && strcmp(sec, r->secret) == 0,
	    "basicauth \"%s\" -> id and secret", h);
}

/* "Basic " and the base64 of n bytes "a:xxx...", padded or not. */
static char *
basic_of(size_t n, int pad)
{
	static const char	 al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				    "qrstuvwxyz0123456789+/";
	unsigned char		*raw;
	char			*h, *o;
	size_t			 i;
	unsigned		 v;

	if ((raw = malloc(n)) == NULL || (h = malloc(6 + n / 3 * 4 + 5)) ==
	    NULL)
		abort();
	memset(raw, 'x', n);
	raw[0] = 'a';
	raw[1] = ':';
	memcpy(h, "Basic ", 6);
	o = h + 6;
	for (i = 0; i + 3 <= n; i += 3) {
		v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
		*o++ = al[v >> 18];
		*o++ = al[v >> 12 & 63];
		*o++ = al[v >> 6 & 63];
		*o++ = al[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)raw[i] << 16;
		*o++ = al[v >> 18];
		*o++ = al[v >> 12 & 63];
		if (pad)
			*o++ = '=', *o++ = '=';
	} else if (n - i == 2) {
		v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8;
		*o++ = al[v >> 18];
		*o++ = al[v >> 12 & 63];
		*o++ = al[v >> 6 & 63];
		if (pad)
			*o++ = '=';
	}
	*o = '\0';
	free(raw);
	return h;
}

static void
check_limits(void)
{
	char	 id[BASICAUTH_MAX_BYTES + 1], sec[BASICAUTH_MAX_BYTES + 1];
	char	 small[4], *h;

	/* 511 decoded bytes fit, 512 do not (the buffer keeps a NUL). */
	h = basic_of(BASICAUTH_MAX_BYTES - 1, 0);
	T_CHECK(basicauth_parse(h, id, sizeof(id), sec, sizeof(sec)) == 1 &&
	    strlen(sec) == BASICAUTH_MAX_BYTES - 3, "basicauth 511 bytes");
	free(h);
	h = basic_of(BASICAUTH_MAX_BYTES, 0);
	T_CHECK(basicauth_parse(h, id, sizeof(id), sec, sizeof(sec)) == -1,
	    "basicauth 512 bytes refused");
	free(h);
	/* The bound on the encoded length counts padding: 511 bytes padded
	 * are 684 characters, over 512 * 4 / 3. */
	h = basic_of(BASICAUTH_MAX_BYTES - 1, 1);
	T_CHECK(basicauth_parse(h, id, sizeof(id), sec, sizeof(sec)) == -1,
	    "basicauth 511 bytes padded refused");
	free(h);
	h = basic_of(BASICAUTH_MAX_BYTES - 2, 1);
	T_CHECK(basicauth_parse(h, id, sizeof(id), sec, sizeof(sec)) == 1,
	    "basicauth 510 bytes padded");
	free(h);

	/* The caller's buffers bound each part. */
	T_CHECK(basicauth_parse("Basic YWJjOng=", small, sizeof(small), sec,
	    sizeof(sec)) == 1 && strcmp(small, "abc") == 0,
	    "basicauth id of 3 in 4 bytes");
	T_CHECK(basicauth_parse("Basic YWJjZDp4", small, sizeof(small), sec,
	    sizeof(sec)) == -1, "basicauth id of 4 in 4 bytes refused");
	T_CHECK(basicauth_parse("Basic YWJjOng=", id, sizeof(id), small, 1) ==
	    -1, "basicauth secret of 1 in 1 byte refused");
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
	check_limits();
	return t_done();
}
