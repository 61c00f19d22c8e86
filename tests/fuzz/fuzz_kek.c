/*
 * fuzz_kek: kek_open on arbitrary sealed blobs (a signing key's row as read
 * from the database) under a fixed key-encryption key and row binding, and
 * kek_seal/kek_open round trips of arbitrary plaintexts.
 *
 * Invariants (a violation traps):
 *   - kek_open of the input agrees with an AES-256-GCM open written here
 *     directly with EVP (same layout: version 1, 12-byte nonce, tag last),
 *     and on failure leaves the output wiped;
 *   - the input sealed opens to itself, and not under another row binding,
 *     nor with any one byte changed (the byte and bit chosen by the input).
 * Seeds: blobs sealed with this key (FUZZ_KEK_PRINT=1 prints one as hex).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "kek.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_PT	65536

static const unsigned char kek[KEK_KEY_BYTES] = "fuzz-kek-0123456789abcdefghijkl";
static const char aad[] = "kid-fuzz:ES256";
static unsigned char out[MAX_PT + KEK_OVERHEAD], ref[MAX_PT + KEK_OVERHEAD];
static unsigned char sealed[MAX_PT + KEK_OVERHEAD];

/* The layout of kek.h, opened with EVP alone. */
static int
ref_open(const unsigned char *ct, size_t ctlen, size_t *outlen)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	 tag[16];
	int		 n = 0, fin = 0, ok = 0;
	size_t		 len;

	if (ctlen < KEK_OVERHEAD || ct[0] != 1 || ctlen > MAX_PT + KEK_OVERHEAD)
		return -1;
	len = ctlen - KEK_OVERHEAD;
	memcpy(tag, ct + ctlen - 16, 16);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		__builtin_trap();
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	    EVP_DecryptInit_ex(ctx, NULL, NULL, kek, ct + 1) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)aad,
	    (int)strlen(aad)) == 1 &&
	    EVP_DecryptUpdate(ctx, ref, &n, ct + 13, (int)len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1 &&
	    EVP_DecryptFinal_ex(ctx, ref + n, &fin) == 1)
		ok = 1;
	EVP_CIPHER_CTX_free(ctx);
	*outlen = (size_t)(n + fin);
	return ok ? 0 : -1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char	 pt[] = "\x30\x77\x02\x01\x01 a sealed private key";
	size_t			 n, i;

	(void)argc;
	(void)argv;
	if (getenv("FUZZ_KEK_PRINT") == NULL)
		return 0;
	if (kek_seal(sealed, sizeof(sealed), &n, kek, aad, strlen(aad),
	    (const unsigned char *)pt, sizeof(pt) - 1) != 0)
		__builtin_trap();
	for (i = 0; i < n; i++)
		printf("%02x", sealed[i]);
	printf("\n");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	 n = 0, rn = 0, sn, i;
	int	 rc, rrc;

	if (size > MAX_PT + KEK_OVERHEAD)
		return 0;
	memset(out, 0xa5, sizeof(out));
	rc = kek_open(out, sizeof(out), &n, kek, aad, strlen(aad), data, size);
	rrc = ref_open(data, size, &rn);
	if (rc != rrc)
		__builtin_trap();
	if (rc == 0 && (n != rn || n != size - KEK_OVERHEAD ||
	    memcmp(out, ref, n) != 0))
		__builtin_trap();
	if (rc != 0 && size >= KEK_OVERHEAD && data[0] == 1)
		for (i = 0; i < size - KEK_OVERHEAD; i++)
			if (out[i] != 0)
				__builtin_trap();	/* not wiped */

	/* The input as a plaintext: sealed, it opens to itself only. */
	if (size > MAX_PT || kek_seal(sealed, sizeof(sealed), &sn, kek, aad,
	    strlen(aad), data, size) != 0)
		return 0;
	if (sn != size + KEK_OVERHEAD ||
	    kek_open(out, sizeof(out), &n, kek, aad, strlen(aad), sealed,
	    sn) != 0 || n != size || memcmp(out, data, size) != 0)
		__builtin_trap();
	if (kek_open(out, sizeof(out), &n, kek, "kid-fuzz:RS256", 14, sealed,
	    sn) == 0)
		__builtin_trap();
	i = size > 0 ? (data[0] | (size_t)data[size - 1] << 8) % sn : 0;
	sealed[i] ^= (unsigned char)(1u << (size > 1 ? data[1] % 8 : 0));
	if (kek_open(out, sizeof(out), &n, kek, aad, strlen(aad), sealed,
	    sn) == 0)
		__builtin_trap();
	return 0;
}
