/*
 * metrics_text: the text exposition format 0.0.4 (metrics_text.h).
 * Families with labels from fixed tables show the series that counted at
 * least once (requests, durations, tokens), or every value of the table
 * when it is small (decisions, caches, anomaly kinds), so that a rate()
 * over them starts from a zero.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "metrics_text.h"

#define LABEL_BYTES	256

struct buf {
	char	*p;
	size_t	 len, cap;
	int	 err;
};

static void
put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 ncap;
	char	*np;
	int	 n;

	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		ncap = b->cap * 2;
		if (ncap > METRICS_TEXT_MAX_BYTES ||
		    (np = realloc(b->p, ncap)) == NULL) {
			b->err = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
}

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int
metrics_text_label(char *dst, size_t dstsz, const char *v)
{
	size_t	 o = 0;
	char	 e;

	for (; *v != '\0'; v++) {
		e = *v == '\\' ? '\\' : *v == '"' ? '"' : *v == '\n' ? 'n' : 0;
		if (o + (e ? 2 : 1) >= dstsz) {
			if (dstsz > 0)
				dst[0] = '\0';
			return -1;
		}
		if (e) {
			dst[o++] = '\\';
			dst[o++] = e;
		} else
			dst[o++] = *v;
	}
	if (o >= dstsz)
		return -1;
	dst[o] = '\0';
	return 0;
}

static void
status_label(char *dst, size_t dstsz, int i)
{
	if (i < METRICS_STATUSES)
		snprintf(dst, dstsz, "%d", metrics_status_codes[i]);
	else
		snprintf(dst, dstsz, "other");
}

static void
requests(struct buf *b, const struct metrics_slab *s)
{
	char	 st[16];
	int	 e, i;

	family(b, "jwtmint_requests_total", "counter",
	    "Requests answered, by endpoint and HTTP status.");
	for (e = 0; e < MEP__MAX; e++)
		for (i = 0; i <= METRICS_STATUSES; i++) {
			if (s->req[e][i] == 0)
				continue;
			status_label(st, sizeof(st), i);
			put(b, "jwtmint_requests_total{endpoint=\"%s\","
			    "status=\"%s\"} %llu\n", metrics_endpoint_names[e],
			    st, (unsigned long long)s->req[e][i]);
		}
}

static void
durations(struct buf *b, const struct metrics_slab *s)
{
	const char	*n = "jwtmint_request_duration_seconds";
	uint64_t	 cum;
	int		 e, i;

	family(b, n, "histogram", "Time from the request read to its "
	    "response written, by endpoint.");
	for (e = 0; e < MEP__MAX; e++) {
		for (cum = 0, i = 0; i <= METRICS_BUCKETS; i++)
			cum += s->dur[e][i];
		if (cum == 0)
			continue;
		for (cum = 0, i = 0; i < METRICS_BUCKETS; i++) {
			cum += s->dur[e][i];
			put(b, "%s_bucket{endpoint=\"%s\",le=\"%s\"} %llu\n", n,
			    metrics_endpoint_names[e], metrics_bucket_le[i],
			    (unsigned long long)cum);
		}
		cum += s->dur[e][METRICS_BUCKETS];
		put(b, "%s_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n", n,
		    metrics_endpoint_names[e], (unsigned long long)cum);
		put(b, "%s_sum{endpoint=\"%s\"} %llu.%06llu\n", n,
		    metrics_endpoint_names[e],
		    (unsigned long long)(s->dur_sum_us[e] / 1000000),
		    (unsigned long long)(s->dur_sum_us[e] % 1000000));
		put(b, "%s_count{endpoint=\"%s\"} %llu\n", n,
		    metrics_endpoint_names[e], (unsigned long long)cum);
	}
}

static void
counter(struct buf *b, const char *name, const char *help, uint64_t v)
{
	family(b, name, "counter", help);
	put(b, "%s %llu\n", name, (unsigned long long)v);
}

/* A family with one label over a whole table. */
static void
table(struct buf *b, const char *name, const char *help, const char *label,
    const char *const *names, const uint64_t *v, size_t n)
{
	size_t	 i;

	family(b, name, "counter", help);
	for (i = 0; i < n; i++)
		put(b, "%s{%s=\"%s\"} %llu\n", name, label, names[i],
		    (unsigned long long)v[i]);
}

static void
keys(struct buf *b, const struct metrics_info *in)
{
	char	 kid[LABEL_BYTES], alg[32], state[32];
	size_t	 i;

	family(b, "jwtmint_signing_key_info", "gauge", "The signing keys the "
	    "scraped worker holds (1 each): state active (signs) or verify.");
	for (i = 0; i < in->nkeys && i < METRICS_TEXT_MAX_KEYS; i++) {
		if (metrics_text_label(kid, sizeof(kid), in->keys[i].kid) ==
		    -1 || metrics_text_label(alg, sizeof(alg),
		    in->keys[i].alg) == -1 || metrics_text_label(state,
		    sizeof(state), in->keys[i].state) == -1)
			continue;
		put(b, "jwtmint_signing_key_info{kid=\"%s\",alg=\"%s\","
		    "state=\"%s\"} 1\n", kid, alg, state);
	}
}

int
metrics_text(const struct metrics_sums *sums, const struct metrics_info *in,
    char **out, size_t *len)
{
	const struct metrics_slab	*s = &sums->s;
	struct buf			 b;
	char				 ver[LABEL_BYTES];
	int				 g, a;

	*out = NULL;
	*len = 0;
	memset(&b, 0, sizeof(b));
	b.cap = 16384;
	if ((b.p = malloc(b.cap)) == NULL)
		return -1;
	b.p[0] = '\0';

	requests(&b, s);
	durations(&b, s);
	family(&b, "jwtmint_tokens_issued_total", "counter",
	    "Access tokens issued, by grant and signing algorithm.");
	for (g = 0; g < MGR__MAX; g++)
		for (a = 0; a < METRICS_ALGS; a++)
			if (s->tokens[g][a] != 0)
				put(&b, "jwtmint_tokens_issued_total{grant=\"%s\","
				    "alg=\"%s\"} %llu\n", metrics_grant_names[g],
				    metrics_alg_names[a],
				    (unsigned long long)s->tokens[g][a]);
	table(&b, "jwtmint_check_decisions_total", "Decisions of /check "
	    "(the web server's authorizer).", "decision",
	    metrics_decision_names, s->check, MDEC__MAX);
	counter(&b, "jwtmint_rate_limited_total", "Requests refused by a "
	    "rate limit (429).", s->c[METRIC_RATE_LIMITED]);
	counter(&b, "jwtmint_login_failures_total", "Password grants and "
	    "logins refused for a wrong username or password.",
	    s->c[METRIC_LOGIN_FAILURES]);
	counter(&b, "jwtmint_refresh_reuse_detected_total", "Refresh tokens "
	    "presented again after their rotation (the family revoked).",
	    s->c[METRIC_REFRESH_REUSE]);
	counter(&b, "jwtmint_db_errors_total", "Database statements that "
	    "failed (errors, deadlines, lost connections).",
	    s->c[METRIC_DB_ERRORS]);
	counter(&b, "jwtmint_db_reconnects_total", "Database connections "
	    "made again after one was lost.", s->c[METRIC_DB_RECONNECTS]);
	table(&b, "jwtmint_cache_hits_total", "Lookups answered by a "
	    "worker's cache.", "cache", metrics_cache_names, s->cache_hit,
	    MCACHE__MAX);
	table(&b, "jwtmint_cache_misses_total", "Lookups a worker's cache "
	    "sent to the database.", "cache", metrics_cache_names,
	    s->cache_miss, MCACHE__MAX);
	family(&b, "jwtmint_notify_lag_seconds", "gauge", "Delay of the "
	    "latest change notification probe, sent by the housekeeper, "
	    "until a worker read it (the largest of the workers).");
	put(&b, "jwtmint_notify_lag_seconds %llu.%06llu\n",
	    (unsigned long long)(s->notify_lag_us / 1000000),
	    (unsigned long long)(s->notify_lag_us % 1000000));
	counter(&b, "jwtmint_usage_flush_dropped_total", "Usage counts lost "
	    "to a full table before a flush.", in->usage_dropped);
	table(&b, "jwtmint_usage_anomalies_total", "Unusual usage flagged, "
	    "by kind.", "kind", metrics_anomaly_names, s->anomalies,
	    MAN__MAX);
	family(&b, "jwtmint_workers", "gauge", "Worker processes running.");
	put(&b, "jwtmint_workers %d\n", sums->workers);
	keys(&b, in);
	family(&b, "jwtmint_build_info", "gauge", "The version running (1).");
	if (metrics_text_label(ver, sizeof(ver), in->version) == 0)
		put(&b, "jwtmint_build_info{version=\"%s\"} 1\n", ver);

	if (b.err) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
