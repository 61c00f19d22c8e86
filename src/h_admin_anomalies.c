/*
 * GET /admin/usage/anomalies: the flags of unusual usage of the caller's
 * organization's keys, newest first, an adapter over ops_anomaly (the
 * CLI's jwtmint-admin key usage --anomalies is the other). A page is
 * {"anomalies": [...], "next_cursor"}; the cursor is cursor.h's, carrying
 * the id the next page starts below. Filters: key, kind, since.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "adminapi.h"
#include "ops_anomaly.h"

#define CURSOR_ID	"anomaly"	/* what a cursor of this listing names */

static int
anomaly_row(void *arg, const struct ops_anomaly *a)
{
	json_t	*o;

	if ((o = ops_anomaly_json(a)) == NULL)
		return -1;
	return json_array_append_new(arg, o);
}

void
h_admin_anomalies_list(struct adminapi *x)
{
	static const char *const names[] = { "key", "kind", "since", "limit",
	    "cursor", NULL };
	struct ops_anomaly_list		 rq;
	struct ops_anomaly_listed	 out;
	struct cursor			 after, next;
	char				 id[OPS_ANOMALY_CURSOR_BYTES];
	char				 enc[CURSOR_MAX_BYTES + 1];
	const char			*field;
	enum ops_err			 e;
	json_t				*arr, *doc;
	int				 limit, has_after;

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
		snprintf(id, sizeof(id), "%lld", after.usec);
		rq.cursor = id;
	}
	rq.limit = limit;
	rq.key = adminapi_query(x, "key");
	rq.kind = adminapi_query(x, "kind");
	rq.since = adminapi_query(x, "since");
	if ((arr = json_array()) == NULL) {
		adminapi_error(x, OERR_SERVER_ERROR, NULL);
		return;
	}
	rq.row = anomaly_row;
	rq.arg = arr;
	if ((e = ops_anomaly_list(&x->ctx, &rq, &out, &field)) != OPS_OK) {
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
	doc = json_pack("{s:o, s:o}", "anomalies", arr, "next_cursor",
	    enc[0] != '\0' ? json_string(enc) : json_null());
	adminapi_json(x, 200, doc, 0);
}
