/*
 * admin_usage: jwtmint-admin key usage and usage, adapters over ops_usage
 * (the operations behind GET /admin/keys/{id}/usage and GET /admin/usage).
 *
 *   key usage ID  one key's counts per bucket, with a text chart: one bar
 *                 per bucket ('#' allowed, '!' refused), scaled to the
 *                 largest bucket;
 *   usage         one organization's (--org), and its top keys.
 *
 * --since 24h (a duration back from now) or --from/--to (RFC 3339, a date
 * or Unix seconds); --granularity minute|hour|day (default hour); --json
 * prints the admin API's document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ops_usage.h"
#include "admin.h"

#define BAR_COLS	40

static void
fail(struct admin *a, enum ops_err rc, const char *field)
{
	char	 why[128];

	switch (rc) {
	case OPS_INVALID:
		snprintf(why, sizeof(why), "usage: --%s is malformed or the "
		    "range too long (at most %d buckets)", field != NULL ?
		    field : "?", OPS_USAGE_MAX_BUCKETS);
		admin_usage(why);
		break;
	case OPS_NOT_FOUND:
		admin_die(a, "%s", "no such key");
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error");
		break;
	default:
		admin_die(a, "%s", "usage failed");
		break;
	}
}

static void
query(const struct opts *o, struct ops_usage_query *q)
{
	const char	*since = admin_opt(o, "since");

	memset(q, 0, sizeof(*q));
	q->from = admin_opt(o, "from");
	q->to = admin_opt(o, "to");
	q->granularity = admin_opt(o, "granularity");
	if (since != NULL && q->from != NULL)
		admin_usage("--since or --from, not both");
	if (since != NULL && (q->since_sec = admin_duration(since)) <= 0)
		admin_usage("--since: a duration (24h, 7d, 90m)");
}

static void
stamp(char *b, size_t n, long long sec, long long step)
{
	struct tm	 tm;
	time_t		 t = (time_t)sec;

	gmtime_r(&t, &tm);
	strftime(b, n, step >= 86400 ? "%Y-%m-%d" : "%Y-%m-%d %H:%M", &tm);
}

/* The totals per endpoint, then a bar per bucket. */
static void
print_text(const struct ops_usage *u, const char *what)
{
	unsigned long long	 all, allowed, max = 0, n, ok;
	char			 from[32], to[32], bar[BAR_COLS + 1];
	size_t			 i, hashes, bangs, w;
	int			 ep, oc;

	stamp(from, sizeof(from), u->from, 60);
	stamp(to, sizeof(to), u->to, 60);
	all = ops_usage_sum(&u->total, &allowed);
	printf("%s, per %s, %s to %s UTC\n", what, u->granularity, from, to);
	printf("requests %llu, allowed %llu, refused %llu\n", all, allowed,
	    all - allowed);
	for (ep = 1; ep < USAGE_EP__MAX; ep++) {
		for (oc = 0, n = 0; oc < USAGE_OUT__MAX; oc++)
			n += u->total.n[ep][oc];
		if (n == 0)
			continue;
		printf("  %-24s", usage_endpoint_name((enum usage_endpoint)ep));
		for (oc = 0; oc < USAGE_OUT__MAX; oc++)
			if (u->total.n[ep][oc] > 0)
				printf(" %s %llu", usage_outcome_name(
				    (enum usage_outcome)oc), u->total.n[ep][oc]);
		printf("\n");
	}
	for (i = 0; i < u->nbuckets; i++)
		if ((n = ops_usage_sum(&u->buckets[i], &ok)) > max)
			max = n;
	printf("\n");
	for (i = 0; i < u->nbuckets; i++) {
		n = ops_usage_sum(&u->buckets[i], &ok);
		/* a bar of at least one column for any request at all */
		w = max == 0 ? 0 : (size_t)((n * BAR_COLS + max - 1) / max);
		bangs = max == 0 ? 0 : (size_t)(((n - ok) * BAR_COLS + max - 1) /
		    max);
		if (bangs > w)
			bangs = w;
		hashes = w - bangs;
		memset(bar, ' ', BAR_COLS);
		memset(bar, '#', hashes);
		memset(bar + hashes, '!', bangs);
		bar[BAR_COLS] = '\0';
		stamp(from, sizeof(from), u->from + (long long)i * u->step,
		    u->step);
		printf("%-16s |%s| %llu", from, bar, n);
		if (n > ok)
			printf(" (%llu refused)", n - ok);
		printf("\n");
	}
	if (u->top != NULL && u->ntop > 0) {
		printf("\ntop keys by requests:\n");
		for (i = 0; i < u->ntop; i++)
			printf("  %-20s %lld (%lld refused)\n", u->top[i].key_id,
			    u->top[i].total, u->top[i].total -
			    u->top[i].allowed);
	}
}

static void
show(struct admin *a, struct ops_usage *u, const char *what)
{
	json_t	*doc;

	if (a->json) {
		if ((doc = ops_usage_json(u)) == NULL)
			admin_die(a, "%s", "out of memory");
		admin_print_json(a, doc);
	} else
		print_text(u, what);
	ops_usage_free(u);
}

static int
key_usage(struct admin *a, const struct opts *o)
{
	struct ops_usage_query	 q;
	struct ops_usage	 u;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*id = admin_arg(o), *field = NULL;
	char			 what[64];
	enum ops_err		 rc;

	/* --anomalies: the flags of unusual usage (admin_anomaly.c). */
	if (admin_flag(o, "anomalies")) {
		if (admin_opt(o, "from") != NULL || admin_opt(o, "to") != NULL ||
		    admin_opt(o, "granularity") != NULL)
			admin_usage("key usage --anomalies: --since, not "
			    "--from, --to or --granularity");
		return admin_anomaly_list(a, o);
	}
	if (admin_opt(o, "kind") != NULL || admin_opt(o, "org") != NULL ||
	    admin_opt(o, "limit") != NULL || admin_opt(o, "cursor") != NULL)
		admin_usage("key usage: --kind, --org, --limit and --cursor go "
		    "with --anomalies");
	if (id == NULL)
		admin_usage("key usage ID");
	query(o, &q);
	q.key_id = id;
	admin_key_org(a, id, &org);
	admin_ops_ctx(a, org.id, &x);
	memset(&u, 0, sizeof(u));
	if ((rc = ops_usage_key(&x, &q, &u, &field)) != OPS_OK) {
		ops_usage_free(&u);
		fail(a, rc, field);
	}
	snprintf(what, sizeof(what), "key %s", id);
	show(a, &u, what);
	return 0;
}

static int
org_usage(struct admin *a, const struct opts *o)
{
	struct ops_usage_query	 q;
	struct ops_usage	 u;
	struct ops_ctx		 x;
	struct org		 org;
	const char		*top = admin_opt(o, "top"), *field = NULL;
	char			*end;
	long			 n;
	enum ops_err		 rc;

	query(o, &q);
	if (top != NULL) {
		n = strtol(top, &end, 10);
		if (*top < '0' || *top > '9' || *end != '\0' || n < 1 ||
		    n > OPS_USAGE_TOP_MAX)
			admin_usage("--top: 1 to 100");
		q.top = (int)n;
	}
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	memset(&u, 0, sizeof(u));
	if ((rc = ops_usage_org(&x, &q, &u, &field)) != OPS_OK) {
		ops_usage_free(&u);
		fail(a, rc, field);
	}
	show(a, &u, "organization");
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "key", "usage", "ARG since from to granularity anomalies! kind org "
	    "limit cursor json",
	    "  key usage ID [--since 24h | --from T [--to T]]\n"
	    "             [--granularity minute|hour|day] [--json]  (counts "
	    "per bucket, a bar each)\n"
	    "  key usage [ID] --anomalies [--since 7d] [--kind volume|refusals|"
	    "network]\n"
	    "             [--org SLUG] [--limit N] [--cursor C] [--json]  "
	    "(flags of unusual usage)\n", key_usage },
	{ "usage", NULL, "org since from to granularity top json",
	    "  usage [--org SLUG] [--since 24h | --from T [--to T]]\n"
	    "             [--granularity minute|hour|day] [--top N] [--json]\n",
	    org_usage },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_usage_cmds(void)
{
	return cmds;
}
