/*
 * claims: serialise the access-token claims. jansson escapes every string,
 * so no claim value can break out of its JSON string.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "b64url.h"
#include "claims.h"
#include "secret.h"

int
claims_new_jti(struct claims *c)
{
	unsigned char	 r[CLAIMS_JTI_BYTES];

	if (secret_random(r, sizeof(r)) == -1)
		return -1;
	return b64url_encode(c->jti, sizeof(c->jti), r, sizeof(r)) ==
	    CLAIMS_JTI_LEN ? 0 : -1;
}

static int
add_accounts(json_t *o, const char *accounts)
{
	json_t		*arr;
	const char	*p = accounts;
	size_t		 n;

	if (strcmp(accounts, "*") == 0)
		return json_object_set_new(o, "accounts", json_string("*"));
	if ((arr = json_array()) == NULL)
		return -1;
	while (*p != '\0') {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		if (json_array_append_new(arr, json_stringn(p, n)) == -1) {
			json_decref(arr);
			return -1;
		}
		p += n;
	}
	return json_object_set_new(o, "accounts", arr);
}

char *
claims_json(const struct claims *c, size_t *len)
{
	json_t	*o;
	char	*s;

	o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s}",
	    "iss", c->iss, "sub", c->sub, "aud", c->aud,
	    "exp", (json_int_t)c->exp, "iat", (json_int_t)c->iat,
	    "nbf", (json_int_t)c->iat, "jti", c->jti,
	    "client_id", c->client_id, "scope", c->scope);
	if (o == NULL)
		return NULL;
	if ((c->org != NULL &&
	    json_object_set_new(o, "org", json_string(c->org)) == -1) ||
	    (c->role != NULL &&
	    json_object_set_new(o, "role", json_string(c->role)) == -1) ||
	    (c->accounts != NULL && add_accounts(o, c->accounts) == -1) ||
	    (c->act_sub != NULL && json_object_set_new(o, "act",
	    json_pack("{s:s}", "sub", c->act_sub)) == -1)) {
		json_decref(o);
		return NULL;
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s != NULL)
		*len = strlen(s);
	return s;
}
