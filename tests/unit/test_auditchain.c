/*
 * test_auditchain: the canonical encoding and hash against vectors computed
 * by Python's hashlib (auditchain_vectors.py → auditchain_vectors.h), the
 * walk over chains damaged in every way it must name, and the time values
 * of list and export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditchain.h"
#include "t.h"

#include "auditchain_vectors.h"

#define NVEC	(sizeof(vectors) / sizeof(vectors[0]))
#define CHAIN	12

static void
vector_row(const struct vector *v, struct auditchain_row *r, char *big)
{
	int	 i;

	memset(r, 0, sizeof(*r));
	r->seq = v->seq;
	r->at_us = v->at_us;
	for (i = 0; i < AUDITCHAIN__NFIELDS; i++) {
		r->f[i] = v->f[i] != NULL ? v->f[i] : big;
		r->len[i] = v->len[i];
	}
}

static void
test_vectors(void)
{
	struct auditchain_row	 r;
	unsigned char		 h[AUDITCHAIN_HASH_BYTES], enc[256];
	char			 hex[AUDITCHAIN_HEX_BYTES], ehex[2 * sizeof(enc) + 1];
	char			*big;
	long long		 n;
	size_t			 i, k;

	if ((big = malloc(70000)) == NULL)
		abort();
	memset(big, 'x', 70000);
	for (i = 0; i < NVEC; i++) {
		vector_row(&vectors[i], &r, big);
		T_CHECK(auditchain_hash(h, vectors[i].prev, &r) == 0,
		    "vector %zu: hashes", i);
		auditchain_hex(hex, h);
		T_CHECK(strcmp(hex, vectors[i].hash) == 0,
		    "vector %zu: hash %s (want %s)", i, hex, vectors[i].hash);
		n = auditchain_encode(NULL, 0, vectors[i].prev, &r);
		T_CHECK(n == (long long)vectors[i].enclen,
		    "vector %zu: encoding length %lld (want %zu)", i, n,
		    vectors[i].enclen);
	}
	/* The bytes themselves, and a buffer too short holds a prefix. */
	vector_row(&vectors[0], &r, big);
	n = auditchain_encode(enc, sizeof(enc), vectors[0].prev, &r);
	for (k = 0; n > 0 && k < (size_t)n && k < sizeof(enc); k++)
		snprintf(ehex + 2 * k, 3, "%02x", enc[k]);
	T_CHECK(n > 0 && (size_t)n <= sizeof(enc) &&
	    strcmp(ehex, vector0_encoding) == 0, "vector 0: encoding bytes");
	memset(enc, 0xee, sizeof(enc));
	T_CHECK(auditchain_encode(enc, 10, vectors[0].prev, &r) == n &&
	    enc[10] == 0xee && memcmp(enc, "\0\0\0\x10jwtmin", 10) == 0,
	    "short buffer: prefix only, full length returned");
	/* Split differently between two fields: another hash. */
	T_CHECK(strcmp(vectors[NVEC - 1].hash, vectors[NVEC - 2].hash) != 0,
	    "\"ab\",\"c\" and \"a\",\"bc\" hash apart");
	/* NULL fields are empty strings. */
	vector_row(&vectors[1], &r, big);
	for (k = 0; k < AUDITCHAIN__NFIELDS; k++)
		r.f[k] = NULL;
	auditchain_hash(h, vectors[1].prev, &r);
	auditchain_hex(hex, h);
	T_CHECK(strcmp(hex, vectors[1].hash) == 0, "NULL fields hash as empty");
	free(big);
}

/* A chain of CHAIN rows of one organization, hashed in order. */
struct chain {
	struct auditchain_row	 r[CHAIN];
	char			 detail[CHAIN][32];
	unsigned char		 head[AUDITCHAIN_HASH_BYTES];
};

static void
build(struct chain *c)
{
	unsigned char	 prev[AUDITCHAIN_HASH_BYTES] = { 0 };
	int		 i, k;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < CHAIN; i++) {
		struct auditchain_row *r = &c->r[i];

		snprintf(c->detail[i], sizeof(c->detail[i]), "change %d", i);
		r->id = 100 + i;
		r->seq = i + 1;
		r->at_us = 1714564800000000LL + i;
		for (k = 0; k < AUDITCHAIN__NFIELDS; k++) {
			r->f[k] = k == AUDITCHAIN_DETAIL ? c->detail[i] :
			    k == AUDITCHAIN_ORG ? "org_x" : "v";
			r->len[k] = strlen(r->f[k]);
		}
		r->has_hashes = 1;
		memcpy(r->prev, prev, sizeof(prev));
		if (auditchain_hash(r->hash, prev, r) == -1)
			abort();
		memcpy(prev, r->hash, sizeof(prev));
	}
	memcpy(c->head, prev, sizeof(prev));
}

/* Walk rows (indexes into c, -1 ends) with a database head and a given
 * head (NULL: none). */
static enum auditchain_verdict
walk(struct chain *c, const int *order, long long head_seq,
    const unsigned char *head_hash, const unsigned char *given,
    struct auditchain_walk *w)
{
	int	 i;

	auditchain_walk_init(w, given);
	for (i = 0; order[i] >= 0; i++)
		if (auditchain_walk_row(w, &c->r[order[i]]) == 1)
			break;
	return auditchain_walk_end(w, head_seq, head_hash);
}

static void
test_walk(void)
{
	static const int	 all[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1 };
	static const int	 gap[] = { 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, -1 };
	static const int	 gap2[] = { 0, 1, 2, 6, 7, 8, 9, 10, 11, -1 };
	static const int	 nofirst[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1 };
	static const int	 cut[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1 };
	static const int	 dup[] = { 0, 1, 2, 2, 3, -1 };
	static const int	 none[] = { -1 };
	struct auditchain_walk	 w;
	struct chain		 c;
	unsigned char		 zero[AUDITCHAIN_HASH_BYTES] = { 0 }, h5[32];
	long long		 t;

	build(&c);
	T_CHECK(walk(&c, all, CHAIN, c.head, NULL, &w) == AUDITCHAIN_OK &&
	    w.rows == CHAIN && w.last_seq == CHAIN &&
	    memcmp(w.last, c.head, 32) == 0, "intact chain: ok, head at %d",
	    CHAIN);
	T_CHECK(walk(&c, all, -1, NULL, NULL, &w) == AUDITCHAIN_OK,
	    "intact chain without a head row: ok");
	T_CHECK(walk(&c, all, CHAIN, c.head, c.head, &w) == AUDITCHAIN_OK,
	    "--head of the last row: ok");
	memcpy(h5, c.r[4].hash, 32);
	T_CHECK(walk(&c, all, CHAIN, c.head, h5, &w) == AUDITCHAIN_OK &&
	    w.head_seq == 5, "--head of an earlier row: ok (rows since)");

	/* Changed: the detail of seq 4. */
	c.detail[3][0] = 'C';
	T_CHECK(walk(&c, all, CHAIN, c.head, NULL, &w) == AUDITCHAIN_CHANGED &&
	    w.bad_seq == 4 && w.bad_id == 103, "detail changed: seq 4 named "
	    "(%lld, id %lld: %s)", w.bad_seq, w.bad_id, w.why);
	build(&c);
	c.r[6].at_us++;
	T_CHECK(walk(&c, all, CHAIN, c.head, NULL, &w) == AUDITCHAIN_CHANGED &&
	    w.bad_seq == 7, "time changed by 1 us: seq 7 named");
	build(&c);
	c.r[0].f[AUDITCHAIN_OUTCOME] = "w";
	T_CHECK(walk(&c, all, CHAIN, c.head, NULL, &w) == AUDITCHAIN_CHANGED &&
	    w.bad_seq == 1, "outcome of the first row changed: seq 1 named");
	build(&c);
	c.r[8].hash[31] ^= 1;
	T_CHECK(walk(&c, all, CHAIN, c.head, NULL, &w) == AUDITCHAIN_CHANGED &&
	    w.bad_seq == 9, "stored hash changed: seq 9 named");
	build(&c);
	c.r[8].has_hashes = 0;
	T_CHECK(walk(&c, all, CHAIN, c.head, NULL, &w) == AUDITCHAIN_CHANGED &&
	    w.bad_seq == 9, "hash missing: seq 9 named");

	/* Changed and re-hashed: found at the next row's link, named. */
	build(&c);
	c.detail[2][0] = 'C';
	auditchain_hash(c.r[2].hash, c.r[2].prev, &c.r[2]);
	T_CHECK(walk(&c, all, CHAIN, c.head, NULL, &w) == AUDITCHAIN_CHANGED &&
	    w.bad_seq == 3 && w.bad_id == 102, "rewritten and re-hashed: seq 3 "
	    "named (%lld: %s)", w.bad_seq, w.why);
	/* The first row chained to something other than the start. */
	build(&c);
	c.r[0].prev[0] = 1;
	auditchain_hash(c.r[0].hash, c.r[0].prev, &c.r[0]);
	T_CHECK(walk(&c, all, -1, NULL, NULL, &w) == AUDITCHAIN_CHANGED &&
	    w.bad_seq == 1, "first row not chained to zeros: seq 1 named");

	/* Removed: a gap names the first missing seq and no row. */
	build(&c);
	T_CHECK(walk(&c, gap, CHAIN, c.head, NULL, &w) == AUDITCHAIN_REMOVED &&
	    w.bad_seq == 5 && w.bad_id == 0, "seq 5 deleted: the gap named "
	    "(%lld: %s)", w.bad_seq, w.why);
	T_CHECK(walk(&c, gap2, CHAIN, c.head, NULL, &w) == AUDITCHAIN_REMOVED &&
	    w.bad_seq == 4 && strstr(w.why, "and up") != NULL,
	    "seq 4-6 deleted: the first named (%s)", w.why);
	T_CHECK(walk(&c, nofirst, CHAIN, c.head, NULL, &w) ==
	    AUDITCHAIN_REMOVED && w.bad_seq == 1, "first row deleted: seq 1");

	/* Reordered: seq values swapped; a duplicate. */
	build(&c);
	t = c.r[5].seq;
	c.r[5].seq = c.r[6].seq;
	c.r[6].seq = t;
	{
		static const int swapped[] = { 0, 1, 2, 3, 4, 6, 5, 7, 8, 9,
		    10, 11, -1 };

		T_CHECK(walk(&c, swapped, CHAIN, c.head, NULL, &w) ==
		    AUDITCHAIN_REORDERED && w.bad_seq == 6 && w.bad_id == 106,
		    "seq 6 and 7 swapped: the row now at 6 named (id %lld: %s)",
		    w.bad_id, w.why);
	}
	build(&c);
	T_CHECK(walk(&c, dup, -1, NULL, NULL, &w) == AUDITCHAIN_REORDERED &&
	    w.bad_seq == 3, "seq 3 twice: reordered");

	/* Cut from the end: the head row names it; with the head row
	 * rolled back as well, only a head kept elsewhere does. */
	build(&c);
	T_CHECK(walk(&c, cut, CHAIN, c.head, NULL, &w) == AUDITCHAIN_TRUNCATED &&
	    w.bad_seq == CHAIN && w.bad_id == 0, "last row deleted: truncated "
	    "at %lld (%s)", w.bad_seq, w.why);
	T_CHECK(walk(&c, cut, CHAIN - 1, c.r[CHAIN - 2].hash, NULL, &w) ==
	    AUDITCHAIN_OK, "last row deleted, head row rolled back: ok alone");
	T_CHECK(walk(&c, cut, CHAIN - 1, c.r[CHAIN - 2].hash, c.head, &w) ==
	    AUDITCHAIN_TRUNCATED && w.bad_seq == CHAIN,
	    "... but not with --head of the deleted row (%s)", w.why);
	T_CHECK(walk(&c, all, CHAIN, c.r[CHAIN - 2].hash, NULL, &w) ==
	    AUDITCHAIN_CHANGED, "head row hash differs from the last row");
	T_CHECK(walk(&c, cut, CHAIN - 2, c.r[CHAIN - 3].hash, NULL, &w) ==
	    AUDITCHAIN_CHANGED, "rows beyond the head row");
	c.r[CHAIN - 1].hash[0] ^= 1;
	T_CHECK(walk(&c, cut, CHAIN - 1, c.r[CHAIN - 2].hash, c.r[CHAIN - 1].hash,
	    &w) == AUDITCHAIN_TRUNCATED, "an unknown --head: truncated");

	/* Empty chains. */
	T_CHECK(walk(&c, none, -1, NULL, NULL, &w) == AUDITCHAIN_OK &&
	    w.last_seq == 0, "no rows, no head row: ok");
	T_CHECK(walk(&c, none, 0, zero, zero, &w) == AUDITCHAIN_OK,
	    "no rows, --head zeros: ok");
	T_CHECK(walk(&c, none, 3, c.head, NULL, &w) == AUDITCHAIN_TRUNCATED &&
	    w.bad_seq == 1, "no rows but a head row at 3: truncated");
	T_CHECK(walk(&c, none, -1, NULL, c.head, &w) == AUDITCHAIN_TRUNCATED,
	    "no rows but a --head: truncated");

	/* A walk that stopped stays stopped. */
	build(&c);
	auditchain_walk_init(&w, NULL);
	c.detail[0][0] = 'C';
	T_CHECK(auditchain_walk_row(&w, &c.r[0]) == 1 &&
	    auditchain_walk_row(&w, &c.r[1]) == 1 && w.bad_seq == 1,
	    "after a verdict every row stops");
	T_CHECK(strcmp(auditchain_verdict_name(AUDITCHAIN_REMOVED),
	    "removed") == 0 && strcmp(auditchain_verdict_name(
	    (enum auditchain_verdict)99), "failed") == 0, "verdict names");
}

static void
test_hex(void)
{
	unsigned char	 h[32], g[32];
	char		 hex[AUDITCHAIN_HEX_BYTES], up[AUDITCHAIN_HEX_BYTES];
	size_t		 i;

	for (i = 0; i < 32; i++)
		h[i] = (unsigned char)(i * 37 + 5);
	auditchain_hex(hex, h);
	for (i = 0; i < 64; i++)
		up[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	up[64] = '\0';
	T_CHECK(auditchain_unhex(g, hex, 64) == 0 && memcmp(g, h, 32) == 0,
	    "hex round trip");
	T_CHECK(auditchain_unhex(g, up, 64) == 0 && memcmp(g, h, 32) == 0,
	    "upper-case hex");
	T_CHECK(auditchain_unhex(g, hex, 63) == -1, "63 digits refused");
	up[10] = 'g';
	T_CHECK(auditchain_unhex(g, up, 64) == -1, "a non-digit refused");
	up[10] = '\0';
	T_CHECK(auditchain_unhex(g, up, 64) == -1, "a NUL refused");
}

static void
test_time(void)
{
	static const struct {
		const char	*in;
		long long	 us;	/* -1: refused */
	} rows[] = {
		{ "2024-05-01T12:00:00Z", 1714564800000000LL },
		{ "2024-05-01t12:00:00z", 1714564800000000LL },
		{ "2024-05-01 12:00:00Z", 1714564800000000LL },
		{ "2024-05-01T12:00:00.5Z", 1714564800500000LL },
		{ "2024-05-01T12:00:00.123456789Z", 1714564800123456LL },
		{ "2024-05-01T14:00:00+02:00", 1714564800000000LL },
		{ "2024-05-01T10:30:00-01:30", 1714564800000000LL },
		{ "2024-05-01", 1714521600000000LL },
		{ "1714564800", 1714564800000000LL },
		{ "0", 0 },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2000-02-29", 951782400000000LL },
		{ "9999-12-31T23:59:59.999999Z", 253402300799999999LL },
		{ "253402300799", 253402300799000000LL },
		/* hostile */
		{ "", -1 },
		{ "253402300800", -1 },
		{ "9999999999999", -1 },
		{ "-1", -1 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "1970-01-01T00:30:00+01:00", -1 },
		{ "2023-02-29", -1 },
		{ "1900-02-29", -1 },
		{ "2024-13-01", -1 },
		{ "2024-04-31", -1 },
		{ "2024-00-10", -1 },
		{ "2024-05-01T24:00:00Z", -1 },
		{ "2024-05-01T12:60:00Z", -1 },
		{ "2024-05-01T12:00:60Z", -1 },
		{ "2024-05-01T12:00:00", -1 },
		{ "2024-05-01T12:00Z", -1 },
		{ "2024-05-01T12:00:00.Z", -1 },
		{ "2024-05-01T12:00:00.1234567890Z", -1 },
		{ "2024-05-01T12:00:00+0200", -1 },
		{ "2024-05-01T12:00:00+24:00", -1 },
		{ "2024-05-01T12:00:00Z ", -1 },
		{ "2024-05-01X12:00:00Z", -1 },
		{ "2024/05/01", -1 },
		{ "2024-5-1", -1 },
		{ "+2024-05-01", -1 },
		{ "2024-05-01T12:00:00ZZ", -1 },
		{ "2024-05-01T1a:00:00Z", -1 },
		{ "12 34", -1 },
	};
	char		 out[AUDITCHAIN_TIME_BYTES];
	long long	 us;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = auditchain_time_parse(rows[i].in, strlen(rows[i].in), &us);
		if (rows[i].us < 0)
			T_CHECK(rc == -1, "time \"%s\" refused", rows[i].in);
		else
			T_CHECK(rc == 0 && us == rows[i].us, "time \"%s\" = %lld "
			    "(got %d, %lld)", rows[i].in, rows[i].us, rc, us);
	}
	T_CHECK(auditchain_time_parse("2024-05-01\0junk", 15, &us) == -1,
	    "a NUL inside refused");
	T_CHECK(auditchain_time_format(out, 1714564800123456LL) == 0 &&
	    strcmp(out, "2024-05-01T12:00:00.123456Z") == 0, "format: %s", out);
	T_CHECK(auditchain_time_format(out, 0) == 0 &&
	    strcmp(out, "1970-01-01T00:00:00.000000Z") == 0, "format 0: %s", out);
	T_CHECK(auditchain_time_format(out, 253402300799999999LL) == 0 &&
	    strcmp(out, "9999-12-31T23:59:59.999999Z") == 0, "format max: %s",
	    out);
	T_CHECK(auditchain_time_format(out, -1) == -1 &&
	    auditchain_time_format(out, 253402300800000000LL) == -1,
	    "format out of range refused");
	/* Round trip every few months over the range. */
	for (us = 0, rc = 0; us < 253402300799000000LL; us += 86400000000LL * 97 + 1234567) {
		long long back;

		auditchain_time_format(out, us);
		if (auditchain_time_parse(out, strlen(out), &back) == -1 ||
		    back != us)
			rc = -1;
	}
	T_CHECK(rc == 0, "parse(format(t)) == t over 1970-9999");
}

int
main(void)
{
	test_vectors();
	test_walk();
	test_hex();
	test_time();
	return t_done();
}
