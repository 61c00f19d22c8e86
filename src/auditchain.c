/*
 * auditchain: see auditchain.h. One function writes the encoding (emit);
 * the bytes go either to a buffer or into SHA-256, so that what is hashed
 * is always what auditchain_encode shows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "auditchain.h"

static const unsigned char zeros[AUDITCHAIN_HASH_BYTES];

/* Where the encoding goes: buf (counting what does not fit) or md. */
struct sink {
	unsigned char		*buf;
	size_t			 bufsz;
	unsigned long long	 n;
	EVP_MD_CTX		*md;
	int			 err;
};

static void
put(struct sink *k, const void *p, size_t n)
{
	if (k->md != NULL) {
		if (n > 0 && EVP_DigestUpdate(k->md, p, n) != 1)
			k->err = 1;
	} else if (k->n < k->bufsz) {
		memcpy(k->buf + k->n, p, k->bufsz - k->n < n ?
		    (size_t)(k->bufsz - k->n) : n);
	}
	k->n += n;
}

static void
put_u32(struct sink *k, uint32_t v)
{
	unsigned char	 b[4];

	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
	put(k, b, sizeof(b));
}

/* Two's complement, as PostgreSQL's int8send. */
static void
put_i64(struct sink *k, long long v)
{
	uint64_t	 u = (uint64_t)v;
	unsigned char	 b[8];
	int		 i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)u;
		u >>= 8;
	}
	put(k, b, sizeof(b));
}

static int
put_str(struct sink *k, const char *s, size_t n)
{
	if (n > UINT32_MAX)
		return -1;
	put_u32(k, (uint32_t)n);
	put(k, s, n);
	return 0;
}

static int
emit(struct sink *k, const unsigned char prev[AUDITCHAIN_HASH_BYTES],
    const struct auditchain_row *r, long long seq)
{
	int	 i;

	if (put_str(k, AUDITCHAIN_DOMAIN, sizeof(AUDITCHAIN_DOMAIN) - 1) == -1)
		return -1;
	put(k, prev, AUDITCHAIN_HASH_BYTES);
	put_i64(k, seq);
	put_i64(k, r->at_us);
	for (i = 0; i < AUDITCHAIN__NFIELDS; i++)
		if (put_str(k, r->f[i] != NULL ? r->f[i] : "",
		    r->f[i] != NULL ? r->len[i] : 0) == -1)
			return -1;
	return k->err ? -1 : 0;
}

long long
auditchain_encode(unsigned char *buf, size_t bufsz,
    const unsigned char prev[AUDITCHAIN_HASH_BYTES],
    const struct auditchain_row *r)
{
	struct sink	 k = { buf, bufsz, 0, NULL, 0 };

	if (emit(&k, prev, r, r->seq) == -1 || k.n > (unsigned long long)INT64_MAX)
		return -1;
	return (long long)k.n;
}

/* The hash of r as if it stood at seq. */
static int
hash_at(unsigned char out[AUDITCHAIN_HASH_BYTES],
    const unsigned char prev[AUDITCHAIN_HASH_BYTES],
    const struct auditchain_row *r, long long seq)
{
	struct sink	 k = { NULL, 0, 0, NULL, 0 };
	unsigned int	 n = 0;
	int		 rc = -1;

	if ((k.md = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(k.md, EVP_sha256(), NULL) == 1 &&
	    emit(&k, prev, r, seq) == 0 &&
	    EVP_DigestFinal_ex(k.md, out, &n) == 1 && n == AUDITCHAIN_HASH_BYTES)
		rc = 0;
	EVP_MD_CTX_free(k.md);
	return rc;
}

int
auditchain_hash(unsigned char out[AUDITCHAIN_HASH_BYTES],
    const unsigned char prev[AUDITCHAIN_HASH_BYTES],
    const struct auditchain_row *r)
{
	return hash_at(out, prev, r, r->seq);
}

const char *
auditchain_verdict_name(enum auditchain_verdict v)
{
	switch (v) {
	case AUDITCHAIN_OK:		return "ok";
	case AUDITCHAIN_CHANGED:	return "changed";
	case AUDITCHAIN_REMOVED:	return "removed";
	case AUDITCHAIN_REORDERED:	return "reordered";
	case AUDITCHAIN_TRUNCATED:	return "truncated";
	case AUDITCHAIN_FAILED:		return "failed";
	}
	return "failed";
}

void
auditchain_walk_init(struct auditchain_walk *w, const unsigned char *head)
{
	memset(w, 0, sizeof(*w));
	if (head != NULL) {
		w->want_head = 1;
		memcpy(w->head, head, AUDITCHAIN_HASH_BYTES);
		/* The head of an empty chain is in every chain. */
		w->head_seen = memcmp(head, zeros, sizeof(zeros)) == 0;
	}
}

static int
verdict(struct auditchain_walk *w, enum auditchain_verdict v, long long seq,
    long long id, const char *fmt, long long a, long long b)
{
	w->verdict = v;
	w->bad_seq = seq;
	w->bad_id = id;
	snprintf(w->why, sizeof(w->why), fmt, a, b);
	return 1;
}

int
auditchain_walk_row(struct auditchain_walk *w, const struct auditchain_row *r)
{
	unsigned char	 h[AUDITCHAIN_HASH_BYTES];
	long long	 want = w->last_seq + 1, s, lo, hi;

	if (w->verdict != AUDITCHAIN_OK)
		return 1;
	if (r->seq < want)
		return verdict(w, AUDITCHAIN_REORDERED, r->seq, r->id,
		    "seq %lld comes again after seq %lld", r->seq, w->last_seq);
	if (r->seq > want)
		return verdict(w, AUDITCHAIN_REMOVED, want, 0, r->seq - 1 == want ?
		    "seq %lld is missing (the row after it is seq %lld)" :
		    "seq %lld and up are missing (the row after them is seq %lld)",
		    want, r->seq);
	if (!r->has_hashes)
		return verdict(w, AUDITCHAIN_CHANGED, r->seq, r->id,
		    "seq %lld has no hash%.0lld", r->seq, 0);
	if (hash_at(h, r->prev, r, r->seq) == -1)
		return verdict(w, AUDITCHAIN_FAILED, r->seq, r->id,
		    "seq %lld: cannot hash%.0lld", r->seq, 0);
	if (memcmp(h, r->hash, sizeof(h)) != 0) {
		/* Intact but moved: it matches its hash at another seq. */
		lo = r->seq > AUDITCHAIN_REORDER_WINDOW ?
		    r->seq - AUDITCHAIN_REORDER_WINDOW : 1;
		hi = r->seq + AUDITCHAIN_REORDER_WINDOW;
		for (s = lo; s <= hi; s++) {
			if (s == r->seq)
				continue;
			if (hash_at(h, r->prev, r, s) == -1)
				return verdict(w, AUDITCHAIN_FAILED, r->seq,
				    r->id, "seq %lld: cannot hash%.0lld",
				    r->seq, 0);
			if (memcmp(h, r->hash, sizeof(h)) == 0)
				return verdict(w, AUDITCHAIN_REORDERED, r->seq,
				    r->id, "the row at seq %lld was written at "
				    "seq %lld", r->seq, s);
		}
		return verdict(w, AUDITCHAIN_CHANGED, r->seq, r->id,
		    "seq %lld does not match its hash%.0lld", r->seq, 0);
	}
	if (memcmp(r->prev, w->rows > 0 ? w->last : zeros,
	    AUDITCHAIN_HASH_BYTES) != 0) {
		if (w->rows == 0)
			return verdict(w, AUDITCHAIN_CHANGED, r->seq, r->id,
			    "seq %lld, the first row, is chained to a row "
			    "before it%.0lld", r->seq, 0);
		/* The row is intact but was chained to another hash: the
		 * one before it was rewritten along with its hash. */
		return verdict(w, AUDITCHAIN_CHANGED, w->last_seq, w->last_id,
		    "seq %lld was rewritten with a new hash: seq %lld was "
		    "chained to another", w->last_seq, r->seq);
	}
	w->rows++;
	w->last_seq = r->seq;
	w->last_id = r->id;
	memcpy(w->last, r->hash, sizeof(w->last));
	if (w->want_head && !w->head_seen &&
	    memcmp(r->hash, w->head, sizeof(w->head)) == 0) {
		w->head_seen = 1;
		w->head_seq = r->seq;
	}
	return 0;
}

enum auditchain_verdict
auditchain_walk_end(struct auditchain_walk *w, long long head_seq,
    const unsigned char *head_hash)
{
	if (w->verdict != AUDITCHAIN_OK)
		return w->verdict;
	if (head_seq >= 0 && w->last_seq < head_seq) {
		verdict(w, AUDITCHAIN_TRUNCATED, w->last_seq + 1, 0,
		    "the rows end at seq %lld, the organization's head row "
		    "says seq %lld", w->last_seq, head_seq);
		return w->verdict;
	}
	if (head_seq >= 0 && (w->last_seq > head_seq || head_hash == NULL ||
	    memcmp(head_hash, w->rows > 0 ? w->last : zeros,
	    AUDITCHAIN_HASH_BYTES) != 0)) {
		verdict(w, AUDITCHAIN_CHANGED, w->last_seq, w->last_id,
		    "the organization's head row (seq %lld) does not match "
		    "the last row (seq %lld)", head_seq, w->last_seq);
		return w->verdict;
	}
	if (w->want_head && !w->head_seen)
		verdict(w, AUDITCHAIN_TRUNCATED, w->last_seq + 1, 0,
		    "the head given is the hash of no row up to seq %lld: rows "
		    "were cut from the end%.0lld", w->last_seq, 0);
	return w->verdict;
}

void
auditchain_hex(char out[AUDITCHAIN_HEX_BYTES],
    const unsigned char h[AUDITCHAIN_HASH_BYTES])
{
	static const char	 digits[] = "0123456789abcdef";
	int			 i;

	for (i = 0; i < AUDITCHAIN_HASH_BYTES; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 0xf];
	}
	out[2 * AUDITCHAIN_HASH_BYTES] = '\0';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
auditchain_unhex(unsigned char h[AUDITCHAIN_HASH_BYTES], const char *s,
    size_t len)
{
	int	 i, hi, lo;

	if (len != 2 * AUDITCHAIN_HASH_BYTES)
		return -1;
	for (i = 0; i < AUDITCHAIN_HASH_BYTES; i++) {
		if ((hi = hexval((unsigned char)s[2 * i])) < 0 ||
		    (lo = hexval((unsigned char)s[2 * i + 1])) < 0)
			return -1;
		h[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* ------------------------------------------------------------------ time */

#define US_PER_SEC	1000000LL
#define MAX_SEC		253402300799LL	/* 9999-12-31T23:59:59Z */

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void
civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long	 era;
	unsigned	 doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

/* n digits at s as a number; -1 when any is not a digit. */
static long long
digits(const char *s, size_t n)
{
	long long	 v = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
month_days(long long y, long long m)
{
	static const int	 len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return len[m - 1];
}

int
auditchain_time_parse(const char *s, size_t len, long long *us)
{
	long long	 y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = 0, oh, om;
	long long	 t;
	size_t		 i = 10, k;

	*us = 0;
	/* Unix seconds. */
	if (len >= 1 && len <= 12 && (t = digits(s, len)) >= 0) {
		if (t > MAX_SEC)
			return -1;
		*us = t * US_PER_SEC;
		return 0;
	}
	if (len < 10 || s[4] != '-' || s[7] != '-' ||
	    (y = digits(s, 4)) < 1970 || (mo = digits(s + 5, 2)) < 1 ||
	    mo > 12 || (d = digits(s + 8, 2)) < 1 || d > month_days(y, mo))
		return -1;
	if (len > 10) {
		if (len < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
		    s[13] != ':' || s[16] != ':' ||
		    (h = digits(s + 11, 2)) < 0 || h > 23 ||
		    (mi = digits(s + 14, 2)) < 0 || mi > 59 ||
		    (sec = digits(s + 17, 2)) < 0 || sec > 59)
			return -1;
		i = 19;
		if (s[i] == '.') {
			/* Up to nanoseconds; microseconds are kept. */
			for (k = 0, i++; i < len && s[i] >= '0' && s[i] <= '9';
			    i++, k++) {
				if (k >= 9)
					return -1;
				if (k < 6)
					frac = frac * 10 + (s[i] - '0');
			}
			if (k == 0)
				return -1;
			for (; k < 6; k++)
				frac *= 10;
		}
		if (i == len - 1 && (s[i] == 'Z' || s[i] == 'z'))
			i++;
		else if (i + 6 == len && (s[i] == '+' || s[i] == '-') &&
		    s[i + 3] == ':' && (oh = digits(s + i + 1, 2)) >= 0 &&
		    oh <= 23 && (om = digits(s + i + 4, 2)) >= 0 && om <= 59) {
			off = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
			i = len;
		} else
			return -1;
	}
	if (i != len)
		return -1;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - off;
	if (t < 0 || t > MAX_SEC)
		return -1;
	*us = t * US_PER_SEC + frac;
	return 0;
}

int
auditchain_time_format(char out[AUDITCHAIN_TIME_BYTES], long long us)
{
	long long	 days, sec, y;
	unsigned	 m, d;

	out[0] = '\0';
	if (us < 0 || us / US_PER_SEC > MAX_SEC)
		return -1;
	days = us / US_PER_SEC / 86400;
	sec = us / US_PER_SEC % 86400;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, AUDITCHAIN_TIME_BYTES,
	    "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", y, m, d,
	    sec / 3600, sec / 60 % 60, sec % 60, us % US_PER_SEC);
	return 0;
}
