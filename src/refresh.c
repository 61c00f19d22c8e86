/*
 * refresh: refresh-token strings, digests and successors.
 */
#include <string.h>

#include "b64url.h"
#include "refresh.h"
#include "secret.h"

#define SECRET_BYTES	32

static int
encode(const unsigned char r[SECRET_BYTES], char out[REFRESH_LEN + 1])
{
	memcpy(out, REFRESH_PREFIX, 4);
	return b64url_encode(out + 4, REFRESH_LEN - 3, r, SECRET_BYTES) ==
	    REFRESH_LEN - 4 ? 0 : -1;
}

int
refresh_generate(char out[REFRESH_LEN + 1])
{
	unsigned char	 r[SECRET_BYTES];
	int		 rc;

	if (secret_random(r, sizeof(r)) == -1)
		return -1;
	rc = encode(r, out);
	secret_wipe(r, sizeof(r));
	return rc;
}

int
refresh_valid(const char *s, size_t len)
{
	unsigned char	 r[SECRET_BYTES];
	int		 ok;

	if (len != REFRESH_LEN || memcmp(s, REFRESH_PREFIX, 4) != 0)
		return 0;
	ok = b64url_decode(r, sizeof(r), s + 4, REFRESH_LEN - 4) == SECRET_BYTES;
	secret_wipe(r, sizeof(r));
	return ok;
}

int
refresh_digest(const char *tok, unsigned char out[REFRESH_DIGEST_BYTES])
{
	return secret_sha256(out, tok, strlen(tok));
}

int
refresh_digest_hex(const char *tok, char hex[2 * REFRESH_DIGEST_BYTES + 1])
{
	unsigned char	 d[REFRESH_DIGEST_BYTES];

	if (refresh_digest(tok, d) == -1)
		return -1;
	secret_hex(hex, d, sizeof(d));
	return 0;
}

int
refresh_successor(const char *tok, const unsigned char *key, size_t keylen,
    char out[REFRESH_LEN + 1])
{
	unsigned char	 h[SECRET_DIGEST_BYTES];
	int		 rc;

	if (secret_hmac(h, key, keylen, "successor:", 10, tok,
	    strlen(tok)) == -1)
		return -1;
	rc = encode(h, out);
	secret_wipe(h, sizeof(h));
	return rc;
}

#define CODE_MAX	64

/* pad = HMAC-SHA-256(pepper, REFRESH_CODE_LABEL || code). */
static int
code_pad(const char *code, const unsigned char *pepper, size_t keylen,
    unsigned char pad[SECRET_DIGEST_BYTES])
{
	size_t	 n;

	if (code == NULL || pepper == NULL || keylen == 0 ||
	    (n = strnlen(code, CODE_MAX + 1)) > CODE_MAX)
		return -1;
	return secret_hmac(pad, pepper, keylen, REFRESH_CODE_LABEL,
	    sizeof(REFRESH_CODE_LABEL) - 1, code, n);
}

int
refresh_code_mask(const char *tok, const char *code,
    const unsigned char *pepper, size_t keylen,
    char hex[REFRESH_MASK_HEX + 1])
{
	unsigned char	 r[SECRET_BYTES], pad[SECRET_DIGEST_BYTES];
	size_t		 i;
	int		 rc = -1;

	hex[0] = '\0';
	if (tok == NULL || !refresh_valid(tok, strnlen(tok, REFRESH_LEN + 1)) ||
	    b64url_decode(r, sizeof(r), tok + 4, REFRESH_LEN - 4) !=
	    SECRET_BYTES || code_pad(code, pepper, keylen, pad) == -1)
		goto out;
	for (i = 0; i < SECRET_BYTES; i++)
		r[i] ^= pad[i];
	secret_hex(hex, r, SECRET_BYTES);
	rc = 0;
out:
	secret_wipe(r, sizeof(r));
	secret_wipe(pad, sizeof(pad));
	return rc;
}

int
refresh_code_unmask(const char *hex, const char *code,
    const unsigned char *pepper, size_t keylen,
    char out[REFRESH_LEN + 1])
{
	unsigned char	 r[SECRET_BYTES], pad[SECRET_DIGEST_BYTES];
	size_t		 i;
	int		 hi, lo, rc = -1;

	out[0] = '\0';
	if (hex == NULL || strnlen(hex, REFRESH_MASK_HEX + 1) !=
	    REFRESH_MASK_HEX || code_pad(code, pepper, keylen, pad) == -1)
		goto out;
	for (i = 0; i < SECRET_BYTES; i++) {
		if ((hi = secret_hexval(hex[2 * i])) == -1 ||
		    (lo = secret_hexval(hex[2 * i + 1])) == -1)
			goto out;
		r[i] = (unsigned char)(hi << 4 | lo) ^ pad[i];
	}
	if (encode(r, out) == -1) {
		secret_wipe(out, REFRESH_LEN + 1);
		out[0] = '\0';
		goto out;
	}
	rc = 0;
out:
	secret_wipe(r, sizeof(r));
	secret_wipe(pad, sizeof(pad));
	return rc;
}
