/*
 * claims: serialise the access-token claims with jsonw, which escapes every
 * string, so no claim value can break out of its JSON string, and refuses
 * invalid UTF-8. No allocation: the claims go into the caller's buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "claims.h"
#include "jsonw.h"
#include "secret.h"

int
claims_jti_valid(const char *s, size_t len)
{
	size_t	 i;
	int	 c;

	if (len != CLAIMS_JTI_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int
claims_new_jti(struct claims *c)
{
	unsigned char	 r[CLAIMS_JTI_BYTES];

	if (secret_unique(r, sizeof(r)) == -1)
		return -1;
	return b64url_encode(c->jti, sizeof(c->jti), r, sizeof(r)) ==
	    CLAIMS_JTI_LEN ? 0 : -1;
}

/* accounts: "*" stays a string; a space-separated list becomes an array. */
static void
add_accounts(struct jsonw *w, const char *accounts)
{
	const char	*p = accounts;
	size_t		 n;

	if (strcmp(accounts, "*") == 0) {
		jw_str(w, "accounts", "*");
		return;
	}
	jw_arr(w, "accounts");
	while (*p != '\0') {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		jw_strn(w, NULL, p, n);
		p += n;
	}
	jw_close(w);
}

int
claims_json(const struct claims *c, char *buf, size_t size)
{
	struct jsonw	 w;
	size_t		 i;

	jw_init(&w, buf, size);
	jw_str(&w, "iss", c->iss);
	jw_str(&w, "sub", c->sub);
	jw_str(&w, "aud", c->aud);
	jw_int(&w, "exp", (long long)c->exp);
	jw_int(&w, "iat", (long long)c->iat);
	jw_int(&w, "nbf", (long long)c->iat);
	jw_str(&w, "jti", c->jti);
	jw_str(&w, "client_id", c->client_id);
	jw_str(&w, "scope", c->scope);
	if (c->org != NULL)
		jw_str(&w, "org", c->org);
	if (c->role != NULL)
		jw_str(&w, "role", c->role);
	if (c->accounts != NULL)
		add_accounts(&w, c->accounts);
	if (c->sid != NULL)
		jw_str(&w, "sid", c->sid);
	if (c->has_gen)
		jw_int(&w, "gen", c->gen);
	if (c->nparents > CLAIMS_MAX_CHAIN || c->nact > CLAIMS_MAX_CHAIN)
		return -1;
	if (c->nparents > 0) {
		jw_arr(&w, "parents");
		for (i = 0; i < c->nparents; i++)
			jw_str(&w, NULL, c->parents[i]);
		jw_close(&w);
	}
	/* RFC 8693 §4.1: the current actor outermost, earlier ones nested. */
	for (i = 0; i < c->nact; i++) {
		jw_obj(&w, "act");
		jw_str(&w, "sub", c->act[i]);
	}
	for (i = 0; i < c->nact; i++)
		jw_close(&w);
	return jw_end(&w);
}

int
claims_deny_sec(int leeway_sec)
{
	return CLAIMS_MAX_TTL_SEC + leeway_sec;
}
