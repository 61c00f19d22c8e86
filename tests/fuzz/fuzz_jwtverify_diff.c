/*
 * fuzz_jwtverify_diff: differential fuzzing of token verification. Every
 * candidate token is judged by jwtmint's verifier (src/jwtverify.c) and by
 * an independent one written here with OpenSSL and jansson only (no code of
 * src/ but the key loading and jws_sign for the start-up tokens); the two
 * must agree on accept / reject, or the target traps.
 *
 * Keys: ES256 (P-256), RS256 (2048 bits) and HS256 made in
 * LLVMFuzzerInitialize with jws_generate, so a crash reproduces in its
 * decision, not always in its bytes (ECDSA signatures are random).
 *
 * The input drives a mutation of a valid token:
 *   ctl[0]     key to sign with (% 3) and signing mode (/ 3 % 6): right
 *              key, another key, HS256 keyed with a public key's DER,
 *              empty signature, ES256 with high S (n - S), the token
 *              signed at start-up (header and payload ignored)
 *   ctl[1]     which good claims set (% 2) when the payload is empty
 *   ctl[2]     the verifier's alg mask (% 8, 0 means all three)
 *   ctl[3]     clock offset from NOW in steps of 15 s (signed: -32 to
 *              +31 minutes; with the leeway of 30 s and the good claims'
 *              exp of NOW + 900 both edges, +61/+62 and -2/-3, are reachable)
 *   header NUL payload NUL: JSON texts; empty means the key's standard
 *              header / the good claims; "@A" and "@K" in them become the
 *              signing key's alg and kid, "@a" and "@k" another key's
 *   ops:       triples (op, where, byte) applied to the compact token:
 *              flip a bit, insert, delete, replace a byte, truncate, swap
 *              two segments, repeat a segment
 *
 * The independent rules (docs/SECURITY.md, jwtverify.h), which decide
 * acceptance: 1..8192 bytes of [A-Za-z0-9_-.] in exactly three non-empty
 * parts; each part canonical unpadded base64url; header at most 512 bytes,
 * a JSON object without duplicate members, only alg/typ/kid, all three
 * strings, typ "at+jwt" or "application/at+jwt" in any case, alg one of
 * ES256/RS256/HS256 inside the mask, kid naming a key whose alg it is; the
 * signature verifies with that key (HS256: 32 bytes, CRYPTO_memcmp of
 * HMAC-SHA-256; ES256: 64 bytes R || S, both non-zero, S at most n/2,
 * DER built here; RS256: PKCS#1 v1.5 SHA-256); the claims a JSON object
 * without duplicates: iss ours, aud (string or array) one of ours, integer
 * exp and iat, optional integer nbf, strings jti, sub, client_id, org
 * (under 80 bytes), scope (under SCOPE_MAX_STRING_BYTES), optional role
 * and username (under 80), accounts absent, "*" or an array of non-empty
 * strings without space that fit 2048 bytes joined (each with room for a
 * separator); the lineage claims: sid an optional string (under 80),
 * gen an optional integer >= 0, parents an optional array of at most 4
 * strings of 22 base64url characters, act optional objects nested at most
 * 4 deep, each with a non-empty string sub (under 80); now - leeway < exp,
 * iat and nbf (when not 0) <= now + leeway.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include "jws.h"
#include "jwtverify.h"
#include "scope.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW		1700000000LL
#define LEEWAY		30
#define NKEYS		3
#define TOKMAX		16384	/* any header, payload and signature built */
#define ID_MAX		80	/* JWTVERIFY_ID_BYTES */
#define ISSUER		"https://auth.example.com"

static const char *const good_claims[] = {
	"{\"iss\":\"" ISSUER "\",\"aud\":\"https://api.example.com\","
	"\"exp\":1700000900,\"iat\":1700000000,\"nbf\":1700000000,"
	"\"jti\":\"jti-1\",\"sub\":\"usr_1\",\"client_id\":\"client-1\","
	"\"org\":\"org-1\",\"scope\":\"read write\",\"role\":\"admin\","
	"\"username\":\"alice\",\"accounts\":[\"acc-1\",\"acc-2\"]}",
	"{\"iss\":\"" ISSUER "\",\"aud\":[\"https://other.example\",\"api\"],"
	"\"exp\":1700000900,\"iat\":1700000000,\"jti\":\"j2\",\"sub\":\"u2\","
	"\"client_id\":\"c2\",\"org\":\"o2\",\"scope\":\"read:a\","
	"\"accounts\":\"*\",\"act\":{\"sub\":\"c3\"}}",
};
static const char *const auds[] = { "https://api.example.com", "api", NULL };
static const char *const algnames[NKEYS] = { "ES256", "RS256", "HS256" };

static struct jws_key	 keys[NKEYS];	/* jwtmint's, indexed by enum jws_alg */
static EVP_PKEY		*pub[NKEYS];	/* ours: ES256, RS256 */
static unsigned char	 hsecret[JWS_HMAC_BYTES];
static unsigned char	 pubder[2][512];	/* SubjectPublicKeyInfo DER */
static int		 pubderlen[2];
static char		 start_tok[NKEYS][2][4096];
static int		 verbose;	/* FUZZ_DIFF_VERBOSE: print each verdict */

/* P-256 order n / 2, big-endian. */
static const unsigned char half_n[32] = {
	0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42,
	0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8
};
static const unsigned char order_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51
};

/* ---- base64url, written here ---- */

static const char	 b64al[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t
enc(char *out, const unsigned char *in, size_t n)
{
	size_t		 i, o = 0;
	unsigned	 v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64al[v >> 18];
		out[o++] = b64al[v >> 12 & 63];
		out[o++] = b64al[v >> 6 & 63];
		out[o++] = b64al[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)in[i] << 16;
		out[o++] = b64al[v >> 18];
		out[o++] = b64al[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = b64al[v >> 18];
		out[o++] = b64al[v >> 12 & 63];
		out[o++] = b64al[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

static int
val64(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64al, c)) == NULL)
		return -1;
	return (int)(p - b64al);
}

/* Strict: alphabet only, no padding, unused bits zero. -1 or the length. */
static long
dec(unsigned char *out, size_t outsz, const char *in, size_t n)
{
	size_t		 i, o = 0;
	unsigned	 acc = 0;
	int		 bits = 0, v;

	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = val64(in[i])) < 0)
			return -1;
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outsz)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (long)o;
}

/* ---- signing, written here (for mutated headers and payloads) ---- */

static size_t
der_int(unsigned char *out, const unsigned char *v, size_t n)
{
	size_t	 o = 0;

	while (n > 1 && v[0] == 0)
		v++, n--;
	out[o++] = 0x02;
	out[o++] = (unsigned char)(n + (v[0] & 0x80 ? 1 : 0));
	if (v[0] & 0x80)
		out[o++] = 0;
	memcpy(out + o, v, n);
	return o + n;
}

/* 64-byte R || S to a DER ECDSA-Sig-Value, by hand. */
static size_t
raw_to_der(unsigned char *der, const unsigned char raw[64])
{
	unsigned char	 body[72];
	size_t		 n;

	n = der_int(body, raw, 32);
	n += der_int(body + n, raw + 32, 32);
	der[0] = 0x30;
	der[1] = (unsigned char)n;
	memcpy(der + 2, body, n);
	return n + 2;
}

/* big-endian 32-byte a = n - a */
static void
negate_mod_n(unsigned char a[32])
{
	int	 i, borrow = 0, d;

	for (i = 31; i >= 0; i--) {
		d = order_n[i] - a[i] - borrow;
		borrow = d < 0;
		a[i] = (unsigned char)(d + (borrow ? 256 : 0));
	}
}

static int
sign(int k, int high_s, const char *in, size_t n, unsigned char *sig,
    size_t *siglen)
{
	EVP_MD_CTX		*ctx;
	unsigned char		 der[600];
	const unsigned char	*p = der;
	ECDSA_SIG		*es;
	const BIGNUM		*r, *s;
	size_t			 dl = sizeof(der);
	unsigned int		 hl = 32;
	int			 ok;

	if (k == JWS_HS256) {
		if (HMAC(EVP_sha256(), hsecret, sizeof(hsecret),
		    (const unsigned char *)in, n, sig, &hl) == NULL)
			__builtin_trap();
		*siglen = hl;
		return 0;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pub[k]) != 1 ||
	    EVP_DigestSign(ctx, der, &dl, (const unsigned char *)in, n) != 1)
		__builtin_trap();
	EVP_MD_CTX_free(ctx);
	if (k == JWS_RS256) {
		memcpy(sig, der, dl);
		*siglen = dl;
		return 0;
	}
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)dl)) == NULL)
		__builtin_trap();
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32;
	ECDSA_SIG_free(es);
	if (!ok)
		__builtin_trap();
	/* Either form on demand: low S (what jwtmint signs) or high S. */
	if ((memcmp(sig + 32, half_n, 32) > 0) != high_s)
		negate_mod_n(sig + 32);
	*siglen = 64;
	return 0;
}

/* ---- the independent verifier ---- */

static int
verify_sig(int k, const char *in, size_t n, const unsigned char *sig,
    size_t siglen)
{
	unsigned char	 mac[32], der[80];
	unsigned int	 ml = sizeof(mac);
	EVP_MD_CTX	*ctx;
	size_t		 i;
	int		 ok, zr = 1, zs = 1;

	if (k == JWS_HS256) {
		if (siglen != 32 || HMAC(EVP_sha256(), hsecret, sizeof(hsecret),
		    (const unsigned char *)in, n, mac, &ml) == NULL)
			return 0;
		return CRYPTO_memcmp(mac, sig, 32) == 0;
	}
	if (k == JWS_ES256) {
		if (siglen != 64 || memcmp(sig + 32, half_n, 32) > 0)
			return 0;
		for (i = 0; i < 32; i++) {
			zr &= sig[i] == 0;
			zs &= sig[32 + i] == 0;
		}
		if (zr || zs)
			return 0;
		siglen = raw_to_der(der, sig);
		sig = der;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		__builtin_trap();
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub[k]) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)in, n) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static json_t *
load(const char *s, size_t n, size_t max)
{
	unsigned char	*buf;
	json_t		*o = NULL;
	long		 l;

	if (n == 0 || (buf = malloc(max)) == NULL)
		return NULL;
	if ((l = dec(buf, max, s, n)) > 0)
		o = json_loadb((const char *)buf, (size_t)l,
		    JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* A string member: 1 when it is one of at most max - 1 bytes, no NUL. */
static int
str_ok(json_t *o, const char *name, size_t max, int required)
{
	json_t	*v = json_object_get(o, name);

	if (v == NULL)
		return !required;
	return json_is_string(v) && json_string_length(v) < max &&
	    strlen(json_string_value(v)) == json_string_length(v);
}

static int
int_ok(json_t *o, const char *name, int required, long long *out)
{
	json_t	*v = json_object_get(o, name);

	*out = 0;
	if (v == NULL)
		return !required;
	if (!json_is_integer(v))
		return 0;
	*out = json_integer_value(v);
	return 1;
}

/* The lineage claims (written from the rule, not from jwtverify.c). */
static int
lineage_ok(json_t *c)
{
	json_t		*v, *p, *sub;
	long long	 gen;
	size_t		 i, k, depth = 0;
	const char	*s;

	if (!str_ok(c, "sid", ID_MAX, 0) || !int_ok(c, "gen", 0, &gen) || gen < 0)
		return 0;
	if ((v = json_object_get(c, "parents")) != NULL) {
		if (!json_is_array(v) || json_array_size(v) > 4)
			return 0;
		json_array_foreach(v, i, p) {
			if (!json_is_string(p) || json_string_length(p) != 22)
				return 0;
			s = json_string_value(p);
			for (k = 0; k < 22; k++)
				if (!((s[k] >= 'A' && s[k] <= 'Z') ||
				    (s[k] >= 'a' && s[k] <= 'z') ||
				    (s[k] >= '0' && s[k] <= '9') || s[k] == '-' ||
				    s[k] == '_'))
					return 0;
		}
	}
	for (v = json_object_get(c, "act"); v != NULL;
	    v = json_object_get(v, "act")) {
		if (!json_is_object(v) || ++depth > 4)
			return 0;
		sub = json_object_get(v, "sub");
		if (!json_is_string(sub) || json_string_length(sub) == 0 ||
		    !str_ok(v, "sub", ID_MAX, 1))
			return 0;
	}
	return 1;
}

static int
claims_ok(json_t *c, long long now)
{
	json_t		*v, *a;
	size_t		 i, j, len = 0, n;
	long long	 exp, iat, nbf;
	int		 found = 0;

	v = json_object_get(c, "iss");
	if (!json_is_string(v) || strcmp(json_string_value(v), ISSUER) != 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return 0;
	v = json_object_get(c, "aud");
	for (j = 0; auds[j] != NULL; j++) {
		if (json_is_string(v) && strcmp(json_string_value(v), auds[j]) == 0)
			found = 1;
		if (json_is_array(v))
			json_array_foreach(v, i, a)
				if (json_is_string(a) &&
				    strcmp(json_string_value(a), auds[j]) == 0)
					found = 1;
	}
	if (!found)
		return 0;
	if (!int_ok(c, "exp", 1, &exp) || !int_ok(c, "iat", 1, &iat) ||
	    !int_ok(c, "nbf", 0, &nbf))
		return 0;
	if (!str_ok(c, "jti", ID_MAX, 1) || !str_ok(c, "sub", ID_MAX, 1) ||
	    !str_ok(c, "client_id", ID_MAX, 1) || !str_ok(c, "org", ID_MAX, 1) ||
	    !str_ok(c, "scope", SCOPE_MAX_STRING_BYTES, 1) ||
	    !str_ok(c, "role", ID_MAX, 0) || !str_ok(c, "username", ID_MAX, 0) ||
	    !lineage_ok(c))
		return 0;
	if ((v = json_object_get(c, "accounts")) != NULL) {
		if (json_is_string(v)) {
			if (strcmp(json_string_value(v), "*") != 0)
				return 0;
		} else if (!json_is_array(v))
			return 0;
		else
			json_array_foreach(v, i, a) {
				if (!json_is_string(a) ||
				    (n = json_string_length(a)) == 0 ||
				    strlen(json_string_value(a)) != n ||
				    memchr(json_string_value(a), ' ', n) != NULL)
					return 0;
				/* Room for it, a separator and the NUL
				 * (jwtverify's rule, one byte on the safe
				 * side for the first). */
				if (len + n + 2 > 2048)
					return 0;
				len += (len > 0) + n;
			}
	}
	return now - LEEWAY < exp && iat <= now + LEEWAY &&
	    (nbf == 0 || nbf <= now + LEEWAY);
}

static int
ours(const char *t, size_t len, unsigned algs, long long now)
{
	const char	*d1, *d2, *k;
	json_t		*h = NULL, *c = NULL, *v;
	unsigned char	 sig[600];
	const char	*alg, *typ, *kid;
	long		 sl;
	size_t		 i;
	int		 a, key, ok = 0;

	if (len == 0 || len > JWTVERIFY_MAX_BYTES)
		return 0;
	for (i = 0; i < len; i++)
		if (t[i] != '.' && val64(t[i]) < 0)
			return 0;
	if ((d1 = memchr(t, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - t))) == NULL ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - t)) != NULL)
		return 0;
	if ((h = load(t, (size_t)(d1 - t), 512)) == NULL)
		goto out;
	json_object_foreach(h, k, v)
		if (strcmp(k, "alg") && strcmp(k, "typ") && strcmp(k, "kid"))
			goto out;
	if (!str_ok(h, "alg", 16, 1) || !str_ok(h, "typ", 32, 1) ||
	    !str_ok(h, "kid", JWS_KID_BYTES, 1))
		goto out;
	alg = json_string_value(json_object_get(h, "alg"));
	typ = json_string_value(json_object_get(h, "typ"));
	kid = json_string_value(json_object_get(h, "kid"));
	if (strcasecmp(typ, "at+jwt") != 0 &&
	    strcasecmp(typ, "application/at+jwt") != 0)
		goto out;
	for (a = 0; a < NKEYS && strcmp(alg, algnames[a]) != 0; a++)
		;
	if (a == NKEYS || !(algs & (1u << a)))
		goto out;
	for (key = 0; key < NKEYS && strcmp(kid, keys[key].kid) != 0; key++)
		;
	/* The key decides the algorithm: keys[i] is of alg i. */
	if (key == NKEYS || key != a)
		goto out;
	sl = dec(sig, 512, d2 + 1, len - (size_t)(d2 + 1 - t));
	if (sl <= 0 || !verify_sig(key, t, (size_t)(d2 - t), sig, (size_t)sl))
		goto out;
	if ((c = load(d1 + 1, (size_t)(d2 - d1 - 1), JWTVERIFY_MAX_BYTES)) ==
	    NULL)
		goto out;
	ok = claims_ok(c, now);
out:
	json_decref(h);
	json_decref(c);
	return ok;
}

/* ---- start-up ---- */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned char	 der[JWS_MAX_PRIV_BYTES], *p;
	const unsigned char *q;
	char		 kid[JWS_KID_BYTES];
	struct verified	 v;
	struct jwtverify_opts o;
	int		 k, n, i;

	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_DIFF_VERBOSE") != NULL;
	for (k = 0; k < NKEYS; k++) {
		if ((n = jws_generate((enum jws_alg)k, der, sizeof(der))) <= 0)
			__builtin_trap();
		if (k == JWS_HS256) {
			memcpy(hsecret, der, sizeof(hsecret));
			snprintf(kid, sizeof(kid), "hs-fuzzdiff");
		} else {
			q = der;
			if (jws_kid((enum jws_alg)k, der, (size_t)n, kid) != 0 ||
			    (pub[k] = d2i_AutoPrivateKey(NULL, &q, n)) == NULL)
				__builtin_trap();
			p = pubder[k];
			if ((pubderlen[k] = i2d_PUBKEY(pub[k], NULL)) <= 0 ||
			    pubderlen[k] > (int)sizeof(pubder[k]) ||
			    i2d_PUBKEY(pub[k], &p) != pubderlen[k])
				__builtin_trap();
		}
		if (jws_key_load(&keys[k], (enum jws_alg)k, kid, der,
		    (size_t)n) != 0)
			__builtin_trap();
		OPENSSL_cleanse(der, sizeof(der));
	}
	memset(&o, 0, sizeof(o));
	o.issuer = ISSUER;
	o.audiences = auds;
	o.algs = 7;
	o.leeway_sec = LEEWAY;
	o.now = (time_t)NOW;
	for (k = 0; k < NKEYS; k++)
		for (i = 0; i < 2; i++) {
			n = jws_sign(&keys[k], good_claims[i],
			    strlen(good_claims[i]), start_tok[k][i],
			    sizeof(start_tok[k][i]));
			/* The harness itself: both verifiers accept these. */
			if (n <= 0 || jwtverify(keys, NKEYS, &o, start_tok[k][i],
			    (size_t)n, &v) != JWTV_OK ||
			    !ours(start_tok[k][i], (size_t)n, 7, NOW))
				__builtin_trap();
		}
	return 0;
}

/* ---- building and mutating a candidate ---- */

/* Copy src into dst replacing "@A", "@K", "@k". Returns the length. */
static size_t
expand(char *dst, size_t cap, const uint8_t *src, size_t n, int k)
{
	const char	*rep;
	size_t		 i, o = 0, rl;

	for (i = 0; i < n; i++) {
		rep = NULL;
		if (src[i] == '@' && i + 1 < n) {
			if (src[i + 1] == 'A')
				rep = algnames[k];
			else if (src[i + 1] == 'K')
				rep = keys[k].kid;
			else if (src[i + 1] == 'k')
				rep = keys[(k + 1) % NKEYS].kid;
			else if (src[i + 1] == 'a')
				rep = algnames[(k + 1) % NKEYS];
		}
		if (rep != NULL) {
			rl = strlen(rep);
			if (o + rl >= cap)
				break;
			memcpy(dst + o, rep, rl);
			o += rl;
			i++;
		} else {
			if (o + 1 >= cap)
				break;
			dst[o++] = (char)src[i];
		}
	}
	dst[o] = '\0';
	return o;
}

/* Bounds of segment i of t (len bytes): [*s, *e). 0 when absent. */
static int
segment(const char *t, size_t len, int i, size_t *s, size_t *e)
{
	size_t	 p = 0;

	for (; i > 0; i--) {
		const char *d = memchr(t + p, '.', len - p);

		if (d == NULL)
			return 0;
		p = (size_t)(d - t) + 1;
	}
	*s = p;
	*e = p + strcspn(t + p, ".");
	if (*e > len)
		*e = len;
	return 1;
}

static size_t
mutate(char *t, size_t len, const uint8_t *ops, size_t n)
{
	static char	 tmp[TOKMAX];
	size_t		 i, pos, s1, e1, s2, e2, o;

	for (i = 0; i + 3 <= n && i < 3 * 16; i += 3) {
		pos = len ? (size_t)ops[i + 1] * len / 256 : 0;
		switch (ops[i] % 7) {
		case 0:
			if (len)
				t[pos] ^= (char)(1u << (ops[i + 2] % 8));
			break;
		case 1:
			if (len + 1 < TOKMAX) {
				memmove(t + pos + 1, t + pos, len - pos);
				t[pos] = (char)ops[i + 2];
				len++;
			}
			break;
		case 2:
			if (len) {
				memmove(t + pos, t + pos + 1, len - pos - 1);
				len--;
			}
			break;
		case 3:
			if (len)
				t[pos] = (char)ops[i + 2];
			break;
		case 4:
			len = pos;
			break;
		case 5:		/* swap segments a and b */
		case 6:		/* repeat segment a after segment b */
			t[len] = '\0';
			if (memchr(t, '\0', len) != NULL ||
			    !segment(t, len, ops[i + 1] % 3, &s1, &e1) ||
			    !segment(t, len, ops[i + 2] % 3, &s2, &e2) ||
			    s1 == s2)
				break;
			if (ops[i] % 7 == 6) {
				if (len + (e1 - s1) + 1 >= TOKMAX)
					break;
				o = 0;
				memcpy(tmp, t, e2);
				o = e2;
				tmp[o++] = '.';
				memcpy(tmp + o, t + s1, e1 - s1);
				o += e1 - s1;
				memcpy(tmp + o, t + e2, len - e2);
				o += len - e2;
			} else {
				if (s1 > s2) {
					size_t x = s1, y = e1;
					s1 = s2, e1 = e2, s2 = x, e2 = y;
				}
				o = 0;
				memcpy(tmp, t, s1);
				o = s1;
				memcpy(tmp + o, t + s2, e2 - s2);
				o += e2 - s2;
				memcpy(tmp + o, t + e1, s2 - e1);
				o += s2 - e1;
				memcpy(tmp + o, t + s1, e1 - s1);
				o += e1 - s1;
				memcpy(tmp + o, t + e2, len - e2);
				o += len - e2;
			}
			memcpy(t, tmp, o);
			len = o;
			break;
		}
	}
	t[len] = '\0';
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 tok[TOKMAX], hdr[1024], pay[JWTVERIFY_MAX_BYTES];
	unsigned char		 sig[600];
	const uint8_t		*h, *pl, *ops, *end = data + size, *z;
	struct verified		 v;
	struct jwtverify_opts	 o;
	size_t			 hl, pll, nops, len, siglen = 0;
	unsigned int		 hsl;
	long long		 now;
	int			 k, mode, theirs, mine;
	unsigned		 algs;

	if (size < 4)
		return 0;
	k = data[0] % 3;
	mode = data[0] / 3 % 6;
	algs = data[2] % 8 ? data[2] % 8 : 7;
	now = NOW + 15LL * (int8_t)data[3];
	h = data + 4;
	z = memchr(h, '\0', (size_t)(end - h));
	hl = z ? (size_t)(z - h) : (size_t)(end - h);
	pl = z ? z + 1 : end;
	z = pl < end ? memchr(pl, '\0', (size_t)(end - pl)) : NULL;
	pll = z ? (size_t)(z - pl) : (size_t)(end - pl);
	ops = z ? z + 1 : end;
	nops = (size_t)(end - ops);

	if (mode == 5) {
		len = strlen(start_tok[k][data[1] % 2]);
		memcpy(tok, start_tok[k][data[1] % 2], len + 1);
	} else {
		if (hl == 0)
			snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":"
			    "\"at+jwt\",\"kid\":\"%s\"}", algnames[k], keys[k].kid);
		else
			expand(hdr, sizeof(hdr), h, hl, k);
		if (pll == 0)
			snprintf(pay, sizeof(pay), "%s", good_claims[data[1] % 2]);
		else
			expand(pay, sizeof(pay), pl, pll, k);
		len = enc(tok, (const unsigned char *)hdr, strlen(hdr));
		tok[len++] = '.';
		len += enc(tok + len, (const unsigned char *)pay, strlen(pay));
		switch (mode) {
		case 0:			/* the right key */
			sign(k, 0, tok, len, sig, &siglen);
			break;
		case 1:			/* another key */
			sign((k + 1) % NKEYS, 0, tok, len, sig, &siglen);
			break;
		case 2:			/* HS256 keyed with a public key */
			if (HMAC(EVP_sha256(), pubder[k % 2], pubderlen[k % 2],
			    (const unsigned char *)tok, len, sig, &hsl) == NULL)
				__builtin_trap();
			siglen = 32;
			break;
		case 3:			/* no signature */
			siglen = 0;
			break;
		case 4:			/* ES256 with high S */
			sign(JWS_ES256, 1, tok, len, sig, &siglen);
			break;
		}
		tok[len++] = '.';
		len += enc(tok + len, sig, siglen);
	}
	len = mutate(tok, len, ops, nops);

	memset(&o, 0, sizeof(o));
	o.issuer = ISSUER;
	o.audiences = auds;
	o.algs = algs;
	o.leeway_sec = LEEWAY;
	o.now = (time_t)now;
	theirs = jwtverify(keys, NKEYS, &o, tok, len, &v) == JWTV_OK;
	mine = ours(tok, len, algs, now);
	if (verbose)
		fprintf(stderr, "%s %s\n", mine ? "accept" : "reject",
		    jwtverify_strerror(jwtverify(keys, NKEYS, &o, tok, len, &v)));
	if (theirs != mine) {
		fprintf(stderr, "disagreement: jwtverify %s, harness %s: %.*s\n",
		    theirs ? "accepts" : "rejects", mine ? "accepts" : "rejects",
		    (int)len, tok);
		__builtin_trap();
	}
	return 0;
}
