/*
 * metrics: the shared slabs and the calls that count (metrics.h).
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "secret.h"

const char *const metrics_endpoint_names[MEP__MAX] = {
	"token", "jwks", "metadata", "healthz", "readyz", "revoke",
	"introspect", "check", "admin", "platform", "metrics", "authorize",
	"login", "logout", "portal", "other",
};

/* Route paths of route.c (both tables), and their endpoints. */
static const struct {
	const char		*path;
	enum metrics_endpoint	 ep;
} paths[] = {
	{ "/token", MEP_TOKEN },
	{ "/.well-known/jwks.json", MEP_JWKS },
	{ "/.well-known/oauth-authorization-server", MEP_METADATA },
	{ "/healthz", MEP_HEALTHZ },
	{ "/readyz", MEP_READYZ },
	{ "/revoke", MEP_REVOKE },
	{ "/introspect", MEP_INTROSPECT },
	{ "/check", MEP_CHECK },
	{ "/admin/", MEP_ADMIN },
	{ "/platform/", MEP_PLATFORM },
	{ "/metrics", MEP_METRICS },
	{ "/authorize", MEP_AUTHORIZE },
	{ "/login", MEP_LOGIN },
	{ "/login.css", MEP_LOGIN },
	{ "/logout", MEP_LOGOUT },
	{ "/portal/", MEP_PORTAL },
};

const int metrics_status_codes[METRICS_STATUSES] = {
	200, 201, 202, 204, 301, 302, 303, 304, 307,
	400, 401, 403, 404, 405, 406, 409, 410, 412, 413, 415, 422, 428, 429,
	431, 500, 502, 503, 504,
};

const uint32_t metrics_bucket_us[METRICS_BUCKETS] = {
	250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000,
};

const char *const metrics_bucket_le[METRICS_BUCKETS] = {
	"0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
	"0.05", "0.1", "0.25", "0.5", "1",
};

const char *const metrics_grant_names[MGR__MAX] = {
	"client_credentials", "password", "refresh_token", "token_exchange",
	"authorization_code", "other",
};

const char *const metrics_alg_names[METRICS_ALGS] = {
	"ES256", "RS256", "HS256", "other",
};

const char *const metrics_decision_names[MDEC__MAX] = { "allow", "deny" };

const char *const metrics_cache_names[MCACHE__MAX] = {
	"api_keys", "users", "revoked_jtis", "tokens",
};

const char *const metrics_anomaly_names[MAN__MAX] = {
	"volume", "refusals", "network", "other",
};

/* RFC 8693's grant_type, as /token receives it. */
#define TOKEN_EXCHANGE_URN	"urn:ietf:params:oauth:grant-type:token-exchange"
#define NOTIFY_FRESH_MS	120000	/* a probe older than this is not shown */

struct metrics_map {
	int			 workers;
	uint64_t		 nonce;		/* this host's probes */
	struct metrics_slab	 slabs[METRICS_SLABS];
};

static struct metrics_map	*map;
static struct metrics_slab	*mine;

#define ADD(p, n)	__atomic_fetch_add((p), (n), __ATOMIC_RELAXED)
#define GET(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define SET(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

int
metrics_map(void)
{
	void	*p;

	if (map != NULL)
		return 0;
	p = mmap(NULL, sizeof(*map), PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	map = p;
	mine = &map->slabs[0];
	if (secret_random(&map->nonce, sizeof(map->nonce)) == -1 ||
	    map->nonce == 0)
		map->nonce = (uint64_t)(uintptr_t)p ^ 0x9e3779b97f4a7c15ull;
	return 0;
}

void
metrics_slot(int slot)
{
	if (map == NULL)
		return;
	mine = slot >= 0 && slot < METRICS_SLABS ? &map->slabs[slot] : NULL;
}

int
metrics_enabled(void)
{
	return mine != NULL;
}

enum metrics_endpoint
metrics_endpoint_of(const char *route_path)
{
	size_t	 i;

	if (route_path == NULL)
		return MEP_OTHER;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strcmp(paths[i].path, route_path) == 0)
			return paths[i].ep;
	return MEP_OTHER;
}

int
metrics_status_index(int status)
{
	int	 i;

	for (i = 0; i < METRICS_STATUSES; i++)
		if (metrics_status_codes[i] == status)
			return i;
	return METRICS_STATUSES;
}

int
metrics_bucket_of(uint64_t usec)
{
	int	 i;

	for (i = 0; i < METRICS_BUCKETS; i++)
		if (usec <= metrics_bucket_us[i])
			break;
	return i;
}

void
metrics_request(enum metrics_endpoint ep, int status, uint64_t usec)
{
	int	 si;

	if (mine == NULL)
		return;
	if ((unsigned)ep >= MEP__MAX)
		ep = MEP_OTHER;
	si = metrics_status_index(status);
	ADD(&mine->req[ep][si], 1);
	ADD(&mine->dur[ep][metrics_bucket_of(usec)], 1);
	ADD(&mine->dur_sum_us[ep], usec);
}

void
metrics_token_issued(const char *grant, int alg)
{
	int	 g;

	if (mine == NULL)
		return;
	for (g = 0; g < MGR_OTHER; g++)
		if (grant != NULL && strcmp(grant, metrics_grant_names[g]) == 0)
			break;
	if (grant != NULL && strcmp(grant, TOKEN_EXCHANGE_URN) == 0)
		g = MGR_TOKEN_EXCHANGE;
	if (alg < 0 || alg >= METRICS_ALGS - 1)
		alg = METRICS_ALGS - 1;
	ADD(&mine->tokens[g][alg], 1);
}

void
metrics_check(int allowed)
{
	if (mine != NULL)
		ADD(&mine->check[allowed ? MDEC_ALLOW : MDEC_DENY], 1);
}

void
metrics_cache(enum metrics_cache c, int hit)
{
	if (mine == NULL || (unsigned)c >= MCACHE__MAX)
		return;
	if (hit)
		ADD(&mine->cache_hit[c], 1);
	else
		ADD(&mine->cache_miss[c], 1);
}

void
metrics_inc(enum metrics_counter c)
{
	if (mine != NULL && (unsigned)c < METRIC__MAX)
		ADD(&mine->c[c], 1);
}

void
metrics_anomaly(const char *kind)
{
	int	 k;

	if (mine == NULL)
		return;
	for (k = 0; k < MAN_OTHER; k++)
		if (kind != NULL && strcmp(kind, metrics_anomaly_names[k]) == 0)
			break;
	ADD(&mine->anomalies[k], 1);
}

void
metrics_notify_seen(uint64_t sent_ms, uint64_t now_ms)
{
	if (mine == NULL)
		return;
	SET(&mine->notify_lag_us, now_ms > sent_ms ?
	    (now_ms - sent_ms) * 1000 : 0);
	SET(&mine->notify_seen_ms, now_ms);
}

int
metrics_probe_payload(char *buf, size_t bufsz, uint64_t now_ms)
{
	int	 n;

	if (map == NULL)
		return -1;
	n = snprintf(buf, bufsz, "%llu:%016llx", (unsigned long long)now_ms,
	    (unsigned long long)map->nonce);
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

int
metrics_probe_seen(const char *payload, uint64_t now_ms)
{
	unsigned long long	 ms, nonce;
	char			*end;

	if (map == NULL || payload == NULL || *payload < '0' || *payload > '9')
		return 0;
	errno = 0;
	ms = strtoull(payload, &end, 10);
	if (errno != 0 || *end != ':' || strlen(end + 1) != 16 ||
	    strspn(end + 1, "0123456789abcdef") != 16)
		return 0;
	nonce = strtoull(end + 1, &end, 16);
	if (errno != 0 || *end != '\0' || nonce != map->nonce)
		return 0;
	metrics_notify_seen(ms, now_ms);
	return 1;
}

void
metrics_set_workers(int n)
{
	if (map != NULL)
		SET(&map->workers, n);
}

/* Add n counters of src to dst. */
static void
add(uint64_t *dst, const uint64_t *src, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		dst[i] += GET(&src[i]);
}

void
metrics_sum(struct metrics_sums *out, const struct metrics_slab *slabs,
    size_t n, uint64_t now_ms)
{
	const struct metrics_slab	*s;
	uint64_t			 seen, lag;
	size_t				 i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		s = &slabs[i];
		add(&out->s.req[0][0], &s->req[0][0],
		    sizeof(s->req) / sizeof(uint64_t));
		add(&out->s.dur[0][0], &s->dur[0][0],
		    sizeof(s->dur) / sizeof(uint64_t));
		add(out->s.dur_sum_us, s->dur_sum_us, MEP__MAX);
		add(&out->s.tokens[0][0], &s->tokens[0][0],
		    sizeof(s->tokens) / sizeof(uint64_t));
		add(out->s.check, s->check, MDEC__MAX);
		add(out->s.cache_hit, s->cache_hit, MCACHE__MAX);
		add(out->s.cache_miss, s->cache_miss, MCACHE__MAX);
		add(out->s.anomalies, s->anomalies, MAN__MAX);
		add(out->s.c, s->c, METRIC__MAX);
		seen = GET(&s->notify_seen_ms);
		lag = GET(&s->notify_lag_us);
		if (seen != 0 && seen + NOTIFY_FRESH_MS >= now_ms &&
		    lag > out->s.notify_lag_us)
			out->s.notify_lag_us = lag;
	}
}

int
metrics_collect(struct metrics_sums *out, uint64_t now_ms)
{
	if (map == NULL) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	metrics_sum(out, map->slabs, METRICS_SLABS, now_ms);
	out->workers = GET(&map->workers);
	return 0;
}
