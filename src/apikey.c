/*
 * apikey: generation, parsing and hashing of API keys. The format and the
 * reasoning behind the hash are in apikey.h.
 */
#include <stdint.h>
#include <string.h>

#include "apikey.h"
#include "secret.h"

#define PREFIX		"jmk_"
#define PREFIX_LEN	4
#define ENV_LEN		4	/* "live", "test" */
#define SECRET_CHARS	52	/* ceil(256 / 5) */
#define CRC_CHARS	7	/* ceil(32 / 5) */
#define ID_BYTES	10	/* 80 bits = 16 chars exactly */

static const char	 b32[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char *const env_names[APIKEY_ENV__MAX] = { "live", "test" };

static int
b32val(int c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* Encode n bytes as exactly nchars base32 characters (zero bits pad). */
static void
b32enc(char *dst, size_t nchars, const unsigned char *src, size_t n)
{
	size_t		 i, o = 0;
	uint32_t	 acc = 0;
	int		 bits = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | src[i];
		bits += 8;
		while (bits >= 5 && o < nchars) {
			bits -= 5;
			dst[o++] = b32[(acc >> bits) & 31];
		}
	}
	if (bits > 0 && o < nchars)
		dst[o++] = b32[(acc << (5 - bits)) & 31];
	while (o < nchars)
		dst[o++] = b32[0];
}

/*
 * Decode nchars into exactly n bytes; the unused low bits must be zero so
 * every key has one spelling. Returns 0 or -1.
 */
static int
b32dec(unsigned char *dst, size_t n, const char *src, size_t nchars)
{
	size_t		 i, o = 0;
	uint32_t	 acc = 0;
	int		 bits = 0, v;

	for (i = 0; i < nchars; i++) {
		if ((v = b32val((unsigned char)src[i])) < 0)
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o >= n)
				return -1;
			dst[o++] = (unsigned char)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	return (o == n && acc == 0) ? 0 : -1;
}

static uint32_t
crc32(const char *s, size_t n)
{
	uint32_t	 c = 0xffffffffu;
	size_t		 i;
	int		 k;

	for (i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

static void
crc_chars(char out[CRC_CHARS], const char *s, size_t n)
{
	unsigned char	 be[4];
	uint32_t	 c = crc32(s, n);

	be[0] = (unsigned char)(c >> 24);
	be[1] = (unsigned char)(c >> 16);
	be[2] = (unsigned char)(c >> 8);
	be[3] = (unsigned char)c;
	b32enc(out, CRC_CHARS, be, sizeof(be));
}

int
apikey_id_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len != APIKEY_ID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (b32val((unsigned char)s[i]) < 0)
			return 0;
	/* 80 bits fill 16 characters exactly: no padding bits to check. */
	return 1;
}

int
apikey_new_id(char id[APIKEY_ID_LEN + 1])
{
	unsigned char	 r[ID_BYTES];

	if (secret_random(r, sizeof(r)) == -1)
		return -1;
	b32enc(id, APIKEY_ID_LEN, r, sizeof(r));
	id[APIKEY_ID_LEN] = '\0';
	return 0;
}

int
apikey_generate(struct apikey *k, enum apikey_env env, char *out, size_t outsz)
{
	char		*p;

	if ((unsigned)env >= APIKEY_ENV__MAX || outsz <= APIKEY_LEN)
		return -1;
	memset(k, 0, sizeof(*k));
	if (apikey_new_id(k->id) == -1 ||
	    secret_random(k->secret, sizeof(k->secret)) == -1) {
		apikey_wipe(k);
		return -1;
	}
	k->env = env;

	p = out;
	memcpy(p, PREFIX, PREFIX_LEN);
	p += PREFIX_LEN;
	memcpy(p, env_names[env], ENV_LEN);
	p += ENV_LEN;
	*p++ = '_';
	memcpy(p, k->id, APIKEY_ID_LEN);
	p += APIKEY_ID_LEN;
	*p++ = '_';
	b32enc(p, SECRET_CHARS, k->secret, sizeof(k->secret));
	p += SECRET_CHARS;
	crc_chars(p, out, (size_t)(p - out));
	p += CRC_CHARS;
	*p = '\0';
	return 0;
}

int
apikey_parse(struct apikey *k, const char *s, size_t len)
{
	const char	*p = s;
	char		 crc[CRC_CHARS];
	int		 env;

	memset(k, 0, sizeof(*k));
	if (len != APIKEY_LEN || memcmp(p, PREFIX, PREFIX_LEN) != 0)
		goto bad;
	p += PREFIX_LEN;
	for (env = 0; env < APIKEY_ENV__MAX; env++)
		if (memcmp(p, env_names[env], ENV_LEN) == 0)
			break;
	if (env == APIKEY_ENV__MAX || p[ENV_LEN] != '_')
		goto bad;
	p += ENV_LEN + 1;
	if (!apikey_id_valid(p, APIKEY_ID_LEN) || p[APIKEY_ID_LEN] != '_')
		goto bad;
	memcpy(k->id, p, APIKEY_ID_LEN);
	k->id[APIKEY_ID_LEN] = '\0';
	p += APIKEY_ID_LEN + 1;
	/* The checksum is public: an ordinary comparison is fine here. */
	crc_chars(crc, s, (size_t)(p + SECRET_CHARS - s));
	if (memcmp(crc, p + SECRET_CHARS, CRC_CHARS) != 0)
		goto bad;
	if (b32dec(k->secret, sizeof(k->secret), p, SECRET_CHARS) == -1)
		goto bad;
	k->env = (enum apikey_env)env;
	return 0;
bad:
	apikey_wipe(k);
	return -1;
}

int
apikey_hash(unsigned char out[32], const unsigned char *pepper,
    size_t pepperlen, const char *id, const unsigned char salt[APIKEY_SALT_BYTES],
    const unsigned char secret[APIKEY_SECRET_BYTES])
{
	unsigned char	 msg[APIKEY_ID_LEN + APIKEY_SALT_BYTES];

	memcpy(msg, id, APIKEY_ID_LEN);
	memcpy(msg + APIKEY_ID_LEN, salt, APIKEY_SALT_BYTES);
	return secret_hmac(out, pepper, pepperlen, msg, sizeof(msg), secret,
	    APIKEY_SECRET_BYTES);
}

void
apikey_wipe(struct apikey *k)
{
	secret_wipe(k, sizeof(*k));
}

const char *
apikey_env_name(enum apikey_env env)
{
	return (unsigned)env < APIKEY_ENV__MAX ? env_names[env] : "?";
}

int
apikey_env_parse(const char *name)
{
	int	 i;

	for (i = 0; i < APIKEY_ENV__MAX; i++)
		if (strcmp(name, env_names[i]) == 0)
			return i;
	return -1;
}
