/*
 * claims: the JSON claims set of an access token (RFC 9068 §2.2, RFC 7519).
 * Pure: no library but the writer in jsonw.c. The caller owns every string it passes in.
 */
#ifndef JWTMINT_CLAIMS_H
#define JWTMINT_CLAIMS_H

#include <stddef.h>
#include <time.h>

#define CLAIMS_JTI_BYTES	16	/* 128 random bits */
#define CLAIMS_JTI_LEN		22	/* base64url of 16 bytes */
/* The longest an access token lives (access_ttl_sec's upper bound): how
 * long a deny-list row must outlive the tokens it can name. */
#define CLAIMS_MAX_TTL_SEC	3600
/* Exchanges of exchanges (RFC 8693): how many tokens a token may descend
 * from, and so how deep its "act" nests. */
#define CLAIMS_MAX_CHAIN	4

struct claims {
	const char	*iss;
	const char	*sub;
	const char	*aud;
	const char	*client_id;
	const char	*scope;		/* canonical, space-separated */
	const char	*org;
	const char	*role;		/* NULL: no role claim */
	const char	*accounts;	/* NULL: none; "*": all; else a list */
	/* RFC 8693 §4.1 actors, the current one first, each earlier one
	 * nested in the one before ("act": {"sub", "act": {...}}). */
	const char	*act[CLAIMS_MAX_CHAIN];
	size_t		 nact;
	/* Lineage: what revokes this token besides its jti. */
	const char	*sid;		/* refresh family; NULL: none */
	int		 has_gen;	/* a user's token: gen is its user's */
	long long	 gen;		/* generation (sql/004_lineage.sql) */
	const char	*parents[CLAIMS_MAX_CHAIN];	/* jtis, root first */
	size_t		 nparents;
	time_t		 iat;		/* nbf = iat */
	time_t		 exp;
	char		 jti[CLAIMS_JTI_LEN + 1];
};

/*
 * 1 when s[len] is a jti jwtmint issues: CLAIMS_JTI_LEN characters of the
 * base64url alphabet; else 0. The one rule for a jti, at verification and
 * at revocation alike.
 */
/*
 * How long a deny-list row must live to outlast every token it can name:
 * the longest an access token lives (CLAIMS_MAX_TTL_SEC), plus the
 * verification leeway. The one definition (server and jwtmint-admin).
 */
int	 claims_deny_sec(int leeway_sec);

int	 claims_jti_valid(const char *s, size_t len);

/* Fill c->jti with 128 random bits, base64url. Returns 0 or -1. */
int	 claims_new_jti(struct claims *c);

/*
 * Serialise c as compact JSON into buf[size], NUL-terminated. accounts is
 * space-separated and becomes a JSON array, except "*" (every account),
 * which stays a string. Returns the length, or -1 when a value is missing
 * or not valid UTF-8, or the document does not fit.
 */
int	 claims_json(const struct claims *c, char *buf, size_t size);

#endif
