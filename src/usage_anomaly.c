/*
 * usage_anomaly: see usage_anomaly.h. The judging is SQL
 * (STMT_ANOMALY_DETECT): the rows it reads are the database's, so one
 * statement over them is exact and idempotent; this file runs it under
 * the lock, logs what it flagged, and delivers the webhook's outbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "hookpost.h"
#include "log.h"
#include "logesc.h"
#include "metrics.h"
#include "secret.h"
#include "store.h"
#include "usage_anomaly.h"

#define LEASE_SEC	300	/* a claimed row waits this long if we die */

void
usage_anomaly_noted(const char *kind)
{
	/* jwtmint_usage_anomalies_total{kind}, in the housekeeper's slab. */
	metrics_anomaly(kind);
}

static int
bool_row(void *arg, const char *const *c, int n)
{
	if (n != 1 || c[0] == NULL)
		return -1;
	*(int *)arg = c[0][0] == 't';
	return 0;
}

/* One flag written: log and count it. */
static int
flag_row(void *arg, const char *const *c, int n)
{
	char	 key[96], detail[600];
	int	 i;

	if (n != 7)
		return -1;
	for (i = 0; i < n; i++)
		if (c[i] == NULL)
			return -1;
	logesc(key, sizeof(key), c[1], strlen(c[1]));
	logesc(detail, sizeof(detail), c[6], strlen(c[6]));
	log_warnx("usage anomaly: %s: key %s of org %s, hour %s: %s "
	    "(audit: usage.anomaly)", c[2], key, c[0], c[3], detail);
	usage_anomaly_noted(c[2]);
	(*(int *)arg)++;
	return 0;
}

int
usage_anomaly_detect(struct db *db, const struct config *cfg,
    const struct usage_anomaly_hook *h, const char *actor)
{
	char		 vf[16], mb[16], rf[16], mr[16];
	const char	*params[6];
	int		 locked = 0, flags = 0;

	snprintf(vf, sizeof(vf), "%d", cfg->anomaly_volume_factor);
	snprintf(mb, sizeof(mb), "%d", cfg->anomaly_min_baseline);
	snprintf(rf, sizeof(rf), "%d", cfg->anomaly_refusal_factor);
	snprintf(mr, sizeof(mr), "%d", cfg->anomaly_min_refusals);
	params[0] = vf;
	params[1] = mb;
	params[2] = rf;
	params[3] = mr;
	params[4] = actor;
	params[5] = h->on ? "true" : "false";
	if (store_begin(db) == -1)
		return -1;
	if (store_rows(db, STMT_ANOMALY_LOCK, NULL, bool_row, &locked) != 1)
		goto fail;
	if (!locked) {
		store_rollback(db);
		return 0;	/* another host's housekeeper is at it */
	}
	if (store_rows(db, STMT_ANOMALY_DETECT, params, flag_row, &flags) == -1)
		goto fail;
	if (store_commit(db) == -1)
		return -1;
	return flags;
fail:
	store_rollback(db);
	return -1;
}

int
usage_anomaly_hook_load(const struct config *cfg, struct usage_anomaly_hook *h)
{
	char	 buf[WEBHOOK_SECRET_MAX + 1];
	int	 n;

	memset(h, 0, sizeof(*h));
	if (cfg->anomaly_webhook_url[0] == '\0')
		return 0;
	if (webhook_url_parse(cfg->anomaly_webhook_url,
	    strlen(cfg->anomaly_webhook_url), &h->url) == -1) {
		log_warnx("anomaly webhook: anomaly_webhook_url is invalid; "
		    "webhook off");
		return -1;
	}
	if ((n = secret_read_file(cfg->anomaly_webhook_secret_file, buf,
	    sizeof(buf))) < 16) {
		secret_wipe(buf, sizeof(buf));
		log_warnx("anomaly webhook: anomaly_webhook_secret_file: "
		    "unreadable, or shorter than 16 bytes; webhook off");
		return -1;
	}
	memcpy(h->secret, buf, (size_t)n);
	h->secretlen = (size_t)n;
	secret_wipe(buf, sizeof(buf));
	h->on = 1;
	return 0;
}

void
usage_anomaly_hook_free(struct usage_anomaly_hook *h)
{
	secret_wipe(h, sizeof(*h));
}

/* The rows claimed for this run. */
#define CLAIM_MAX	10
struct claimed {
	struct {
		long long	 id;
		int		 attempts;
		char		*body;
	}		 r[CLAIM_MAX];
	size_t		 n;
};

static int
claim_row(void *arg, const char *const *c, int n)
{
	struct claimed	*cl = arg;

	if (n != 3 || c[0] == NULL || c[1] == NULL || c[2] == NULL)
		return -1;
	if (cl->n == CLAIM_MAX)
		return 0;
	if ((cl->r[cl->n].body = strdup(c[1])) == NULL)
		return -1;
	cl->r[cl->n].id = strtoll(c[0], NULL, 10);
	cl->r[cl->n].attempts = atoi(c[2]);
	cl->n++;
	return 0;
}

static int
num_row(void *arg, const char *const *c, int n)
{
	if (n != 1)
		return -1;
	*(long long *)arg = c[0] != NULL ? strtoll(c[0], NULL, 10) : -1;
	return 0;
}

static int
state_row(void *arg, const char *const *c, int n)
{
	if (n != 1 || c[0] == NULL)
		return -1;
	snprintf(arg, 16, "%s", c[0]);
	return 0;
}

/* One delivery of row i; its outcome written back. 0 or -1 (database). */
static int
deliver_one(struct db *db, const struct config *cfg,
    const struct usage_anomaly_hook *h, const struct claimed *cl, size_t i)
{
	char		 sig[WEBHOOK_SIG_HEADER_BYTES], why[HOOKPOST_WHY_BYTES];
	char		 id[24], wait[16], max[16], err[HOOKPOST_WHY_BYTES + 32];
	char		 state[16];
	const char	*params[4];
	int		 st;

	snprintf(id, sizeof(id), "%lld", cl->r[i].id);
	params[0] = id;
	if (webhook_sign(h->secret, h->secretlen, (long long)time(NULL),
	    cl->r[i].body, strlen(cl->r[i].body), sig) == -1) {
		st = -1;
		snprintf(why, sizeof(why), "cannot sign");
	} else
		st = hookpost_send(&h->url, cfg->anomaly_webhook_allow_http,
		    sig, cl->r[i].body, strlen(cl->r[i].body),
		    cfg->anomaly_webhook_timeout_ms, why);
	if (st >= 200 && st <= 299) {
		log_info("anomaly webhook: outbox row %s delivered (%d, "
		    "attempt %d)", id, st, cl->r[i].attempts);
		return store_write(db, STMT_HOOK_DONE, params) < 0 ? -1 : 0;
	}
	if (st != -1)	/* 3xx included: a redirect is never followed */
		snprintf(err, sizeof(err), "answered %d", st);
	else
		snprintf(err, sizeof(err), "%s", why);
	snprintf(wait, sizeof(wait), "%d", webhook_backoff_sec(
	    cl->r[i].attempts, cfg->anomaly_webhook_backoff_sec,
	    cfg->anomaly_webhook_backoff_max_sec));
	snprintf(max, sizeof(max), "%d", cfg->anomaly_webhook_max_attempts);
	params[1] = err;
	params[2] = wait;
	params[3] = max;
	state[0] = '\0';
	if (store_rows(db, STMT_HOOK_RETRY, params, state_row, state) == -1)
		return -1;
	log_warnx("anomaly webhook: outbox row %s: attempt %d failed: %s; %s",
	    id, cl->r[i].attempts, err, strcmp(state, "failed") == 0 ?
	    "given up (failed)" : "retried later");
	return 0;
}

int
usage_anomaly_deliver(struct db *db, const struct config *cfg,
    const struct usage_anomaly_hook *h, int max_ms)
{
	struct claimed	 cl;
	const char	*params[1];
	char		 lease[16];
	long long	 wait = -1;
	size_t		 i;
	int		 rc = -1;

	memset(&cl, 0, sizeof(cl));
	if (store_write(db, STMT_HOOK_PURGE, NULL) < 0)
		return -1;
	if (!h->on)
		return max_ms;
	snprintf(lease, sizeof(lease), "%d", LEASE_SEC);
	params[0] = lease;
	if (store_rows(db, STMT_HOOK_CLAIM, params, claim_row, &cl) == -1)
		goto out;
	for (i = 0; i < cl.n; i++)
		if (deliver_one(db, cfg, h, &cl, i) == -1)
			goto out;
	if (cl.n == CLAIM_MAX) {
		rc = 0;		/* more due: at once */
		goto out;
	}
	if (store_rows(db, STMT_HOOK_NEXT, NULL, num_row, &wait) != 1)
		goto out;
	rc = wait < 0 || wait > max_ms ? max_ms : (int)wait;
out:
	for (i = 0; i < cl.n; i++)
		free(cl.r[i].body);
	return rc;
}
