/*
 * kek: AES-256-GCM seal and open of signing keys. See kek.h for the layout.
 */
#include <string.h>

#include <openssl/evp.h>

#include "kek.h"
#include "secret.h"

#define VERSION		1
#define NONCE_BYTES	12
#define TAG_BYTES	16

int
kek_seal(unsigned char *out, size_t outsz, size_t *outlen,
    const unsigned char kek[KEK_KEY_BYTES], const void *aad, size_t aadlen,
    const unsigned char *pt, size_t ptlen)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*nonce = out + 1, *ct = out + 1 + NONCE_BYTES;
	int		 n, fin, rc = -1;

	if (ptlen > 65536 || outsz < ptlen + KEK_OVERHEAD)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	out[0] = VERSION;
	if (secret_random(nonce, NONCE_BYTES) == -1 ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, kek, nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1 ||
	    EVP_EncryptUpdate(ctx, ct, &n, pt, (int)ptlen) != 1 ||
	    EVP_EncryptFinal_ex(ctx, ct + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES,
	    ct + n + fin) != 1)
		goto out;
	*outlen = 1 + NONCE_BYTES + (size_t)(n + fin) + TAG_BYTES;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
kek_open(unsigned char *out, size_t outsz, size_t *outlen,
    const unsigned char kek[KEK_KEY_BYTES], const void *aad, size_t aadlen,
    const unsigned char *ct, size_t ctlen)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	 tag[TAG_BYTES];
	size_t		 len;
	int		 n = 0, fin = 0, rc = -1;

	if (ctlen < KEK_OVERHEAD || ct[0] != VERSION || ctlen > 65536 + KEK_OVERHEAD)
		return -1;
	len = ctlen - KEK_OVERHEAD;
	if (outsz < len)
		return -1;
	memcpy(tag, ct + ctlen - TAG_BYTES, TAG_BYTES);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, kek, ct + 1) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1 ||
	    EVP_DecryptUpdate(ctx, out, &n, ct + 1 + NONCE_BYTES, (int)len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag) != 1 ||
	    EVP_DecryptFinal_ex(ctx, out + n, &fin) != 1) {
		secret_wipe(out, len);
		goto out;
	}
	*outlen = (size_t)(n + fin);
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}
