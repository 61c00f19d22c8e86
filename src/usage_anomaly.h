/*
 * usage_anomaly: unusual usage of API keys, judged by the housekeeper
 * (one host at a time) from the usage rollups, and the webhook that tells
 * the platform operator (sql/014_anomalies.sql, STMT_ANOMALY_DETECT for
 * the rules). A flag is one usage_anomalies row per key, kind and hour, its
 * audit row usage.anomaly, its outbox row when a webhook is configured (all
 * in one statement), a log line and usage_anomaly_noted(kind).
 */
#ifndef JWTMINT_USAGE_ANOMALY_H
#define JWTMINT_USAGE_ANOMALY_H

#include <stddef.h>

#include "webhook.h"

struct config;
struct db;

/* The webhook as the housekeeper holds it (secret wiped by _hook_free). */
struct usage_anomaly_hook {
	int			 on;
	struct webhook_url	 url;
	unsigned char		 secret[WEBHOOK_SECRET_MAX];
	size_t			 secretlen;
};

/*
 * A flag of kind ("volume", "refusals", "network") was written: counts
 * jwtmint_usage_anomalies_total{kind} (metrics.h; no label but the kind,
 * never a key id).
 */
void	usage_anomaly_noted(const char *kind);

/*
 * Judge the usage of every key once, unless another host's housekeeper is
 * at it (an advisory lock). actor: the audit rows' ("system"). Returns the
 * flags written (0: none, or another host judged), or -1.
 */
int	usage_anomaly_detect(struct db *, const struct config *,
	    const struct usage_anomaly_hook *, const char *actor);

/*
 * Load the webhook of the configuration into h (h->on 0 when none is
 * configured). Returns 0, or -1 when the secret file cannot be read (the
 * webhook stays off; logged).
 */
int	usage_anomaly_hook_load(const struct config *,
	    struct usage_anomaly_hook *h);
void	usage_anomaly_hook_free(struct usage_anomaly_hook *h);

/*
 * Deliver the outbox rows that are due (at most 10 a run), after purging
 * those delivered or failed over 30 days ago. Returns the
 * milliseconds until the next row is due (at most max_ms), or -1.
 */
int	usage_anomaly_deliver(struct db *, const struct config *,
	    const struct usage_anomaly_hook *, int max_ms);

#endif
