/*
 * GET /admin/audit and GET /admin/audit/verify: the caller's organization's
 * audit trail, adapters over ops_audit (the CLI's jwtmint-admin audit list
 * and verify are the others). A page is {"entries": [...], "next_cursor"};
 * the cursor is cursor.h's, carrying the seq the next page starts below.
 * A verification is 200 whatever its verdict: it is data, not an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adminapi.h"
#include "ops_audit.h"

#define CURSOR_ID	"audit"		/* what a cursor of this listing names */

static int
entry_row(void *arg, const struct ops_audit_entry *e)
{
	json_t	*o;

	if ((o = ops_audit_entry_json(e)) == NULL)
		return -1;
	return json_array_append_new(arg, o);
}

void
h_admin_audit_list(struct adminapi *x)
{
	static const char *const names[] = { "action", "resource", "actor",
	    "since", "until", "limit", "cursor", NULL };
	struct ops_audit_list	 rq;
	struct ops_audit_listed	 out;
	struct cursor		 after, next;
	char			 seq[OPS_AUDIT_CURSOR_BYTES];
	char			 enc[CURSOR_MAX_BYTES + 1];
	const char		*field;
	enum ops_err		 e;
	json_t			*arr, *doc;
	int			 limit, has_after;

	memset(&rq, 0, sizeof(rq));
	if (adminapi_query_only(x, names) == -1 ||
	    adminapi_page(x, &limit, &after, &has_after) == -1)
		return;
	if (has_after) {
		if (strcmp(after.id, CURSOR_ID) != 0 || after.usec < 1) {
			adminapi_error(x, OERR_INVALID_REQUEST, "cursor is "
			    "invalid");
			return;
		}
		snprintf(seq, sizeof(seq), "%lld", after.usec);
		rq.cursor = seq;
	}
	rq.limit = limit;
	rq.action = adminapi_query(x, "action");
	rq.resource = adminapi_query(x, "resource");
	rq.actor = adminapi_query(x, "actor");
	rq.since = adminapi_query(x, "since");
	rq.until = adminapi_query(x, "until");
	if ((arr = json_array()) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	rq.row = entry_row;
	rq.arg = arr;
	if ((e = ops_audit_list(&x->ctx, &rq, &out, &field)) != OPS_OK) {
		json_decref(arr);
		adminapi_ops_error(x, e, field, NULL);
		return;
	}
	enc[0] = '\0';
	if (out.next_cursor[0] != '\0') {
		memset(&next, 0, sizeof(next));
		next.usec = strtoll(out.next_cursor, NULL, 10);
		snprintf(next.id, sizeof(next.id), "%s", CURSOR_ID);
		if (cursor_encode(enc, sizeof(enc), &next) == -1) {
			json_decref(arr);
			adminapi_error(x, OERR_SERVER_ERROR, NULL);
			return;
		}
	}
	doc = json_pack("{s:o, s:o}", "entries", arr, "next_cursor",
	    enc[0] != '\0' ? json_string(enc) : json_null());
	adminapi_json(x, 200, doc, 0);
}

void
h_admin_audit_verify(struct adminapi *x)
{
	static const char *const names[] = { "head", NULL };
	struct ops_audit_verify		 rq;
	struct ops_audit_verified	 v;
	const char			*field;
	enum ops_err			 e;

	if (adminapi_query_only(x, names) == -1)
		return;
	rq.head = adminapi_query(x, "head");
	if ((e = ops_audit_verify(&x->ctx, &rq, &v, &field)) != OPS_OK) {
		adminapi_ops_error(x, e, field, NULL);
		return;
	}
	adminapi_json(x, 200, ops_audit_verified_json(x->ctx.org, NULL, &v), 0);
}
