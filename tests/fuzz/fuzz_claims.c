/*
 * fuzz_claims: claims_json with claim values from arbitrary bytes (sub,
 * username-derived values, scopes and accounts come from requests and
 * rows). The input is split at NUL bytes into iss, sub, aud, client_id,
 * scope, org, role, accounts and act_sub; a missing field is NULL.
 *
 * Invariants (a violation traps): the document is produced exactly when
 * every required value is present and every value is valid UTF-8 (the
 * buffer is large enough); jansson then parses it with no duplicate
 * member, every string claim reads back byte for byte, "accounts" is "*"
 * or the list's non-empty pieces in order, and exp/iat/nbf are the times.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "claims.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NFIELDS	9

static char	 doc[1 << 17];

static int
same(json_t *o, const char *name, const char *want)
{
	json_t	*v = json_object_get(o, name);

	if (want == NULL)
		return v == NULL;
	return json_is_string(v) && json_string_length(v) == strlen(want) &&
	    memcmp(json_string_value(v), want, strlen(want)) == 0;
}

static int
same_accounts(json_t *o, const char *list)
{
	json_t		*v = json_object_get(o, "accounts"), *e;
	const char	*p = list;
	size_t		 i = 0, n;

	if (list == NULL)
		return v == NULL;
	if (strcmp(list, "*") == 0)
		return json_is_string(v) && strcmp(json_string_value(v), "*") == 0;
	if (!json_is_array(v))
		return 0;
	for (;;) {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		e = json_array_get(v, i++);
		if (!json_is_string(e) || json_string_length(e) != n ||
		    memcmp(json_string_value(e), p, n) != 0)
			return 0;
		p += n;
	}
	return i == json_array_size(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*f[NFIELDS] = { NULL };
	struct claims	 c;
	json_t		*o, *act;
	char		*buf, *p, *end;
	size_t		 nf = 0, i;
	int		 n, expect;

	if ((buf = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf, end = buf + size; nf < NFIELDS && p <= end;
	    p += strlen(p) + 1)
		f[nf++] = p;

	memset(&c, 0, sizeof(c));
	c.iss = f[0], c.sub = f[1], c.aud = f[2], c.client_id = f[3];
	c.scope = f[4], c.org = f[5], c.role = f[6], c.accounts = f[7];
	c.act[0] = f[8];
	c.nact = f[8] != NULL;
	c.iat = 1700000000 + (time_t)(size % 7);
	c.exp = c.iat + 900;
	memcpy(c.jti, "AAAAAAAAAAAAAAAAAAAAAA", CLAIMS_JTI_LEN + 1);

	expect = nf >= 5;
	for (i = 0; i < nf; i++)
		if (!utf8_valid((const unsigned char *)f[i], strlen(f[i])))
			expect = 0;
	n = claims_json(&c, doc, sizeof(doc));
	if ((n >= 0) != expect)
		__builtin_trap();
	if (n < 0)
		goto out;
	if ((size_t)n != strlen(doc))
		__builtin_trap();
	if ((o = json_loadb(doc, (size_t)n, JSON_REJECT_DUPLICATES, NULL)) ==
	    NULL || !json_is_object(o))
		__builtin_trap();
	if (!same(o, "iss", c.iss) || !same(o, "sub", c.sub) ||
	    !same(o, "aud", c.aud) || !same(o, "client_id", c.client_id) ||
	    !same(o, "scope", c.scope) || !same(o, "org", c.org) ||
	    !same(o, "role", c.role) || !same(o, "jti", c.jti) ||
	    !same_accounts(o, c.accounts))
		__builtin_trap();
	if (json_integer_value(json_object_get(o, "exp")) != (json_int_t)c.exp ||
	    json_integer_value(json_object_get(o, "iat")) != (json_int_t)c.iat ||
	    json_integer_value(json_object_get(o, "nbf")) != (json_int_t)c.iat)
		__builtin_trap();
	act = json_object_get(o, "act");
	if (c.nact == 0 ? act != NULL : !same(act, "sub", c.act[0]) ||
	    json_object_get(act, "act") != NULL)
		__builtin_trap();
	json_decref(o);
out:
	free(buf);
	return 0;
}
