/*
 * apikey: the API key format, its checksum and its stored hash.
 *
 *   jmk_<env>_<id>_<secret><crc>
 *   jmk_live_2c3mr7xwqk4vyb5d_<52 chars of secret><7 chars of checksum>
 *
 * env is "live" or "test"; id is 16 characters (80 random bits), the public
 * key id used for the lookup and the OAuth client_id; secret is 32 bytes
 * (256 bits) from the CSPRNG; crc is CRC-32 (IEEE) of every character before
 * it. All of id, secret and crc are lower-case RFC 4648 base32 ("a-z2-7"), so
 * one regular expression finds every key:
 *
 *   jmk_(live|test)_[a-z2-7]{16}_[a-z2-7]{59}
 *
 * The checksum lets a mistyped or truncated key be refused without touching
 * the database; it is not a security boundary (anyone can compute it).
 *
 * Stored hash: HMAC-SHA-256(pepper, id || salt || secret), salt 16 random
 * bytes per key. Because the secret has 256 bits of entropy, a fast keyed hash
 * is enough: brute force is infeasible without a slow hash, the per-key salt
 * keeps equal secrets from hashing alike, binding the id stops a row's hash
 * from being copied onto another key, and the pepper (never in the database)
 * makes a stolen table useless on its own. Pure: OpenSSL only.
 */
#ifndef JWTMINT_APIKEY_H
#define JWTMINT_APIKEY_H

#include <stddef.h>

#define APIKEY_ID_LEN		16
#define APIKEY_SECRET_BYTES	32
#define APIKEY_SALT_BYTES	16
#define APIKEY_LEN		85	/* "jmk_live_" 9 + 16 + "_" + 52 + 7 */
#define APIKEY_REGEX		"jmk_(live|test)_[a-z2-7]{16}_[a-z2-7]{59}"

enum apikey_env {
	APIKEY_ENV_LIVE,
	APIKEY_ENV_TEST,
	APIKEY_ENV__MAX
};

struct apikey {
	char		 id[APIKEY_ID_LEN + 1];
	enum apikey_env	 env;
	unsigned char	 secret[APIKEY_SECRET_BYTES];
};

/*
 * Make a new key: fills k and writes its string form into out (outsz >
 * APIKEY_LEN). Returns 0 or -1. Wipe both with apikey_wipe/secret_wipe.
 */
int		 apikey_generate(struct apikey *k, enum apikey_env env, char *out,
		    size_t outsz);

/*
 * Parse len bytes of s. Returns 0 when the format and checksum are right,
 * -1 otherwise (k is wiped then). No database, no allocation.
 */
int		 apikey_parse(struct apikey *k, const char *s, size_t len);

/* A new random id in the key-id alphabet (80 bits). Returns 0 or -1. */
int		 apikey_new_id(char id[APIKEY_ID_LEN + 1]);

/* 1 when s (len bytes) has the form of a key id, else 0. */
int		 apikey_id_valid(const char *s, size_t len);

/* out = HMAC-SHA-256(pepper, id || salt || secret). Returns 0 or -1. */
int		 apikey_hash(unsigned char out[32], const unsigned char *pepper,
		    size_t pepperlen, const char *id,
		    const unsigned char salt[APIKEY_SALT_BYTES],
		    const unsigned char secret[APIKEY_SECRET_BYTES]);

void		 apikey_wipe(struct apikey *k);

/* "live" / "test"; -1 when name is neither. */
const char	*apikey_env_name(enum apikey_env);
int		 apikey_env_parse(const char *name);

#endif
