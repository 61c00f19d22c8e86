/*
 * GET /admin/keys/{id}/usage and GET /admin/usage: usage counts of one key
 * and of the caller's organization (with its top keys), adapters over
 * ops_usage (jwtmint-admin key usage is the other). Query: from, to
 * (RFC 3339, a date or Unix seconds), granularity (minute, hour, day) and,
 * for the organization, top (1..100 keys by requests, default 10).
 * Another organization's key is 404, like a missing one.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adminapi.h"
#include "ops_usage.h"

static void
answer(struct adminapi *x, enum ops_err e, const char *field,
    struct ops_usage *u)
{
	json_t	*doc;

	if (e != OPS_OK) {
		ops_usage_free(u);
		adminapi_ops_error(x, e, field, NULL);
		return;
	}
	doc = ops_usage_json(u);
	ops_usage_free(u);
	if (doc == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	adminapi_json(x, 200, doc, 0);
}

void
h_admin_usage_key(struct adminapi *x)
{
	static const char *const names[] = { "from", "to", "granularity",
	    NULL };
	struct ops_usage_query	 q;
	struct ops_usage	 u;
	const char		*field = NULL;
	enum ops_err		 e;

	if (adminapi_query_only(x, names) == -1)
		return;
	memset(&q, 0, sizeof(q));
	memset(&u, 0, sizeof(u));
	q.key_id = adminapi_arg(x, "id");
	q.from = adminapi_query(x, "from");
	q.to = adminapi_query(x, "to");
	q.granularity = adminapi_query(x, "granularity");
	e = ops_usage_key(&x->ctx, &q, &u, &field);
	answer(x, e, field, &u);
}

void
h_admin_usage_org(struct adminapi *x)
{
	static const char *const names[] = { "from", "to", "granularity",
	    "top", NULL };
	struct ops_usage_query	 q;
	struct ops_usage	 u;
	const char		*field = NULL, *top;
	enum ops_err		 e;

	if (adminapi_query_only(x, names) == -1)
		return;
	memset(&q, 0, sizeof(q));
	memset(&u, 0, sizeof(u));
	q.from = adminapi_query(x, "from");
	q.to = adminapi_query(x, "to");
	q.granularity = adminapi_query(x, "granularity");
	if ((top = adminapi_query(x, "top")) != NULL) {
		/* 1..100: one to three digits, no sign, no space */
		if (*top == '\0' || strlen(top) > 3 ||
		    strspn(top, "0123456789") != strlen(top)) {
			adminapi_error(x, OERR_INVALID_REQUEST, "top is "
			    "invalid");
			return;
		}
		q.top = atoi(top);
		if (q.top == 0)
			q.top = -1;	/* refused by the operation */
	}
	e = ops_usage_org(&x->ctx, &q, &u, &field);
	answer(x, e, field, &u);
}
