/*
 * test_apikey: the API key format of apikey.h checked against a second,
 * independent encoder written here (table CRC-32, bit-at-a-time base32):
 * generate and parse round trip, the documented regex, every single
 * character substitution, and hostile keys with a correct checksum so that
 * only the rule under test can refuse them (wrong env, bad id or secret
 * characters, non-canonical secret bits). apikey_hash is checked against a
 * one-shot OpenSSL HMAC.
 */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "apikey.h"
#include "secret.h"
#include "t.h"

#define NKEYS	1000

/* --- the independent reference encoder ----------------------------------- */

static uint32_t	 crctab[256];

static void
crc_init(void)
{
	uint32_t	 c;
	int		 i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crctab[i] = c;
	}
}

static uint32_t
ref_crc(const char *s, size_t n)
{
	uint32_t	 c = 0xffffffffu;

	while (n-- > 0)
		c = crctab[(c ^ (unsigned char)*s++) & 0xff] ^ (c >> 8);
	return ~c;
}

/* Base32 (RFC 4648 alphabet, lower case), one bit at a time, zero padded. */
static void
ref_b32(char *dst, size_t nchars, const unsigned char *src, size_t n)
{
	size_t		 c, b, bit;
	unsigned	 v;

	for (c = 0; c < nchars; c++) {
		v = 0;
		for (b = 0; b < 5; b++) {
			bit = c * 5 + b;
			v <<= 1;
			if (bit < n * 8)
				v |= (src[bit / 8] >> (7 - bit % 8)) & 1;
		}
		dst[c] = "abcdefghijklmnopqrstuvwxyz234567"[v];
	}
	dst[nchars] = '\0';
}

/*
 * "jmk_" env "_" id "_" secret32 + CRC of all that, whatever the parts hold:
 * the way to make keys that are wrong in one way only.
 */
static void
ref_key(char out[256], const char *env, const char *id, const char *sec)
{
	unsigned char	 be[4];
	uint32_t	 c;
	size_t		 n;

	n = (size_t)snprintf(out, 200, "jmk_%s_%s_%s", env, id, sec);
	c = ref_crc(out, n);
	be[0] = (unsigned char)(c >> 24);
	be[1] = (unsigned char)(c >> 16);
	be[2] = (unsigned char)(c >> 8);
	be[3] = (unsigned char)c;
	ref_b32(out + n, 7, be, 4);
}

static int
allzero(const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		if (*c++ != 0)
			return 0;
	return 1;
}

static int
parse_str(struct apikey *k, const char *s)
{
	return apikey_parse(k, s, strlen(s));
}

/* --- checks --------------------------------------------------------------- */

static void
check_reference(void)
{
	char		 s[16];
	unsigned char	 ff[2] = { 0xff, 0x80 };

	T_CHECK(ref_crc("123456789", 9) == 0xcbf43926u,
	    "reference CRC-32 check value 0xCBF43926");
	ref_b32(s, 8, (const unsigned char *)"foobar", 5);
	T_CHECK(strcmp(s, "mzxw6ytb") == 0, "reference base32 RFC 4648 \"fooba\"");
	ref_b32(s, 4, ff, 2);
	T_CHECK(strcmp(s, "76aa") == 0, "reference base32 pads with zero bits");
}

static void
check_roundtrip(void)
{
	struct apikey	 k, p;
	char		 s[APIKEY_LEN + 1], want[256], sec[64];
	regex_t		 re;
	enum apikey_env	 env;
	size_t		 i;
	int		 ok_len, ok_re, ok_parse, ok_ref, ok_env, ok_gen;

	T_CHECK(regcomp(&re, "^" APIKEY_REGEX "$", REG_EXTENDED | REG_NOSUB) == 0,
	    "regcomp APIKEY_REGEX");
	for (env = APIKEY_ENV_LIVE; env < APIKEY_ENV__MAX; env++) {
		ok_len = ok_re = ok_parse = ok_ref = ok_env = ok_gen = 1;
		for (i = 0; i < NKEYS; i++) {
			memset(s, 'X', sizeof(s));
			if (apikey_generate(&k, env, s, sizeof(s)) != 0) {
				ok_gen = 0;
				continue;
			}
			if (strlen(s) != APIKEY_LEN)
				ok_len = 0;
			if (regexec(&re, s, 0, NULL, 0) != 0)
				ok_re = 0;
			if (strncmp(s + 4, apikey_env_name(env), 4) != 0 ||
			    k.env != env)
				ok_env = 0;
			if (apikey_parse(&p, s, strlen(s)) != 0 || p.env != env ||
			    strcmp(p.id, k.id) != 0 ||
			    memcmp(p.secret, k.secret, sizeof(k.secret)) != 0)
				ok_parse = 0;
			/* The reference encoder spells the same key. */
			ref_b32(sec, 52, k.secret, sizeof(k.secret));
			ref_key(want, apikey_env_name(env), k.id, sec);
			if (strcmp(want, s) != 0)
				ok_ref = 0;
		}
		T_CHECK(ok_gen, "%s: %d keys generated", apikey_env_name(env), NKEYS);
		T_CHECK(ok_len, "%s: every key is %d chars", apikey_env_name(env),
		    APIKEY_LEN);
		T_CHECK(ok_re, "%s: every key matches ^%s$", apikey_env_name(env),
		    APIKEY_REGEX);
		T_CHECK(ok_env, "%s: env in string and struct", apikey_env_name(env));
		T_CHECK(ok_parse, "%s: parse(generate) gives id, env, secret back",
		    apikey_env_name(env));
		T_CHECK(ok_ref, "%s: generate matches the reference encoder",
		    apikey_env_name(env));
	}
	regfree(&re);

	T_CHECK(apikey_generate(&k, APIKEY_ENV_LIVE, s, APIKEY_LEN) == -1,
	    "generate: outsz == APIKEY_LEN (no room for NUL) -> -1");
	T_CHECK(apikey_generate(&k, APIKEY_ENV__MAX, s, sizeof(s)) == -1,
	    "generate: env out of range -> -1");
	T_CHECK(apikey_generate(&k, (enum apikey_env)-1, s, sizeof(s)) == -1,
	    "generate: env -1 -> -1");
}

/* Every position, every other character: the checksum or format refuses. */
static void
check_substitutions(void)
{
	static const char	 alpha[] =
	    "abcdefghijklmnopqrstuvwxyz234567_0189ABZ-.=\x80\xff";
	struct apikey		 k, p;
	char			 s[APIKEY_LEN + 1], t[APIKEY_LEN + 1];
	size_t			 pos, j, tried;
	int			 ok;

	if (apikey_generate(&k, APIKEY_ENV_TEST, s, sizeof(s)) != 0) {
		T_CHECK(0, "generate for substitutions");
		return;
	}
	for (pos = 0; pos < APIKEY_LEN; pos++) {
		ok = 1;
		tried = 0;
		for (j = 0; j < sizeof(alpha) - 1; j++) {
			if (alpha[j] == s[pos])
				continue;
			memcpy(t, s, sizeof(t));
			t[pos] = alpha[j];
			tried++;
			memset(&p, 0x55, sizeof(p));
			if (apikey_parse(&p, t, APIKEY_LEN) != -1 ||
			    !allzero(&p, sizeof(p)))
				ok = 0;
		}
		T_CHECK(ok, "substitution at %zu ('%c'): all %zu refused, k wiped",
		    pos, s[pos], tried);
	}
	/* Transposition of two adjacent differing characters. */
	ok = 1;
	for (pos = 0; pos + 1 < APIKEY_LEN; pos++) {
		if (s[pos] == s[pos + 1])
			continue;
		memcpy(t, s, sizeof(t));
		t[pos] = s[pos + 1];
		t[pos + 1] = s[pos];
		if (apikey_parse(&p, t, APIKEY_LEN) != -1)
			ok = 0;
	}
	T_CHECK(ok, "every adjacent transposition refused");
}

struct bad_row {
	const char	*name;
	const char	*env;
	const char	*id;
	const char	*sec;		/* NULL: a valid secret */
};

static const struct bad_row bad_rows[] = {
	{ "env prod, CRC right", "prod", "abcdefghijklmnop", NULL },
	{ "env LIVE, CRC right", "LIVE", "abcdefghijklmnop", NULL },
	{ "env Test, CRC right", "Test", "abcdefghijklmnop", NULL },
	{ "id with '0', CRC right", "live", "abcdefghijklmno0", NULL },
	{ "id with '1', CRC right", "live", "1bcdefghijklmnop", NULL },
	{ "id with '8', CRC right", "live", "abcdefgh8jklmnop", NULL },
	{ "id with '9', CRC right", "live", "abcdefgh9jklmnop", NULL },
	{ "id upper-case, CRC right", "live", "ABCDEFGHIJKLMNOP", NULL },
	{ "id with '-', CRC right", "live", "abcdefgh-jklmnop", NULL },
	{ "id with '=', CRC right", "live", "abcdefghijklmno=", NULL },
	{ "id of 15, '_' moved left, CRC right", "live", "abcdefghijklmno",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "id of 17, '_' moved right, CRC right", "live", "abcdefghijklmnopq",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "env of 3, CRC right", "liv", "abcdefghijklmnopq", NULL },
	{ "env of 5, CRC right", "lives", "abcdefghijklmno", NULL },
	{ "secret with '1', CRC right", "live", "abcdefghijklmnop",
	  "1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "secret upper-case, CRC right", "live", "abcdefghijklmnop",
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
	{ "secret with '_', CRC right", "test", "abcdefghijklmnop",
	  "aaaaaaaaaaaaaaaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "secret with '=', CRC right", "test", "abcdefghijklmnop",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=" },
};

static void
check_bad_rows(void)
{
	struct apikey	 k;
	char		 key[256], sec[64];
	unsigned char	 raw[32];
	size_t		 i, len;

	memset(raw, 0x3c, sizeof(raw));
	ref_b32(sec, 52, raw, sizeof(raw));
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		ref_key(key, bad_rows[i].env, bad_rows[i].id,
		    bad_rows[i].sec ? bad_rows[i].sec : sec);
		len = strlen(key);
		memset(&k, 0x55, sizeof(k));
		T_CHECK(len == APIKEY_LEN && apikey_parse(&k, key, len) == -1 &&
		    allzero(&k, sizeof(k)), "parse refuses %s", bad_rows[i].name);
	}
	/* The control: the same builder with good parts is accepted. */
	ref_key(key, "live", "abcdefghijklmnop", sec);
	T_CHECK(parse_str(&k, key) == 0 && memcmp(k.secret, raw, 32) == 0 &&
	    strcmp(k.id, "abcdefghijklmnop") == 0 && k.env == APIKEY_ENV_LIVE,
	    "parse accepts the reference-built key (control)");
	ref_key(key, "test", "2345672345672345", sec);
	T_CHECK(parse_str(&k, key) == 0 && k.env == APIKEY_ENV_TEST &&
	    strcmp(k.id, "2345672345672345") == 0,
	    "parse accepts a reference-built test key with digits (control)");
}

/*
 * 52 base32 characters carry 260 bits for 256: the last character's four low
 * bits are unused and must be zero (one spelling per key), even with a CRC
 * that matches the non-canonical spelling.
 */
static void
check_noncanonical(void)
{
	static const char	 b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	struct apikey		 k;
	char			 key[256], sec[64];
	unsigned char		 raw[32];
	int			 low, v, ok = 1, ctl;

	secret_random(raw, sizeof(raw));
	raw[31] &= 0xfe;			/* last bit 0 */
	ref_b32(sec, 52, raw, sizeof(raw));
	v = (int)(strchr(b32, sec[51]) - b32);
	ref_key(key, "live", "abcdefghijklmnop", sec);
	ctl = parse_str(&k, key) == 0 && memcmp(k.secret, raw, 32) == 0;
	T_CHECK(ctl && (v & 15) == 0, "canonical secret accepted (control)");
	for (low = 1; low < 16; low++) {
		sec[51] = b32[(v & 16) | low];
		ref_key(key, "live", "abcdefghijklmnop", sec);
		if (parse_str(&k, key) != -1)
			ok = 0;
	}
	T_CHECK(ok, "secret last char with any of 15 nonzero unused bits refused");
	raw[31] |= 1;				/* last bit 1 */
	ref_b32(sec, 52, raw, sizeof(raw));
	v = (int)(strchr(b32, sec[51]) - b32);
	ok = (v & 16) != 0;
	for (low = 1; low < 16; low++) {
		sec[51] = b32[16 | low];
		ref_key(key, "live", "abcdefghijklmnop", sec);
		if (parse_str(&k, key) != -1)
			ok = 0;
	}
	T_CHECK(ok, "same with the last secret bit set");
	/* A 53rd secret char (and so an 86-char key) never parses. */
	memcpy(sec + 52, "a", 2);
	ref_key(key, "live", "abcdefghijklmnop", sec);
	T_CHECK(strlen(key) == APIKEY_LEN + 1 && parse_str(&k, key) == -1,
	    "53-char secret with right CRC refused");
	/* A 51-char secret: 84 chars, right CRC. */
	sec[51] = '\0';
	ref_key(key, "live", "abcdefghijklmnop", sec);
	T_CHECK(strlen(key) == APIKEY_LEN - 1 && parse_str(&k, key) == -1,
	    "51-char secret with right CRC refused");
}

static void
check_shapes(void)
{
	struct apikey	 k;
	char		 s[APIKEY_LEN + 1], t[APIKEY_LEN + 8];
	size_t		 i;

	apikey_generate(&k, APIKEY_ENV_LIVE, s, sizeof(s));

	T_CHECK(apikey_parse(&k, s, APIKEY_LEN - 1) == -1,
	    "truncated by one (len 84) refused");
	T_CHECK(apikey_parse(&k, s + 1, APIKEY_LEN - 1) == -1,
	    "first char dropped refused");
	snprintf(t, sizeof(t), "%sa", s);
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN + 1) == -1,
	    "extra char at the end refused");
	snprintf(t, sizeof(t), " %s", s);
	T_CHECK(apikey_parse(&k, t, strlen(t)) == -1, "leading space refused");
	snprintf(t, sizeof(t), "%s\n", s);
	T_CHECK(apikey_parse(&k, t, strlen(t)) == -1, "trailing LF refused");
	T_CHECK(apikey_parse(&k, s, 0) == -1, "length 0 refused");
	T_CHECK(apikey_parse(&k, "", 0) == -1, "empty string refused");
	T_CHECK(apikey_parse(&k, "jmk_", 4) == -1, "prefix only refused");

	memcpy(t, s, sizeof(s));
	memcpy(t, "jwk_", 4);
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == -1, "prefix jwk_ refused");
	memcpy(t, "JMK_", 4);
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == -1, "prefix JMK_ refused");

	memcpy(t, s, sizeof(s));
	for (i = 0; i < APIKEY_LEN; i++)
		if (t[i] >= 'a' && t[i] <= 'z')
			t[i] = (char)(t[i] - 'a' + 'A');
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == -1, "upper-case key refused");

	/* '_' after the id moved one to the left and one to the right. */
	memcpy(t, s, sizeof(s));
	t[25] = t[24];
	t[24] = '_';
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == -1, "'_' moved left refused");
	memcpy(t, s, sizeof(s));
	t[25] = t[26];
	t[26] = '_';
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == -1, "'_' moved right refused");
	memcpy(t, s, sizeof(s));
	t[8] = '-';
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == -1, "'_' replaced by '-' refused");

	/* NUL inside, length still 85. */
	memcpy(t, s, sizeof(s));
	t[40] = '\0';
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == -1, "NUL inside refused");

	/* The parse reads only len bytes: a longer buffer is fine. */
	snprintf(t, sizeof(t), "%sXYZ", s);
	T_CHECK(apikey_parse(&k, t, APIKEY_LEN) == 0, "only len bytes are read");
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
check_id(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		int		 want;
	} rows[] = {
		{ "abcdefghijklmnop", 16, 1 },
		{ "2345672345672345", 16, 1 },
		{ "qrstuvwxyzabcdef", 16, 1 },
		{ "abcdefghijklmno", 15, 0 },
		{ "abcdefghijklmnopq", 17, 0 },
		{ "", 0, 0 },
		{ "Abcdefghijklmnop", 16, 0 },
		{ "abcdefghijklmno0", 16, 0 },
		{ "abcdefghijklmno1", 16, 0 },
		{ "abcdefghijklmno8", 16, 0 },
		{ "abcdefghijklmno9", 16, 0 },
		{ "abcdefgh_jklmnop", 16, 0 },
		{ "abcdefgh jklmnop", 16, 0 },
		{ "abcdefgh\0jklmnop", 16, 0 },
		{ "abcdefgh\xc3\xa9klmnop", 16, 0 },
		{ "abcdefgh'jklmnop", 16, 0 },
		{ "abcdefgh%jklmnop", 16, 0 },
	};
	char	 ids[NKEYS][APIKEY_ID_LEN + 1];
	size_t	 i;
	int	 ok = 1, uniq = 1;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_CHECK(apikey_id_valid(rows[i].s, rows[i].len) == rows[i].want,
		    "id_valid row %zu (len %zu) -> %d", i, rows[i].len,
		    rows[i].want);

	for (i = 0; i < NKEYS; i++) {
		memset(ids[i], 'X', sizeof(ids[i]));
		if (apikey_new_id(ids[i]) != 0 || ids[i][APIKEY_ID_LEN] != '\0' ||
		    !apikey_id_valid(ids[i], strlen(ids[i])))
			ok = 0;
	}
	T_CHECK(ok, "new_id: %d ids, each NUL-terminated and valid", NKEYS);
	qsort(ids, NKEYS, sizeof(ids[0]), cmp_id);
	for (i = 1; i < NKEYS; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			uniq = 0;
	T_CHECK(uniq, "new_id: %d ids all distinct", NKEYS);
}

static int
ref_hash(unsigned char out[32], const unsigned char *pepper, size_t plen,
    const char *id, const unsigned char *salt, const unsigned char *sec)
{
	unsigned char	 msg[16 + 16 + 32];
	unsigned int	 len = 0;

	memcpy(msg, id, 16);
	memcpy(msg + 16, salt, 16);
	memcpy(msg + 32, sec, 32);
	return HMAC(EVP_sha256(), pepper, (int)plen, msg, sizeof(msg), out,
	    &len) != NULL && len == 32 ? 0 : -1;
}

static void
check_hash(void)
{
	unsigned char	 pepper[32], salt[APIKEY_SALT_BYTES], sec[32];
	unsigned char	 h1[32], h2[32], ref[32];
	char		 id[APIKEY_ID_LEN + 1];
	size_t		 bit;
	int		 ok;

	secret_random(pepper, sizeof(pepper));
	/* HMAC pads its key with zeros: a pepper ending in 0x00 is the same
	 * key as the one a byte shorter (1 run in 256 failed the check). */
	pepper[sizeof(pepper) - 1] |= 1;
	secret_random(salt, sizeof(salt));
	secret_random(sec, sizeof(sec));
	apikey_new_id(id);

	T_CHECK(apikey_hash(h1, pepper, sizeof(pepper), id, salt, sec) == 0 &&
	    apikey_hash(h2, pepper, sizeof(pepper), id, salt, sec) == 0 &&
	    memcmp(h1, h2, 32) == 0, "hash deterministic");
	T_CHECK(ref_hash(ref, pepper, sizeof(pepper), id, salt, sec) == 0 &&
	    memcmp(h1, ref, 32) == 0,
	    "hash == HMAC-SHA-256(pepper, id || salt || secret) by OpenSSL HMAC()");

	ok = 1;
	for (bit = 0; bit < sizeof(pepper) * 8; bit++) {
		pepper[bit / 8] ^= (unsigned char)(1 << bit % 8);
		apikey_hash(h2, pepper, sizeof(pepper), id, salt, sec);
		pepper[bit / 8] ^= (unsigned char)(1 << bit % 8);
		if (memcmp(h1, h2, 32) == 0)
			ok = 0;
	}
	T_CHECK(ok, "hash differs for every one-bit change of the pepper");
	apikey_hash(h2, pepper, sizeof(pepper) - 1, id, salt, sec);
	T_CHECK(memcmp(h1, h2, 32) != 0, "hash differs for a shorter pepper");

	ok = 1;
	for (bit = 0; bit < sizeof(salt) * 8; bit++) {
		salt[bit / 8] ^= (unsigned char)(1 << bit % 8);
		apikey_hash(h2, pepper, sizeof(pepper), id, salt, sec);
		salt[bit / 8] ^= (unsigned char)(1 << bit % 8);
		if (memcmp(h1, h2, 32) == 0)
			ok = 0;
	}
	T_CHECK(ok, "hash differs for every one-bit change of the salt");

	ok = 1;
	for (bit = 0; bit < sizeof(sec) * 8; bit++) {
		sec[bit / 8] ^= (unsigned char)(1 << bit % 8);
		apikey_hash(h2, pepper, sizeof(pepper), id, salt, sec);
		sec[bit / 8] ^= (unsigned char)(1 << bit % 8);
		if (memcmp(h1, h2, 32) == 0)
			ok = 0;
	}
	T_CHECK(ok, "hash differs for every one-bit change of the secret");

	ok = 1;
	for (bit = 0; bit < APIKEY_ID_LEN * 8; bit++) {
		id[bit / 8] ^= (char)(1 << bit % 8);
		apikey_hash(h2, pepper, sizeof(pepper), id, salt, sec);
		id[bit / 8] ^= (char)(1 << bit % 8);
		if (memcmp(h1, h2, 32) == 0)
			ok = 0;
	}
	T_CHECK(ok, "hash differs for every one-bit change of the id");
	T_CHECK(strlen(id) == APIKEY_ID_LEN, "id restored");
}

static void
check_env(void)
{
	T_CHECK(strcmp(apikey_env_name(APIKEY_ENV_LIVE), "live") == 0,
	    "env_name live");
	T_CHECK(strcmp(apikey_env_name(APIKEY_ENV_TEST), "test") == 0,
	    "env_name test");
	T_CHECK(strcmp(apikey_env_name(APIKEY_ENV__MAX), "?") == 0,
	    "env_name out of range");
	T_CHECK(strcmp(apikey_env_name((enum apikey_env)-1), "?") == 0,
	    "env_name -1");
	T_CHECK(apikey_env_parse("live") == APIKEY_ENV_LIVE, "env_parse live");
	T_CHECK(apikey_env_parse("test") == APIKEY_ENV_TEST, "env_parse test");
	T_CHECK(apikey_env_parse("prod") == -1, "env_parse prod");
	T_CHECK(apikey_env_parse("LIVE") == -1, "env_parse LIVE");
	T_CHECK(apikey_env_parse("") == -1, "env_parse empty");
	T_CHECK(apikey_env_parse("live ") == -1, "env_parse trailing space");
	T_CHECK(apikey_env_parse("liv") == -1, "env_parse prefix");
	T_CHECK(apikey_env_parse("lives") == -1, "env_parse longer");
}

int
main(void)
{
	crc_init();
	check_reference();
	check_roundtrip();
	check_substitutions();
	check_bad_rows();
	check_noncanonical();
	check_shapes();
	check_id();
	check_hash();
	check_env();
	return t_done();
}
