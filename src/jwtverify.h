/*
 * jwtverify: verification of the access tokens jwtmint issued, following
 * RFC 8725 (JWT BCP) and RFC 9068:
 *   - the key is found by "kid" among the active signing keys, and the
 *     token's "alg" must be that key's algorithm and one the configuration
 *     accepts: the token never chooses the algorithm ("none", or HS256 keyed
 *     with a published public key, cannot pass);
 *   - the protected header holds only "alg", "typ" and "kid": "jku", "x5u",
 *     "jwk", "x5c", "crit" and anything else are refused;
 *   - "typ" must be "at+jwt" (or "application/at+jwt");
 *   - ES256 signatures are exactly 64 bytes with R and S in range (all-zero
 *     signatures fail), HS256 is compared in constant time;
 *   - the claims must name our issuer and one of our audiences, carry
 *     integer exp/iat (nbf optional), and be inside [nbf - leeway,
 *     exp + leeway); duplicate JSON members are refused.
 * Revocation is not checked here (see tokencheck). Pure.
 */
#ifndef JWTMINT_JWTVERIFY_H
#define JWTMINT_JWTVERIFY_H

#include <stddef.h>
#include <time.h>

#include "claims.h"
#include "jws.h"
#include "scope.h"

#define JWTVERIFY_MAX_BYTES	8192
#define JWTVERIFY_ID_BYTES	80

enum jwtverify_err {
	JWTV_OK = 0,
	JWTV_MALFORMED,		/* not three base64url parts, bad JSON */
	JWTV_HEADER,		/* unknown header member, bad typ */
	JWTV_ALG,		/* alg not accepted or not the key's */
	JWTV_KID,		/* no active key with this kid */
	JWTV_SIGNATURE,
	JWTV_ISSUER,
	JWTV_AUDIENCE,
	JWTV_EXPIRED,
	JWTV_NOT_YET,
	JWTV_CLAIMS		/* a required claim missing or mistyped */
};

struct jwtverify_opts {
	const char		*issuer;
	const char *const	*audiences;	/* NULL-terminated */
	unsigned		 algs;		/* bit (1 << enum jws_alg) */
	int			 leeway_sec;
	time_t			 now;
};

struct verified {
	char		 kid[JWS_KID_BYTES];
	enum jws_alg	 alg;
	char		 jti[JWTVERIFY_ID_BYTES];
	char		 sub[JWTVERIFY_ID_BYTES];
	char		 client_id[JWTVERIFY_ID_BYTES];
	char		 org[JWTVERIFY_ID_BYTES];
	char		 aud[JWTVERIFY_ID_BYTES * 4];
	char		 role[JWTVERIFY_ID_BYTES];	/* "" when absent */
	char		 username[JWTVERIFY_ID_BYTES];	/* "" when absent */
	long long	 exp, iat, nbf;
	/* Lineage (claims.h): what else revokes the token. */
	char		 sid[JWTVERIFY_ID_BYTES];	/* "" when absent */
	int		 has_gen;
	long long	 gen;
	char		 parents[CLAIMS_MAX_CHAIN][CLAIMS_JTI_LEN + 1];
	size_t		 nparents;
	/* RFC 8693 actors, the current one first. */
	char		 act[CLAIMS_MAX_CHAIN][JWTVERIFY_ID_BYTES];
	size_t		 nact;
	/* The two long ones last (tokcache.c keeps everything before them
	 * whole and these two as long as they are). */
	char		 scope[SCOPE_MAX_STRING_BYTES];
	char		 accounts[2048];		/* "" when absent */
};

/*
 * Verify len bytes of token against the n keys. Returns JWTV_OK with out
 * filled, or the first rule it breaks.
 */
enum jwtverify_err jwtverify(const struct jws_key *keys, size_t n,
	    const struct jwtverify_opts *, const char *token, size_t len,
	    struct verified *out);

const char	*jwtverify_strerror(enum jwtverify_err);

/*
 * 1 when v is a user's token (the one rule, for every path): it carries
 * the user's role. Tokens of a key alone (client_credentials, and their
 * exchanges) never do.
 */
int		 jwtverify_is_user(const struct verified *v);

#endif
