/*
 * test_jwtverify: the RFC 8725 / RFC 9068 rules of jwtverify, one row per
 * rule, each row naming the enum it must give.
 *
 * Keys are made with jws_generate/jws_kid/jws_key_load (ES256, RS256,
 * HS256), and good tokens come from jws_sign. Hostile tokens are built here
 * by hand: header and payload encoded with b64url_encode, signatures made
 * with OpenSSL directly (ES256 as R || S, or DER on purpose), so that a row
 * breaks exactly one rule and every other part is right. Every token is
 * handed to jwtverify in a heap buffer of exactly its length (no NUL), so
 * ASan sees any read past len.
 *
 * The clock is fixed: opts.now = NOW, leeway 30 s, so claims are literals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64url.h"
#include "claims.h"
#include "jws.h"
#include "jwtverify.h"
#include "t.h"

#define NOW		1700000000LL
#define LEEWAY		30
#define TOKSZ		(JWTVERIFY_MAX_BYTES * 4)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define ISS	"\"iss\":\"https://auth.example.com\""
#define AUD	"\"aud\":\"https://api.example.com\""
#define TIMES	"\"exp\":1700000900,\"iat\":1700000000,\"nbf\":1700000000"
#define IDS	"\"jti\":\"j1\",\"sub\":\"u1\",\"client_id\":\"c1\"," \
		"\"org\":\"o1\",\"scope\":\"read write\""
/* Every required claim, valid at NOW. */
#define STD	"{" ISS "," AUD "," TIMES "," IDS "}"
/* STD with extra members appended (a later duplicate is a row of its own). */
#define STDX(x)	"{" ISS "," AUD "," TIMES "," IDS "," x "}"
/* STD without the times, for rows about exp / iat / nbf. */
#define NOTIME(x) "{" ISS "," AUD "," IDS "," x "}"

/* P-256 group order n (RFC 5480 / SEC 2). */
static const char	 p256_n[] =
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

enum who { ES, RS, HS, ES2, NWHO };

struct material {
	enum jws_alg	 alg;
	unsigned char	 priv[JWS_MAX_PRIV_BYTES];
	int		 privlen;
	char		 kid[JWS_KID_BYTES];
	EVP_PKEY	*pkey;		/* ES256, RS256 */
	char		*pem;		/* public key PEM, ES256, RS256 */
	size_t		 pemlen;
};

static struct material		 mat[NWHO];
/* The active keys: ES, RS, HS (ES2 is a key the verifier does not have). */
static struct jws_key		 keys[3];
static const char *const	 auds[] = { "https://api.example.com", "api",
				    NULL };
static struct jwtverify_opts	 opts;
static const char *const	 who_name[] = { "ES256", "RS256", "HS256",
				    "ES256 (other key)" };

static const char *const ename[] = {
	"OK", "MALFORMED", "HEADER", "ALG", "KID", "SIGNATURE", "ISSUER",
	"AUDIENCE", "EXPIRED", "NOT_YET", "CLAIMS"
};

static const char *
en(int e)
{
	return e >= 0 && (size_t)e < NELEM(ename) ? ename[e] : "?";
}

static void
opts_default(void)
{
	opts.issuer = "https://auth.example.com";
	opts.audiences = auds;
	opts.algs = 1u << JWS_ES256 | 1u << JWS_RS256 | 1u << JWS_HS256;
	opts.leeway_sec = LEEWAY;
	opts.now = (time_t)NOW;
}

/* PEM SubjectPublicKeyInfo of pkey (malloc'd). */
static char *
pem_public(EVP_PKEY *pkey, size_t *pemlen)
{
	BIO	*bio;
	char	*data, *out = NULL;
	long	 n;

	if ((bio = BIO_new(BIO_s_mem())) != NULL &&
	    PEM_write_bio_PUBKEY(bio, pkey) == 1 &&
	    (n = BIO_get_mem_data(bio, &data)) > 0 &&
	    (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
		*pemlen = (size_t)n;
	}
	BIO_free(bio);
	return out;
}

static int
make_material(struct material *m, enum jws_alg alg)
{
	const unsigned char	*p;

	memset(m, 0, sizeof(*m));
	m->alg = alg;
	if ((m->privlen = jws_generate(alg, m->priv, sizeof(m->priv))) <= 0 ||
	    jws_kid(alg, m->priv, (size_t)m->privlen, m->kid) != 0)
		return -1;
	if (alg == JWS_HS256)
		return 0;
	p = m->priv;
	if ((m->pkey = d2i_AutoPrivateKey(NULL, &p, m->privlen)) == NULL ||
	    (m->pem = pem_public(m->pkey, &m->pemlen)) == NULL)
		return -1;
	return 0;
}

static void
free_material(struct material *m)
{
	EVP_PKEY_free(m->pkey);
	free(m->pem);
	OPENSSL_cleanse(m, sizeof(*m));
}

/* jwtverify on an exact-length heap copy of tok (no NUL after it). */
static int
ver_keys(const struct jws_key *k, size_t nk, const char *tok, size_t len,
    struct verified *v)
{
	char	*copy;
	int	 e;

	if ((copy = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(copy, tok, len);
	e = (int)jwtverify(k, nk, &opts, copy, len, v);
	free(copy);
	return e;
}

static int
ver(const char *tok, size_t len)
{
	struct verified	 v;

	return ver_keys(keys, NELEM(keys), tok, len, &v);
}

/*
 * The same in a child process: a sanitizer report in jwtverify is -2 (a
 * failed row) instead of the end of the test program.
 */
static int
ver_isolated(const char *tok, size_t len)
{
	pid_t	 pid;
	int	 st;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	/* The child's status is 100 + the enum; a sanitizer exits 1 or aborts. */
	if (pid == 0)
		_exit(100 + (ver(tok, len) & 0x1f));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) < 100 || WEXITSTATUS(st) > 100 + JWTV_CLAIMS)
		return -2;
	return WEXITSTATUS(st) - 100;
}

/* jws_sign with the active key of w; returns the length or -1. */
static int
sign_claims(enum who w, const char *claims, size_t len, char *tok,
    size_t toksz)
{
	return jws_sign(&keys[w], claims, len, tok, toksz);
}

/* "b64(hdr).b64(payload)" into out; returns its length or -1. */
static int
tok_input(char *out, size_t outsz, const char *hdr, size_t hlen,
    const char *pay, size_t plen)
{
	int	 a, b;

	if ((a = b64url_encode(out, outsz, (const unsigned char *)hdr,
	    hlen)) < 0 || (size_t)a + 2 > outsz)
		return -1;
	out[a] = '.';
	if ((b = b64url_encode(out + a + 1, outsz - (size_t)a - 1,
	    (const unsigned char *)pay, plen)) < 0)
		return -1;
	return a + 1 + b;
}

/* Append "." and b64(sig) at out + pos; returns the new length or -1. */
static int
tok_sig(char *out, size_t outsz, size_t pos, const unsigned char *sig,
    size_t siglen)
{
	int	 n;

	if (pos + 2 > outsz)
		return -1;
	out[pos] = '.';
	if ((n = b64url_encode(out + pos + 1, outsz - pos - 1, sig, siglen)) < 0)
		return -1;
	return (int)pos + 1 + n;
}

/*
 * JOSE signature of in by m with OpenSSL: HMAC for HS256, PKCS#1 v1.5 for
 * RS256, R || S (der = 0) or the DER SEQUENCE (der = 1) for ES256.
 */
static int
jose_sign(const struct material *m, const char *in, size_t inlen, int der,
    unsigned char *sig, size_t *siglen)
{
	EVP_MD_CTX	*ctx = NULL;
	ECDSA_SIG	*es = NULL;
	unsigned char	 buf[1024];
	const unsigned char *p = buf;
	const BIGNUM	*r, *s;
	size_t		 len = sizeof(buf);
	unsigned int	 ml = 0;
	int		 rc = -1;

	if (m->alg == JWS_HS256) {
		if (HMAC(EVP_sha256(), m->priv, m->privlen,
		    (const unsigned char *)in, inlen, sig, &ml) == NULL)
			return -1;
		*siglen = ml;
		return 0;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, m->pkey) != 1 ||
	    EVP_DigestSign(ctx, buf, &len, (const unsigned char *)in,
	    inlen) != 1)
		goto out;
	if (m->alg == JWS_RS256 || der) {
		memcpy(sig, buf, len);
		*siglen = len;
		rc = 0;
		goto out;
	}
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, sig, 32) != 32 || BN_bn2binpad(s, sig + 32, 32) != 32)
		goto out;
	/* jwtmint's form: low S (jws.h), n - S otherwise. */
	if (!jws_es256_low_s(sig + 32)) {
		BIGNUM *n = NULL, *low = BN_new();

		if (low == NULL || BN_hex2bn(&n, "FFFFFFFF00000000FFFFFFFFFFFFFFFF"
		    "BCE6FAADA7179E84F3B9CAC2FC632551") == 0 ||
		    BN_sub(low, n, s) != 1 || BN_bn2binpad(low, sig + 32, 32) != 32) {
			BN_free(n);
			BN_free(low);
			goto out;
		}
		BN_free(n);
		BN_free(low);
	}
	*siglen = 64;
	rc = 0;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* A whole token: hdr and payload encoded, signed by m (JOSE form). */
static int
tok_make(char *out, size_t outsz, const char *hdr, size_t hlen,
    const char *pay, size_t plen, const struct material *m)
{
	unsigned char	 sig[1024];
	size_t		 siglen;
	int		 n;

	if ((n = tok_input(out, outsz, hdr, hlen, pay, plen)) < 0 ||
	    jose_sign(m, out, (size_t)n, 0, sig, &siglen) == -1)
		return -1;
	return tok_sig(out, outsz, (size_t)n, sig, siglen);
}

/* The header jws_sign writes for w. */
static void
std_header(char *hdr, size_t hdrsz, enum who w)
{
	snprintf(hdr, hdrsz, "{\"alg\":\"%s\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}",
	    jws_alg_name(mat[w].alg), mat[w].kid);
}

/* --- valid tokens: every field of struct verified ------------------------ */

#define FULL	"{" ISS "," AUD ",\"exp\":1700000900,\"iat\":1700000000," \
		"\"nbf\":1699999990,\"jti\":\"jti-1\",\"sub\":\"user-1\"," \
		"\"client_id\":\"client-1\",\"org\":\"org-1\"," \
		"\"scope\":\"read write\",\"role\":\"admin\"," \
		"\"username\":\"alice\",\"accounts\":[\"acc-1\",\"acc-2\"]}"

static void
check_valid(enum who w)
{
	static const struct {
		const char	*name, *claims, *aud, *accounts, *role;
		long long	 nbf;
	} rows[] = {
		{ "every claim, accounts array, aud string", FULL,
		    "https://api.example.com", "acc-1 acc-2", "admin",
		    1699999990 },
		{ "aud array, second configured audience, accounts \"*\"",
		    "{" ISS ",\"aud\":[\"https://other.example\",\"api\"],"
		    TIMES "," IDS ",\"accounts\":\"*\"}", "api", "*", "",
		    1700000000 },
		{ "aud array of one", "{" ISS ",\"aud\":[\"https://api.example."
		    "com\"]," TIMES "," IDS "}", "https://api.example.com", "",
		    "", 1700000000 },
		{ "no nbf, empty accounts array, unknown claims ignored",
		    "{" ISS "," AUD ",\"exp\":1700000900,\"iat\":1700000000,"
		    IDS ",\"accounts\":[],\"act\":{\"sub\":\"x\"},\"cnf\":1}",
		    "https://api.example.com", "", "", 0 },
	};
	struct verified	 v;
	char		 tok[TOKSZ];
	const char	*an = who_name[w];
	size_t		 i;
	int		 n, e;

	for (i = 0; i < NELEM(rows); i++) {
		n = sign_claims(w, rows[i].claims, strlen(rows[i].claims), tok,
		    sizeof(tok));
		memset(&v, 0xa5, sizeof(v));
		e = n > 0 ? ver_keys(keys, NELEM(keys), tok, (size_t)n, &v) : -1;
		T_CHECK(e == JWTV_OK, "%s valid, %s -> OK (got %s)", an,
		    rows[i].name, en(e));
		if (e != JWTV_OK)
			continue;
		T_CHECK(strcmp(v.kid, mat[w].kid) == 0 && v.alg == mat[w].alg,
		    "%s valid row %zu: kid and alg", an, i);
		T_CHECK(strcmp(v.aud, rows[i].aud) == 0, "%s valid row %zu: aud "
		    "\"%s\" (got \"%.80s\")", an, i, rows[i].aud, v.aud);
		T_CHECK(strcmp(v.accounts, rows[i].accounts) == 0, "%s valid row "
		    "%zu: accounts \"%s\" (got \"%.80s\")", an, i,
		    rows[i].accounts, v.accounts);
		T_CHECK(strcmp(v.role, rows[i].role) == 0, "%s valid row %zu: "
		    "role \"%s\"", an, i, rows[i].role);
		T_CHECK(v.exp == 1700000900 && v.iat == 1700000000 &&
		    v.nbf == rows[i].nbf, "%s valid row %zu: exp, iat, nbf %lld",
		    an, i, rows[i].nbf);
		T_CHECK(strcmp(v.scope, "read write") == 0, "%s valid row %zu: "
		    "scope", an, i);
		if (i == 0) {
			T_CHECK(strcmp(v.jti, "jti-1") == 0 &&
			    strcmp(v.sub, "user-1") == 0 &&
			    strcmp(v.client_id, "client-1") == 0 &&
			    strcmp(v.org, "org-1") == 0 &&
			    strcmp(v.username, "alice") == 0,
			    "%s valid: jti, sub, client_id, org, username", an);
		} else
			T_CHECK(strcmp(v.jti, "j1") == 0 &&
			    strcmp(v.sub, "u1") == 0 &&
			    strcmp(v.client_id, "c1") == 0 &&
			    strcmp(v.org, "o1") == 0 && v.username[0] == '\0',
			    "%s valid row %zu: ids, username \"\" when absent",
			    an, i);
	}
}

/* claims_json (the issuer's own serialiser) -> jws_sign -> jwtverify. */
static void
check_claims_roundtrip(void)
{
	struct claims	 c;
	struct verified	 v;
	char		 tok[TOKSZ], js[4096];
	size_t		 len = 0;
	int		 n, e, w;

	memset(&c, 0, sizeof(c));
	c.iss = "https://auth.example.com";
	c.sub = "user-2";
	c.aud = "api";
	c.client_id = "client-2";
	c.scope = "read:a write:b";
	c.org = "org-2";
	c.role = "support";
	c.accounts = "a1 a2 a3";
	c.act[0] = "client-3";
	c.act[1] = "client-4";
	c.nact = 2;
	c.sid = "fam_aaaaaaaaaaaaaaaa";
	c.has_gen = 1;
	c.gen = 7;
	c.parents[0] = "AAAAAAAAAAAAAAAAAAAAAA";
	c.nparents = 1;
	c.iat = (time_t)NOW;
	c.exp = (time_t)NOW + 900;
	if (claims_new_jti(&c) != 0 ||
	    (n = claims_json(&c, js, sizeof(js))) < 0) {
		T_CHECK(0, "claims_json for the round trip");
		return;
	}
	len = (size_t)n;
	for (w = ES; w <= HS; w++) {
		n = sign_claims((enum who)w, js, len, tok, sizeof(tok));
		e = n > 0 ? ver_keys(keys, NELEM(keys), tok, (size_t)n, &v) : -1;
		T_CHECK(e == JWTV_OK && strcmp(v.jti, c.jti) == 0 &&
		    strcmp(v.accounts, "a1 a2 a3") == 0 &&
		    strcmp(v.role, "support") == 0 && strcmp(v.aud, "api") == 0 &&
		    v.nbf == NOW && strcmp(v.sid, "fam_aaaaaaaaaaaaaaaa") == 0 &&
		    v.has_gen && v.gen == 7 && v.nparents == 1 &&
		    strcmp(v.parents[0], "AAAAAAAAAAAAAAAAAAAAAA") == 0 &&
		    v.nact == 2 && strcmp(v.act[0], "client-3") == 0 &&
		    strcmp(v.act[1], "client-4") == 0 && jwtverify_is_user(&v),
		    "%s: claims_json output verifies, fields read back (got %s)",
		    who_name[w], en(e));
	}
}

/* --- the protected header ------------------------------------------------- */

enum signer { SG_ES, SG_RS, SG_HS, SG_ES2, SG_EMPTY, SG_PEM_ES, SG_PEM_RS };

struct hrow {
	const char	*name;
	const char	*hdr;		/* "%s" is the kid of `kid` */
	enum who	 kid;
	enum signer	 sg;
	int		 want;
};

#define H(a, t)		"{\"alg\":\"" a "\",\"typ\":\"" t "\",\"kid\":\"%s\"}"
#define HX(a, x)	"{\"alg\":\"" a "\",\"typ\":\"at+jwt\",\"kid\":\"%s\"," x "}"

static const struct hrow hrows[] = {
	/* RFC 8725 §3.1 / §2.1: the token never chooses the algorithm. */
	{ "alg none, empty signature", H("none", "at+jwt"), ES, SG_EMPTY,
	    JWTV_ALG },
	{ "alg none, no kid, empty signature",
	    "{\"alg\":\"none\",\"typ\":\"at+jwt\"}", ES, SG_EMPTY, JWTV_ALG },
	{ "alg none, ES256 signature kept", H("none", "at+jwt"), ES, SG_ES,
	    JWTV_ALG },
	{ "alg None", H("None", "at+jwt"), ES, SG_EMPTY, JWTV_ALG },
	{ "alg NONE", H("NONE", "at+jwt"), ES, SG_EMPTY, JWTV_ALG },
	{ "alg nOnE", H("nOnE", "at+jwt"), HS, SG_EMPTY, JWTV_ALG },
	{ "alg es256 (case)", H("es256", "at+jwt"), ES, SG_ES, JWTV_ALG },
	{ "alg \"ES256 \"", H("ES256 ", "at+jwt"), ES, SG_ES, JWTV_ALG },
	{ "alg ES384", H("ES384", "at+jwt"), ES, SG_ES, JWTV_ALG },
	{ "alg PS256", H("PS256", "at+jwt"), RS, SG_RS, JWTV_ALG },
	{ "alg HS512", H("HS512", "at+jwt"), HS, SG_HS, JWTV_ALG },
	{ "alg empty string", H("", "at+jwt"), ES, SG_ES, JWTV_ALG },
	{ "alg missing", "{\"typ\":\"at+jwt\",\"kid\":\"%s\"}", ES, SG_ES,
	    JWTV_ALG },
	{ "alg a number", "{\"alg\":1,\"typ\":\"at+jwt\",\"kid\":\"%s\"}", ES,
	    SG_ES, JWTV_ALG },
	{ "alg null", "{\"alg\":null,\"typ\":\"at+jwt\",\"kid\":\"%s\"}", ES,
	    SG_ES, JWTV_ALG },
	{ "alg an array", "{\"alg\":[\"ES256\"],\"typ\":\"at+jwt\","
	    "\"kid\":\"%s\"}", ES, SG_ES, JWTV_ALG },
	{ "HS256 keyed with the ES256 PEM public key, ES256 kid",
	    H("HS256", "at+jwt"), ES, SG_PEM_ES, JWTV_ALG },
	{ "HS256 keyed with the RS256 PEM public key, RS256 kid",
	    H("HS256", "at+jwt"), RS, SG_PEM_RS, JWTV_ALG },
	{ "RS256 header, ES256 kid, ES256 signature", H("RS256", "at+jwt"), ES,
	    SG_ES, JWTV_ALG },
	{ "RS256 header, ES256 kid, RS256 signature", H("RS256", "at+jwt"), ES,
	    SG_RS, JWTV_ALG },
	{ "ES256 header, RS256 kid", H("ES256", "at+jwt"), RS, SG_RS,
	    JWTV_ALG },
	{ "ES256 header, HS256 kid", H("ES256", "at+jwt"), HS, SG_HS,
	    JWTV_ALG },
	{ "HS256 header, ES256 kid, signed by the HS256 key",
	    H("HS256", "at+jwt"), ES, SG_HS, JWTV_ALG },

	/* The kid must name an active key. */
	{ "unknown kid", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"nope"
	    "%.0s\"}", ES, SG_ES, JWTV_KID },
	{ "kid missing", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\"%.0s}", ES,
	    SG_ES, JWTV_KID },
	{ "kid empty", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"%.0s\"}",
	    ES, SG_ES, JWTV_KID },
	{ "kid a number", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":7%.0s}",
	    ES, SG_ES, JWTV_KID },
	{ "kid null", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":null%.0s}",
	    ES, SG_ES, JWTV_KID },
	{ "kid a prefix of the real kid", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\","
	    "\"kid\":\"%.20s\"}", ES, SG_ES, JWTV_KID },
	{ "the header jws_sign writes (control)", H("ES256", "at+jwt"), ES,
	    SG_ES, JWTV_OK },
	{ "kid of a key the verifier does not hold", H("ES256", "at+jwt"),
	    ES2, SG_ES2, JWTV_KID },

	/* RFC 8725 §3.10 / RFC 7515 §4.1: no key or URL from the token. */
	{ "jku", HX("ES256", "\"jku\":\"https://evil.example/jwks\""), ES,
	    SG_ES, JWTV_HEADER },
	{ "x5u", HX("ES256", "\"x5u\":\"https://evil.example/c.pem\""), ES,
	    SG_ES, JWTV_HEADER },
	{ "jwk", HX("ES256", "\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"AA\",\"y\":\"AA\"}"), ES, SG_ES, JWTV_HEADER },
	{ "x5c", HX("ES256", "\"x5c\":[\"MIIB\"]"), ES, SG_ES, JWTV_HEADER },
	{ "x5t", HX("ES256", "\"x5t\":\"AAAA\""), ES, SG_ES, JWTV_HEADER },
	{ "crit", HX("ES256", "\"crit\":[\"exp\"],\"exp\":1"), ES, SG_ES,
	    JWTV_HEADER },
	{ "crit empty", HX("ES256", "\"crit\":[]"), ES, SG_ES, JWTV_HEADER },
	{ "b64 false (RFC 7797)", HX("ES256", "\"b64\":false"), ES, SG_ES,
	    JWTV_HEADER },
	{ "cty", HX("ES256", "\"cty\":\"JWT\""), ES, SG_ES, JWTV_HEADER },
	{ "zip", HX("ES256", "\"zip\":\"DEF\""), ES, SG_ES, JWTV_HEADER },
	{ "unknown member", HX("ES256", "\"foo\":1"), ES, SG_ES, JWTV_HEADER },
	{ "unknown member, HS256", HX("HS256", "\"foo\":null"), HS, SG_HS,
	    JWTV_HEADER },
	{ "jku with alg none", "{\"jku\":\"https://evil.example/\","
	    "\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", ES, SG_EMPTY,
	    JWTV_HEADER },
	{ "member \"ALG\" (names are case-sensitive)",
	    HX("ES256", "\"ALG\":\"none\""), ES, SG_ES, JWTV_HEADER },
	{ "empty member name", HX("ES256", "\"\":1"), ES, SG_ES, JWTV_HEADER },

	/* RFC 9068 §2.1 / §4: typ at+jwt, case-insensitively. */
	{ "typ JWT", H("ES256", "JWT"), ES, SG_ES, JWTV_HEADER },
	{ "typ jwt", H("HS256", "jwt"), HS, SG_HS, JWTV_HEADER },
	{ "typ missing", "{\"alg\":\"ES256\",\"kid\":\"%s\"}", ES, SG_ES,
	    JWTV_HEADER },
	{ "typ empty", H("ES256", ""), ES, SG_ES, JWTV_HEADER },
	{ "typ \"at+jwt \"", H("ES256", "at+jwt "), ES, SG_ES, JWTV_HEADER },
	{ "typ \"at+jw\"", H("ES256", "at+jw"), ES, SG_ES, JWTV_HEADER },
	{ "typ application/jwt", H("ES256", "application/jwt"), ES, SG_ES,
	    JWTV_HEADER },
	{ "typ a number", "{\"alg\":\"ES256\",\"typ\":1,\"kid\":\"%s\"}", ES,
	    SG_ES, JWTV_HEADER },
	{ "typ null", "{\"alg\":\"ES256\",\"typ\":null,\"kid\":\"%s\"}", ES,
	    SG_ES, JWTV_HEADER },
	{ "typ application/at+jwt", H("ES256", "application/at+jwt"), ES,
	    SG_ES, JWTV_OK },
	{ "typ AT+JWT", H("ES256", "AT+JWT"), ES, SG_ES, JWTV_OK },
	{ "typ Application/At+Jwt", H("RS256", "Application/At+Jwt"), RS,
	    SG_RS, JWTV_OK },
	{ "members reordered", "{\"kid\":\"%s\",\"typ\":\"at+jwt\","
	    "\"alg\":\"HS256\"}", HS, SG_HS, JWTV_OK },
	{ "whitespace inside the header JSON", "{ \"alg\" : \"ES256\",\n"
	    "\"typ\":\"at+jwt\", \"kid\":\"%s\" }", ES, SG_ES, JWTV_OK },

	/* The header must be one JSON object without duplicates. */
	{ "duplicate alg (ES256 then none)", "{\"alg\":\"ES256\",\"alg\":\"none\","
	    "\"typ\":\"at+jwt\",\"kid\":\"%s\"}", ES, SG_ES, JWTV_MALFORMED },
	{ "duplicate alg (none then ES256)", "{\"alg\":\"none\",\"alg\":\"ES256\","
	    "\"typ\":\"at+jwt\",\"kid\":\"%s\"}", ES, SG_ES, JWTV_MALFORMED },
	{ "duplicate kid", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"%s\","
	    "\"kid\":\"x\"}", ES, SG_ES, JWTV_MALFORMED },
	{ "duplicate typ, same value", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\","
	    "\"typ\":\"at+jwt\",\"kid\":\"%s\"}", ES, SG_ES, JWTV_MALFORMED },
	{ "header an array", "[\"ES256\",\"%s\"]", ES, SG_ES, JWTV_MALFORMED },
	{ "header a string", "\"ES256%.0s\"", ES, SG_ES, JWTV_MALFORMED },
	{ "header a number", "1%.0s", ES, SG_ES, JWTV_MALFORMED },
	{ "header null", "null%.0s", ES, SG_ES, JWTV_MALFORMED },
	{ "header true", "true%.0s", ES, SG_ES, JWTV_MALFORMED },
	{ "header not JSON", "alg=ES256%.0s", ES, SG_ES, JWTV_MALFORMED },
	{ "header truncated JSON", "{\"alg\":\"ES256\",\"kid\":\"%s\"", ES,
	    SG_ES, JWTV_MALFORMED },
	{ "header with trailing bytes", H("ES256", "at+jwt") "x", ES, SG_ES,
	    JWTV_MALFORMED },
	{ "header two objects", H("ES256", "at+jwt") "{}", ES, SG_ES,
	    JWTV_MALFORMED },
	{ "header invalid UTF-8", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\xff\","
	    "\"kid\":\"%s\"}", ES, SG_ES, JWTV_MALFORMED },
	{ "header with \\u0000 in typ", "{\"alg\":\"ES256\",\"typ\":"
	    "\"at+jwt\\u0000x\",\"kid\":\"%s\"}", ES, SG_ES, -1 },
};

/*
 * The signature a row asks for, over input (in out + 0 .. n). Returns the
 * token length or -1.
 */
static int
add_signature(char *out, size_t outsz, int n, enum signer sg)
{
	unsigned char	 sig[1024];
	size_t		 siglen = 0;
	unsigned int	 ml = 0;
	const struct material *pm;

	switch (sg) {
	case SG_ES: case SG_RS: case SG_HS: case SG_ES2:
		if (jose_sign(&mat[sg == SG_ES ? ES : sg == SG_RS ? RS :
		    sg == SG_HS ? HS : ES2], out, (size_t)n, 0, sig,
		    &siglen) == -1)
			return -1;
		break;
	case SG_EMPTY:
		break;
	case SG_PEM_ES: case SG_PEM_RS:
		/* RFC 8725 §2.1: the public key bytes as an HMAC secret. */
		pm = &mat[sg == SG_PEM_ES ? ES : RS];
		if (HMAC(EVP_sha256(), pm->pem, (int)pm->pemlen,
		    (unsigned char *)out, (size_t)n, sig, &ml) == NULL)
			return -1;
		siglen = ml;
		break;
	}
	return tok_sig(out, outsz, (size_t)n, sig, siglen);
}

static void
check_header(void)
{
	char		 hdr[1024], tok[TOKSZ];
	size_t		 i;
	int		 n, e;

	for (i = 0; i < NELEM(hrows); i++) {
		const struct hrow *r = &hrows[i];

		snprintf(hdr, sizeof(hdr), r->hdr, mat[r->kid].kid);
		n = tok_input(tok, sizeof(tok), hdr, strlen(hdr), STD,
		    strlen(STD));
		n = n < 0 ? -1 : add_signature(tok, sizeof(tok), n, r->sg);
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		if (r->want == -1) {
			/* \u0000 in a header string: refused either way. */
			T_CHECK(e == JWTV_MALFORMED || e == JWTV_HEADER,
			    "header row %zu: %s -> MALFORMED or HEADER (got %s)",
			    i, r->name, en(e));
			continue;
		}
		T_CHECK(e == r->want, "header row %zu: %s -> %s (got %s)", i,
		    r->name, en(r->want), en(e));
	}

	/* A header over MAX_HEADER_BYTES (512) decoded: refused. */
	{
		char	 big[700];

		memset(big, 'a', sizeof(big));
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
		    "\"kid\":\"%s\",\"x\":\"%.*s\"}", mat[HS].kid, 600, big);
		n = tok_make(tok, sizeof(tok), hdr, strlen(hdr), STD,
		    strlen(STD), &mat[HS]);
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		T_CHECK(e == JWTV_MALFORMED || e == JWTV_HEADER,
		    "header of %zu bytes (over 512) -> MALFORMED or HEADER "
		    "(got %s)", strlen(hdr), en(e));
		/* typ padded with JSON whitespace to just under and over 512. */
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
		    "\"kid\":\"%s\"%*s}", mat[HS].kid, 600, "");
		n = tok_make(tok, sizeof(tok), hdr, strlen(hdr), STD,
		    strlen(STD), &mat[HS]);
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		T_CHECK(e == JWTV_MALFORMED, "valid header padded with spaces "
		    "to %zu bytes -> MALFORMED (got %s)", strlen(hdr), en(e));
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
		    "\"kid\":\"%s\"%*s}", mat[HS].kid, 400, "");
		n = tok_make(tok, sizeof(tok), hdr, strlen(hdr), STD,
		    strlen(STD), &mat[HS]);
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		T_CHECK(e == JWTV_OK, "valid header padded with spaces to %zu "
		    "bytes -> OK (got %s)", strlen(hdr), en(e));
	}
}

/* opts.algs: the configuration decides too. */
static void
check_mask(void)
{
	static const struct {
		const char	*name;
		unsigned	 algs;
		int		 want[3];	/* ES, RS, HS tokens */
	} rows[] = {
		{ "ES256 only", 1u << JWS_ES256, { JWTV_OK, JWTV_ALG, JWTV_ALG } },
		{ "RS256 only", 1u << JWS_RS256, { JWTV_ALG, JWTV_OK, JWTV_ALG } },
		{ "HS256 only", 1u << JWS_HS256, { JWTV_ALG, JWTV_ALG, JWTV_OK } },
		{ "ES256 and RS256", 1u << JWS_ES256 | 1u << JWS_RS256,
		    { JWTV_OK, JWTV_OK, JWTV_ALG } },
		{ "empty mask", 0, { JWTV_ALG, JWTV_ALG, JWTV_ALG } },
		{ "unrelated high bits", 0xfffffff8u,
		    { JWTV_ALG, JWTV_ALG, JWTV_ALG } },
	};
	char	 tok[TOKSZ];
	size_t	 i;
	int	 w, n, e;

	for (i = 0; i < NELEM(rows); i++) {
		opts.algs = rows[i].algs;
		for (w = ES; w <= HS; w++) {
			n = sign_claims((enum who)w, STD, strlen(STD), tok,
			    sizeof(tok));
			e = n > 0 ? ver(tok, (size_t)n) : -99;
			T_CHECK(e == rows[i].want[w], "algs %s: %s token -> %s "
			    "(got %s)", rows[i].name, who_name[w],
			    en(rows[i].want[w]), en(e));
		}
	}
	opts_default();
	/* Alg outside the mask with an unknown kid: still ALG (mask first). */
	opts.algs = 1u << JWS_ES256;
	{
		char	 hdr[256];

		snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
		    "\"kid\":\"nope\"}");
		n = tok_make(tok, sizeof(tok), hdr, strlen(hdr), STD,
		    strlen(STD), &mat[HS]);
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		T_CHECK(e == JWTV_ALG, "algs ES256 only: HS256 with unknown kid "
		    "-> ALG (got %s)", en(e));
	}
	opts_default();
}

/* --- signatures ----------------------------------------------------------- */

static int
bn_hex32(const char *hex, unsigned char out[32])
{
	BIGNUM	*b = NULL;
	int	 rc;

	if (BN_hex2bn(&b, hex) == 0)
		return -1;
	rc = BN_bn2binpad(b, out, 32) == 32 ? 0 : -1;
	BN_free(b);
	return rc;
}

/* n - s, 32 bytes big-endian (the other valid ECDSA signature). */
static int
neg_s(const unsigned char s[32], unsigned char out[32])
{
	BIGNUM	*n = NULL, *b;
	int	 rc = -1;

	if (BN_hex2bn(&n, p256_n) == 0)
		return -1;
	if ((b = BN_bin2bn(s, 32, NULL)) != NULL && BN_sub(b, n, b) == 1 &&
	    BN_bn2binpad(b, out, 32) == 32)
		rc = 0;
	BN_free(b);
	BN_free(n);
	return rc;
}

struct srow {
	const char	*name;
	int		 want;
};

static void
check_sig_es256(void)
{
	enum {
		S_VALID, S_ZERO, S_R0, S_S0, S_RN, S_SN, S_RFF, S_SFF, S_SWAP,
		S_63, S_65, S_65LEAD, S_DER, S_128, S_EMPTY, S_ONE, S_OTHERKEY,
		S_OTHERINPUT, S_R1S1, S__MAX
	};
	static const struct srow rows[S__MAX] = {
		[S_VALID] = { "valid R || S (control)", JWTV_OK },
		[S_ZERO] = { "64 zero bytes", JWTV_SIGNATURE },
		[S_R0] = { "R = 0, S valid", JWTV_SIGNATURE },
		[S_S0] = { "R valid, S = 0", JWTV_SIGNATURE },
		[S_RN] = { "R = n (the group order), S valid", JWTV_SIGNATURE },
		[S_SN] = { "R valid, S = n", JWTV_SIGNATURE },
		[S_RFF] = { "R = 2^256 - 1", JWTV_SIGNATURE },
		[S_SFF] = { "S = 2^256 - 1", JWTV_SIGNATURE },
		[S_SWAP] = { "S || R", JWTV_SIGNATURE },
		[S_63] = { "63 bytes (last dropped)", JWTV_SIGNATURE },
		[S_65] = { "65 bytes (a zero appended)", JWTV_SIGNATURE },
		[S_65LEAD] = { "65 bytes (a zero prepended)", JWTV_SIGNATURE },
		[S_DER] = { "DER SEQUENCE of the same R and S", JWTV_SIGNATURE },
		[S_128] = { "128 bytes (signature twice)", JWTV_SIGNATURE },
		[S_EMPTY] = { "empty signature part", JWTV_SIGNATURE },
		[S_ONE] = { "R = 1, S = 1", JWTV_SIGNATURE },
		[S_OTHERKEY] = { "signed by another P-256 key, same kid",
		    JWTV_SIGNATURE },
		[S_OTHERINPUT] = { "signature of another token", JWTV_SIGNATURE },
		[S_R1S1] = { "R = n - 1, S = n - 1", JWTV_SIGNATURE },
	};
	unsigned char	 good[64], sig[256], nn[32], nm1[32];
	char		 hdr[256], tok[TOKSZ], other[TOKSZ];
	size_t		 siglen, glen = 0;
	int		 in, n, e, s;

	std_header(hdr, sizeof(hdr), ES);
	in = tok_input(tok, sizeof(tok), hdr, strlen(hdr), STD, strlen(STD));
	if (in < 0 || jose_sign(&mat[ES], tok, (size_t)in, 0, good,
	    &glen) == -1 || glen != 64 || bn_hex32(p256_n, nn) == -1) {
		T_CHECK(0, "ES256 signature rows: set-up");
		return;
	}
	memcpy(nm1, nn, 32);
	nm1[31]--;		/* n ends in 0x51 */
	for (s = 0; s < S__MAX; s++) {
		siglen = 64;
		memcpy(sig, good, 64);
		switch (s) {
		case S_VALID:
			break;
		case S_ZERO:
			memset(sig, 0, 64);
			break;
		case S_R0:
			memset(sig, 0, 32);
			break;
		case S_S0:
			memset(sig + 32, 0, 32);
			break;
		case S_RN:
			memcpy(sig, nn, 32);
			break;
		case S_SN:
			memcpy(sig + 32, nn, 32);
			break;
		case S_RFF:
			memset(sig, 0xff, 32);
			break;
		case S_SFF:
			memset(sig + 32, 0xff, 32);
			break;
		case S_SWAP:
			memcpy(sig, good + 32, 32);
			memcpy(sig + 32, good, 32);
			break;
		case S_63:
			siglen = 63;
			break;
		case S_65:
			sig[64] = 0;
			siglen = 65;
			break;
		case S_65LEAD:
			sig[0] = 0;
			memcpy(sig + 1, good, 64);
			siglen = 65;
			break;
		case S_DER:
			if (jose_sign(&mat[ES], tok, (size_t)in, 1, sig,
			    &siglen) == -1)
				siglen = 0;
			break;
		case S_128:
			memcpy(sig + 64, good, 64);
			siglen = 128;
			break;
		case S_EMPTY:
			siglen = 0;
			break;
		case S_ONE:
			memset(sig, 0, 64);
			sig[31] = sig[63] = 1;
			break;
		case S_OTHERKEY:
			jose_sign(&mat[ES2], tok, (size_t)in, 0, sig, &siglen);
			break;
		case S_OTHERINPUT:
			n = sign_claims(ES, FULL, strlen(FULL), other,
			    sizeof(other));
			siglen = n > 0 ? (size_t)b64url_decode(sig, sizeof(sig),
			    strrchr(other, '.') + 1, strlen(strrchr(other,
			    '.') + 1)) : 0;
			break;
		case S_R1S1:
			memcpy(sig, nm1, 32);
			memcpy(sig + 32, nm1, 32);
			break;
		}
		n = tok_sig(tok, sizeof(tok), (size_t)in, sig, siglen);
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		T_CHECK(e == rows[s].want, "ES256 signature %s -> %s (got %s)",
		    rows[s].name, en(rows[s].want), en(e));
	}

	/*
	 * ECDSA is malleable: (R, n - S) is a second valid signature of the
	 * same claims. jwtmint signs and accepts low S only (jws.h), so the
	 * second form must fail.
	 */
	memcpy(sig, good, 64);
	T_CHECK(jws_es256_low_s(good + 32), "ES256: jwtmint's form has low S");
	if (neg_s(good + 32, sig + 32) == 0) {
		n = tok_sig(tok, sizeof(tok), (size_t)in, sig, 64);
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		T_CHECK(e == JWTV_SIGNATURE, "ES256 (R, n - S) -> SIGNATURE (got %s)",
		    en(e));
	}
}

static void
check_sig_other(void)
{
	unsigned char	 good[1024], sig[1024];
	char		 hdr[256], tok[TOKSZ];
	size_t		 glen = 0;
	int		 in, n, e;

	/* RS256 */
	std_header(hdr, sizeof(hdr), RS);
	in = tok_input(tok, sizeof(tok), hdr, strlen(hdr), STD, strlen(STD));
	if (in < 0 || jose_sign(&mat[RS], tok, (size_t)in, 0, good,
	    &glen) == -1 || glen != 256) {
		T_CHECK(0, "RS256 signature rows: set-up");
		return;
	}
#define SROW(alg, name, s, len, want) do {				\
	n = tok_sig(tok, sizeof(tok), (size_t)in, s, len);		\
	e = n > 0 ? ver(tok, (size_t)n) : -99;				\
	T_CHECK(e == (want), "%s signature %s -> %s (got %s)", alg,	\
	    name, en(want), en(e));					\
} while (0)
	SROW("RS256", "valid (control)", good, glen, JWTV_OK);
	memset(sig, 0, sizeof(sig));
	SROW("RS256", "256 zero bytes", sig, 256, JWTV_SIGNATURE);
	SROW("RS256", "255 bytes (last dropped)", good, 255, JWTV_SIGNATURE);
	sig[0] = 0;
	memcpy(sig + 1, good, 256);
	SROW("RS256", "257 bytes (zero prepended)", sig, 257, JWTV_SIGNATURE);
	memcpy(sig, good, 256);
	sig[256] = 0;
	SROW("RS256", "257 bytes (zero appended)", sig, 257, JWTV_SIGNATURE);
	memset(sig, 0xff, 512);
	SROW("RS256", "512 bytes of 0xff", sig, 512, JWTV_SIGNATURE);
	SROW("RS256", "600 bytes (over the signature buffer)", sig, 600,
	    JWTV_SIGNATURE);
	SROW("RS256", "empty", sig, 0, JWTV_SIGNATURE);
	memset(sig, 0, 256);
	sig[255] = 1;
	SROW("RS256", "the integer 1", sig, 256, JWTV_SIGNATURE);
	memcpy(sig, good, 256);
	sig[128] ^= 0x01;
	SROW("RS256", "one bit flipped", sig, 256, JWTV_SIGNATURE);

	/* HS256: compared in constant time, exactly 32 bytes. */
	std_header(hdr, sizeof(hdr), HS);
	in = tok_input(tok, sizeof(tok), hdr, strlen(hdr), STD, strlen(STD));
	if (in < 0 || jose_sign(&mat[HS], tok, (size_t)in, 0, good,
	    &glen) == -1 || glen != 32) {
		T_CHECK(0, "HS256 signature rows: set-up");
		return;
	}
	SROW("HS256", "valid (control)", good, 32, JWTV_OK);
	memset(sig, 0, sizeof(sig));
	SROW("HS256", "32 zero bytes", sig, 32, JWTV_SIGNATURE);
	SROW("HS256", "31 bytes (last dropped)", good, 31, JWTV_SIGNATURE);
	SROW("HS256", "16 bytes (truncated MAC)", good, 16, JWTV_SIGNATURE);
	memcpy(sig, good, 32);
	sig[32] = 0;
	SROW("HS256", "33 bytes (zero appended)", sig, 33, JWTV_SIGNATURE);
	memcpy(sig, good, 32);
	memcpy(sig + 32, good, 32);
	SROW("HS256", "64 bytes (MAC twice)", sig, 64, JWTV_SIGNATURE);
	SROW("HS256", "empty", sig, 0, JWTV_SIGNATURE);
	memcpy(sig, good, 32);
	sig[31] ^= 0x80;
	SROW("HS256", "last bit flipped", sig, 32, JWTV_SIGNATURE);
	{
		unsigned int	 ml = 0;
		unsigned char	 zk[32];

		memset(zk, 0, sizeof(zk));
		HMAC(EVP_sha256(), zk, 32, (unsigned char *)tok, (size_t)in,
		    sig, &ml);
		SROW("HS256", "HMAC under an all-zero key", sig, 32,
		    JWTV_SIGNATURE);
		HMAC(EVP_sha256(), "", 0, (unsigned char *)tok, (size_t)in,
		    sig, &ml);
		SROW("HS256", "HMAC under the empty key", sig, 32,
		    JWTV_SIGNATURE);
		HMAC(EVP_sha256(), mat[HS].kid, (int)strlen(mat[HS].kid),
		    (unsigned char *)tok, (size_t)in, sig, &ml);
		SROW("HS256", "HMAC keyed with the kid", sig, 32,
		    JWTV_SIGNATURE);
		HMAC(EVP_sha256(), mat[HS].priv, 32, (unsigned char *)tok,
		    (size_t)in - 1, sig, &ml);
		SROW("HS256", "HMAC over the input less one byte", sig, 32,
		    JWTV_SIGNATURE);
	}
#undef SROW
}

/* A bit flipped in the payload (re-encoded canonically) or signature. */
static void
check_flip(void)
{
	unsigned char	 raw[1024];
	char		 tok[TOKSZ], bad[TOKSZ], *d1, *d2;
	size_t		 plen;
	int		 w, n, e, m, bit;

	for (w = ES; w <= HS; w++) {
		n = sign_claims((enum who)w, STD, strlen(STD), tok, sizeof(tok));
		d1 = strchr(tok, '.');
		d2 = strrchr(tok, '.');
		m = b64url_decode(raw, sizeof(raw), d1 + 1, (size_t)(d2 - d1 - 1));
		if (n <= 0 || m <= 0) {
			T_CHECK(0, "%s flip rows: set-up", who_name[w]);
			continue;
		}
		for (bit = 0; bit < 3; bit++) {
			/* the first byte, a middle one, the last */
			size_t at = bit == 0 ? 0 : bit == 1 ? (size_t)m / 2 :
			    (size_t)m - 1;

			raw[at] ^= 0x01;
			memcpy(bad, tok, (size_t)(d1 - tok) + 1);
			plen = (size_t)(d1 - tok) + 1;
			plen += (size_t)b64url_encode(bad + plen, sizeof(bad) -
			    plen, raw, (size_t)m);
			plen += (size_t)snprintf(bad + plen, sizeof(bad) - plen,
			    "%s", d2);
			raw[at] ^= 0x01;
			e = ver(bad, plen);
			T_CHECK(e == JWTV_SIGNATURE, "%s: bit flipped in payload "
			    "byte %zu -> SIGNATURE (got %s)", who_name[w], at,
			    en(e));
		}
		/* One character of the signature changed. */
		memcpy(bad, tok, (size_t)n + 1);
		bad[d2 - tok + 5] = bad[d2 - tok + 5] == 'A' ? 'B' : 'A';
		e = ver(bad, (size_t)n);
		T_CHECK(e == JWTV_SIGNATURE, "%s: signature char changed -> "
		    "SIGNATURE (got %s)", who_name[w], en(e));
		/* Signature of one key's token moved under another header. */
		e = ver(tok, (size_t)n);
		T_CHECK(e == JWTV_OK, "%s: untouched token -> OK (got %s)",
		    who_name[w], en(e));
	}
}

/* Signed by a key that is no longer among the active keys. */
static void
check_retired(void)
{
	struct verified	 v;
	char		 tok[TOKSZ];
	int		 n, e;

	n = sign_claims(ES, STD, strlen(STD), tok, sizeof(tok));
	e = n > 0 ? ver_keys(keys + 1, 2, tok, (size_t)n, &v) : -99;
	T_CHECK(e == JWTV_KID, "valid ES256 token, ES256 key retired (not in "
	    "the keys passed) -> KID (got %s)", en(e));
	n = sign_claims(HS, STD, strlen(STD), tok, sizeof(tok));
	e = n > 0 ? ver_keys(keys, 2, tok, (size_t)n, &v) : -99;
	T_CHECK(e == JWTV_KID, "valid HS256 token, HS256 key retired -> KID "
	    "(got %s)", en(e));
	e = n > 0 ? ver_keys(keys, 0, tok, (size_t)n, &v) : -99;
	T_CHECK(e == JWTV_KID, "valid HS256 token, no keys at all -> KID "
	    "(got %s)", en(e));
}

/* --- the token's shape ---------------------------------------------------- */

/* Replace the first occurrence of c in tok with r; 0 when there is none. */
static int
subst_char(char *tok, char c, char r)
{
	char	*p = strchr(tok, c);

	if (p == NULL)
		return 0;
	*p = r;
	return 1;
}

static void
check_shape(void)
{
	struct {
		char	 name[96];
		char	*s;
		size_t	 len;
		int	 want;
	} rows[48];
	char		 tok[TOKSZ], hdr[512], buf[TOKSZ], alt[TOKSZ], *d1, *d2;
	size_t		 nrows = 0, i, hl, pl;
	int		 n, e;

	n = sign_claims(HS, STD, strlen(STD), tok, sizeof(tok));
	if (n <= 0) {
		T_CHECK(0, "shape rows: set-up");
		return;
	}
	d1 = strchr(tok, '.');
	d2 = strrchr(tok, '.');
	hl = (size_t)(d1 - tok);
	pl = (size_t)(d2 - d1 - 1);

#define ROW(nm, want_, ...) do {					\
	int	 l_ = snprintf(buf, sizeof(buf), __VA_ARGS__);		\
	snprintf(rows[nrows].name, sizeof(rows[nrows].name), "%s", nm);	\
	rows[nrows].s = strdup(buf);					\
	rows[nrows].len = (size_t)l_;					\
	rows[nrows].want = want_;					\
	nrows++;							\
} while (0)
	ROW("the token (control)", JWTV_OK, "%s", tok);
	ROW("empty string", JWTV_MALFORMED, "%s", "");
	ROW("\".\"", JWTV_MALFORMED, ".");
	ROW("\"..\"", JWTV_MALFORMED, "..");
	ROW("\"...\"", JWTV_MALFORMED, "...");
	ROW("one part", JWTV_MALFORMED, "%.*s", (int)hl, tok);
	ROW("two parts (one dot)", JWTV_MALFORMED, "%.*s", (int)(d2 - tok), tok);
	ROW("four parts (three dots)", JWTV_MALFORMED, "%s.%s", tok, d2 + 1);
	ROW("five parts (four dots)", JWTV_MALFORMED, "%s.%s.%s", tok, d2 + 1,
	    d2 + 1);
	ROW("trailing dot", JWTV_MALFORMED, "%s.", tok);
	ROW("leading dot", JWTV_MALFORMED, ".%s", tok);
	ROW("empty header part", JWTV_MALFORMED, "%s", d1);
	ROW("empty header and payload", JWTV_MALFORMED, ".%s", d2);
	ROW("'=' padding on the signature", JWTV_MALFORMED, "%s=", tok);
	ROW("'==' padding on the signature", JWTV_MALFORMED, "%s==", tok);
	ROW("'=' padding on the header", JWTV_MALFORMED, "%.*s=%s", (int)hl,
	    tok, d1);
	ROW("'=' padding on the payload", JWTV_MALFORMED, "%.*s=%s",
	    (int)(d2 - tok), tok, d2);
	ROW("leading space", JWTV_MALFORMED, " %s", tok);
	ROW("trailing space", JWTV_MALFORMED, "%s ", tok);
	ROW("trailing newline", JWTV_MALFORMED, "%s\n", tok);
	ROW("trailing CRLF", JWTV_MALFORMED, "%s\r\n", tok);
	ROW("space after the first dot", JWTV_MALFORMED, "%.*s %s",
	    (int)hl + 1, tok, d1 + 1);
	ROW("tab inside the payload", JWTV_MALFORMED, "%.*s\t%s",
	    (int)hl + 3, tok, d1 + 3);
	ROW("\"Bearer \" prefix", JWTV_MALFORMED, "Bearer %s", tok);
	ROW("'%' escape", JWTV_MALFORMED, "%.*s%%41%s", (int)hl, tok, d1);
	ROW("byte 0xff", JWTV_MALFORMED, "%s\xff", tok);
	ROW("'~' (not base64url)", JWTV_MALFORMED, "%.*s~%s", (int)hl, tok, d1);
	/* '+' and '/' for '-' / '_', or at a fixed place when neither occurs. */
	snprintf(alt, sizeof(alt), "%s", tok);
	if (!subst_char(alt, '-', '+'))
		alt[hl + 2] = '+';
	ROW("'+' (standard base64)", JWTV_MALFORMED, "%s", alt);
	snprintf(alt, sizeof(alt), "%s", tok);
	if (!subst_char(alt, '_', '/'))
		alt[(size_t)(d2 - tok) + 2] = '/';
	ROW("'/' (standard base64)", JWTV_MALFORMED, "%s", alt);
#undef ROW
	/* Rows with a NUL byte: the length covers it. */
	rows[nrows].s = malloc((size_t)n + 1);
	memcpy(rows[nrows].s, tok, (size_t)n + 1);
	rows[nrows].len = (size_t)n + 1;
	rows[nrows].want = JWTV_MALFORMED;
	snprintf(rows[nrows].name, sizeof(rows[nrows].name), "the token and "
	    "its NUL");
	nrows++;
	rows[nrows].s = malloc((size_t)n + 1);
	memcpy(rows[nrows].s, tok, (size_t)n + 1);
	rows[nrows].s[hl + 2] = '\0';
	rows[nrows].len = (size_t)n;
	rows[nrows].want = JWTV_MALFORMED;
	snprintf(rows[nrows].name, sizeof(rows[nrows].name), "NUL inside the "
	    "payload part");
	nrows++;
	/* len shorter than the string: only len bytes count. */
	rows[nrows].s = strdup(tok);
	rows[nrows].len = (size_t)n - 1;
	rows[nrows].want = JWTV_SIGNATURE;
	snprintf(rows[nrows].name, sizeof(rows[nrows].name), "len one short "
	    "of the token");
	nrows++;

	for (i = 0; i < nrows; i++) {
		e = rows[i].s != NULL ? ver(rows[i].s, rows[i].len) : -99;
		T_CHECK(e == rows[i].want, "shape: %s -> %s (got %s)",
		    rows[i].name, en(rows[i].want), en(e));
		free(rows[i].s);
	}

	/*
	 * Parts that decode badly under a good signature: the signature is
	 * checked over the text, so only the decoding can refuse them.
	 */
	{
		char	 h[600];
		int	 sp, in;

		/* The empty payload, correctly MACed. */
		std_header(hdr, sizeof(hdr), HS);
		n = tok_make(buf, sizeof(buf), hdr, strlen(hdr), "", 0, &mat[HS]);
		e = n > 0 ? ver(buf, (size_t)n) : -99;
		T_CHECK(e == JWTV_MALFORMED, "shape: empty payload part under a "
		    "valid HMAC -> MALFORMED (got %s)", en(e));

		/* The empty signature part, everything else right. */
		in = tok_input(buf, sizeof(buf), hdr, strlen(hdr), STD,
		    strlen(STD));
		n = tok_sig(buf, sizeof(buf), (size_t)in, NULL, 0);
		e = n > 0 ? ver(buf, (size_t)n) : -99;
		T_CHECK(e == JWTV_SIGNATURE, "shape: empty signature part -> "
		    "SIGNATURE (got %s)", en(e));

		/*
		 * A header whose encoding ends in a partial group, last
		 * character made non-canonical (unused bits set), then MACed.
		 */
		for (sp = 0; sp < 3; sp++) {
			snprintf(h, sizeof(h), "{\"alg\":\"HS256\",\"typ\":"
			    "\"at+jwt\",\"kid\":\"%s\"%*s}", mat[HS].kid, sp, "");
			if (strlen(h) % 3 != 0)
				break;
		}
		in = tok_input(buf, sizeof(buf), h, strlen(h), STD, strlen(STD));
		d1 = strchr(buf, '.');
		d1[-1]++;	/* a canonical last char + 1 sets an unused bit */
		{
			unsigned char	 mac[32];
			unsigned int	 ml = 0;

			HMAC(EVP_sha256(), mat[HS].priv, 32,
			    (unsigned char *)buf, (size_t)in, mac, &ml);
			n = tok_sig(buf, sizeof(buf), (size_t)in, mac, ml);
		}
		e = n > 0 ? ver(buf, (size_t)n) : -99;
		T_CHECK(e == JWTV_MALFORMED, "shape: non-canonical last char in "
		    "the header, valid HMAC -> MALFORMED (got %s)", en(e));

		/* The same for the payload. */
		for (sp = 0; sp < 3; sp++) {
			snprintf(h, sizeof(h), "{" ISS "," AUD "," TIMES "," IDS
			    "%*s}", sp, "");
			if (strlen(h) % 3 != 0)
				break;
		}
		std_header(hdr, sizeof(hdr), HS);
		in = tok_input(buf, sizeof(buf), hdr, strlen(hdr), h, strlen(h));
		buf[in - 1]++;
		{
			unsigned char	 mac[32];
			unsigned int	 ml = 0;

			HMAC(EVP_sha256(), mat[HS].priv, 32,
			    (unsigned char *)buf, (size_t)in, mac, &ml);
			n = tok_sig(buf, sizeof(buf), (size_t)in, mac, ml);
		}
		e = n > 0 ? ver(buf, (size_t)n) : -99;
		T_CHECK(e == JWTV_MALFORMED, "shape: non-canonical last char in "
		    "the payload, valid HMAC -> MALFORMED (got %s)", en(e));

		/* A payload part of length 4k + 1, MACed. */
		in = tok_input(buf, sizeof(buf), hdr, strlen(hdr), STD,
		    strlen(STD));
		d1 = strchr(buf, '.');
		pl = (size_t)in - (size_t)(d1 - buf) - 1;
		while (pl % 4 != 1) {
			buf[in++] = 'A';
			pl++;
		}
		{
			unsigned char	 mac[32];
			unsigned int	 ml = 0;

			HMAC(EVP_sha256(), mat[HS].priv, 32,
			    (unsigned char *)buf, (size_t)in, mac, &ml);
			n = tok_sig(buf, sizeof(buf), (size_t)in, mac, ml);
		}
		e = n > 0 ? ver(buf, (size_t)n) : -99;
		T_CHECK(e == JWTV_MALFORMED, "shape: payload part of 4k+1 chars, "
		    "valid HMAC -> MALFORMED (got %s)", en(e));
	}
}

/* JWTVERIFY_MAX_BYTES: the largest token that fits verifies, one more not. */
static void
check_max(void)
{
	char	*claims, *tok, *pad;
	size_t	 p;
	int	 n, below = -1, above = -1, e;

	claims = malloc(JWTVERIFY_MAX_BYTES);
	tok = malloc(TOKSZ);
	pad = malloc(JWTVERIFY_MAX_BYTES);
	if (claims == NULL || tok == NULL || pad == NULL)
		goto out;
	memset(pad, 'x', JWTVERIFY_MAX_BYTES);
	for (p = 5000; p < 7000; p++) {
		snprintf(claims, JWTVERIFY_MAX_BYTES, STDX("\"pad\":\"%.*s\""),
		    (int)p, pad);
		n = sign_claims(HS, claims, strlen(claims), tok, TOKSZ);
		if (n <= 0)
			break;
		if (n <= JWTVERIFY_MAX_BYTES) {
			below = n;
			e = ver(tok, (size_t)n);
			if (e != JWTV_OK)
				break;
		} else {
			above = n;
			e = ver(tok, (size_t)n);
			T_CHECK(below > 0, "a token of %d bytes (<= %d) -> OK",
			    below, JWTVERIFY_MAX_BYTES);
			T_CHECK(e == JWTV_MALFORMED, "a valid token of %d bytes "
			    "(over JWTVERIFY_MAX_BYTES %d) -> MALFORMED (got %s)",
			    n, JWTVERIFY_MAX_BYTES, en(e));
			break;
		}
	}
	T_CHECK(above > 0 && below > JWTVERIFY_MAX_BYTES - 4,
	    "max-size rows ran (largest accepted %d, first refused %d)",
	    below, above);
	/* Far over the limit, a megabyte of dots and letters. */
	{
		size_t	 big = 1 << 20;
		char	*b = malloc(big);

		if (b != NULL) {
			memset(b, 'A', big);
			b[100] = b[200] = '.';
			e = ver(b, big);
			T_CHECK(e == JWTV_MALFORMED, "1 MiB token -> MALFORMED "
			    "(got %s)", en(e));
			free(b);
		}
	}
out:
	free(claims);
	free(tok);
	free(pad);
}

/* --- the payload and its claims ------------------------------------------- */

struct crow {
	const char	*name;
	const char	*claims;
	int		 want;
};

static const struct crow crows[] = {
	/* The payload must be one JSON object without duplicates. */
	{ "payload an array", "[" ISS "]", JWTV_MALFORMED },
	{ "payload [1]", "[1]", JWTV_MALFORMED },
	{ "payload a string", "\"" STD "\"", JWTV_MALFORMED },
	{ "payload a number", "1700000000", JWTV_MALFORMED },
	{ "payload null", "null", JWTV_MALFORMED },
	{ "payload not JSON", "iss=https://auth.example.com", JWTV_MALFORMED },
	{ "payload truncated JSON", "{" ISS "," AUD, JWTV_MALFORMED },
	{ "payload with trailing bytes", STD "x", JWTV_MALFORMED },
	{ "payload two objects", STD STD, JWTV_MALFORMED },
	{ "payload invalid UTF-8", STDX("\"x\":\"\xc3\x28\""), JWTV_MALFORMED },
	{ "payload overlong UTF-8 '/'", STDX("\"x\":\"\xc0\xaf\""),
	    JWTV_MALFORMED },
	{ "duplicate iss", "{\"iss\":\"https://evil.example\"," ISS "," AUD ","
	    TIMES "," IDS "}", JWTV_MALFORMED },
	{ "duplicate iss, same value", STDX(ISS), JWTV_MALFORMED },
	{ "duplicate exp", STDX("\"exp\":9999999999"), JWTV_MALFORMED },
	{ "duplicate aud", STDX("\"aud\":\"https://evil.example\""),
	    JWTV_MALFORMED },
	{ "duplicate scope", STDX("\"scope\":\"admin\""), JWTV_MALFORMED },
	{ "duplicate inside a nested object",
	    STDX("\"act\":{\"sub\":\"a\",\"sub\":\"b\"}"), JWTV_MALFORMED },
	{ "deeply nested arrays", STDX("\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]"), JWTV_OK },

	/* RFC 9068 §4: our issuer. */
	{ "iss wrong", "{\"iss\":\"https://evil.example\"," AUD "," TIMES ","
	    IDS "}", JWTV_ISSUER },
	{ "iss missing", "{" AUD "," TIMES "," IDS "}", JWTV_ISSUER },
	{ "iss with a trailing slash", "{\"iss\":\"https://auth.example.com/\","
	    AUD "," TIMES "," IDS "}", JWTV_ISSUER },
	{ "iss a prefix", "{\"iss\":\"https://auth.example.co\"," AUD ","
	    TIMES "," IDS "}", JWTV_ISSUER },
	{ "iss upper case", "{\"iss\":\"HTTPS://AUTH.EXAMPLE.COM\"," AUD ","
	    TIMES "," IDS "}", JWTV_ISSUER },
	{ "iss an array", "{\"iss\":[\"https://auth.example.com\"]," AUD ","
	    TIMES "," IDS "}", JWTV_ISSUER },
	{ "iss null", "{\"iss\":null," AUD "," TIMES "," IDS "}", JWTV_ISSUER },
	{ "iss empty", "{\"iss\":\"\"," AUD "," TIMES "," IDS "}", JWTV_ISSUER },

	/* RFC 9068 §4 / RFC 7519 §4.1.3: one of our audiences. */
	{ "aud not ours (string)", "{" ISS ",\"aud\":\"https://other.example\","
	    TIMES "," IDS "}", JWTV_AUDIENCE },
	{ "aud not ours (array)", "{" ISS ",\"aud\":[\"https://other.example\","
	    "\"x\"]," TIMES "," IDS "}", JWTV_AUDIENCE },
	{ "aud missing", "{" ISS "," TIMES "," IDS "}", JWTV_AUDIENCE },
	{ "aud empty array", "{" ISS ",\"aud\":[]," TIMES "," IDS "}",
	    JWTV_AUDIENCE },
	{ "aud empty string", "{" ISS ",\"aud\":\"\"," TIMES "," IDS "}",
	    JWTV_AUDIENCE },
	{ "aud a number", "{" ISS ",\"aud\":1," TIMES "," IDS "}",
	    JWTV_AUDIENCE },
	{ "aud an object", "{" ISS ",\"aud\":{\"api\":1}," TIMES "," IDS "}",
	    JWTV_AUDIENCE },
	{ "aud array of non-strings", "{" ISS ",\"aud\":[1,null,{}]," TIMES ","
	    IDS "}", JWTV_AUDIENCE },
	{ "aud nested array", "{" ISS ",\"aud\":[[\"api\"]]," TIMES "," IDS "}",
	    JWTV_AUDIENCE },
	{ "aud case differs", "{" ISS ",\"aud\":\"API\"," TIMES "," IDS "}",
	    JWTV_AUDIENCE },
	{ "aud a prefix", "{" ISS ",\"aud\":\"ap\"," TIMES "," IDS "}",
	    JWTV_AUDIENCE },

	/* RFC 7519 §4.1.4-6 with leeway 30 s at NOW = 1700000000. */
	{ "exp long past", NOTIME("\"exp\":1600000000,\"iat\":1599999100"),
	    JWTV_EXPIRED },
	{ "exp = now - leeway (just outside)",
	    NOTIME("\"exp\":1699999970,\"iat\":1699999000"), JWTV_EXPIRED },
	{ "exp = now - leeway + 1 (just inside)",
	    NOTIME("\"exp\":1699999971,\"iat\":1699999000"), JWTV_OK },
	{ "exp = now (inside the leeway)",
	    NOTIME("\"exp\":1700000000,\"iat\":1699999000"), JWTV_OK },
	{ "exp 0", NOTIME("\"exp\":0,\"iat\":1699999000"), JWTV_EXPIRED },
	{ "exp negative", NOTIME("\"exp\":-1,\"iat\":1699999000"),
	    JWTV_EXPIRED },
	{ "exp most negative", NOTIME("\"exp\":-9223372036854775808,"
	    "\"iat\":1699999000"), JWTV_EXPIRED },
	{ "nbf = now + leeway + 1", NOTIME("\"exp\":1700000900,\"iat\":"
	    "1700000000,\"nbf\":1700000031"), JWTV_NOT_YET },
	{ "nbf = now + leeway (just inside)", NOTIME("\"exp\":1700000900,"
	    "\"iat\":1700000000,\"nbf\":1700000030"), JWTV_OK },
	{ "nbf far future", NOTIME("\"exp\":1800000900,\"iat\":1700000000,"
	    "\"nbf\":1800000000"), JWTV_NOT_YET },
	{ "iat = now + leeway + 1", NOTIME("\"exp\":1700000900,\"iat\":"
	    "1700000031"), JWTV_NOT_YET },
	{ "iat = now + leeway (just inside)", NOTIME("\"exp\":1700000900,"
	    "\"iat\":1700000030"), JWTV_OK },
	{ "iat far future", NOTIME("\"exp\":1800000900,\"iat\":1800000000"),
	    JWTV_NOT_YET },
	{ "nbf 0 (taken as absent)", NOTIME("\"exp\":1700000900,\"iat\":"
	    "1700000000,\"nbf\":0"), JWTV_OK },
	{ "exp a string", NOTIME("\"exp\":\"1700000900\",\"iat\":1700000000"),
	    JWTV_CLAIMS },
	{ "exp a float", NOTIME("\"exp\":1700000900.0,\"iat\":1700000000"),
	    JWTV_CLAIMS },
	{ "exp in exponent form", NOTIME("\"exp\":1.7000009e9,\"iat\":"
	    "1700000000"), JWTV_CLAIMS },
	{ "exp true", NOTIME("\"exp\":true,\"iat\":1700000000"), JWTV_CLAIMS },
	{ "exp null", NOTIME("\"exp\":null,\"iat\":1700000000"), JWTV_CLAIMS },
	{ "exp an array", NOTIME("\"exp\":[1700000900],\"iat\":1700000000"),
	    JWTV_CLAIMS },
	{ "exp missing", NOTIME("\"iat\":1700000000"), JWTV_CLAIMS },
	{ "exp over 2^63 (jansson refuses)", NOTIME("\"exp\":"
	    "9223372036854775808,\"iat\":1700000000"), JWTV_MALFORMED },
	{ "iat a string", NOTIME("\"exp\":1700000900,\"iat\":\"1700000000\""),
	    JWTV_CLAIMS },
	{ "iat a float", NOTIME("\"exp\":1700000900,\"iat\":1700000000.5"),
	    JWTV_CLAIMS },
	{ "iat missing", NOTIME("\"exp\":1700000900"), JWTV_CLAIMS },
	{ "nbf a string", NOTIME("\"exp\":1700000900,\"iat\":1700000000,"
	    "\"nbf\":\"0\""), JWTV_CLAIMS },
	{ "nbf null", NOTIME("\"exp\":1700000900,\"iat\":1700000000,"
	    "\"nbf\":null"), JWTV_CLAIMS },

	/* Required claims, typed. */
	{ "jti missing", "{" ISS "," AUD "," TIMES ",\"sub\":\"u1\","
	    "\"client_id\":\"c1\",\"org\":\"o1\",\"scope\":\"read\"}",
	    JWTV_CLAIMS },
	{ "sub missing", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\","
	    "\"client_id\":\"c1\",\"org\":\"o1\",\"scope\":\"read\"}",
	    JWTV_CLAIMS },
	{ "client_id missing", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\","
	    "\"sub\":\"u1\",\"org\":\"o1\",\"scope\":\"read\"}", JWTV_CLAIMS },
	{ "org missing", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\","
	    "\"sub\":\"u1\",\"client_id\":\"c1\",\"scope\":\"read\"}",
	    JWTV_CLAIMS },
	{ "scope missing", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\","
	    "\"sub\":\"u1\",\"client_id\":\"c1\",\"org\":\"o1\"}", JWTV_CLAIMS },
	{ "jti a number", "{" ISS "," AUD "," TIMES ",\"jti\":1,\"sub\":\"u1\","
	    "\"client_id\":\"c1\",\"org\":\"o1\",\"scope\":\"read\"}",
	    JWTV_CLAIMS },
	{ "sub null", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\",\"sub\":null,"
	    "\"client_id\":\"c1\",\"org\":\"o1\",\"scope\":\"read\"}",
	    JWTV_CLAIMS },
	{ "client_id an array", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\","
	    "\"sub\":\"u1\",\"client_id\":[\"c1\"],\"org\":\"o1\","
	    "\"scope\":\"read\"}", JWTV_CLAIMS },
	{ "scope an array", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\","
	    "\"sub\":\"u1\",\"client_id\":\"c1\",\"org\":\"o1\","
	    "\"scope\":[\"read\"]}", JWTV_CLAIMS },
	{ "role a number", STDX("\"role\":1"), JWTV_CLAIMS },
	{ "username an object", STDX("\"username\":{}"), JWTV_CLAIMS },
	{ "jti of 80 chars (buffer is 80)", "{" ISS "," AUD "," TIMES ","
	    "\"jti\":\"" "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789" "\",\"sub\":\"u1\","
	    "\"client_id\":\"c1\",\"org\":\"o1\",\"scope\":\"read\"}",
	    JWTV_CLAIMS },
	{ "jti of 79 chars", "{" ISS "," AUD "," TIMES ",\"jti\":\""
	    "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678" "\",\"sub\":\"u1\","
	    "\"client_id\":\"c1\",\"org\":\"o1\",\"scope\":\"read\"}", JWTV_OK },

	/* Lineage: sid a string, gen an integer >= 0, parents at most
	 * CLAIMS_MAX_CHAIN jtis, act nested at most as deep, each with a
	 * string sub. */
	{ "lineage: sid, gen, parents, act of two", STDX("\"sid\":\"fam_a\","
	    "\"gen\":3,\"parents\":[\"AAAAAAAAAAAAAAAAAAAAAA\"],\"act\":"
	    "{\"sub\":\"k2\",\"act\":{\"sub\":\"k1\"}}"), JWTV_OK },
	{ "gen 0", STDX("\"gen\":0"), JWTV_OK },
	{ "gen negative", STDX("\"gen\":-1"), JWTV_CLAIMS },
	{ "gen a string", STDX("\"gen\":\"1\""), JWTV_CLAIMS },
	{ "gen a float", STDX("\"gen\":1.0"), JWTV_CLAIMS },
	{ "gen null", STDX("\"gen\":null"), JWTV_CLAIMS },
	{ "sid a number", STDX("\"sid\":1"), JWTV_CLAIMS },
	{ "sid with a NUL (jansson refuses)", STDX("\"sid\":\"fam\\u0000x\""),
	    JWTV_MALFORMED },
	{ "parents a string", STDX("\"parents\":\"AAAAAAAAAAAAAAAAAAAAAA\""),
	    JWTV_CLAIMS },
	{ "parents with a short jti", STDX("\"parents\":[\"AAAA\"]"),
	    JWTV_CLAIMS },
	{ "parents with a bad character", STDX("\"parents\":"
	    "[\"AAAAAAAAAAAAAAAAAAAAA$\"]"), JWTV_CLAIMS },
	{ "parents with a number", STDX("\"parents\":[1]"), JWTV_CLAIMS },
	{ "parents of 4 (the bound)", STDX("\"parents\":["
	    "\"AAAAAAAAAAAAAAAAAAAAAA\",\"BAAAAAAAAAAAAAAAAAAAAA\","
	    "\"CAAAAAAAAAAAAAAAAAAAAA\",\"DAAAAAAAAAAAAAAAAAAAAA\"]"), JWTV_OK },
	{ "parents of 5", STDX("\"parents\":["
	    "\"AAAAAAAAAAAAAAAAAAAAAA\",\"BAAAAAAAAAAAAAAAAAAAAA\","
	    "\"CAAAAAAAAAAAAAAAAAAAAA\",\"DAAAAAAAAAAAAAAAAAAAAA\","
	    "\"EAAAAAAAAAAAAAAAAAAAAA\"]"), JWTV_CLAIMS },
	{ "act a string", STDX("\"act\":\"k1\""), JWTV_CLAIMS },
	{ "act without sub", STDX("\"act\":{\"iss\":\"x\"}"), JWTV_CLAIMS },
	{ "act sub empty", STDX("\"act\":{\"sub\":\"\"}"), JWTV_CLAIMS },
	{ "act sub a number", STDX("\"act\":{\"sub\":1}"), JWTV_CLAIMS },
	{ "nested act not an object", STDX("\"act\":{\"sub\":\"a\","
	    "\"act\":[]}"), JWTV_CLAIMS },
	{ "act 4 deep (the bound)", STDX("\"act\":{\"sub\":\"a\",\"act\":"
	    "{\"sub\":\"b\",\"act\":{\"sub\":\"c\",\"act\":{\"sub\":"
	    "\"d\"}}}}"), JWTV_OK },
	{ "act 5 deep", STDX("\"act\":{\"sub\":\"a\",\"act\":{\"sub\":"
	    "\"b\",\"act\":{\"sub\":\"c\",\"act\":{\"sub\":\"d\","
	    "\"act\":{\"sub\":\"e\"}}}}}"), JWTV_CLAIMS },

	/* accounts: "*" or an array of non-empty strings without spaces. */
	{ "accounts a string other than \"*\"", STDX("\"accounts\":\"acc-1\""),
	    JWTV_CLAIMS },
	{ "accounts \"**\"", STDX("\"accounts\":\"**\""), JWTV_CLAIMS },
	{ "accounts \"\"", STDX("\"accounts\":\"\""), JWTV_CLAIMS },
	{ "accounts a number", STDX("\"accounts\":1"), JWTV_CLAIMS },
	{ "accounts an object", STDX("\"accounts\":{\"a\":1}"), JWTV_CLAIMS },
	{ "accounts null", STDX("\"accounts\":null"), JWTV_CLAIMS },
	{ "accounts true", STDX("\"accounts\":true"), JWTV_CLAIMS },
	{ "accounts [1]", STDX("\"accounts\":[1]"), JWTV_CLAIMS },
	{ "accounts [\"\"]", STDX("\"accounts\":[\"\"]"), JWTV_CLAIMS },
	{ "accounts [\"a b\"]", STDX("\"accounts\":[\"a b\"]"), JWTV_CLAIMS },
	{ "accounts [\"a\", null]", STDX("\"accounts\":[\"a\",null]"),
	    JWTV_CLAIMS },
	{ "accounts [[\"a\"]]", STDX("\"accounts\":[[\"a\"]]"), JWTV_CLAIMS },
	{ "accounts [\"*\"] (an account named *)", STDX("\"accounts\":[\"*\"]"),
	    JWTV_OK },
};

static void
check_claims(void)
{
	char	 tok[TOKSZ];
	size_t	 i;
	int	 w, n, e;

	for (i = 0; i < NELEM(crows); i++)
		for (w = ES; w <= HS; w++) {
			n = sign_claims((enum who)w, crows[i].claims,
			    strlen(crows[i].claims), tok, sizeof(tok));
			e = n > 0 ? ver(tok, (size_t)n) : -99;
			T_CHECK(e == crows[i].want, "claims row %zu (%s): %s -> "
			    "%s (got %s)", i, who_name[w], crows[i].name,
			    en(crows[i].want), en(e));
		}

	/* Leeway 0: the instant of exp is already expired. */
	opts.leeway_sec = 0;
	n = sign_claims(HS, NOTIME("\"exp\":1700000000,\"iat\":1699999000"),
	    strlen(NOTIME("\"exp\":1700000000,\"iat\":1699999000")), tok,
	    sizeof(tok));
	e = n > 0 ? ver(tok, (size_t)n) : -99;
	T_CHECK(e == JWTV_EXPIRED, "leeway 0: exp = now -> EXPIRED (got %s)",
	    en(e));
	n = sign_claims(HS, NOTIME("\"exp\":1700000001,\"iat\":1700000000"),
	    strlen(NOTIME("\"exp\":1700000001,\"iat\":1700000000")), tok,
	    sizeof(tok));
	e = n > 0 ? ver(tok, (size_t)n) : -99;
	T_CHECK(e == JWTV_OK, "leeway 0: exp = now + 1 -> OK (got %s)", en(e));
	opts_default();

	/* An accounts list that does not fit struct verified: refused. */
	{
		char	*c = malloc(JWTVERIFY_MAX_BYTES), *p;
		size_t	 k;

		if (c != NULL) {
			p = c + snprintf(c, JWTVERIFY_MAX_BYTES, "%s", "{" ISS ","
			    AUD "," TIMES "," IDS ",\"accounts\":[");
			for (k = 0; k < 200; k++)
				p += sprintf(p, "%s\"acc-%04zu-xxxxx\"", k ? "," : "",
				    k);
			sprintf(p, "]}");
			n = sign_claims(HS, c, strlen(c), tok, sizeof(tok));
			e = n > 0 ? ver(tok, (size_t)n) : -99;
			T_CHECK(e == JWTV_CLAIMS, "accounts of 200 x 14 chars (over "
			    "the 2048-byte field) -> CLAIMS (got %s)", en(e));
			free(c);
		}
	}
}

/*
 * A claim string with an embedded NUL (\u0000) must never pass, nor be cut
 * at the NUL. jansson without JSON_ALLOW_NUL refuses the whole payload
 * (MALFORMED) before jwtverify's own NUL check (CLAIMS) can run; either
 * refusal is accepted, and which one happened is printed.
 */
static void
check_nul(void)
{
	static const struct crow rows[] = {
		{ "sub \"u\\u00001\"", "{" ISS "," AUD "," TIMES ",\"jti\":\"j1\","
		    "\"sub\":\"u\\u00001\",\"client_id\":\"c1\",\"org\":\"o1\","
		    "\"scope\":\"read\"}", JWTV_CLAIMS },
		{ "scope \"read\\u0000 admin\"", "{" ISS "," AUD "," TIMES ","
		    "\"jti\":\"j1\",\"sub\":\"u1\",\"client_id\":\"c1\","
		    "\"org\":\"o1\",\"scope\":\"read\\u0000 admin\"}",
		    JWTV_CLAIMS },
		{ "iss with \\u0000 and a tail", "{\"iss\":\"https://auth.example."
		    "com\\u0000.evil\"," AUD "," TIMES "," IDS "}", JWTV_ISSUER },
		{ "aud with \\u0000 and a tail", "{" ISS ",\"aud\":\"api\\u0000x\","
		    TIMES "," IDS "}", JWTV_AUDIENCE },
		{ "accounts [\"a\\u0000b\"]", STDX("\"accounts\":[\"a\\u0000b\"]"),
		    JWTV_CLAIMS },
		{ "accounts \"*\\u0000\"", STDX("\"accounts\":\"*\\u0000\""),
		    JWTV_CLAIMS },
		{ "role \"admin\\u0000\"", STDX("\"role\":\"admin\\u0000\""),
		    JWTV_CLAIMS },
	};
	char	 tok[TOKSZ];
	size_t	 i;
	int	 n, e;

	for (i = 0; i < NELEM(rows); i++) {
		n = sign_claims(HS, rows[i].claims, strlen(rows[i].claims), tok,
		    sizeof(tok));
		e = n > 0 ? ver(tok, (size_t)n) : -99;
		T_CHECK(e == rows[i].want || e == JWTV_MALFORMED, "NUL: %s -> %s "
		    "or MALFORMED (got %s)", rows[i].name, en(rows[i].want),
		    en(e));
		if (e == JWTV_MALFORMED && i == 0)
			printf("# note: jansson (no JSON_ALLOW_NUL) refuses "
			    "\\u0000, so the payload is MALFORMED, not CLAIMS\n");
	}
}

/*
 * Extreme integers under a valid signature. exp is compared as
 * now >= exp + leeway: exp near LLONG_MAX must neither overflow (UB) nor
 * be taken as expired. Run in a child so a sanitizer abort is one failed
 * row.
 */
static void
check_extreme(void)
{
	static const struct crow rows[] = {
		{ "exp = 2^63 - 1", NOTIME("\"exp\":9223372036854775807,"
		    "\"iat\":1700000000"), JWTV_OK },
		{ "exp = 2^63 - leeway (exp + leeway is 2^63)", NOTIME("\"exp\":"
		    "9223372036854775778,\"iat\":1700000000"), JWTV_OK },
		{ "exp = 2^63 - 1 - leeway (no overflow, control)",
		    NOTIME("\"exp\":9223372036854775777,\"iat\":1700000000"),
		    JWTV_OK },
		{ "nbf = 2^63 - 1", NOTIME("\"exp\":1700000900,\"iat\":"
		    "1700000000,\"nbf\":9223372036854775807"), JWTV_NOT_YET },
		{ "iat = 2^63 - 1", NOTIME("\"exp\":1700000900,\"iat\":"
		    "9223372036854775807"), JWTV_NOT_YET },
		{ "iat = -2^63", NOTIME("\"exp\":1700000900,\"iat\":"
		    "-9223372036854775808"), JWTV_OK },
	};
	char	 tok[TOKSZ];
	size_t	 i;
	int	 n, e;

	for (i = 0; i < NELEM(rows); i++) {
		n = sign_claims(HS, rows[i].claims, strlen(rows[i].claims), tok,
		    sizeof(tok));
		e = n > 0 ? ver_isolated(tok, (size_t)n) : -99;
		T_CHECK(e == rows[i].want, "extreme: %s -> %s (got %s%s)",
		    rows[i].name, en(rows[i].want), e == -2 ? "a crash" : en(e),
		    e == -2 ? ", sanitizer abort: signed overflow" : "");
	}
}

static void
check_strerror(void)
{
	static const struct {
		enum jwtverify_err	 e;
		const char		*s;
	} rows[] = {
		{ JWTV_OK, "ok" }, { JWTV_MALFORMED, "malformed" },
		{ JWTV_HEADER, "header" }, { JWTV_ALG, "alg" },
		{ JWTV_KID, "kid" }, { JWTV_SIGNATURE, "signature" },
		{ JWTV_ISSUER, "issuer" }, { JWTV_AUDIENCE, "audience" },
		{ JWTV_EXPIRED, "expired" }, { JWTV_NOT_YET, "not yet valid" },
		{ JWTV_CLAIMS, "claims" },
	};
	size_t	 i, j;
	int	 distinct = 1;

	for (i = 0; i < NELEM(rows); i++) {
		const char *s = jwtverify_strerror(rows[i].e);

		T_CHECK(s != NULL && strcmp(s, rows[i].s) == 0,
		    "strerror(%s) = \"%s\"", en((int)rows[i].e), rows[i].s);
		for (j = 0; j < i; j++)
			if (s != NULL && strcmp(s, jwtverify_strerror(rows[j].e))
			    == 0)
				distinct = 0;
	}
	T_CHECK(distinct, "strerror: every enum has its own text");
	T_CHECK(strcmp(jwtverify_strerror((enum jwtverify_err)(JWTV_CLAIMS + 1)),
	    "?") == 0 && strcmp(jwtverify_strerror((enum jwtverify_err)-1),
	    "?") == 0 && strcmp(jwtverify_strerror((enum jwtverify_err)1000),
	    "?") == 0, "strerror out of range -> \"?\"");
}

int
main(void)
{
	static const enum jws_alg algs[NWHO] = { JWS_ES256, JWS_RS256,
	    JWS_HS256, JWS_ES256 };
	int	 w, ok = 1;

	opts_default();
	for (w = 0; w < NWHO; w++)
		if (make_material(&mat[w], algs[w]) != 0)
			ok = 0;
	for (w = ES; ok && w <= HS; w++)
		if (jws_key_load(&keys[w], algs[w], mat[w].kid, mat[w].priv,
		    (size_t)mat[w].privlen) != 0)
			ok = 0;
	T_CHECK(ok, "generate and load ES256, RS256, HS256 and a spare ES256");
	if (!ok)
		return t_done();

	for (w = ES; w <= HS; w++)
		check_valid((enum who)w);
	check_claims_roundtrip();
	check_header();
	check_mask();
	check_sig_es256();
	check_sig_other();
	check_flip();
	check_retired();
	check_shape();
	check_max();
	check_claims();
	check_nul();
	check_strerror();
	check_extreme();

	for (w = ES; w <= HS; w++)
		jws_key_free(&keys[w]);
	for (w = 0; w < NWHO; w++)
		free_material(&mat[w]);
	return t_done();
}
