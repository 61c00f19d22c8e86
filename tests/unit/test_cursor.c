/*
 * test_cursor: next_cursor round trips, and anything else is refused;
 * ?limit= bounds; ETags and If-Match; durations.
 */
#include <string.h>

#include "b64url.h"
#include "cursor.h"
#include "duration.h"
#include "etag.h"
#include "t.h"

static int
decodes_raw(const char *raw)
{
	char		 enc[CURSOR_MAX_BYTES * 2];
	struct cursor	 c;

	if (b64url_encode(enc, sizeof(enc), (const unsigned char *)raw,
	    strlen(raw)) < 0)
		return 0;
	return cursor_decode(&c, enc, strlen(enc)) == 0;
}

int
main(void)
{
	static const char *const bad_raw[] = { "c2.1.abc", "c1..abc",
	    "c1.1.", "c1.-1.abc", "c1.1a.abc", "c1.1.ab c", "c1.1.ab/c",
	    "c1.1234567890123456789.abc", "c1.1.ab\nc", "c1.1", "c1.0123.abc",
	    "c1.00.abc",
	    "c1.1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "" };
	static const char *const bad_enc[] = { "", "!!!!", "YQ=", "a",
	    "Yz.xLjE", "YzEuMS5hYmM\n" };
	static const struct { const char *s; int want; } limits[] = {
	    { NULL, 50 }, { "1", 1 }, { "500", 500 }, { "0", -1 },
	    { "501", -1 }, { "-1", -1 }, { "", -1 }, { "1e2", -1 },
	    { "00050", -1 }, { "0050", 50 }, { " 5", -1 }, { "5 ", -1 } };
	static const struct { const char *h; int want; long long v; } im[] = {
	    { "\"v3\"", 1, 3 }, { "*", 0, 0 }, { " * ", 0, 0 },
	    { "W/\"v3\"", 1, -1 }, { " \"v12\" ", 1, 12 },
	    { "\"v1\", \"v3\"", -1, -1 }, { "v3", -1, -1 },
	    { "\"v3", -1, -1 }, { "\"v3\" x", -1, -1 }, { "\"v3\",", -1, -1 },
	    { "", -1, -1 }, { "*, \"v3\"", -1, -1 }, { "\"v 3\"", -1, -1 },
	    { "\"abc\"", 1, -1 }, { "\"v0\"", 1, -1 }, { "\"v03\"", 1, -1 },
	    { "\"v\"", 1, -1 }, { "\"v3x\"", 1, -1 },
	    { "\"v1234567890123456789\"", 1, -1 },
	    { "\"v123456789012345678\"", 1, 123456789012345678LL } };
	static const struct { const char *s; long long want; } dur[] = {
	    { "0", 0 }, { "30s", 30 }, { "30m", 1800 }, { "24h", 86400 },
	    { "7d", 604800 }, { "3660d", 3660LL * 86400 }, { "3661d", -1 },
	    { "", -1 }, { "s", -1 }, { "1", -1 }, { "1y", -1 }, { "-1h", -1 },
	    { "1.5h", -1 }, { "00s", 0 }, { "999999999d", -1 },
	    { "9999999999d", -1 }, { "1h ", -1 }, { " 1h", -1 } };
	struct cursor	 c, d;
	char		 out[CURSOR_MAX_BYTES + 1], tag[ETAG_BYTES];
	size_t		 i;

	/* round trips */
	c.usec = 1700000000123456LL;
	strcpy(c.id, "abcdefghijklmnop");
	T_CHECK(cursor_encode(out, sizeof(out), &c) == 0 &&
	    cursor_decode(&d, out, strlen(out)) == 0 && d.usec == c.usec &&
	    strcmp(d.id, c.id) == 0, "round trip of a key's position");
	c.usec = 0;
	strcpy(c.id, "usr_abc-DEF_9");
	T_CHECK(cursor_encode(out, sizeof(out), &c) == 0 &&
	    cursor_decode(&d, out, strlen(out)) == 0 && d.usec == 0 &&
	    strcmp(d.id, c.id) == 0, "round trip of another id");
	memset(c.id, 'a', CURSOR_MAX_ID_BYTES);
	c.id[CURSOR_MAX_ID_BYTES] = '\0';
	c.usec = 999999999999999999LL;
	T_CHECK(cursor_encode(out, sizeof(out), &c) == 0 &&
	    strlen(out) <= CURSOR_MAX_BYTES &&
	    cursor_decode(&d, out, strlen(out)) == 0, "the largest cursor");
	c.usec = -1;
	T_CHECK(cursor_encode(out, sizeof(out), &c) == -1, "negative time");
	c.usec = 1;
	strcpy(c.id, "a b");
	T_CHECK(cursor_encode(out, sizeof(out), &c) == -1, "bad id");

	for (i = 0; i < sizeof(bad_raw) / sizeof(bad_raw[0]); i++)
		T_CHECK(!decodes_raw(bad_raw[i]), "refused: %s", bad_raw[i]);
	T_CHECK(decodes_raw("c1.123.abc"), "control: c1.123.abc decodes");
	for (i = 0; i < sizeof(bad_enc) / sizeof(bad_enc[0]); i++)
		T_CHECK(cursor_decode(&d, bad_enc[i], strlen(bad_enc[i])) == -1,
		    "refused encoding %zu", i);

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		T_CHECK(cursor_limit(limits[i].s, 50, 500) == limits[i].want,
		    "limit %s", limits[i].s ? limits[i].s : "(absent)");

	etag_format(tag, sizeof(tag), 42);
	T_CHECK(strcmp(tag, "\"v42\"") == 0, "ETag of version 42");
	for (i = 0; i < sizeof(im) / sizeof(im[0]); i++) {
		long long v;

		T_CHECK(etag_if_match(im[i].h, &v) == im[i].want &&
		    v == im[i].v, "If-Match %s: %d, version %lld", im[i].h,
		    im[i].want, im[i].v);
	}

	for (i = 0; i < sizeof(dur) / sizeof(dur[0]); i++)
		T_CHECK(duration_parse(dur[i].s, strlen(dur[i].s)) ==
		    dur[i].want, "duration %s", dur[i].s);
	return t_done();
}
