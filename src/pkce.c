/*
 * pkce: S256 challenges and their check.
 */
#include <string.h>

#include "b64url.h"
#include "pkce.h"
#include "secret.h"

#define B64URL_CHARS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

int
pkce_challenge_valid(const char *s)
{
	unsigned char	 d[SECRET_DIGEST_BYTES];

	if (s == NULL || strlen(s) != PKCE_CHALLENGE_LEN ||
	    strspn(s, B64URL_CHARS) != PKCE_CHALLENGE_LEN)
		return 0;
	/* The last character carries 4 bits: canonical encodings only. */
	return b64url_decode(d, sizeof(d), s, PKCE_CHALLENGE_LEN) ==
	    SECRET_DIGEST_BYTES;
}

int
pkce_verifier_valid(const char *s)
{
	size_t	 n;

	if (s == NULL)
		return 0;
	n = strnlen(s, PKCE_VERIFIER_MAX + 1);
	return n >= PKCE_VERIFIER_MIN && n <= PKCE_VERIFIER_MAX &&
	    strspn(s, B64URL_CHARS ".~") == n;
}

int
pkce_s256(const char *verifier, char out[PKCE_CHALLENGE_LEN + 1])
{
	unsigned char	 d[SECRET_DIGEST_BYTES];

	if (secret_sha256(d, verifier, strlen(verifier)) == -1 ||
	    b64url_encode(out, PKCE_CHALLENGE_LEN + 1, d, sizeof(d)) !=
	    PKCE_CHALLENGE_LEN)
		return -1;
	out[PKCE_CHALLENGE_LEN] = '\0';
	return 0;
}

int
pkce_check(const char *verifier, const char *challenge)
{
	char	 c[PKCE_CHALLENGE_LEN + 1];
	int	 ok;

	if (!pkce_verifier_valid(verifier) || !pkce_challenge_valid(challenge) ||
	    pkce_s256(verifier, c) == -1)
		return 0;
	ok = secret_equal(c, challenge, PKCE_CHALLENGE_LEN);
	secret_wipe(c, sizeof(c));
	return ok;
}
