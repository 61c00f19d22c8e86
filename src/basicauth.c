/*
 * basicauth: HTTP Basic client credentials (RFC 6749 §2.3.1), moved out of
 * clientauth.c so that the parser of these attacker bytes is tested and
 * fuzzed alone (tests/unit/test_basicauth.c, tests/fuzz/fuzz_basicauth.c).
 *
 * Invariants: nothing is written past idsz / secsz; on 1 both outputs are
 * NUL-terminated, decoded, and free of NUL and control bytes; every
 * temporary copy of the credentials is wiped before returning.
 */
#include <string.h>
#include <strings.h>

#include "basicauth.h"
#include "form.h"
#include "secret.h"

/* Percent-decode one credential part in place (RFC 6749 §2.3.1). */
static int
unescape(char *s)
{
	struct form	 f;
	char		 buf[BASICAUTH_MAX_BYTES + 4];
	const char	*v;
	int		 rc = -1;

	/* Reuse the form decoder: "v=<s>" is exactly one urlencoded value. */
	if (strlen(s) > BASICAUTH_MAX_BYTES)
		return -1;
	buf[0] = 'v';
	buf[1] = '=';
	strcpy(buf + 2, s);
	if (form_parse(&f, buf, strlen(buf)) != FORM_OK)
		goto out;
	if ((v = form_get(&f, "v")) != NULL && f.n == 1 &&
	    strlen(v) <= strlen(s)) {
		strcpy(s, v);
		rc = 0;
	}
	form_free(&f);
out:
	secret_wipe(buf, sizeof(buf));
	return rc;
}

int
basicauth_parse(const char *h, char *id, size_t idsz, char *secret,
    size_t secsz)
{
	unsigned char	 dec[BASICAUTH_MAX_BYTES];
	char		*colon;
	size_t		 n;
	int		 len, rc = -1;

	if (strncasecmp(h, "Basic ", 6) != 0)
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	n = strlen(h);
	if (n == 0 || n > BASICAUTH_MAX_BYTES * 4 / 3 ||
	    (len = secret_b64decode(dec, sizeof(dec) - 1, h, n)) <= 0)
		return -1;
	dec[len] = '\0';
	if (memchr(dec, '\0', (size_t)len) != NULL ||
	    (colon = strchr((char *)dec, ':')) == NULL)
		goto out;
	*colon = '\0';
	if (strlen((char *)dec) >= idsz || strlen(colon + 1) >= secsz)
		goto out;
	strcpy(id, (char *)dec);
	strcpy(secret, colon + 1);
	if (unescape(id) == -1 || unescape(secret) == -1)
		goto out;
	rc = 1;
out:
	secret_wipe(dec, sizeof(dec));
	return rc;
}
