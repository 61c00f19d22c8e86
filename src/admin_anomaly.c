/*
 * admin_anomaly: jwtmint-admin key usage --anomalies, an adapter over
 * ops_anomaly (GET /admin/usage/anomalies is the other): the flags of
 * unusual usage of one organization's keys (--org, or the organization of
 * the key ID given), newest first, since --since (default 7d). The key
 * usage command row is admin_usage.c's; it hands --anomalies here.
 *
 * Text output escapes control bytes; --json prints the API's page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "logesc.h"
#include "ops_anomaly.h"
#include "admin.h"

struct out {
	json_t	*arr;		/* --json */
};

static int
print_row(void *arg, const struct ops_anomaly *r)
{
	struct out	*w = arg;
	char		 key[160], detail[1024];
	json_t		*o;

	if (w->arr != NULL) {
		if ((o = ops_anomaly_json(r)) == NULL)
			return -1;
		return json_array_append_new(w->arr, o);
	}
	logesc(key, sizeof(key), r->key_id, strlen(r->key_id));
	logesc(detail, sizeof(detail), r->detail, strlen(r->detail));
	printf("%lld\t%s\t%s\t%s\t%s\t%lld\t%lld\t%s\n", r->id, r->created_at,
	    key, r->kind, r->hour, r->observed, r->baseline, detail);
	return 0;
}

int
admin_anomaly_list(struct admin *a, const struct opts *o)
{
	struct ops_anomaly_list		 rq;
	struct ops_anomaly_listed	 out;
	struct ops_ctx			 x;
	struct org			 org;
	struct out			 w = { NULL };
	const char			*lim = admin_opt(o, "limit"), *field;
	char				*end, why[96];
	long				 n = 0;
	enum ops_err			 rc;

	memset(&rq, 0, sizeof(rq));
	if (lim != NULL) {
		n = strtol(lim, &end, 10);
		if (*lim < '0' || *lim > '9' || *end != '\0' || n < 1 ||
		    n > OPS_ANOMALY_LIMIT_MAX)
			admin_usage("--limit: 1 to 500");
	}
	rq.limit = (int)n;
	rq.key = admin_arg(o);
	rq.kind = admin_opt(o, "kind");
	rq.since = admin_opt(o, "since") != NULL ? admin_opt(o, "since") : "7d";
	rq.cursor = admin_opt(o, "cursor");
	rq.row = print_row;
	rq.arg = &w;
	if (rq.key != NULL) {
		if (admin_opt(o, "org") != NULL)
			admin_usage("key usage ID --anomalies: the key names "
			    "its organization (no --org)");
		admin_key_org(a, rq.key, &org);
	} else
		admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	if (a->json && (w.arr = json_array()) == NULL)
		admin_die(a, "%s", "out of memory");
	if (!a->json)
		printf("id\tflagged\tkey\tkind\thour\tobserved\tbaseline\t"
		    "detail\n");
	if ((rc = ops_anomaly_list(&x, &rq, &out, &field)) != OPS_OK) {
		json_decref(w.arr);
		if (rc == OPS_INVALID) {
			snprintf(why, sizeof(why), "key usage --anomalies: "
			    "--%s is malformed", field != NULL ? field : "?");
			admin_usage(why);
		}
		admin_die(a, "%s", rc == OPS_UNAVAILABLE ? "database error" :
		    "key usage --anomalies failed");
	}
	if (a->json)
		admin_print_json(a, json_pack("{s:o, s:s?}", "anomalies", w.arr,
		    "next_cursor", out.next_cursor[0] ? out.next_cursor : NULL));
	else if (out.next_cursor[0] != '\0')
		fprintf(stderr, "jwtmint-admin: more rows: --cursor %s\n",
		    out.next_cursor);
	return 0;
}
