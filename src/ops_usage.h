/*
 * ops_usage: usage per key and per organization (sql/013_usage.sql),
 * written once; GET /admin/keys/{id}/usage, GET /admin/usage and
 * jwtmint-admin key usage are adapters. Reads only: no audit row.
 *
 * A range is [from, to): to defaults to now, from to to less since_sec
 * (default 24 h); from is rounded down to its granularity's bucket (UTC),
 * and a range holds at most OPS_USAGE_MAX_BUCKETS buckets (OPS_INVALID
 * "from" beyond). Minute, hour and day rows hold the same counts (one
 * flush writes all three), so any granularity sums to the same totals.
 * Counts reach the database every usage_flush_sec: the current interval
 * is not in them yet. Only the context's organization's keys are read:
 * another organization's key is OPS_NOT_FOUND, and the ids no key cache
 * knew ("unknown") belong to no organization.
 */
#ifndef JWTMINT_OPS_USAGE_H
#define JWTMINT_OPS_USAGE_H

#include <stddef.h>

#include <jansson.h>

#include "ops.h"
#include "usage.h"

#define OPS_USAGE_MAX_BUCKETS	1500
#define OPS_USAGE_DEFAULT_SEC	86400
#define OPS_USAGE_TOP_DEFAULT	10
#define OPS_USAGE_TOP_MAX	100

struct ops_usage_query {
	const char	*key_id;	/* ops_usage_key only */
	const char	*from, *to;	/* auditchain_time_parse; NULL: above */
	long long	 since_sec;	/* without from: to - since_sec; 0: 24 h */
	const char	*granularity;	/* minute, hour, day; NULL: hour */
	int		 top;		/* ops_usage_org: keys; 0: 10 */
};

struct ops_usage_counts {
	unsigned long long	 n[USAGE_EP__MAX][USAGE_OUT__MAX];
};

struct ops_usage_top {
	char		 key_id[USAGE_KEY_BYTES];
	long long	 total, allowed;
};

/* A result; ops_usage_free releases what it holds. */
struct ops_usage {
	char			 key_id[USAGE_KEY_BYTES];	/* "": the org */
	char			 granularity[8];
	long long		 from, to, step;	/* Unix seconds */
	size_t			 nbuckets;	/* bucket i: from + i * step */
	struct ops_usage_counts	*buckets;
	struct ops_usage_counts	 total;
	struct ops_usage_top	*top;		/* ops_usage_org */
	size_t			 ntop;
};

/* One key's usage. OPS_INVALID names "from", "to", "granularity". */
enum ops_err	ops_usage_key(const struct ops_ctx *,
		    const struct ops_usage_query *, struct ops_usage *,
		    const char **field);

/* The organization's usage, all its keys summed, and its top keys by
 * requests ("top" invalid outside 1..OPS_USAGE_TOP_MAX). */
enum ops_err	ops_usage_org(const struct ops_ctx *,
		    const struct ops_usage_query *, struct ops_usage *,
		    const char **field);

void		ops_usage_free(struct ops_usage *);

/* Requests, allowed and refused of c (all endpoints). */
unsigned long long ops_usage_sum(const struct ops_usage_counts *c,
		    unsigned long long *allowed);

/*
 * The result as the JSON every adapter shows: key_id (keys only),
 * granularity, from, to, total and each bucket as {start, requests,
 * allowed, refused, endpoints: {token: {allowed: n, scope: n}, ...}}
 * (only counts above 0), and top: [{key_id, requests, allowed,
 * refused}] for an organization. The caller owns it; NULL: no memory.
 */
json_t		*ops_usage_json(const struct ops_usage *);

#endif
