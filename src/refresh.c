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
