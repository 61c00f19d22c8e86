/*
 * GET /metrics: the host's counters in the Prometheus text format 0.0.4,
 * on the platform listener only (route.c: the public table has no such
 * path), with the platform credential as Authorization: Bearer, as every
 * platform request (h_platform.c); Prometheus presents it from its
 * credentials_file. The counters are every process's of this supervisor
 * (metrics.h); the signing keys are those of the worker that answers
 * (each worker reloads them on the same NOTIFY). 404 when metrics = 0 or
 * outside a supervisor (single-process FastCGI, CGI: nothing is counted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "handlers.h"
#include "http.h"
#include "jws.h"
#include "keyring.h"
#include "metrics.h"
#include "metrics_text.h"
#include "oauth_err.h"
#include "platform.h"

/*
 * TODO(lead, CONTRACTS "usage"): return usage_dropped() of src/usage.h
 * (the host's usage_flush_dropped_total, read through the usage shm
 * header) once the usage branch is merged.
 */
static uint64_t
usage_dropped_count(void)
{
	return 0;
}

void
h_metrics(struct app *a, struct req *r, struct resp *p)
{
	struct metrics_key_info	 keys[METRICS_TEXT_MAX_KEYS];
	struct metrics_sums	*sums;
	struct metrics_info	 in;
	struct timespec		 ts;
	char			*text;
	size_t			 i, len;

	if (!a->cfg->metrics || !metrics_enabled()) {
		oauth_err(p, OERR_NOT_FOUND, NULL);
		return;
	}
	if (!platform_auth(a->cfg, r)) {
		oauth_err(p, OERR_INVALID_TOKEN, "the platform credential is "
		    "required");
		return;
	}
	/* 5.7 KiB a slab: the sums are not for the stack. */
	if ((sums = malloc(sizeof(*sums))) == NULL) {
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	metrics_collect(sums, (uint64_t)ts.tv_sec * 1000 +
	    (uint64_t)ts.tv_nsec / 1000000);
	memset(&in, 0, sizeof(in));
	in.version = JWTMINT_VERSION;
	for (i = 0; i < a->keyring.n && i < METRICS_TEXT_MAX_KEYS; i++) {
		keys[i].kid = a->keyring.keys[i].kid;
		keys[i].alg = jws_alg_name(a->keyring.keys[i].alg);
		keys[i].state = a->keyring.signs[i] ? "active" : "verify";
	}
	in.keys = keys;
	in.nkeys = i;
	in.usage_dropped = usage_dropped_count();
	if (metrics_text(sums, &in, &text, &len) == -1) {
		free(sums);
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		return;
	}
	free(sums);
	http_resp_header(p, "Content-Type", "text/plain; version=0.0.4; "
	    "charset=utf-8");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_body(p, 200, text, len);
}
