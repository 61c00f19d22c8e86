/*
 * fuzz_auditchain: the audit chain's pure parts on arbitrary bytes.
 *
 *   - the input's first byte picks a mode; the rest is cut into the seven
 *     text fields (each prefixed by one length byte) and two integers;
 *   - encode: the length is exactly the sum the format gives, the bytes
 *     start with the domain, a short buffer gets a prefix of the same bytes,
 *     and SHA-256 of the encoding is auditchain_hash;
 *   - walk: a chain of 1..8 rows built from the fields verifies, with its
 *     head; one byte flipped in any field, time or stored hash, or a row
 *     dropped, makes the walk fail at or before that row (never "ok");
 *   - time: whatever auditchain_time_parse accepts formats and parses back
 *     to the same microsecond; auditchain_unhex of anything that succeeds
 *     round-trips through auditchain_hex (case aside).
 * A broken invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "auditchain.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_ROWS	8

/* Cut data into the fields of r; returns what is left. */
static size_t
take_fields(const uint8_t *d, size_t n, struct auditchain_row *r)
{
	size_t	 used = 0, l;
	int	 i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < AUDITCHAIN__NFIELDS; i++) {
		l = used < n ? d[used++] : 0;
		if (l > n - used)
			l = n - used;
		r->f[i] = (const char *)d + used;
		r->len[i] = l;
		used += l;
	}
	if (n - used >= 8) {
		memcpy(&r->at_us, d + used, 8);
		used += 8;
	}
	return used;
}

static void
check_encode(const struct auditchain_row *r, const unsigned char *prev)
{
	unsigned char	 md[32], h[32], small[40];
	unsigned char	*buf;
	long long	 n, want = 4 + 16 + 32 + 8 + 8;
	int		 i;

	for (i = 0; i < AUDITCHAIN__NFIELDS; i++)
		want += 4 + (long long)r->len[i];
	if ((n = auditchain_encode(NULL, 0, prev, r)) != want)
		__builtin_trap();
	if ((buf = malloc((size_t)n)) == NULL)
		return;
	if (auditchain_encode(buf, (size_t)n, prev, r) != n ||
	    memcmp(buf, "\0\0\0\x10" AUDITCHAIN_DOMAIN, 20) != 0 ||
	    memcmp(buf + 20, prev, 32) != 0)
		__builtin_trap();
	memset(small, 0, sizeof(small));
	if (auditchain_encode(small, sizeof(small), prev, r) != n ||
	    memcmp(small, buf, sizeof(small)) != 0)
		__builtin_trap();
	SHA256(buf, (size_t)n, md);
	if (auditchain_hash(h, prev, r) != 0 || memcmp(h, md, 32) != 0)
		__builtin_trap();
	free(buf);
}

static void
check_walk(const uint8_t *d, size_t n)
{
	struct auditchain_row	 rows[MAX_ROWS];
	struct auditchain_walk	 w;
	unsigned char		 prev[32] = { 0 }, head[32];
	size_t			 used = 0, k, nrows = 0, victim, what;
	int			 i, stopped = 0;
	char			*copy;

	if (n < 2)
		return;
	victim = d[0];
	what = d[1];
	d += 2;
	n -= 2;
	while (nrows < MAX_ROWS && (nrows == 0 || used < n)) {
		k = take_fields(d + used, n - used, &rows[nrows]);
		used += k;
		rows[nrows].seq = (long long)nrows + 1;
		rows[nrows].id = (long long)nrows + 10;
		rows[nrows].has_hashes = 1;
		memcpy(rows[nrows].prev, prev, 32);
		if (auditchain_hash(rows[nrows].hash, prev, &rows[nrows]) != 0)
			__builtin_trap();
		memcpy(prev, rows[nrows].hash, 32);
		nrows++;
		if (k == 0)
			break;
	}
	memcpy(head, prev, 32);
	auditchain_walk_init(&w, head);
	for (k = 0; k < nrows; k++)
		if (auditchain_walk_row(&w, &rows[k]) != 0)
			__builtin_trap();
	if (auditchain_walk_end(&w, (long long)nrows, head) != AUDITCHAIN_OK ||
	    w.last_seq != (long long)nrows)
		__builtin_trap();

	/* Damage one row and walk again: never ok. */
	victim %= nrows;
	copy = NULL;
	switch (what % 4) {
	case 0:	/* a byte of a field, when it has one */
		i = (int)(what / 4 % AUDITCHAIN__NFIELDS);
		if (rows[victim].len[i] == 0)
			return;
		if ((copy = malloc(rows[victim].len[i])) == NULL)
			return;
		memcpy(copy, rows[victim].f[i], rows[victim].len[i]);
		copy[what % rows[victim].len[i]] ^= (char)(1 + what % 255);
		rows[victim].f[i] = copy;
		break;
	case 1:
		rows[victim].at_us ^= 1LL << (what % 63);
		break;
	case 2:
		rows[victim].hash[what % 32] ^= 0x80;
		break;
	case 3:	/* dropped */
		memmove(&rows[victim], &rows[victim + 1],
		    (nrows - victim - 1) * sizeof(rows[0]));
		nrows--;
		break;
	}
	auditchain_walk_init(&w, head);
	for (k = 0; k < nrows && !stopped; k++)
		stopped = auditchain_walk_row(&w, &rows[k]);
	if (auditchain_walk_end(&w, (long long)nrows + (what % 4 == 3), head) ==
	    AUDITCHAIN_OK)
		__builtin_trap();
	if (w.bad_seq < 1 || w.bad_seq > (long long)victim + 2)
		__builtin_trap();
	free(copy);
}

static void
check_time(const uint8_t *d, size_t n)
{
	char		 out[AUDITCHAIN_TIME_BYTES], hex[AUDITCHAIN_HEX_BYTES];
	unsigned char	 h[32];
	long long	 us, back;
	size_t		 i;

	if (auditchain_time_parse((const char *)d, n, &us) == 0) {
		if (us < 0 || auditchain_time_format(out, us) != 0 ||
		    auditchain_time_parse(out, strlen(out), &back) != 0 ||
		    back != us)
			__builtin_trap();
	}
	if (auditchain_unhex(h, (const char *)d, n) == 0) {
		auditchain_hex(hex, h);
		for (i = 0; i < 64; i++)
			if ((hex[i] | 0x20) != (d[i] | 0x20))
				__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auditchain_row	 r;
	unsigned char		 prev[32];

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		take_fields(data + 1, size - 1, &r);
		memset(prev, size < 255 ? (int)size : 0, sizeof(prev));
		r.seq = (long long)size * 7919 - 3;
		check_encode(&r, prev);
		break;
	case 1:
		check_walk(data + 1, size - 1);
		break;
	case 2:
		check_time(data + 1, size - 1);
		break;
	}
	return 0;
}
