/*
 * test_metrics: the shared slabs count across processes and survive the
 * death of the process that counted; a scrape sums them; label values come
 * only from the tables; the exposition has its HELP and TYPE lines,
 * escaped labels, cumulative buckets ending in +Inf, _sum and _count.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "metrics_text.h"
#include "t.h"

static int
has(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p++;
	}
	return 0;
}

static void
test_tables(void)
{
	static const struct { const char *path; enum metrics_endpoint ep; }
	    rows[] = {
		{ "/token", MEP_TOKEN }, { "/check", MEP_CHECK },
		{ "/admin/", MEP_ADMIN }, { "/metrics", MEP_METRICS },
		{ "/platform/", MEP_PLATFORM },
		/* hostile: never a new label */
		{ "/token/../x", MEP_OTHER }, { "", MEP_OTHER },
		{ "/TOKEN", MEP_OTHER }, { NULL, MEP_OTHER },
	};
	size_t	 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_CHECK(metrics_endpoint_of(rows[i].path) == rows[i].ep,
		    "endpoint of %s", rows[i].path ? rows[i].path : "NULL");
	T_CHECK(metrics_status_index(200) == 0, "status 200");
	T_CHECK(metrics_status_codes[metrics_status_index(429)] == 429,
	    "status 429");
	T_CHECK(metrics_status_index(299) == METRICS_STATUSES, "status 299: "
	    "other");
	T_CHECK(metrics_status_index(-1) == METRICS_STATUSES, "status -1");
	T_CHECK(metrics_bucket_of(0) == 0, "0 us: first bucket");
	T_CHECK(metrics_bucket_of(250) == 0, "250 us: le 0.00025");
	T_CHECK(metrics_bucket_of(251) == 1, "251 us: le 0.0005");
	T_CHECK(metrics_bucket_of(1000000) == METRICS_BUCKETS - 1, "1 s");
	T_CHECK(metrics_bucket_of(1000001) == METRICS_BUCKETS, "over 1 s");
	T_CHECK(metrics_bucket_of(UINT64_MAX) == METRICS_BUCKETS, "huge");
}

static void
test_no_map(void)
{
	struct metrics_sums	 s;

	/* Before a map: no-ops, and a collect says so. */
	metrics_request(MEP_TOKEN, 200, 10);
	metrics_inc(METRIC_DB_ERRORS);
	T_CHECK(!metrics_enabled(), "no map: disabled");
	T_CHECK(metrics_collect(&s, 0) == -1, "no map: collect -1");
}

/* The housekeeper's probe: this host's only, well-formed only. */
static void
test_probe(void)
{
	static const char *const bad[] = {
		"", ":", "5000", "5000:", "x5000:0123456789abcdef",
		"5000:0123456789abcdeg", "5000:0123456789abcdef0",
		"5000:+123456789abcdef", "-5000:0123456789abcdef",
		"99999999999999999999999:0123456789abcdef",
	};
	struct metrics_sums	 s;
	char			 p[64], other[64];
	size_t			 i;

	T_CHECK(metrics_probe_payload(p, sizeof(p), 5000) == 0, "payload");
	T_CHECK(metrics_probe_payload(p, 10, 5000) == -1, "payload too long");
	metrics_probe_payload(p, sizeof(p), 5000);
	T_CHECK(metrics_probe_seen(p, 5300) == 1, "own probe counted");
	metrics_collect(&s, 5300);
	T_CHECK(s.s.notify_lag_us == 300000, "its lag (%llu)",
	    (unsigned long long)s.s.notify_lag_us);
	snprintf(other, sizeof(other), "%s", p);
	other[strlen(other) - 1] ^= 1;		/* another host's nonce */
	T_CHECK(metrics_probe_seen(other, 9000) == 0, "foreign probe ignored");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_CHECK(metrics_probe_seen(bad[i], 9000) == 0, "bad probe %s",
		    bad[i]);
	T_CHECK(metrics_probe_seen(NULL, 9000) == 0, "NULL probe");
}

static void
test_shared(void)
{
	struct metrics_sums	 s;
	pid_t			 pid;
	int			 st, i, k;

	T_CHECK(metrics_map() == 0, "map");
	for (k = 1; k <= 2; k++) {
		/* Two children on slot 1 one after the other (a restart),
		 * one on slot 2. */
		if ((pid = fork()) == 0) {
			metrics_slot(k == 1 ? 1 : 2);
			for (i = 0; i < 1000; i++)
				metrics_request(MEP_TOKEN, 200, 300);
			metrics_request(MEP_CHECK, 401, 2000000);
			metrics_request((enum metrics_endpoint)99, 299, 1);
			metrics_token_issued("client_credentials", 0);
			metrics_token_issued("evil\"grant", 7);
			metrics_check(1);
			metrics_check(0);
			metrics_cache(MCACHE_KEY, 1);
			metrics_cache(MCACHE_KEY, 0);
			metrics_inc(METRIC_RATE_LIMITED);
			metrics_anomaly("volume");
			metrics_anomaly("x\ny");
			metrics_notify_seen(1000, 1250);
			_exit(0);
		}
		waitpid(pid, &st, 0);
	}
	metrics_slot(1);
	metrics_request(MEP_TOKEN, 200, 300);
	metrics_set_workers(3);
	T_CHECK(metrics_collect(&s, 2000) == 0, "collect");
	T_CHECK(s.s.req[MEP_TOKEN][0] == 2001, "token 200 summed over "
	    "children that exited and this process (%llu)",
	    (unsigned long long)s.s.req[MEP_TOKEN][0]);
	T_CHECK(s.s.dur[MEP_TOKEN][1] == 2001, "300 us in le 0.0005");
	T_CHECK(s.s.dur_sum_us[MEP_TOKEN] == 2001ull * 300, "sum");
	T_CHECK(s.s.dur[MEP_CHECK][METRICS_BUCKETS] == 2, "2 s over 1 s");
	T_CHECK(s.s.req[MEP_OTHER][METRICS_STATUSES] == 2, "bad endpoint, "
	    "unknown status: other, other");
	T_CHECK(s.s.tokens[MGR_CLIENT_CREDENTIALS][0] == 2, "tokens");
	T_CHECK(s.s.tokens[MGR_OTHER][METRICS_ALGS - 1] == 2, "unknown grant "
	    "and alg: other");
	T_CHECK(s.s.check[MDEC_ALLOW] == 2 && s.s.check[MDEC_DENY] == 2,
	    "decisions");
	T_CHECK(s.s.cache_hit[MCACHE_KEY] == 2 && s.s.cache_miss[MCACHE_KEY]
	    == 2, "cache");
	T_CHECK(s.s.c[METRIC_RATE_LIMITED] == 2, "counter");
	T_CHECK(s.s.anomalies[MAN_VOLUME] == 2 && s.s.anomalies[MAN_OTHER]
	    == 2, "anomalies, unknown kind: other");
	T_CHECK(s.s.notify_lag_us == 250000, "notify lag");
	T_CHECK(s.workers == 3, "workers");
	T_CHECK(metrics_collect(&s, 1250 + 120001) == 0 &&
	    s.s.notify_lag_us == 0, "an old probe is not shown");
	test_probe();
}

static void
test_text(void)
{
	static const struct metrics_key_info keys[] = {
		{ "kid-\"1\"\\\n", "ES256", "active" },
		{ "abc", "RS256", "verify" },
	};
	struct metrics_info	 in;
	struct metrics_sums	 s;
	char			*t, lab[8];
	size_t			 len;

	memset(&s, 0, sizeof(s));
	s.s.req[MEP_TOKEN][metrics_status_index(200)] = 5;
	s.s.req[MEP_CHECK][METRICS_STATUSES] = 1;
	s.s.dur[MEP_TOKEN][0] = 2;
	s.s.dur[MEP_TOKEN][3] = 2;
	s.s.dur[MEP_TOKEN][METRICS_BUCKETS] = 1;
	s.s.dur_sum_us[MEP_TOKEN] = 2500123;
	s.s.tokens[MGR_PASSWORD][1] = 4;
	s.s.c[METRIC_DB_ERRORS] = 7;
	s.s.notify_lag_us = 1500;
	s.workers = 2;
	memset(&in, 0, sizeof(in));
	in.version = "1.2\"3";
	in.keys = keys;
	in.nkeys = 2;
	in.usage_dropped = 9;
	T_CHECK(metrics_text(&s, &in, &t, &len) == 0, "render");
	if (t == NULL)
		return;
	T_CHECK(strlen(t) == len, "length");
	T_CHECK(has(t, "# HELP jwtmint_requests_total Requests answered, by "
	    "endpoint and HTTP status."), "HELP");
	T_CHECK(has(t, "# TYPE jwtmint_requests_total counter"), "TYPE");
	T_CHECK(has(t, "jwtmint_requests_total{endpoint=\"token\","
	    "status=\"200\"} 5"), "requests");
	T_CHECK(has(t, "jwtmint_requests_total{endpoint=\"check\","
	    "status=\"other\"} 1"), "other status");
	T_CHECK(strstr(t, "endpoint=\"jwks\"") == NULL, "no zero series");
	T_CHECK(has(t, "# TYPE jwtmint_request_duration_seconds histogram"),
	    "histogram TYPE");
	T_CHECK(has(t, "jwtmint_request_duration_seconds_bucket{endpoint="
	    "\"token\",le=\"0.00025\"} 2"), "first bucket");
	T_CHECK(has(t, "jwtmint_request_duration_seconds_bucket{endpoint="
	    "\"token\",le=\"0.001\"} 2"), "cumulative, empty bucket");
	T_CHECK(has(t, "jwtmint_request_duration_seconds_bucket{endpoint="
	    "\"token\",le=\"0.0025\"} 4"), "cumulative");
	T_CHECK(has(t, "jwtmint_request_duration_seconds_bucket{endpoint="
	    "\"token\",le=\"1\"} 4"), "le 1");
	T_CHECK(has(t, "jwtmint_request_duration_seconds_bucket{endpoint="
	    "\"token\",le=\"+Inf\"} 5"), "+Inf");
	T_CHECK(has(t, "jwtmint_request_duration_seconds_sum{endpoint="
	    "\"token\"} 2.500123"), "_sum in seconds");
	T_CHECK(has(t, "jwtmint_request_duration_seconds_count{endpoint="
	    "\"token\"} 5"), "_count");
	T_CHECK(has(t, "jwtmint_tokens_issued_total{grant=\"password\","
	    "alg=\"RS256\"} 4"), "tokens");
	T_CHECK(has(t, "jwtmint_check_decisions_total{decision=\"deny\"} 0"),
	    "zero decision shown");
	T_CHECK(has(t, "jwtmint_db_errors_total 7"), "db errors");
	T_CHECK(has(t, "jwtmint_cache_misses_total{cache=\"api_keys\"} 0"),
	    "caches");
	T_CHECK(has(t, "jwtmint_notify_lag_seconds 0.001500"), "lag");
	T_CHECK(has(t, "jwtmint_usage_flush_dropped_total 9"), "dropped");
	T_CHECK(has(t, "jwtmint_workers 2"), "workers");
	T_CHECK(has(t, "jwtmint_signing_key_info{kid=\"kid-\\\"1\\\"\\\\\\n\","
	    "alg=\"ES256\",state=\"active\"} 1"), "escaped kid");
	T_CHECK(has(t, "jwtmint_build_info{version=\"1.2\\\"3\"} 1"),
	    "build info escaped");
	T_CHECK(t[len - 1] == '\n', "ends in a newline");
	free(t);

	T_CHECK(metrics_text_label(lab, sizeof(lab), "abcdefg") == 0 &&
	    strcmp(lab, "abcdefg") == 0, "label fits exactly");
	T_CHECK(metrics_text_label(lab, sizeof(lab), "abcdefgh") == -1 &&
	    lab[0] == '\0', "label too long");
	T_CHECK(metrics_text_label(lab, sizeof(lab), "abcdef\"") == -1,
	    "escape does not fit");
	T_CHECK(metrics_text_label(lab, sizeof(lab), "") == 0 &&
	    lab[0] == '\0', "empty label");
}

int
main(void)
{
	test_tables();
	test_no_map();
	test_shared();
	test_text();
	return t_done();
}
