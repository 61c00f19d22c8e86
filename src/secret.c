/*
 * secret: randomness, digests, constant-time comparison and wiping for every
 * secret jwtmint handles. See secret.h for the contracts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
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

int
secret_sha256(unsigned char out[SECRET_DIGEST_BYTES], const void *data,
    size_t n)
{
	unsigned int len = 0;

	if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1 ||
	    len != SECRET_DIGEST_BYTES)
		return -1;
	return 0;
}

int
secret_hmac(unsigned char out[SECRET_DIGEST_BYTES], const void *key,
    size_t keylen, const void *a, size_t an, const void *b, size_t bn)
{
	static EVP_MAC	*mac;
	EVP_MAC_CTX	*ctx = NULL;
	OSSL_PARAM	 params[2];
	size_t		 len = 0;
	int		 rc = -1;

	/* One fetch per process: EVP_MAC_fetch is a lock and a lookup. */
	if (mac == NULL && (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    EVP_MAC_update(ctx, a, an) != 1 ||
	    (bn > 0 && EVP_MAC_update(ctx, b, bn) != 1) ||
	    EVP_MAC_final(ctx, out, &len, SECRET_DIGEST_BYTES) != 1 ||
	    len != SECRET_DIGEST_BYTES)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
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
