/*
 * secret: the few primitives every secret passes through. Randomness comes
 * from the OS CSPRNG (RAND_bytes seeded by getrandom), comparisons are
 * constant-time over fixed-length digests, and wiping cannot be optimised
 * away (OPENSSL_cleanse). Pure: OpenSSL only.
 */
#ifndef JWTMINT_SECRET_H
#define JWTMINT_SECRET_H

#include <stddef.h>

#define SECRET_DIGEST_BYTES	32	/* SHA-256 and HMAC-SHA-256 */

/* Fill buf with n random bytes. Returns 0, or -1 when the CSPRNG fails. */
int	secret_random(void *buf, size_t n);

/*
 * Fill buf with n random bytes for an identifier that must be unique but
 * is not a secret (a jti): served from a per-process pool of CSPRNG bytes,
 * each handed out once; a forked child never reuses its parent's pool.
 * Returns 0 or -1.
 */
int	secret_unique(void *buf, size_t n);

/* out = SHA-256(data). Returns 0 or -1. */
int	secret_sha256(unsigned char out[SECRET_DIGEST_BYTES], const void *data,
	    size_t n);

/*
 * out = HMAC-SHA-256(key, a || b): two parts so that callers never assemble
 * a secret in a temporary buffer. b may be NULL with bn 0. Returns 0 or -1.
 */
int	secret_hmac(unsigned char out[SECRET_DIGEST_BYTES], const void *key,
	    size_t keylen, const void *a, size_t an, const void *b, size_t bn);

/* 1 when the n bytes of a and b are equal, in time independent of content. */
int	secret_equal(const void *a, const void *b, size_t n);

/* Overwrite n bytes at p with zeros in a way the compiler keeps. */
void	secret_wipe(void *p, size_t n);
/*
 * free(p) after wiping every byte of its allocation (malloc_usable_size):
 * for allocators that do not know what they hold, such as jansson's
 * (json_set_alloc_funcs(malloc, secret_free) in jwtmint-admin, whose
 * output can hold a new key). secret_free(NULL) is a no-op.
 */
void	secret_free(void *p);

/*
 * Read a secret from a file: the first line, trailing whitespace removed.
 * Returns its length (>= 0) in buf (NUL-terminated), or -1 when the file
 * cannot be read or does not fit bufsz. The buffer is wiped on failure.
 */
int	secret_read_file(const char *path, char *buf, size_t bufsz);

/* The value of one hex digit (either case), or -1. */
int	secret_hexval(int c);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void	secret_hex(char *out, const void *in, size_t n);

/*
 * Decode standard or url-safe base64 (padding optional) of len chars.
 * Returns the decoded length or -1.
 */
int	secret_b64decode(unsigned char *dst, size_t dstsz, const char *src,
	    size_t len);

#endif
