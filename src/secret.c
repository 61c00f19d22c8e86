/*
 * secret: randomness, digests, constant-time comparison and wiping for every
 * secret jwtmint handles. See secret.h for the contracts.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "b64url.h"
#include "secret.h"

int
secret_random(void *buf, size_t n)
{
	if (n > (size_t)0x7fffffff || RAND_bytes(buf, (int)n) != 1)
		return -1;
	return 0;
}

/*
 * SHA-256 fetched once per process and one reusable digest context: an
 * implicit fetch per call (EVP_sha256(), EVP_MAC's "digest" parameter) is
 * a lock and a lookup, a third of an API-key check. Workers are single-
 * threaded; the context only ever holds hash state between two calls.
 */
static EVP_MD_CTX *
sha256_ctx(void)
{
	static EVP_MD		*md;
	static EVP_MD_CTX	*ctx;

	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return NULL;
	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		return NULL;
	return ctx;
}

static int
sha256_final(EVP_MD_CTX *ctx, unsigned char out[SECRET_DIGEST_BYTES])
{
	unsigned int	 len = 0;

	return EVP_DigestFinal_ex(ctx, out, &len) == 1 &&
	    len == SECRET_DIGEST_BYTES ? 0 : -1;
}

/*
 * A pool of random bytes for identifiers that must be unique, not secret
 * (jti): one RAND_bytes call per 64 ids instead of one per id. Each byte is
 * handed out once and wiped as it goes; a forked child starts empty, so two
 * processes never hand out the same bytes.
 */
static unsigned char	 pool[1024];
static size_t		 pool_left;

static void
pool_forget(void)
{
	secret_wipe(pool, sizeof(pool));
	pool_left = 0;
}

int
secret_unique(void *buf, size_t n)
{
	static int	 registered;

	if (n > sizeof(pool))
		return secret_random(buf, n);
	if (!registered) {
		if (pthread_atfork(NULL, NULL, pool_forget) != 0)
			return -1;
		registered = 1;
	}
	if (pool_left < n) {
		if (secret_random(pool, sizeof(pool)) == -1) {
			pool_forget();
			return -1;
		}
		pool_left = sizeof(pool);
	}
	memcpy(buf, pool + sizeof(pool) - pool_left, n);
	secret_wipe(pool + sizeof(pool) - pool_left, n);
	pool_left -= n;
	return 0;
}

int
secret_sha256(unsigned char out[SECRET_DIGEST_BYTES], const void *data,
    size_t n)
{
	EVP_MD_CTX	*ctx;

	if ((ctx = sha256_ctx()) == NULL || EVP_DigestUpdate(ctx, data, n) != 1)
		return -1;
	return sha256_final(ctx, out);
}

#define HMAC_BLOCK	64	/* SHA-256's block size */

/*
 * HMAC (RFC 2104) over the SHA-256 above:
 *   H((K ^ opad) || H((K ^ ipad) || a || b)),
 * K the key zero-padded to a block, or its hash when longer than a block.
 * Checked against RFC 4231 and against OpenSSL's HMAC in test_secret.
 */
int
secret_hmac(unsigned char out[SECRET_DIGEST_BYTES], const void *key,
    size_t keylen, const void *a, size_t an, const void *b, size_t bn)
{
	unsigned char	 k[HMAC_BLOCK], pad[HMAC_BLOCK];
	unsigned char	 inner[SECRET_DIGEST_BYTES];
	EVP_MD_CTX	*ctx;
	size_t		 i;
	int		 rc = -1;

	memset(k, 0, sizeof(k));
	if (keylen > HMAC_BLOCK) {
		if (secret_sha256(k, key, keylen) == -1)
			goto out;
	} else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < HMAC_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	if ((ctx = sha256_ctx()) == NULL ||
	    EVP_DigestUpdate(ctx, pad, sizeof(pad)) != 1 ||
	    EVP_DigestUpdate(ctx, a, an) != 1 ||
	    (bn > 0 && EVP_DigestUpdate(ctx, b, bn) != 1) ||
	    sha256_final(ctx, inner) == -1)
		goto out;
	for (i = 0; i < HMAC_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	if ((ctx = sha256_ctx()) == NULL ||
	    EVP_DigestUpdate(ctx, pad, sizeof(pad)) != 1 ||
	    EVP_DigestUpdate(ctx, inner, sizeof(inner)) != 1 ||
	    sha256_final(ctx, out) == -1)
		goto out;
	rc = 0;
out:
	secret_wipe(k, sizeof(k));
	secret_wipe(pad, sizeof(pad));
	secret_wipe(inner, sizeof(inner));
	return rc;
}

int
secret_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
secret_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

void
secret_free(void *p)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

int
secret_read_file(const char *path, char *buf, size_t bufsz)
{
	FILE	*f;
	size_t	 n;
	int	 rc = -1;

	if (bufsz < 2 || (f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, bufsz - 1, f);
	if (ferror(f) || (n == bufsz - 1 && fgetc(f) != EOF))
		goto out;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	rc = (int)n;
out:
	fclose(f);
	if (rc < 0)
		secret_wipe(buf, bufsz);
	return rc;
}

int
secret_b64decode(unsigned char *dst, size_t dstsz, const char *src, size_t len)
{
	char	 buf[1024];
	size_t	 i;
	int	 n;

	/* Standard or url alphabet, padding optional: to base64url, then the
	 * one strict decoder (b64url.c). */
	while (len > 0 && src[len - 1] == '=')
		len--;
	if (len >= sizeof(buf))
		return -1;
	for (i = 0; i < len; i++)
		buf[i] = src[i] == '+' ? '-' : src[i] == '/' ? '_' : src[i];
	n = b64url_decode(dst, dstsz, buf, len);
	secret_wipe(buf, sizeof(buf));
	return n;
}

void
secret_hex(char *out, const void *in, size_t n)
{
	static const char	 d[] = "0123456789abcdef";
	const unsigned char	*p = in;
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
secret_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
