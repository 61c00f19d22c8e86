/*
 * fuzz_jwtverify: jwtverify on arbitrary bytes, against one fixed ES256 key
 * (a P-256 key compiled in, so seeds signed with it stay valid) and one
 * HS256 key with a fixed secret, at a fixed clock.
 *
 * Invariants (a violation traps):
 *   - the result is one of the enum values;
 *   - JWTV_OK only for a signing input (header.payload) that this file
 *     signed at start-up from the GOOD claims below: anything else that
 *     verifies is a forgery. The signature part itself may differ (an
 *     ECDSA signature is random, and (R, n - S) is a second valid one),
 *     the signed text may not;
 *   - on JWTV_OK every string of struct verified is NUL-terminated inside
 *     its field, alg and kid name the key that signed, and the times
 *     satisfy the rule: nbf/iat - leeway <= now < exp + leeway.
 * The same input is also tried with each algorithm alone in opts.algs: a
 * token whose alg is outside the mask must never verify.
 *
 * Seeds (tests/fuzz/seeds/jwtverify/) are tokens made with these keys:
 * the GOOD ones verify, the others each break one rule.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jws.h"
#include "jwtverify.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW		1700000000LL
#define LEEWAY		30
#define MAX_GOOD	8

/* SEC1 DER of a P-256 private key made for this target only. */
static const unsigned char es_der[] = {
	0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20, 0x7c, 0x16, 0xf4, 0xad, 0xe9,
	0xad, 0xc8, 0x85, 0xb1, 0xab, 0xac, 0x70, 0x31, 0xd9, 0x8a, 0x4c, 0x18,
	0xc8, 0x88, 0x25, 0x7b, 0x80, 0x4d, 0xc8, 0x8d, 0x43, 0xee, 0x2a, 0xff,
	0x55, 0xd1, 0xd4, 0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x03, 0x01, 0x07, 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04, 0x06, 0x30, 0x00,
	0x1b, 0x63, 0x38, 0xd0, 0x9a, 0xa9, 0xd6, 0xcf, 0xc0, 0x16, 0xe3, 0x33,
	0x53, 0x51, 0x16, 0x49, 0x0e, 0x0f, 0xdf, 0xec, 0x66, 0xe8, 0xd5, 0x5c,
	0xca, 0xcc, 0x28, 0x04, 0x77, 0x20, 0x3d, 0x0b, 0xb9, 0xae, 0xf0, 0x50,
	0x0e, 0x06, 0xa6, 0xcf, 0xcd, 0x40, 0xf3, 0xee, 0x21, 0xab, 0x6c, 0xb7,
	0x13, 0xc7, 0xab, 0x33, 0x8f, 0x60, 0xbb, 0x65, 0x98, 0x2f, 0x66, 0x20,
	0x47
};
static const unsigned char hs_secret[JWS_HMAC_BYTES] =
    "jwtmint-fuzz-hs256-fixed-secret!";
#define HS_KID	"hs-fuzzfuzzfuzzfuzzfuzzfu"

#define ISS	"\"iss\":\"https://auth.example.com\""
/* Claims that verify at NOW; each is signed with both keys at start-up. */
static const char *const good_claims[] = {
	"{" ISS ",\"aud\":\"https://api.example.com\",\"exp\":1700000900,"
	"\"iat\":1700000000,\"nbf\":1700000000,\"jti\":\"jti-1\","
	"\"sub\":\"user-1\",\"client_id\":\"client-1\",\"org\":\"org-1\","
	"\"scope\":\"read write\",\"role\":\"admin\",\"username\":\"alice\","
	"\"accounts\":[\"acc-1\",\"acc-2\"]}",
	"{" ISS ",\"aud\":[\"https://other.example\",\"api\"],"
	"\"exp\":1700000900,\"iat\":1700000000,\"jti\":\"j2\",\"sub\":\"u2\","
	"\"client_id\":\"c2\",\"org\":\"o2\",\"scope\":\"read:a\","
	"\"accounts\":\"*\",\"act\":{\"sub\":\"c3\"}}",
};
#define NGOOD_CLAIMS	(sizeof(good_claims) / sizeof(good_claims[0]))

static struct jws_key		 keys[2];
static const char *const	 auds[] = { "https://api.example.com", "api",
				    NULL };
static struct jwtverify_opts	 opts;
/* Signing inputs ("header.payload") of the good tokens. */
static char			*good[MAX_GOOD];
static size_t			 goodlen[MAX_GOOD], ngood;

static int
nul_inside(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char		 tok[4096];
	char		 kid[JWS_KID_BYTES];
	struct verified	 v;
	size_t		 i, k;
	int		 n;
	const char	*dot;

	(void)argc;
	(void)argv;
	if (jws_kid(JWS_ES256, es_der, sizeof(es_der), kid) != 0 ||
	    jws_key_load(&keys[0], JWS_ES256, kid, es_der,
	    sizeof(es_der)) != 0 ||
	    jws_key_load(&keys[1], JWS_HS256, HS_KID, hs_secret,
	    sizeof(hs_secret)) != 0)
		__builtin_trap();
	opts.issuer = "https://auth.example.com";
	opts.audiences = auds;
	opts.algs = 1u << JWS_ES256 | 1u << JWS_RS256 | 1u << JWS_HS256;
	opts.leeway_sec = LEEWAY;
	opts.now = (time_t)NOW;

	for (i = 0; i < NGOOD_CLAIMS; i++)
		for (k = 0; k < 2; k++) {
			n = jws_sign(&keys[k], good_claims[i],
			    strlen(good_claims[i]), tok, sizeof(tok));
			/* The harness itself: a good token must verify. */
			if (n <= 0 || ngood == MAX_GOOD ||
			    jwtverify(keys, 2, &opts, tok, (size_t)n, &v) !=
			    JWTV_OK)
				__builtin_trap();
			dot = strrchr(tok, '.');
			goodlen[ngood] = (size_t)(dot - tok);
			if ((good[ngood] = malloc(goodlen[ngood])) == NULL)
				__builtin_trap();
			memcpy(good[ngood], tok, goodlen[ngood]);
			ngood++;
			if (getenv("FUZZ_JWTVERIFY_PRINT") != NULL)
				printf("%s\n", tok);
		}
	return 0;
}

/* 1 when data's text before its last '.' is a good signing input. */
static int
is_good(const uint8_t *data, size_t size)
{
	const uint8_t	*dot = NULL;
	size_t		 i, len;

	for (i = size; i > 0; i--)
		if (data[i - 1] == '.') {
			dot = data + i - 1;
			break;
		}
	if (dot == NULL)
		return 0;
	len = (size_t)(dot - data);
	for (i = 0; i < ngood; i++)
		if (goodlen[i] == len && memcmp(good[i], data, len) == 0)
			return 1;
	return 0;
}

static void
check_ok(const struct verified *v, unsigned algs)
{
	const struct jws_key	*k;

	if ((unsigned)v->alg >= JWS_ALG__MAX || !(algs & (1u << v->alg)))
		__builtin_trap();
	k = v->alg == JWS_ES256 ? &keys[0] : &keys[1];
	if (v->alg == JWS_RS256 || strcmp(v->kid, k->kid) != 0)
		__builtin_trap();
	if (!nul_inside(v->kid, sizeof(v->kid)) ||
	    !nul_inside(v->jti, sizeof(v->jti)) || v->jti[0] == '\0' ||
	    !nul_inside(v->sub, sizeof(v->sub)) || v->sub[0] == '\0' ||
	    !nul_inside(v->client_id, sizeof(v->client_id)) ||
	    !nul_inside(v->org, sizeof(v->org)) ||
	    !nul_inside(v->aud, sizeof(v->aud)) || v->aud[0] == '\0' ||
	    !nul_inside(v->role, sizeof(v->role)) ||
	    !nul_inside(v->username, sizeof(v->username)) ||
	    !nul_inside(v->scope, sizeof(v->scope)) ||
	    !nul_inside(v->accounts, sizeof(v->accounts)))
		__builtin_trap();
	/* now < exp + leeway, iat and nbf <= now + leeway (no overflow) */
	if (!(NOW - LEEWAY < v->exp) || v->iat > NOW + LEEWAY ||
	    (v->nbf != 0 && v->nbf > NOW + LEEWAY))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned	 masks[] = {
		1u << JWS_ES256 | 1u << JWS_RS256 | 1u << JWS_HS256,
		1u << JWS_ES256, 1u << JWS_HS256, 1u << JWS_RS256, 0,
	};
	struct verified		 v;
	enum jwtverify_err	 e;
	size_t			 m;
	int			 good_input = -1;

	for (m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
		opts.algs = masks[m];
		memset(&v, 0xa5, sizeof(v));
		e = jwtverify(keys, 2, &opts, (const char *)data, size, &v);
		if ((unsigned)e > JWTV_CLAIMS)
			__builtin_trap();
		if (e != JWTV_OK)
			continue;
		if (good_input == -1)
			good_input = is_good(data, size);
		if (!good_input)
			__builtin_trap();	/* a forgery */
		check_ok(&v, masks[m]);
	}
	/* Without keys nothing verifies. */
	if (jwtverify(keys, 0, &opts, (const char *)data, size, &v) == JWTV_OK)
		__builtin_trap();
	return 0;
}
