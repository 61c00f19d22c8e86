/*
 * test_refresh: refresh-token strings (jmr_ + 43 base64url characters of
 * 256 random bits), refresh_valid on hostile spellings (prefix, length,
 * padding, standard-base64 characters, non-canonical last character, NUL),
 * the digest checked against OpenSSL's EVP_Digest directly, successors
 * (deterministic per key and token, different otherwise, themselves valid)
 * checked against an HMAC computed here, and 1000 fresh tokens all distinct.
 * Code masks: the mask is the token's bits XOR HMAC-SHA-256(pepper, label
 * || code) (computed here with OpenSSL's HMAC), unmasking with the same
 * code and pepper gives the token back, with another code or pepper a
 * different (valid) token, no pepper is refused, and malformed
 * input (token, mask length, non-hex, code over 64 bytes) is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "b64url.h"
#include "refresh.h"
#include "t.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NGEN		1000

static const char	 alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
check_generate(void)
{
	static char	 toks[NGEN][REFRESH_LEN + 1];
	char		 t[REFRESH_LEN + 8];
	size_t		 i;
	int		 ok = 1, dup = 0, first = 1;

	memset(t, 'Z', sizeof(t));
	T_CHECK(refresh_generate(t) == 0, "generate -> 0");
	T_CHECK(t[REFRESH_LEN] == '\0' && t[REFRESH_LEN + 1] == 'Z',
	    "generate: NUL at 47, nothing written after");
	T_CHECK(strlen(t) == 47 && REFRESH_LEN == 47, "generate: 47 characters");
	T_CHECK(strncmp(t, "jmr_", 4) == 0, "generate: prefix jmr_");
	T_CHECK(strspn(t + 4, alphabet) == 43, "generate: 43 base64url "
	    "characters after the prefix");
	T_CHECK(refresh_valid(t, strlen(t)) == 1, "generate: refresh_valid");

	for (i = 0; i < NGEN; i++) {
		if (refresh_generate(toks[i]) != 0 ||
		    refresh_valid(toks[i], strlen(toks[i])) != 1)
			ok = 0;
		/* the first character carries 6 random bits: not constant */
		if (i > 0 && toks[i][4] != toks[0][4])
			first = 0;
	}
	qsort(toks, NGEN, sizeof(toks[0]), cmp);
	for (i = 1; i < NGEN; i++)
		if (strcmp(toks[i - 1], toks[i]) == 0)
			dup = 1;
	T_CHECK(ok, "%d generated tokens are all valid", NGEN);
	T_CHECK(!dup, "%d generated tokens are all distinct", NGEN);
	T_CHECK(!first, "%d generated tokens do not share their first random "
	    "character", NGEN);
}

static void
check_valid(void)
{
	/* 43 characters: 258 bits, the last two unused (must be zero). */
#define A42	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define U42	"__________________________________________"
	static const struct {
		const char	*name;
		const char	*s;
		size_t		 len;	/* 0: strlen */
		int		 want;
	} rows[] = {
		{ "all zero bits", "jmr_" A42 "A", 0, 1 },
		{ "all one bits (last char 'w')", "jmr_" U42 "w", 0, 1 },
		{ "last char 'E' (value 4)", "jmr_" A42 "E", 0, 1 },
		{ "last char '8' (value 60)", "jmr_" A42 "8", 0, 1 },
		{ "non-canonical last char 'B'", "jmr_" A42 "B", 0, 0 },
		{ "non-canonical last char 'D'", "jmr_" A42 "D", 0, 0 },
		{ "non-canonical last char '_'", "jmr_" U42 "_", 0, 0 },
		{ "non-canonical last char 'x'", "jmr_" U42 "x", 0, 0 },
		{ "non-canonical last char '-'", "jmr_" A42 "-", 0, 0 },
		{ "prefix jmk_ (an API key's)", "jmk_" A42 "A", 0, 0 },
		{ "prefix JMR_", "JMR_" A42 "A", 0, 0 },
		{ "prefix jmr-", "jmr-" A42 "A", 0, 0 },
		{ "prefix jmr.", "jmr." A42 "A", 0, 0 },
		{ "no prefix, 47 chars", "AAAA" A42 "A", 0, 0 },
		{ "prefix shifted (xjmr_ + 42)", "xjmr_" A42, 0, 0 },
		{ "46 chars (one short)", "jmr_" A42, 0, 0 },
		{ "48 chars (one more)", "jmr_" A42 "AA", 0, 0 },
		{ "44 chars (4k form)", "jmr_" A42 "AA", 48, 0 },
		{ "empty", "", 0, 0 },
		{ "prefix only", "jmr_", 0, 0 },
		{ "'=' padding for the last char", "jmr_" A42 "=", 0, 0 },
		{ "'=' padding appended", "jmr_" A42 "A=", 0, 0 },
		{ "'+' (standard base64)", "jmr_+" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "A", 0, 0 },
		{ "'/' (standard base64)", "jmr_/" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "A", 0, 0 },
		{ "a space inside", "jmr_ " "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "A", 0, 0 },
		{ "a trailing newline in place of the last char",
		    "jmr_" A42 "\n", 0, 0 },
		{ "a '.' inside", "jmr_." "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "A", 0, 0 },
		{ "a NUL inside (len 47 covers it)", "jmr_AAAA\0"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "A", 47, 0 },
		{ "a NUL last (len 47 covers it)", "jmr_" A42 "\0", 47, 0 },
		{ "a high byte", "jmr_\xc3\xa9" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "A", 0, 0 },
	};
	char	 t[REFRESH_LEN + 1], *copy;
	size_t	 i, len;

	for (i = 0; i < NELEM(rows); i++) {
		len = rows[i].len ? rows[i].len : strlen(rows[i].s);
		/* an exact-length heap copy: ASan sees any read past len */
		if ((copy = malloc(len ? len : 1)) == NULL)
			continue;
		memcpy(copy, rows[i].s, len);
		T_CHECK(refresh_valid(copy, len) == rows[i].want, "valid: %s "
		    "(len %zu) -> %d", rows[i].name, len, rows[i].want);
		free(copy);
	}

	/* A generated token with len one short of and one past its NUL. */
	refresh_generate(t);
	T_CHECK(refresh_valid(t, REFRESH_LEN - 1) == 0, "valid: a real token "
	    "with len 46 -> 0");
	T_CHECK(refresh_valid(t, REFRESH_LEN + 1) == 0, "valid: a real token "
	    "with len 48 (its NUL) -> 0");
	/* Every single-character change of the prefix. */
	{
		int	 ok = 1, k;
		char	 save;

		for (k = 0; k < 4; k++) {
			save = t[k];
			t[k] ^= 0x20;
			if (refresh_valid(t, REFRESH_LEN) != 0)
				ok = 0;
			t[k] = save;
		}
		T_CHECK(ok && refresh_valid(t, REFRESH_LEN) == 1, "valid: each "
		    "prefix char case-flipped -> 0");
	}
#undef A42
#undef U42
}

static void
check_digest(void)
{
	static const char *const toks[] = {
		"jmr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"jmr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE",
	};
	unsigned char	 d[REFRESH_DIGEST_BYTES + 4], want[EVP_MAX_MD_SIZE];
	unsigned char	 d2[REFRESH_DIGEST_BYTES];
	unsigned int	 wl = 0;
	char		 t[REFRESH_LEN + 1];
	size_t		 i;

	for (i = 0; i < NELEM(toks); i++) {
		memset(d, 0xa5, sizeof(d));
		EVP_Digest(toks[i], strlen(toks[i]), want, &wl, EVP_sha256(),
		    NULL);
		T_CHECK(refresh_digest(toks[i], d) == 0 && wl == 32 &&
		    memcmp(d, want, 32) == 0 && d[32] == 0xa5,
		    "digest of %s = EVP_Digest SHA-256 of the string, 32 bytes "
		    "written", toks[i]);
	}
	refresh_digest(toks[0], d);
	refresh_digest(toks[1], d2);
	T_CHECK(memcmp(d, d2, 32) != 0, "digest: tokens one bit apart differ");
	refresh_generate(t);
	EVP_Digest(t, strlen(t), want, &wl, EVP_sha256(), NULL);
	T_CHECK(refresh_digest(t, d) == 0 && memcmp(d, want, 32) == 0,
	    "digest of a generated token = EVP_Digest");
	/* The digest covers the whole string, prefix included. */
	EVP_Digest(t + 4, strlen(t) - 4, want, &wl, EVP_sha256(), NULL);
	T_CHECK(memcmp(d, want, 32) != 0, "digest covers the prefix (not "
	    "SHA-256 of the 43 characters alone)");
}

/* HMAC-SHA-256(key, "successor:" || tok), base64url, with jmr_ in front. */
static void
successor_ref(const char *tok, const unsigned char *key, size_t keylen,
    char out[REFRESH_LEN + 1])
{
	unsigned char	 mac[32];
	unsigned int	 ml = 0;
	char		 msg[64];
	int		 n;

	n = snprintf(msg, sizeof(msg), "successor:%s", tok);
	out[0] = '\0';
	if (n != 10 + REFRESH_LEN || HMAC(EVP_sha256(), key, (int)keylen,
	    (const unsigned char *)msg, (size_t)n, mac, &ml) == NULL || ml != 32)
		return;
	memcpy(out, "jmr_", 4);
	if (b64url_encode(out + 4, REFRESH_LEN - 3, mac, 32) != 43)
		out[0] = '\0';
}

static void
check_successor(void)
{
	unsigned char	 k1[32], k2[32];
	char		 t1[REFRESH_LEN + 1], t2[REFRESH_LEN + 1];
	char		 s1[REFRESH_LEN + 1], s1b[REFRESH_LEN + 1];
	char		 s2[REFRESH_LEN + 1], s3[REFRESH_LEN + 1];
	char		 ss[REFRESH_LEN + 1], ref[REFRESH_LEN + 1];
	char		 big[REFRESH_LEN + 8];
	int		 rc;

	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x11, sizeof(k2));
	k2[31] ^= 0x01;
	refresh_generate(t1);
	refresh_generate(t2);

	T_CHECK(refresh_successor(t1, k1, 32, s1) == 0 &&
	    refresh_successor(t1, k1, 32, s1b) == 0 && strcmp(s1, s1b) == 0,
	    "successor: same key and token -> the same successor");
	T_CHECK(refresh_valid(s1, strlen(s1)) == 1 && strlen(s1) == 47,
	    "successor: itself a valid refresh token");
	T_CHECK(strcmp(s1, t1) != 0, "successor: differs from its token");
	T_CHECK(refresh_successor(t1, k2, 32, s2) == 0 && strcmp(s1, s2) != 0,
	    "successor: a key one bit apart -> another successor");
	T_CHECK(refresh_successor(t2, k1, 32, s3) == 0 && strcmp(s1, s3) != 0,
	    "successor: another token -> another successor");
	T_CHECK(refresh_successor(t1, k1, 31, s2) == 0 && strcmp(s1, s2) != 0,
	    "successor: the key's length counts (31 of the 32 bytes)");
	T_CHECK(refresh_successor(s1, k1, 32, ss) == 0 && strcmp(ss, s1) != 0 &&
	    strcmp(ss, t1) != 0 && refresh_valid(ss, strlen(ss)) == 1,
	    "successor of the successor: valid, new");
	successor_ref(t1, k1, 32, ref);
	T_CHECK(strcmp(s1, ref) == 0, "successor = jmr_ + base64url "
	    "HMAC-SHA-256(key, \"successor:\" || token), computed here");
	/* The successor is not the digest, nor a plain hash of the token. */
	{
		unsigned char	 d[32];
		char		 enc[48];

		refresh_digest(t1, d);
		b64url_encode(enc, sizeof(enc), d, 32);
		T_CHECK(strcmp(s1 + 4, enc) != 0, "successor is not the stored "
		    "digest of the token");
	}
	memset(big, 'Z', sizeof(big));
	T_CHECK(refresh_successor(t1, k1, 32, big) == 0 &&
	    big[REFRESH_LEN] == '\0' && big[REFRESH_LEN + 1] == 'Z',
	    "successor: NUL at 47, nothing written after");

	/* An empty key: refused, or at least still a valid token (noted). */
	rc = refresh_successor(t1, (const unsigned char *)"", 0, s2);
	T_CHECK(rc == -1 || refresh_valid(s2, strlen(s2)) == 1,
	    "successor with a 0-byte key: -1 or a valid token (rc %d)", rc);
	if (rc == 0)
		printf("# note: refresh_successor accepts a 0-byte key: the "
		    "caller must never pass one (successors would be public)\n");
}

static void
check_code_mask(void)
{
	const char	*code = "Xq3vH0f4nR2mK8pL1sT6wY9zA5bC7dE0gJ2hN4uQ6rS";
	const char	*other = "Yq3vH0f4nR2mK8pL1sT6wY9zA5bC7dE0gJ2hN4uQ6rS";
	static const unsigned char pep[32] = "fuzz-pepper-for-the-code-mask-32";
	static const unsigned char pep2[32] = "another-pepper-for-the-mask-32by";
	char		 tok[REFRESH_LEN + 1], back[REFRESH_LEN + 1];
	char		 hex[REFRESH_MASK_HEX + 1], bad[REFRESH_MASK_HEX + 1];
	char		 in[128], want[REFRESH_MASK_HEX + 1], longcode[80];
	unsigned char	 pad[32], r[32];
	unsigned int	 plen;
	size_t		 P = sizeof(pep);
	int		 i;

	T_CHECK(refresh_generate(tok) == 0, "generate");
	T_CHECK(refresh_code_mask(tok, code, pep, P, hex) == 0 &&
	    strlen(hex) == REFRESH_MASK_HEX, "mask: 64 hex digits");
	snprintf(in, sizeof(in), "%s%s", REFRESH_CODE_LABEL, code);
	HMAC(EVP_sha256(), pep, (int)P, (const unsigned char *)in, strlen(in),
	    pad, &plen);
	b64url_decode(r, sizeof(r), tok + 4, REFRESH_LEN - 4);
	for (i = 0; i < 32; i++)
		snprintf(want + 2 * i, 3, "%02x", r[i] ^ pad[i]);
	T_CHECK(strcmp(hex, want) == 0, "mask = bits XOR HMAC-SHA-256(pepper, label||code)");
	T_CHECK(refresh_code_unmask(hex, code, pep, P, back) == 0 &&
	    strcmp(back, tok) == 0, "unmask with the code: the token");
	T_CHECK(refresh_code_unmask(hex, other, pep, P, back) == 0 &&
	    strcmp(back, tok) != 0 && refresh_valid(back, strlen(back)),
	    "unmask with another code: another token");
	T_CHECK(refresh_code_unmask(hex, code, pep2, sizeof(pep2), back) == 0 &&
	    strcmp(back, tok) != 0, "unmask under another pepper: another token");
	T_CHECK(refresh_code_unmask(hex, code, pep, 0, back) == -1 &&
	    refresh_code_unmask(hex, code, NULL, P, back) == -1 &&
	    refresh_code_mask(tok, code, NULL, P, bad) == -1,
	    "no pepper: refused");
	for (i = 0; hex[i] != '\0'; i++)	/* either case */
		bad[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	bad[i] = '\0';
	T_CHECK(refresh_code_unmask(bad, code, pep, P, back) == 0 &&
	    strcmp(back, tok) == 0, "unmask: upper-case hex");
	memcpy(bad, hex, sizeof(bad));
	bad[10] = 'g';
	T_CHECK(refresh_code_unmask(bad, code, pep, P, back) == -1 && back[0] == '\0',
	    "unmask: non-hex refused");
	bad[10] = '\0';
	T_CHECK(refresh_code_unmask(bad, code, pep, P, back) == -1, "unmask: short");
	T_CHECK(refresh_code_unmask(NULL, code, pep, P, back) == -1, "unmask: NULL");
	T_CHECK(refresh_code_mask("jmr_short", code, pep, P, bad) == -1 &&
	    bad[0] == '\0', "mask: malformed token refused");
	memset(longcode, 'a', 65);
	longcode[65] = '\0';
	T_CHECK(refresh_code_mask(tok, longcode, pep, P, bad) == -1 &&
	    refresh_code_unmask(hex, longcode, pep, P, back) == -1,
	    "a code over 64 bytes refused");
	longcode[64] = '\0';
	T_CHECK(refresh_code_mask(tok, longcode, pep, P, bad) == 0 &&
	    refresh_code_unmask(bad, longcode, pep, P, back) == 0 &&
	    strcmp(back, tok) == 0, "a code of 64 bytes: round trip");
}

int
main(void)
{
	check_generate();
	check_valid();
	check_digest();
	check_successor();
	check_code_mask();
	return t_done();
}
