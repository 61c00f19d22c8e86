/*
 * test_jws: compact JWS signing checked by an independent verifier, libjwt
 * 1.10.2, for ES256, RS256 and HS256, then hostile rows: key material of the
 * wrong type or curve, kids that would break the header, short output
 * buffers, and tampered headers that the intended key must not accept.
 *
 * libjwt 1.10.2's jwt_decode() refuses every token whose "typ" is not "JWT"
 * (jwt_verify_head: strcasecmp(typ, "JWT")), so it cannot take an RFC 9068
 * "at+jwt" token whole. The signature is therefore checked with libjwt's
 * own verifiers, jwt_verify_sha_pem() and jwt_verify_sha_hmac() (exported by
 * libjwt.so 1.10.2, declared in its private jwt-private.h), on a jwt_t whose
 * algorithm and key are pinned with jwt_set_alg(), as a resource server pins
 * them from the JWKS; header and claims are read back with jansson.
 * jwt_decode() is still used where it can answer: tokens whose header was
 * rewritten with typ "JWT" must not verify with the intended key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64url.h"
#include "jwk.h"
#include "jws.h"
#include "t.h"

#define NTOKENS		2000
#define TOKSZ		4096

/* libjwt 1.10.2, jwt-private.h: head is "header.payload", sig base64url. */
int	jwt_verify_sha_pem(jwt_t *, const char *, const char *);
int	jwt_verify_sha_hmac(jwt_t *, const char *, const char *);

static const char *const jwt_alg_names[] = { "ES256", "RS256", "HS256" };
static const jwt_alg_t jwt_algs[] = { JWT_ALG_ES256, JWT_ALG_RS256,
    JWT_ALG_HS256 };

struct material {
	enum jws_alg	 alg;
	unsigned char	 priv[JWS_MAX_PRIV_BYTES];
	int		 privlen;
	char		 kid[JWS_KID_BYTES];
	char		*pem;		/* public key, or NULL for HS256 */
	size_t		 pemlen;
};

/* PEM SubjectPublicKeyInfo of a private key DER (malloc'd). */
static char *
pem_public(const unsigned char *der, size_t len, size_t *pemlen)
{
	const unsigned char	*p = der;
	EVP_PKEY		*pkey;
	BIO			*bio;
	char			*data, *out = NULL;
	long			 n;

	if ((pkey = d2i_AutoPrivateKey(NULL, &p, (long)len)) == NULL)
		return NULL;
	if ((bio = BIO_new(BIO_s_mem())) != NULL &&
	    PEM_write_bio_PUBKEY(bio, pkey) == 1 &&
	    (n = BIO_get_mem_data(bio, &data)) > 0 &&
	    (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
		*pemlen = (size_t)n;
	}
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return out;
}

static int
make_material(struct material *m, enum jws_alg alg)
{
	memset(m, 0, sizeof(*m));
	m->alg = alg;
	if ((m->privlen = jws_generate(alg, m->priv, sizeof(m->priv))) <= 0)
		return -1;
	if (jws_kid(alg, m->priv, (size_t)m->privlen, m->kid) != 0)
		return -1;
	if (alg != JWS_HS256 && (m->pem = pem_public(m->priv,
	    (size_t)m->privlen, &m->pemlen)) == NULL)
		return -1;
	return 0;
}

static void
free_material(struct material *m)
{
	free(m->pem);
	OPENSSL_cleanse(m, sizeof(*m));
}

/*
 * libjwt's verdict on tok with the algorithm pinned to alg and m's key (the
 * PEM public key, or the raw secret): 0 when the signature verifies.
 */
static int
lj_verify(const struct material *m, jwt_alg_t alg, const char *tok)
{
	jwt_t		*jwt = NULL;
	char		*head;
	const char	*dot;
	int		 rc = -1;

	if ((dot = strrchr(tok, '.')) == NULL ||
	    (head = strndup(tok, (size_t)(dot - tok))) == NULL)
		return -1;
	if (jwt_new(&jwt) != 0)
		goto out;
	if (alg == JWT_ALG_HS256) {
		if (jwt_set_alg(jwt, alg, m->alg == JWS_HS256 ? m->priv :
		    (const unsigned char *)m->pem, m->alg == JWS_HS256 ?
		    m->privlen : (int)m->pemlen) != 0)
			goto out;
		rc = jwt_verify_sha_hmac(jwt, head, dot + 1);
	} else {
		if (m->pem == NULL || jwt_set_alg(jwt, alg,
		    (const unsigned char *)m->pem, (int)m->pemlen) != 0)
			goto out;
		rc = jwt_verify_sha_pem(jwt, head, dot + 1);
	}
out:
	jwt_free(jwt);
	free(head);
	return rc;
}

/* The same with m's own algorithm. */
static int
lj_verify_own(const struct material *m, const char *tok)
{
	return lj_verify(m, jwt_algs[m->alg], tok);
}

/* jwt_decode() with m's key; 0 when it accepts. */
static int
lj_decode(const struct material *m, const char *tok, jwt_t **jwt)
{
	*jwt = NULL;
	if (m->alg == JWS_HS256)
		return jwt_decode(jwt, tok, m->priv, (int)m->privlen);
	return jwt_decode(jwt, tok, (const unsigned char *)m->pem,
	    (int)m->pemlen);
}

/* Decode part `which` (0, 1, 2) of tok into a NUL-terminated string. */
static int
part(const char *tok, int which, char *out, size_t outsz)
{
	const char	*p = tok, *e;
	int		 n;

	while (which-- > 0 && p != NULL)
		if ((p = strchr(p, '.')) != NULL)
			p++;
	if (p == NULL)
		return -1;
	e = strchr(p, '.');
	if (e == NULL)
		e = p + strlen(p);
	if ((n = b64url_decode((unsigned char *)out, outsz - 1, p,
	    (size_t)(e - p))) < 0)
		return -1;
	out[n] = '\0';
	return n;
}

static size_t
part_len(const char *tok, int which)
{
	const char	*p = tok, *e;

	while (which-- > 0 && p != NULL)
		if ((p = strchr(p, '.')) != NULL)
			p++;
	if (p == NULL)
		return 0;
	e = strchr(p, '.');
	return e ? (size_t)(e - p) : strlen(p);
}

static int
claims_text(char *buf, size_t bufsz, long now, int n)
{
	return snprintf(buf, bufsz, "{\"iss\":\"https://auth.example.com\","
	    "\"sub\":\"2c3mr7xwqk4vyb5d\",\"aud\":\"https://api.example.com\","
	    "\"exp\":%ld,\"iat\":%ld,\"nbf\":%ld,\"jti\":\"jti-%d\","
	    "\"client_id\":\"2c3mr7xwqk4vyb5d\",\"scope\":\"read write\","
	    "\"n\":%d}", now + 900, now, now, n, n);
}

static int
jstr_is(json_t *o, const char *k, const char *want)
{
	json_t	*v = json_object_get(o, k);

	return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* "H.p.s" (keep_sig) or "H.p." with header text hdr and tok's p and s. */
static void
reheader(char *out, size_t outsz, const char *tok, const char *hdr,
    int keep_sig)
{
	char		 h64[512];
	const char	*dot1 = strchr(tok, '.'), *dot2 = strrchr(tok, '.');

	b64url_encode(h64, sizeof(h64), (const unsigned char *)hdr, strlen(hdr));
	if (keep_sig)
		snprintf(out, outsz, "%s%s", h64, dot1);
	else
		snprintf(out, outsz, "%s%.*s.", h64, (int)(dot2 - dot1), dot1);
}

/*
 * The signature covers the header: a token whose header is changed does not
 * verify with the intended key and algorithm. Run for ES256 and RS256.
 */
static void
check_tamper(const struct material *m, const struct jws_key *k)
{
	static const char *const hdrs[][2] = {
		{ "alg none", "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}" },
		{ "alg HS256", "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}" },
		{ "alg ES256", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}" },
		{ "alg RS256", "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}" },
		{ "kid changed", "{\"alg\":\"%.0sES256\",\"typ\":\"at+jwt\","
		    "\"kid\":\"other\"}" },
		{ "typ JWT", "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"%s\"}" },
		{ "whitespace", "{\"alg\": \"ES256\",\"typ\":\"at+jwt\","
		    "\"kid\":\"%s\"}" },
	};
	static const char *const jwt_hdrs[][2] = {
		{ "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}" },
		{ "alg HS256", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}" },
		{ "own alg", "{\"alg\":\"%s\",\"typ\":\"JWT\"}" },
		{ "own alg, no typ", "{\"alg\":\"%s\"}" },
	};
	const char	*an = jwt_alg_names[m->alg];
	char		 claims[512], tok[TOKSZ], bad[TOKSZ], hdr[256], h64[512];
	char		 orig[256];
	unsigned char	 mac[32];
	char		 mac64[64];
	unsigned int	 ml = 0;
	jwt_t		*jwt;
	size_t		 i;
	int		 len, rc;

	len = claims_text(claims, sizeof(claims), (long)time(NULL), 0);
	if (jws_sign(k, claims, (size_t)len, tok, sizeof(tok)) <= 0 ||
	    lj_verify_own(m, tok) != 0) {
		T_CHECK(0, "%s: sign and verify for tamper", an);
		return;
	}

	/* Pinned verifier: header text changed, signature kept or dropped. */
	part(tok, 0, orig, sizeof(orig));
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		snprintf(hdr, sizeof(hdr), hdrs[i][1], m->kid);
		if (strcmp(hdr, orig) == 0)
			continue;	/* the untouched header */
		reheader(bad, sizeof(bad), tok, hdr, 1);
		T_CHECK(lj_verify_own(m, bad) != 0, "%s: header \"%s\", signature "
		    "kept -> libjwt %s verify refuses", an, hdrs[i][0], an);
		reheader(bad, sizeof(bad), tok, hdr, 0);
		T_CHECK(lj_verify_own(m, bad) != 0, "%s: header \"%s\", signature "
		    "dropped -> libjwt %s verify refuses", an, hdrs[i][0], an);
	}

	/* jwt_decode (header alg decides) on "JWT" headers, signature kept. */
	for (i = 0; i < sizeof(jwt_hdrs) / sizeof(jwt_hdrs[0]); i++) {
		snprintf(hdr, sizeof(hdr), jwt_hdrs[i][1], an);
		reheader(bad, sizeof(bad), tok, hdr, 1);
		T_CHECK(lj_decode(m, bad, &jwt) != 0, "%s: jwt_decode of header "
		    "\"%s\" + our signature refused", an, jwt_hdrs[i][0]);
		jwt_free(jwt);
		reheader(bad, sizeof(bad), tok, hdr, 0);
		T_CHECK(lj_decode(m, bad, &jwt) != 0, "%s: jwt_decode of header "
		    "\"%s\", empty signature, refused", an, jwt_hdrs[i][0]);
		jwt_free(jwt);
	}

	/*
	 * Algorithm confusion: HS256 keyed with the PEM public key. A verifier
	 * pinned to the key's algorithm refuses it. libjwt's jwt_decode takes
	 * the algorithm from the header: what it does is reported, so that
	 * every verifier of our tokens is known to need the pin.
	 */
	for (i = 0; i < 2; i++) {
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"typ\":\"%s\","
		    "\"kid\":\"%s\"}", i == 0 ? "at+jwt" : "JWT", m->kid);
		b64url_encode(h64, sizeof(h64), (const unsigned char *)hdr,
		    strlen(hdr));
		snprintf(bad, sizeof(bad), "%s%.*s", h64,
		    (int)(strrchr(tok, '.') - strchr(tok, '.')), strchr(tok, '.'));
		HMAC(EVP_sha256(), m->pem, (int)m->pemlen, (unsigned char *)bad,
		    strlen(bad), mac, &ml);
		b64url_encode(mac64, sizeof(mac64), mac, ml);
		strcat(bad, ".");
		strcat(bad, mac64);
		T_CHECK(lj_verify_own(m, bad) != 0, "%s: HS256 keyed with the "
		    "public PEM (typ %s) refused by a verifier pinned to %s", an,
		    i == 0 ? "at+jwt" : "JWT", an);
		if (i == 1) {
			rc = lj_decode(m, bad, &jwt);
			if (rc == 0)
				printf("# note: libjwt 1.10.2 jwt_decode accepts an "
				    "HS256 token keyed with the %s PEM (alg %s): "
				    "verifiers must pin the algorithm\n", an,
				    jwt_alg_str(jwt_get_alg(jwt)));
			jwt_free(jwt);
		}
	}
}

static void
check_alg(enum jws_alg alg)
{
	static const size_t	 siglen[] = { 86, 342, 43 };
	const char		*an = jwt_alg_names[alg];
	struct material		 m;
	struct jws_key		 k;
	jwt_t			*jwt;
	json_t			*j;
	char			 claims[512], tok[TOKSZ], buf[TOKSZ], want[256];
	char			 kid2[JWS_KID_BYTES], tp[JWK_THUMBPRINT_LEN + 1];
	long			 now = (long)time(NULL);
	int			 n, len, i, ok, rc;

	if (make_material(&m, alg) != 0) {
		T_CHECK(0, "%s: generate, kid, public PEM", an);
		free_material(&m);
		return;
	}
	T_CHECK(jws_key_load(&k, alg, m.kid, m.priv, (size_t)m.privlen) == 0,
	    "%s: jws_key_load", an);

	/* kid: RFC 7638 thumbprint for public keys, "hs-" + 22 for HMAC. */
	if (alg == JWS_HS256) {
		T_CHECK(strncmp(m.kid, "hs-", 3) == 0 && strlen(m.kid) == 25 &&
		    strspn(m.kid + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
		    "stuvwxyz0123456789-_") == 22, "%s: kid hs- + 22 base64url "
		    "chars (%s)", an, m.kid);
		T_CHECK(jws_kid(alg, m.priv, (size_t)m.privlen, kid2) == 0 &&
		    strcmp(kid2, m.kid) != 0, "%s: kid is random, not a digest",
		    an);
	} else {
		const unsigned char	*p = m.priv;
		EVP_PKEY		*pk = d2i_AutoPrivateKey(NULL, &p,
					    m.privlen);

		T_CHECK(pk != NULL && jwk_thumbprint(pk, tp) == 0 &&
		    strcmp(tp, m.kid) == 0, "%s: kid is the RFC 7638 thumbprint",
		    an);
		EVP_PKEY_free(pk);
		T_CHECK(jws_kid(alg, m.priv, (size_t)m.privlen, kid2) == 0 &&
		    strcmp(kid2, m.kid) == 0, "%s: kid deterministic", an);
	}

	len = claims_text(claims, sizeof(claims), now, 0);
	memset(tok, 'Z', sizeof(tok));
	n = jws_sign(&k, claims, (size_t)len, tok, sizeof(tok));
	T_CHECK(n > 0 && (size_t)n == strlen(tok), "%s: jws_sign returns the "
	    "length (%d)", an, n);

	/* The three parts. */
	snprintf(want, sizeof(want), "{\"alg\":\"%s\",\"typ\":\"at+jwt\","
	    "\"kid\":\"%s\"}", an, m.kid);
	T_CHECK(part(tok, 0, buf, sizeof(buf)) > 0 && strcmp(buf, want) == 0,
	    "%s: protected header is %s", an, want);
	j = json_loads(buf, JSON_REJECT_DUPLICATES, NULL);
	T_CHECK(j != NULL && json_object_size(j) == 3 &&
	    jstr_is(j, "alg", an) && jstr_is(j, "typ", "at+jwt") &&
	    jstr_is(j, "kid", m.kid), "%s: header alg, typ at+jwt (RFC 9068 "
	    "§2.1), kid", an);
	json_decref(j);
	T_CHECK(part(tok, 1, buf, sizeof(buf)) == len &&
	    strcmp(buf, claims) == 0, "%s: payload is the claims, verbatim", an);
	j = json_loads(buf, JSON_REJECT_DUPLICATES, NULL);
	T_CHECK(j != NULL && jstr_is(j, "iss", "https://auth.example.com") &&
	    jstr_is(j, "scope", "read write") &&
	    json_integer_value(json_object_get(j, "exp")) == now + 900 &&
	    json_integer_value(json_object_get(j, "iat")) == now,
	    "%s: claims round trip", an);
	json_decref(j);
	T_CHECK(part_len(tok, 2) == siglen[alg], "%s: signature part is %zu "
	    "chars (got %zu)", an, siglen[alg], part_len(tok, 2));
	if (alg == JWS_HS256) {
		unsigned char	 mac[32];
		char		 mac64[64];
		unsigned int	 ml = 0;
		const char	*dot = strrchr(tok, '.');

		HMAC(EVP_sha256(), m.priv, m.privlen, (unsigned char *)tok,
		    (size_t)(dot - tok), mac, &ml);
		b64url_encode(mac64, sizeof(mac64), mac, ml);
		T_CHECK(strcmp(dot + 1, mac64) == 0, "%s: signature equals "
		    "OpenSSL HMAC() over header.payload", an);
	}

	/* libjwt, the independent verifier, pinned to the key's algorithm. */
	T_CHECK(lj_verify_own(&m, tok) == 0, "%s: libjwt %s verifies with the "
	    "%s", an, alg == JWS_HS256 ? "jwt_verify_sha_hmac" :
	    "jwt_verify_sha_pem", alg == JWS_HS256 ? "raw secret" :
	    "PEM public key");
	rc = lj_decode(&m, tok, &jwt);
	if (rc != 0)
		printf("# note: libjwt 1.10.2 jwt_decode refuses typ \"at+jwt\" "
		    "(rc %d): it accepts only typ \"JWT\"\n", rc);
	jwt_free(jwt);
	if (alg != JWS_HS256) {
		T_CHECK(lj_verify(&m, alg == JWS_ES256 ? JWT_ALG_RS256 :
		    JWT_ALG_ES256, tok) != 0, "%s: libjwt pinned to the other "
		    "public-key alg refuses", an);
		T_CHECK(lj_verify(&m, JWT_ALG_ES384, tok) != 0 &&
		    lj_verify(&m, JWT_ALG_RS512, tok) != 0,
		    "%s: libjwt pinned to ES384 or RS512 refuses", an);
	}

	/* Many tokens from one loaded key (the template context is reused). */
	ok = 1;
	for (i = 1; i <= (alg == JWS_RS256 ? NTOKENS / 10 : NTOKENS); i++) {
		len = claims_text(claims, sizeof(claims), now, i);
		if (jws_sign(&k, claims, (size_t)len, tok, sizeof(tok)) <= 0 ||
		    lj_verify_own(&m, tok) != 0 ||
		    part(tok, 1, buf, sizeof(buf)) != len ||
		    strcmp(buf, claims) != 0)
			ok = 0;
		if (!ok)
			break;
	}
	T_CHECK(ok, "%s: %d tokens from one loaded key all verify (stopped at "
	    "%d)", an, alg == JWS_RS256 ? NTOKENS / 10 : NTOKENS, i - 1);

	/* Two ES256 signatures of one input differ (random k), both verify. */
	if (alg == JWS_ES256) {
		char	 tok2[TOKSZ];

		len = claims_text(claims, sizeof(claims), now, 0);
		jws_sign(&k, claims, (size_t)len, tok, sizeof(tok));
		jws_sign(&k, claims, (size_t)len, tok2, sizeof(tok2));
		T_CHECK(strcmp(tok, tok2) != 0 && lj_verify_own(&m, tok) == 0 &&
		    lj_verify_own(&m, tok2) == 0,
		    "%s: two signatures of one input differ and verify", an);
	}

	/* A changed payload char or signature char fails libjwt. */
	len = claims_text(claims, sizeof(claims), now, 0);
	n = jws_sign(&k, claims, (size_t)len, tok, sizeof(tok));
	{
		char	*dot1 = strchr(tok, '.');
		char	 save = dot1[3];

		dot1[3] = dot1[3] == 'A' ? 'B' : 'A';
		T_CHECK(lj_verify_own(&m, tok) != 0, "%s: payload changed -> "
		    "libjwt refuses", an);
		dot1[3] = save;
		save = tok[n - 5];
		tok[n - 5] = tok[n - 5] == 'A' ? 'B' : 'A';
		T_CHECK(lj_verify_own(&m, tok) != 0, "%s: signature changed -> "
		    "libjwt refuses", an);
		tok[n - 5] = save;
		T_CHECK(lj_verify_own(&m, tok) == 0, "%s: restored token verifies",
		    an);
	}

	/* Output buffer too small; nothing is written past outsz. */
	memset(buf, 'Z', sizeof(buf));
	T_CHECK(jws_sign(&k, claims, (size_t)len, buf, 10) == -1 &&
	    buf[10] == 'Z', "%s: outsz 10 -> -1, no write past it", an);
	T_CHECK(jws_sign(&k, claims, (size_t)len, buf, 0) == -1,
	    "%s: outsz 0 -> -1", an);
	T_CHECK(jws_sign(&k, claims, (size_t)len, buf, (size_t)n) == -1,
	    "%s: outsz == token length (no room for NUL) -> -1", an);
	{
		char	*big = calloc(1, JWS_MAX_TOKEN_BYTES + 2);
		char	*out = malloc(4 * JWS_MAX_TOKEN_BYTES);

		if (big != NULL && out != NULL) {
			memset(big, 'a', JWS_MAX_TOKEN_BYTES + 1);
			T_CHECK(jws_sign(&k, big, JWS_MAX_TOKEN_BYTES + 1, out,
			    4 * JWS_MAX_TOKEN_BYTES) == -1,
			    "%s: claims over JWS_MAX_TOKEN_BYTES -> -1", an);
			T_CHECK(jws_sign(&k, big, JWS_MAX_TOKEN_BYTES, out,
			    4 * JWS_MAX_TOKEN_BYTES) > 0 &&
			    lj_verify_own(&m, out) == 0,
			    "%s: claims of JWS_MAX_TOKEN_BYTES sign and verify", an);
		}
		free(big);
		free(out);
	}

	if (alg != JWS_HS256)
		check_tamper(&m, &k);

	jws_key_free(&k);
	free_material(&m);
}


/*
 * A large RSA key made fast: 4 primes (RFC 8017 multi-prime; the most
 * OpenSSL allows from 4096 to 8191 bits) instead of 2, seconds less per
 * key: the size is all these checks look at.
 */
static int
rsa_fast_der(unsigned bits, unsigned char *buf, size_t bufsz)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;
	unsigned char	*p = buf;
	int		 n = -1;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL &&
	    EVP_PKEY_keygen_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) == 1 &&
	    EVP_PKEY_CTX_set_rsa_keygen_primes(ctx, 4) == 1 &&
	    EVP_PKEY_keygen(ctx, &pkey) == 1 &&
	    (n = i2d_PrivateKey(pkey, NULL)) > 0 && (size_t)n <= bufsz)
		n = i2d_PrivateKey(pkey, &p);
	else
		n = -1;
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	return n;
}

/* Private key DER of a fresh key (i2d_PrivateKey, as jws_generate). */
static int
der_of(const char *type, const char *arg, size_t bits, unsigned char *buf,
    size_t bufsz, int pkcs8)
{
	EVP_PKEY		*pkey;
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	unsigned char		*p = buf;
	int			 n = -1;

	if (bits)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, type, bits);
	else if (arg)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, type, arg);
	else
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, type);
	if (pkey == NULL)
		return -1;
	if (pkcs8) {
		if ((p8 = EVP_PKEY2PKCS8(pkey)) != NULL &&
		    (n = i2d_PKCS8_PRIV_KEY_INFO(p8, NULL)) > 0 &&
		    (size_t)n <= bufsz)
			n = i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
		else
			n = -1;
		PKCS8_PRIV_KEY_INFO_free(p8);
	} else if ((n = i2d_PrivateKey(pkey, NULL)) > 0 && (size_t)n <= bufsz)
		n = i2d_PrivateKey(pkey, &p);
	else
		n = -1;
	EVP_PKEY_free(pkey);
	return n;
}

static void
check_load(void)
{
	unsigned char	 ec[JWS_MAX_PRIV_BYTES], rsa[JWS_MAX_PRIV_BYTES];
	unsigned char	 der[JWS_MAX_PRIV_BYTES], h[64];
	struct jws_key	 k;
	char		 tok[TOKSZ];
	int		 ecl, rsal, n, i, ok;

	ecl = jws_generate(JWS_ES256, ec, sizeof(ec));
	rsal = jws_generate(JWS_RS256, rsa, sizeof(rsa));
	memset(h, 7, sizeof(h));
	T_CHECK(ecl > 0 && rsal > 0, "generate ES256 (%d bytes) and RS256 "
	    "(%d bytes)", ecl, rsal);

	T_CHECK(jws_key_load(&k, JWS_RS256, "k", ec, (size_t)ecl) == -1,
	    "load EC P-256 DER as RS256 -> -1");
	T_CHECK(jws_key_load(&k, JWS_HS256, "k", ec, (size_t)ecl) == -1,
	    "load EC P-256 DER as HS256 -> -1");
	T_CHECK(jws_key_load(&k, JWS_ES256, "k", rsa, (size_t)rsal) == -1,
	    "load RSA DER as ES256 -> -1");
	T_CHECK(jws_key_load(&k, JWS_ES256, "k", h, 32) == -1,
	    "load 32 HMAC bytes as ES256 -> -1");
	T_CHECK(jws_key_load(&k, JWS_RS256, "k", h, 32) == -1,
	    "load 32 HMAC bytes as RS256 -> -1");
	T_CHECK(jws_key_load(&k, JWS_HS256, "k", h, 31) == -1,
	    "load 31-byte HMAC key -> -1 (RFC 7518 §3.2)");
	T_CHECK(jws_key_load(&k, JWS_HS256, "k", h, 33) == -1,
	    "load 33-byte HMAC key -> -1");
	T_CHECK(jws_key_load(&k, JWS_HS256, "k", h, 0) == -1,
	    "load 0-byte HMAC key -> -1");
	T_CHECK(jws_key_load(&k, JWS_ES256, "k", ec, 0) == -1,
	    "load empty DER -> -1");
	T_CHECK(jws_key_load(&k, JWS_ALG__MAX, "k", ec, (size_t)ecl) == -1,
	    "load alg out of range -> -1");
	ok = 1;
	for (i = 1; i < ecl; i++)
		if (jws_key_load(&k, JWS_ES256, "k", ec, (size_t)i) != -1) {
			jws_key_free(&k);
			ok = 0;
		}
	T_CHECK(ok, "load every truncation of the ES256 DER -> -1");
	memcpy(der, ec, (size_t)ecl);
	der[0] ^= 0xff;
	T_CHECK(jws_key_load(&k, JWS_ES256, "k", der, (size_t)ecl) == -1,
	    "load DER with a broken tag -> -1");
	memset(der, 0, sizeof(der));
	T_CHECK(jws_key_load(&k, JWS_ES256, "k", der, 200) == -1,
	    "load 200 zero bytes -> -1");

	/* Other curves and key types as ES256. */
	n = der_of("ED25519", NULL, 0, der, sizeof(der), 0);
	T_CHECK(n > 0 && jws_key_load(&k, JWS_ES256, "k", der, (size_t)n) == -1,
	    "load Ed25519 as ES256 -> -1");
	n = der_of("ED25519", NULL, 0, der, sizeof(der), 0);
	T_CHECK(n > 0 && jws_key_load(&k, JWS_RS256, "k", der, (size_t)n) == -1,
	    "load Ed25519 as RS256 -> -1");
	n = der_of("EC", "P-384", 0, der, sizeof(der), 0);
	ok = n > 0 && jws_key_load(&k, JWS_ES256, "k", der, (size_t)n) == -1;
	if (!ok && n > 0) {
		T_CHECK(jws_sign(&k, "{}", 2, tok, sizeof(tok)) == -1,
		    "P-384 loaded as ES256 cannot sign (-1)");
		jws_key_free(&k);
	}
	T_CHECK(ok, "load EC P-384 as ES256 -> -1 (RFC 7518 §3.4: P-256 only)");
	n = der_of("EC", "secp256k1", 0, der, sizeof(der), 0);
	ok = n > 0 && jws_key_load(&k, JWS_ES256, "k", der, (size_t)n) == -1;
	if (!ok && n > 0)
		jws_key_free(&k);
	T_CHECK(ok, "load EC secp256k1 as ES256 -> -1 (RFC 7518 §3.4: P-256 "
	    "only)");
	n = der_of("RSA", NULL, 1024, der, sizeof(der), 0);
	ok = n > 0 && jws_key_load(&k, JWS_RS256, "k", der, (size_t)n) == -1;
	if (!ok && n > 0)
		jws_key_free(&k);
	T_CHECK(ok, "load RSA-1024 as RS256 -> -1 (RFC 7518 §3.3: 2048 bits or "
	    "more)");
	/*
	 * Past JWS_MAX_RSA_BITS a key would load and then fail every signature
	 * (issuance stopped): refused at load. 4096 bits loads and signs.
	 */
	n = rsa_fast_der(JWS_MAX_RSA_BITS + 64, der, sizeof(der));
	ok = n > 0 && jws_key_load(&k, JWS_RS256, "k", der, (size_t)n) == -1;
	if (!ok && n > 0)
		jws_key_free(&k);
	T_CHECK(ok, "load RSA-%d as RS256 -> -1 (over JWS_MAX_RSA_BITS)",
	    JWS_MAX_RSA_BITS + 64);
	n = rsa_fast_der(JWS_MAX_RSA_BITS, der, sizeof(der));
	T_CHECK(n > 0 && jws_key_load(&k, JWS_RS256, "k", der, (size_t)n) == 0 &&
	    jws_sign(&k, "{}", 2, tok, sizeof(tok)) > 0,
	    "load RSA-%d as RS256 and sign", JWS_MAX_RSA_BITS);
	jws_key_free(&k);

	/* PKCS#8 PrivateKeyInfo (what jws.h promises) loads and signs too. */
	n = der_of("EC", "P-256", 0, der, sizeof(der), 1);
	T_CHECK(n > 0 && jws_key_load(&k, JWS_ES256, "k", der, (size_t)n) == 0 &&
	    jws_sign(&k, "{}", 2, tok, sizeof(tok)) > 0,
	    "load PKCS#8 P-256 as ES256 and sign");
	jws_key_free(&k);
	n = der_of("RSA", NULL, 2048, der, sizeof(der), 1);
	T_CHECK(n > 0 && jws_key_load(&k, JWS_RS256, "k", der, (size_t)n) == 0 &&
	    jws_sign(&k, "{}", 2, tok, sizeof(tok)) > 0,
	    "load PKCS#8 RSA-2048 as RS256 and sign");
	jws_key_free(&k);

	jws_key_free(NULL);
	T_CHECK(jws_key_load(&k, JWS_ES256, "k", ec, (size_t)ecl) == 0,
	    "load after the refusals still works");
	jws_key_free(&k);
	jws_key_free(&k);
	T_CHECK(k.pkey == NULL && k.pctx == NULL, "jws_key_free twice is safe");
	OPENSSL_cleanse(ec, sizeof(ec));
	OPENSSL_cleanse(rsa, sizeof(rsa));
}

/* kids that would break or bend the protected header. */
static void
check_kid(void)
{
	unsigned char	 ec[JWS_MAX_PRIV_BYTES];
	struct jws_key	 k;
	char		 kid[128], tok[TOKSZ], hdr[512];
	json_t		*j;
	int		 ecl, n, ok;
	size_t		 i;
	static const char *const bad[] = {
		"a\"b", "\"", "a\\b", "\\", "x\",\"alg\":\"none",
	};
	static const char *const ctl[] = { "a\nb", "a\tb", "\x01", "a\x1f" };

	ecl = jws_generate(JWS_ES256, ec, sizeof(ec));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok = jws_key_load(&k, JWS_ES256, bad[i], ec, (size_t)ecl) == -1;
		T_CHECK(ok, "kid row %zu with a quote or backslash -> -1", i);
		if (!ok)
			jws_key_free(&k);
	}
	memset(kid, 'k', sizeof(kid));
	kid[JWS_KID_BYTES - 1] = '\0';
	T_CHECK(jws_key_load(&k, JWS_ES256, kid, ec, (size_t)ecl) == 0,
	    "kid of 63 chars accepted");
	jws_key_free(&k);
	kid[JWS_KID_BYTES - 1] = 'k';
	kid[JWS_KID_BYTES] = '\0';
	T_CHECK(jws_key_load(&k, JWS_ES256, kid, ec, (size_t)ecl) == -1,
	    "kid of 64 chars -> -1");
	T_CHECK(jws_key_load(&k, JWS_HS256, kid, ec, 32) == -1,
	    "HS256 kid of 64 chars -> -1");

	/* A control byte in a kid: refused, or the header must stay JSON. */
	for (i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		ok = 1;
		if (jws_key_load(&k, JWS_ES256, ctl[i], ec, (size_t)ecl) == 0) {
			n = jws_sign(&k, "{}", 2, tok, sizeof(tok));
			j = n > 0 && part(tok, 0, hdr, sizeof(hdr)) > 0 ?
			    json_loads(hdr, 0, NULL) : NULL;
			ok = j != NULL;
			json_decref(j);
			jws_key_free(&k);
		}
		T_CHECK(ok, "kid row %zu with a control byte: refused or the "
		    "header stays valid JSON (RFC 8259 §7)", i);
	}
	OPENSSL_cleanse(ec, sizeof(ec));
}

static void
check_names_generate(void)
{
	static const struct {
		const char	*s;
		int		 want;
	} rows[] = {
		{ "ES256", JWS_ES256 }, { "RS256", JWS_RS256 },
		{ "HS256", JWS_HS256 }, { "none", -1 }, { "None", -1 },
		{ "es256", -1 }, { "", -1 }, { "ES256 ", -1 }, { " ES256", -1 },
		{ "ES25", -1 }, { "ES512", -1 }, { "HS512", -1 }, { "PS256", -1 },
		{ "ES256\t", -1 },
	};
	unsigned char	 buf[JWS_MAX_PRIV_BYTES], buf2[64];
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_CHECK(jws_alg_parse(rows[i].s) == rows[i].want,
		    "alg_parse row %zu \"%.*s\" -> %d", i,
		    (int)strcspn(rows[i].s, "\t"), rows[i].s, rows[i].want);
	T_CHECK(strcmp(jws_alg_name(JWS_ES256), "ES256") == 0 &&
	    strcmp(jws_alg_name(JWS_RS256), "RS256") == 0 &&
	    strcmp(jws_alg_name(JWS_HS256), "HS256") == 0, "alg_name of each");
	T_CHECK(strcmp(jws_alg_name(JWS_ALG__MAX), "?") == 0 &&
	    strcmp(jws_alg_name((enum jws_alg)-1), "?") == 0,
	    "alg_name out of range -> \"?\"");

	T_CHECK(jws_generate(JWS_HS256, buf2, 32) == 32, "generate HS256 into 32");
	T_CHECK(jws_generate(JWS_HS256, buf2, 31) == -1, "generate HS256 into 31 "
	    "-> -1");
	T_CHECK(jws_generate(JWS_ES256, buf2, sizeof(buf2)) == -1,
	    "generate ES256 into 64 bytes -> -1");
	T_CHECK(jws_generate(JWS_RS256, buf, 512) == -1,
	    "generate RS256 into 512 bytes -> -1");
	T_CHECK(jws_generate(JWS_ALG__MAX, buf, sizeof(buf)) == -1,
	    "generate alg out of range -> -1");
	n = jws_generate(JWS_HS256, buf, 32);
	T_CHECK(n == 32 && jws_generate(JWS_HS256, buf2, 32) == 32 &&
	    memcmp(buf, buf2, 32) != 0, "generate HS256 twice differs");
	T_CHECK(jws_kid(JWS_ES256, buf, 32, (char *)buf2) == -1,
	    "kid of 32 random bytes as ES256 -> -1");
	OPENSSL_cleanse(buf, sizeof(buf));
}

int
main(void)
{
	enum jws_alg	 a;

	for (a = JWS_ES256; a < JWS_ALG__MAX; a++)
		check_alg(a);
	check_load();
	check_kid();
	check_names_generate();
	return t_done();
}
