/*
 * metrics: the host's Prometheus counters, in memory shared by every
 * process of one supervisor (MAP_SHARED anonymous, mapped by the supervisor
 * before it forks, like the rate-limit table).
 *
 * Invariants:
 * - Every label value comes from a fixed table of this module (endpoints
 *   of the route table, status codes, grants, algorithms, decisions,
 *   caches, anomaly kinds): a name not in its table counts under "other",
 *   so nothing a client sends can make a new series.
 * - Each process adds to its own slab (the slot the supervisor gave it:
 *   worker i slab i, the housekeeper the last one), with relaxed atomic
 *   adds: no two workers write one cache line in steady state, and a
 *   slab shared for a moment (a reload's new worker beside the old one of
 *   its slot) still counts right. A worker that dies and is restarted
 *   goes on adding to the same slab: the host's counters never go back.
 *   They start at zero when the supervisor starts (or is upgraded by
 *   SIGUSR2: a new image maps new memory), which Prometheus reads as a
 *   counter reset.
 * - A scrape sums the slabs (metrics_collect) with relaxed loads: each
 *   value is exact, the whole a snapshot of a moment within the scrape.
 * - Without a map or a slab (metrics = 0, single-process FastCGI, CGI,
 *   the admin CLI) every call is a no-op that costs one branch.
 * Pure: no FastCGI, no libpq.
 */
#ifndef JWTMINT_METRICS_H
#define JWTMINT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#ifndef JWTMINT_VERSION
#define JWTMINT_VERSION	"0.14.0"
#endif

/* Slabs: 256 workers (the supervisor's MAX_WORKERS), the housekeeper. */
#define METRICS_SLABS		258
#define METRICS_SLOT_HK		(METRICS_SLABS - 1)

/* Endpoints: one per route of route.c (and "other": no route, refused
 * before routing). */
enum metrics_endpoint {
	MEP_TOKEN, MEP_JWKS, MEP_METADATA, MEP_HEALTHZ, MEP_READYZ,
	MEP_REVOKE, MEP_INTROSPECT, MEP_CHECK, MEP_ADMIN, MEP_PLATFORM,
	MEP_METRICS, MEP_AUTHORIZE, MEP_LOGIN, MEP_LOGOUT, MEP_PORTAL,
	MEP_OTHER, MEP__MAX
};

/* Status codes jwtmint answers; any other counts as "other". */
#define METRICS_STATUSES	28

/* Duration buckets, upper bounds in microseconds (0.25 ms .. 1 s). */
#define METRICS_BUCKETS		12

enum metrics_grant {
	MGR_CLIENT_CREDENTIALS, MGR_PASSWORD, MGR_REFRESH_TOKEN,
	MGR_TOKEN_EXCHANGE, MGR_AUTHORIZATION_CODE, MGR_OTHER, MGR__MAX
};

/* The algorithms of enum jws_alg, in its order, and "other". */
#define METRICS_ALGS		4

enum metrics_decision { MDEC_ALLOW, MDEC_DENY, MDEC__MAX };

/* A worker's caches: API keys (keycache), users' state and the revoked
 * token ids (revcache), verified tokens (tokcache). */
enum metrics_cache { MCACHE_KEY, MCACHE_USER, MCACHE_JTI, MCACHE_TOKEN,
	MCACHE__MAX };

enum metrics_anomaly { MAN_VOLUME, MAN_REFUSALS, MAN_NETWORK,
	MAN_OTHER, MAN__MAX };

/* Plain counters: metrics_inc(). */
enum metrics_counter {
	METRIC_RATE_LIMITED,
	METRIC_LOGIN_FAILURES,
	METRIC_REFRESH_REUSE,
	METRIC_DB_ERRORS,
	METRIC_DB_RECONNECTS,
	METRIC__MAX
};

/* One process's counts: a multiple of 64 bytes (its own cache lines). */
struct metrics_slab {
	uint64_t	 req[MEP__MAX][METRICS_STATUSES + 1];	/* last: other */
	uint64_t	 dur[MEP__MAX][METRICS_BUCKETS + 1];	/* last: > 1 s */
	uint64_t	 dur_sum_us[MEP__MAX];
	uint64_t	 tokens[MGR__MAX][METRICS_ALGS];
	uint64_t	 check[MDEC__MAX];
	uint64_t	 cache_hit[MCACHE__MAX];
	uint64_t	 cache_miss[MCACHE__MAX];
	uint64_t	 anomalies[MAN__MAX];
	uint64_t	 c[METRIC__MAX];
	uint64_t	 notify_lag_us;		/* gauge: the last probe's */
	uint64_t	 notify_seen_ms;	/* when (CLOCK_REALTIME) */
} __attribute__((aligned(64)));

/* The sum of every slab, and the gauges of the host. */
struct metrics_sums {
	struct metrics_slab	 s;	/* notify_lag_us: the largest recent */
	int			 workers;
};

/* Label names of the tables, indexed by their enums. */
extern const char *const	 metrics_endpoint_names[MEP__MAX];
extern const int		 metrics_status_codes[METRICS_STATUSES];
extern const uint32_t		 metrics_bucket_us[METRICS_BUCKETS];
extern const char *const	 metrics_bucket_le[METRICS_BUCKETS];
extern const char *const	 metrics_grant_names[MGR__MAX];
extern const char *const	 metrics_alg_names[METRICS_ALGS];
extern const char *const	 metrics_decision_names[MDEC__MAX];
extern const char *const	 metrics_cache_names[MCACHE__MAX];
extern const char *const	 metrics_anomaly_names[MAN__MAX];

/*
 * Map the shared slabs (the supervisor, once, before it forks). Returns
 * 0 or -1 (logged by the caller; counting is then off).
 */
int	 metrics_map(void);
/* Which slab this process adds to (after fork, in the child); -1: none,
 * this process counts nothing (metrics = 0). */
void	 metrics_slot(int slot);
/* 1 when this process counts (a map and a slab: metrics on, not CGI). */
int	 metrics_enabled(void);

/* The endpoint of a route path of route.c ("/token"), MEP_OTHER else. */
enum metrics_endpoint	 metrics_endpoint_of(const char *route_path);
/* The index of a status in metrics_status_codes, or METRICS_STATUSES
 * ("other"). */
int	 metrics_status_index(int status);
/* The bucket of a duration: 0 .. METRICS_BUCKETS (over 1 s). */
int	 metrics_bucket_of(uint64_t usec);

/* One request answered: its endpoint, status and duration. */
void	 metrics_request(enum metrics_endpoint, int status, uint64_t usec);
/* A token issued by a grant ("client_credentials", ...; the grant_type
 * names) with an algorithm (enum jws_alg). */
void	 metrics_token_issued(const char *grant, int alg);
void	 metrics_check(int allowed);
void	 metrics_cache(enum metrics_cache, int hit);
void	 metrics_inc(enum metrics_counter);
/* An unusual-usage flag of kind ("volume", "refusals", "network"): what
 * usage_anomaly_noted(kind) of the anomaly helper calls once wired. */
void	 metrics_anomaly(const char *kind);
/* A notification probe sent at sent_ms (CLOCK_REALTIME ms) was read now. */
void	 metrics_notify_seen(uint64_t sent_ms, uint64_t now_ms);
/*
 * The probe's payload, "MS:NONCE" (the housekeeper's, after "probe:"):
 * the text to send, into buf; 0, or -1 without a map.
 */
int	 metrics_probe_payload(char *buf, size_t bufsz, uint64_t now_ms);
/* A probe's payload read at now_ms: counted when it is this host's (its
 * nonce: the other hosts' clocks are not ours). Returns 1 if counted. */
int	 metrics_probe_seen(const char *payload, uint64_t now_ms);
/* The supervisor: how many workers run. */
void	 metrics_set_workers(int);

/*
 * Sum every slab of the map into out (zeroed first); the notify lag is
 * the largest of the probes read within the last two minutes of now_ms.
 * Returns 0, or -1 without a map.
 */
int	 metrics_collect(struct metrics_sums *out, uint64_t now_ms);
/* The same over slabs given (for the unit test and the above). */
void	 metrics_sum(struct metrics_sums *out, const struct metrics_slab *,
	    size_t n, uint64_t now_ms);

#endif
