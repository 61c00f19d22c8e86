/*
 * store_app: see store_app.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bstr.h"
#include "store.h"
#include "store_app.h"

int
store_app_id_valid(const char *s)
{
	return s != NULL && strlen(s) == STORE_APP_ID_LEN &&
	    strncmp(s, "app_", 4) == 0 &&
	    strspn(s + 4, "abcdefghijklmnopqrstuvwxyz234567") == 16;
}

/* client_id, org_id, slug, name, type, uris (space-separated), scopes,
 * disabled (app or org), version. */
static int
app_row(void *arg, const char *const *c, int n)
{
	struct store_app	*a = arg;
	const char		*u;
	size_t			 len;
	int			 t;

	if (n != 9 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL || c[4] == NULL || c[5] == NULL || c[6] == NULL ||
	    c[7] == NULL || c[8] == NULL ||
	    bstr_copy(a->client_id, sizeof(a->client_id), c[0]) == -1 ||
	    bstr_copy(a->org_id, sizeof(a->org_id), c[1]) == -1 ||
	    bstr_copy(a->org_slug, sizeof(a->org_slug), c[2]) == -1 ||
	    bstr_copy(a->name, sizeof(a->name), c[3]) == -1 ||
	    (t = redirecturi_type_from_name(c[4])) == -1 ||
	    scope_parse(&a->scopes, c[6], strlen(c[6])) == -1)
		return -1;
	a->type = (enum redirecturi_type)t;
	a->disabled = c[7][0] == 't';
	a->version = strtoll(c[8], NULL, 10);
	for (u = c[5]; *u != '\0'; u += len) {
		u += strspn(u, " ");
		if ((len = strcspn(u, " ")) == 0)
			break;
		if (a->nuris == STORE_APP_MAX_URIS ||
		    len > REDIRECTURI_MAX_BYTES)
			return -1;
		memcpy(a->uris[a->nuris], u, len);
		a->uris[a->nuris++][len] = '\0';
	}
	return 0;
}

int
store_app_get(struct db *db, const char *client_id, struct store_app *out)
{
	const char	*params[1] = { client_id };
	int		 n;

	memset(out, 0, sizeof(*out));
	if (!store_app_id_valid(client_id))
		return 0;
	if ((n = store_rows(db, STMT_APP_GET, params, app_row, out)) < 0)
		return -1;
	return n == 1;
}

int
store_app_redirect_ok(const struct store_app *a, const char *issuer,
    const char *presented)
{
	char	 uri[REDIRECTURI_MAX_BYTES + 1];
	size_t	 i;
	int	 ok = 0;

	for (i = 0; i < a->nuris && !ok; i++)
		if (redirecturi_resolve(issuer, a->uris[i], uri,
		    sizeof(uri)) == 0)
			ok = redirecturi_match(uri, presented, a->type);
	return ok;
}
