/*
 * ops_usage: see ops_usage.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apikey.h"
#include "auditchain.h"
#include "ops_usage.h"
#include "store.h"

static const struct {
	const char	*name;
	long long	 step;
} grans[] = {
	{ "minute", 60 },
	{ "hour", 3600 },
	{ "day", 86400 },
};

/* Unix seconds of an auditchain time, or -1. */
static int
when(const char *s, long long *sec)
{
	long long	 us;

	if (auditchain_time_parse(s, strlen(s), &us) == -1)
		return -1;
	*sec = us / 1000000;
	return 0;
}

/* Validate the query into u: granularity, step, from, to, buckets. */
static enum ops_err
range(const struct ops_usage_query *q, struct ops_usage *u, const char **field)
{
	const char	*g = q->granularity != NULL && *q->granularity != '\0' ?
			    q->granularity : "hour";
	long long	 since = q->since_sec > 0 ? q->since_sec :
			    OPS_USAGE_DEFAULT_SEC;
	size_t		 i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < sizeof(grans) / sizeof(grans[0]); i++)
		if (strcmp(g, grans[i].name) == 0)
			break;
	if (i == sizeof(grans) / sizeof(grans[0])) {
		*field = "granularity";
		return OPS_INVALID;
	}
	snprintf(u->granularity, sizeof(u->granularity), "%s", g);
	u->step = grans[i].step;
	u->to = (long long)time(NULL) + 1;	/* the current second too */
	if (q->to != NULL && *q->to != '\0' && when(q->to, &u->to) == -1) {
		*field = "to";
		return OPS_INVALID;
	}
	u->from = u->to - since;
	if (q->from != NULL && *q->from != '\0' && when(q->from, &u->from) ==
	    -1) {
		*field = "from";
		return OPS_INVALID;
	}
	u->from -= u->from % u->step;
	if (u->from < 0 || u->to <= u->from ||
	    (u->to - u->from + u->step - 1) / u->step > OPS_USAGE_MAX_BUCKETS) {
		*field = "from";
		return OPS_INVALID;
	}
	u->nbuckets = (size_t)((u->to - u->from + u->step - 1) / u->step);
	if ((u->buckets = calloc(u->nbuckets, sizeof(*u->buckets))) == NULL)
		return OPS_FAILED;
	return OPS_OK;
}

static int
outcome_parse(const char *s)
{
	int	 o;

	for (o = 0; o < USAGE_OUT__MAX; o++)
		if (strcmp(s, usage_outcome_name((enum usage_outcome)o)) == 0)
			return o;
	return -1;
}

/* bucket (Unix seconds), endpoint, outcome, n */
static int
count_row(void *arg, const char *const *c, int n)
{
	struct ops_usage	*u = arg;
	long long		 b;
	unsigned long long	 v;
	int			 ep, oc;

	if (n != 4 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL)
		return -1;
	b = strtoll(c[0], NULL, 10);
	ep = (int)usage_endpoint_parse(c[1]);
	oc = outcome_parse(c[2]);
	v = strtoull(c[3], NULL, 10);
	if (ep == USAGE_EP_NONE || oc < 0 || b < u->from || b >= u->to)
		return 0;	/* a value this binary does not know */
	u->buckets[(b - u->from) / u->step].n[ep][oc] += v;
	u->total.n[ep][oc] += v;
	return 0;
}

static int
top_row(void *arg, const char *const *c, int n)
{
	struct ops_usage	*u = arg;
	struct ops_usage_top	*t;

	if (n != 3 || c[0] == NULL || c[1] == NULL)
		return -1;
	t = &u->top[u->ntop++];
	snprintf(t->key_id, sizeof(t->key_id), "%s", c[0]);
	t->total = strtoll(c[1], NULL, 10);
	t->allowed = c[2] != NULL ? strtoll(c[2], NULL, 10) : 0;
	return 0;
}

enum ops_err
ops_usage_key(const struct ops_ctx *x, const struct ops_usage_query *q,
    struct ops_usage *u, const char **field)
{
	char		 f[24], t[24];
	const char	*p[5] = { q->key_id, x->org, u->granularity, f, t };
	enum ops_err	 e;
	int		 r;

	*field = NULL;
	if ((e = range(q, u, field)) != OPS_OK)
		return e;
	p[2] = u->granularity;
	if (q->key_id == NULL || !apikey_id_valid(q->key_id,
	    strlen(q->key_id)))
		return OPS_NOT_FOUND;
	snprintf(u->key_id, sizeof(u->key_id), "%s", q->key_id);
	if ((r = store_rows(x->db, STMT_USAGE_KEY_IN_ORG, p, NULL, NULL)) < 0)
		return OPS_UNAVAILABLE;
	if (r == 0)
		return OPS_NOT_FOUND;
	snprintf(f, sizeof(f), "%lld", u->from);
	snprintf(t, sizeof(t), "%lld", u->to);
	if (store_rows(x->db, STMT_USAGE_KEY, p, count_row, u) < 0)
		return OPS_UNAVAILABLE;
	return OPS_OK;
}

enum ops_err
ops_usage_org(const struct ops_ctx *x, const struct ops_usage_query *q,
    struct ops_usage *u, const char **field)
{
	char		 f[24], t[24], lim[12];
	const char	*p[5] = { x->org, NULL, f, t, lim };
	int		 top = q->top == 0 ? OPS_USAGE_TOP_DEFAULT : q->top;
	enum ops_err	 e;

	*field = NULL;
	if (top < 1 || top > OPS_USAGE_TOP_MAX) {
		*field = "top";
		return OPS_INVALID;
	}
	if ((e = range(q, u, field)) != OPS_OK)
		return e;
	p[1] = u->granularity;
	snprintf(f, sizeof(f), "%lld", u->from);
	snprintf(t, sizeof(t), "%lld", u->to);
	snprintf(lim, sizeof(lim), "%d", top);
	if ((u->top = calloc((size_t)top, sizeof(*u->top))) == NULL)
		return OPS_FAILED;
	if (store_rows(x->db, STMT_USAGE_ORG, p, count_row, u) < 0 ||
	    store_rows(x->db, STMT_USAGE_TOP, p, top_row, u) < 0)
		return OPS_UNAVAILABLE;
	return OPS_OK;
}

void
ops_usage_free(struct ops_usage *u)
{
	if (u == NULL)
		return;
	free(u->buckets);
	free(u->top);
	u->buckets = NULL;
	u->top = NULL;
}

unsigned long long
ops_usage_sum(const struct ops_usage_counts *c, unsigned long long *allowed)
{
	unsigned long long	 s = 0;
	int			 ep, oc;

	*allowed = 0;
	for (ep = 1; ep < USAGE_EP__MAX; ep++) {
		for (oc = 0; oc < USAGE_OUT__MAX; oc++)
			s += c->n[ep][oc];
		*allowed += c->n[ep][USAGE_ALLOWED];
	}
	return s;
}

static json_t *
time_json(long long sec)
{
	struct tm	 tm;
	time_t		 t = (time_t)sec;
	char		 b[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(b);
}

static json_t *
counts_json(const struct ops_usage_counts *c, json_t *o)
{
	unsigned long long	 all, allowed;
	json_t			*eps, *one;
	int			 ep, oc;

	if (o == NULL || (eps = json_object()) == NULL) {
		json_decref(o);
		return NULL;
	}
	all = ops_usage_sum(c, &allowed);
	for (ep = 1; ep < USAGE_EP__MAX; ep++) {
		one = NULL;
		for (oc = 0; oc < USAGE_OUT__MAX; oc++) {
			if (c->n[ep][oc] == 0)
				continue;
			if (one == NULL && (one = json_object()) != NULL)
				json_object_set_new(eps, usage_endpoint_name(
				    (enum usage_endpoint)ep), one);
			if (one != NULL)
				json_object_set_new(one, usage_outcome_name(
				    (enum usage_outcome)oc),
				    json_integer((json_int_t)c->n[ep][oc]));
		}
	}
	json_object_set_new(o, "requests", json_integer((json_int_t)all));
	json_object_set_new(o, "allowed", json_integer((json_int_t)allowed));
	json_object_set_new(o, "refused",
	    json_integer((json_int_t)(all - allowed)));
	json_object_set_new(o, "endpoints", eps);
	return o;
}

json_t *
ops_usage_json(const struct ops_usage *u)
{
	json_t	*doc, *arr, *b, *top;
	size_t	 i;

	if ((doc = json_object()) == NULL || (arr = json_array()) == NULL) {
		json_decref(doc);
		return NULL;
	}
	if (u->key_id[0] != '\0')
		json_object_set_new(doc, "key_id", json_string(u->key_id));
	json_object_set_new(doc, "granularity", json_string(u->granularity));
	json_object_set_new(doc, "from", time_json(u->from));
	json_object_set_new(doc, "to", time_json(u->to));
	json_object_set_new(doc, "total", counts_json(&u->total,
	    json_object()));
	for (i = 0; i < u->nbuckets; i++) {
		if ((b = json_object()) != NULL)
			json_object_set_new(b, "start",
			    time_json(u->from + (long long)i * u->step));
		json_array_append_new(arr, counts_json(&u->buckets[i], b));
	}
	json_object_set_new(doc, "buckets", arr);
	if (u->top != NULL && (top = json_array()) != NULL) {
		for (i = 0; i < u->ntop; i++)
			json_array_append_new(top, json_pack("{s:s, s:I, s:I, s:I}",
			    "key_id", u->top[i].key_id,
			    "requests", (json_int_t)u->top[i].total,
			    "allowed", (json_int_t)u->top[i].allowed,
			    "refused", (json_int_t)(u->top[i].total -
			    u->top[i].allowed)));
		json_object_set_new(doc, "top", top);
	}
	return doc;
}
