/*
 * ops_anomaly: see ops_anomaly.h. Keyset pagination on the flag's id
 * (stable under concurrent inserts), within the context's organization
 * (STMT_ANOMALY_LIST takes it as $1, never from the request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "auditchain.h"
#include "duration.h"
#include "ops_anomaly.h"
#include "store.h"

static const char *const kinds[] = { "volume", "refusals", "network" };

static int
key_ok(const char *s)
{
	size_t	 i, n;

	if (s == NULL || *s == '\0')
		return 1;
	if ((n = strlen(s)) >= OPS_ANOMALY_KEY_BYTES)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int
kind_ok(const char *s)
{
	size_t	 i;

	if (s == NULL || *s == '\0')
		return 1;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i]) == 0)
			return 1;
	return 0;
}

/* since: a duration back from now or an RFC 3339 time; NULL when none. */
static int
since_param(const char *s, char out[AUDITCHAIN_TIME_BYTES], const char **p)
{
	long long	 us, sec;

	*p = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	if ((sec = duration_parse(s, strlen(s))) >= 0)
		us = ((long long)time(NULL) - sec) * 1000000;
	else if (auditchain_time_parse(s, strlen(s), &us) == -1)
		return -1;
	if (auditchain_time_format(out, us) == -1)
		return -1;
	*p = out;
	return 0;
}

/* A decimal id of 1..18 digits, or -1. */
static long long
number(const char *s)
{
	long long	 v = 0;
	size_t		 i, n;

	if ((n = strlen(s)) == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

struct lister {
	const struct ops_anomaly_list	*rq;
	size_t				 n, limit;
	long long			 last_id;
	int				 more, failed;
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct lister		*l = arg;
	struct ops_anomaly	 a;
	int			 i;

	if (l->n == l->limit) {
		l->more = 1;	/* the row after the page: a next page */
		return 0;
	}
	for (i = 0; i < n; i++)
		if (c[i] == NULL)
			n = -1;
	if (n != 8) {
		l->failed = 1;
		return -1;
	}
	a.id = strtoll(c[0], NULL, 10);
	a.key_id = c[1];
	a.kind = c[2];
	a.hour = c[3];
	a.observed = strtoll(c[4], NULL, 10);
	a.baseline = strtoll(c[5], NULL, 10);
	a.detail = c[6];
	a.created_at = c[7];
	if (l->rq->row(l->rq->arg, &a) == -1) {
		l->failed = 1;
		return -1;
	}
	l->n++;
	l->last_id = a.id;
	return 0;
}

static const char *
empty_null(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

enum ops_err
ops_anomaly_list(const struct ops_ctx *x, const struct ops_anomaly_list *rq,
    struct ops_anomaly_listed *out, const char **field)
{
	struct lister	 l = { rq, 0, 0, 0, 0, 0 };
	char		 since[AUDITCHAIN_TIME_BYTES], lim[16];
	const char	*params[6];
	long long	 cursor = 0;
	int		 limit;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (!key_ok(rq->key))
		*field = "key";
	else if (!kind_ok(rq->kind))
		*field = "kind";
	else if (since_param(rq->since, since, &params[3]) == -1)
		*field = "since";
	else if (rq->cursor != NULL && *rq->cursor != '\0' &&
	    (cursor = number(rq->cursor)) < 1)
		*field = "cursor";
	else if (rq->limit < 0 || rq->limit > OPS_ANOMALY_LIMIT_MAX)
		*field = "limit";
	if (*field != NULL)
		return OPS_INVALID;
	limit = rq->limit == 0 ? OPS_ANOMALY_LIMIT_DEFAULT : rq->limit;
	l.limit = (size_t)limit;
	snprintf(lim, sizeof(lim), "%d", limit + 1);
	params[0] = x->org;
	params[1] = empty_null(rq->key);
	params[2] = empty_null(rq->kind);
	params[4] = cursor > 0 ? rq->cursor : NULL;
	params[5] = lim;
	if (store_rows(x->db, STMT_ANOMALY_LIST, params, list_row, &l) == -1)
		return l.failed ? OPS_FAILED : OPS_UNAVAILABLE;
	out->n = l.n;
	if (l.more)
		snprintf(out->next_cursor, sizeof(out->next_cursor), "%lld",
		    l.last_id);
	return OPS_OK;
}

json_t *
ops_anomaly_json(const struct ops_anomaly *a)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:s}",
	    "id", (json_int_t)a->id, "key", a->key_id, "kind", a->kind,
	    "hour", a->hour, "observed", (json_int_t)a->observed,
	    "baseline", (json_int_t)a->baseline, "detail", a->detail,
	    "created_at", a->created_at);
}
