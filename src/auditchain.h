/*
 * auditchain: the audit trail's hash chain, as values (no I/O, no libpq):
 * the canonical encoding of a row, its hash, and a walk over an
 * organization's rows that names the first one that was changed, removed
 * or reordered, and checks the tail against a head kept elsewhere. The
 * trigger of sql/009_audit_chain.sql computes the same bytes in SQL; the
 * two must agree bit for bit (tests/unit/test_auditchain.c holds vectors
 * computed by Python's hashlib, tests/integration/test_audit.py compares
 * with the trigger).
 *
 * Canonical encoding, version 1 (every integer big-endian):
 *
 *   str("jwtmint.audit.v1") || prev (32 bytes) || int64(seq)
 *   || int64(at, microseconds since 1970) || str(org_id) || str(event)
 *   || str(detail) || str(actor) || str(source) || str(resource)
 *   || str(outcome)
 *
 *   str(s) = uint32(length of s in bytes) || the bytes of s (UTF-8)
 *
 * hash = SHA-256(encoding); prev is the hash of the organization's previous
 * row, 32 zero bytes before its first (seq 1). The id of a row is not
 * hashed (its position is seq); it only names a row in messages.
 */
#ifndef JWTMINT_AUDITCHAIN_H
#define JWTMINT_AUDITCHAIN_H

#include <stddef.h>

#define AUDITCHAIN_HASH_BYTES	32
#define AUDITCHAIN_HEX_BYTES	(2 * AUDITCHAIN_HASH_BYTES + 1)
#define AUDITCHAIN_DOMAIN	"jwtmint.audit.v1"
/* A row found at the wrong seq is recognised within this many places. */
#define AUDITCHAIN_REORDER_WINDOW	64
#define AUDITCHAIN_WHY_BYTES	256
/* "2024-05-01T12:00:00.123456Z" */
#define AUDITCHAIN_TIME_BYTES	32

/* The hashed text fields, in their order in the encoding. */
enum auditchain_field {
	AUDITCHAIN_ORG,
	AUDITCHAIN_EVENT,
	AUDITCHAIN_DETAIL,
	AUDITCHAIN_ACTOR,
	AUDITCHAIN_SOURCE,
	AUDITCHAIN_RESOURCE,
	AUDITCHAIN_OUTCOME,
	AUDITCHAIN__NFIELDS
};

/* One row as read back; the strings are borrowed (any bytes, any length). */
struct auditchain_row {
	long long		 id;		/* not hashed */
	long long		 seq;
	long long		 at_us;
	const char		*f[AUDITCHAIN__NFIELDS];
	size_t			 len[AUDITCHAIN__NFIELDS];
	int			 has_hashes;	/* 0: prev or hash missing (NULL) */
	unsigned char		 prev[AUDITCHAIN_HASH_BYTES];
	unsigned char		 hash[AUDITCHAIN_HASH_BYTES];
};

/*
 * The encoding of r chained to prev, into buf (bufsz bytes). Returns its
 * length, which may exceed bufsz (then buf holds only a prefix: call again
 * with a larger buffer), or -1 when a field is longer than 2^32 - 1 bytes.
 */
long long	auditchain_encode(unsigned char *buf, size_t bufsz,
		    const unsigned char prev[AUDITCHAIN_HASH_BYTES],
		    const struct auditchain_row *r);

/* out = SHA-256 of the encoding of r chained to prev. 0 or -1. */
int		auditchain_hash(unsigned char out[AUDITCHAIN_HASH_BYTES],
		    const unsigned char prev[AUDITCHAIN_HASH_BYTES],
		    const struct auditchain_row *r);

enum auditchain_verdict {
	AUDITCHAIN_OK,
	AUDITCHAIN_CHANGED,	/* a row no longer matches its hash, or its
				   successor was chained to another hash */
	AUDITCHAIN_REMOVED,	/* a gap in seq */
	AUDITCHAIN_REORDERED,	/* a row at a seq other than it was written
				   at (or seq out of order) */
	AUDITCHAIN_TRUNCATED,	/* rows cut from the end: the chain stops
				   before its head */
	AUDITCHAIN_FAILED	/* the walk itself failed (a hash) */
};

/* "ok", "changed", "removed", "reordered", "truncated", "failed". */
const char	*auditchain_verdict_name(enum auditchain_verdict);

/*
 * A walk over one organization's rows in seq order. Feed every row to
 * auditchain_walk_row until it returns 1 (a verdict: stop), then call
 * auditchain_walk_end. On a verdict, bad_seq and bad_id name the first bad
 * row (bad_id 0: the row is missing; bad_seq is then the first missing
 * seq) and why says what was found, in words without any field's content.
 */
struct auditchain_walk {
	/* in */
	int			 want_head;	/* check a head kept elsewhere */
	unsigned char		 head[AUDITCHAIN_HASH_BYTES];
	/* progress */
	long long		 rows;		/* rows accepted */
	long long		 last_seq;	/* of the last row accepted */
	long long		 last_id;
	unsigned char		 last[AUDITCHAIN_HASH_BYTES];	/* its hash */
	int			 head_seen;	/* want_head: found at head_seq */
	long long		 head_seq;
	/* out */
	enum auditchain_verdict	 verdict;
	long long		 bad_seq, bad_id;
	char			 why[AUDITCHAIN_WHY_BYTES];
};

/*
 * Start a walk. head: the hash of a row recorded earlier (an operator's
 * copy of `audit verify`'s or the log's head), which must be found in the
 * chain; NULL for none.
 */
void	auditchain_walk_init(struct auditchain_walk *,
	    const unsigned char *head);

/* 0: go on; 1: stop, w->verdict says why (never AUDITCHAIN_OK). */
int	auditchain_walk_row(struct auditchain_walk *, const struct auditchain_row *);

/*
 * The end of the rows. head_seq and head_hash: the organization's head row
 * as the database holds it (audit_heads); head_seq < 0 when it has none.
 * The rows must end exactly at it, and a head given to init must have been
 * seen. Returns the verdict (AUDITCHAIN_OK: w->last and w->last_seq are the
 * verified head; 0 and zeros for an empty chain).
 */
enum auditchain_verdict	auditchain_walk_end(struct auditchain_walk *,
	    long long head_seq, const unsigned char *head_hash);

/* Lower-case hex of a hash into out (AUDITCHAIN_HEX_BYTES). */
void	auditchain_hex(char out[AUDITCHAIN_HEX_BYTES],
	    const unsigned char h[AUDITCHAIN_HASH_BYTES]);

/* 64 hex digits (either case) to a hash. 0 or -1. */
int	auditchain_unhex(unsigned char h[AUDITCHAIN_HASH_BYTES], const char *s,
	    size_t len);

/*
 * A time given to list or export (--since, --until, ?since=): RFC 3339
 * ("2024-05-01T12:00:00Z", "...:00.5+02:00", 'T' or 't' or ' '), a date
 * ("2024-05-01", midnight UTC), or Unix seconds ("1714564800"). Years 1970
 * to 9999. Returns 0 with *us set to microseconds since 1970, or -1.
 */
int	auditchain_time_parse(const char *s, size_t len, long long *us);

/* us as RFC 3339 UTC with microseconds into out (AUDITCHAIN_TIME_BYTES). */
int	auditchain_time_format(char out[AUDITCHAIN_TIME_BYTES], long long us);

#endif
