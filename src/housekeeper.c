/*
 * housekeeper: the task table and its loop (see housekeeper.h).
 *
 * Times of the schedule are the database's (STMT_SIGNING_SCHEDULE), so
 * every host's housekeeper judges by one clock; the loop waits on the
 * monotonic clock. Signals are blocked except inside the wait (ppoll), so a
 * stop request either ends the wait or is seen right after the task in hand.
 */
#include <sys/prctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claims.h"
#include "config.h"
#include "db.h"
#include "housekeeper.h"
#include "log.h"
#include "metrics.h"
#include "ops_audit.h"
#include "ops_signing.h"
#include "rotation.h"
#include "secretcheck.h"
#include "store.h"
#include "store_login.h"
#include "store_idem.h"

#define BACKOFF_MAX_SEC	60
#define MIN_WAIT_MS	50	/* between two runs of a task */
#define MAX_STEPS	8	/* schedule steps in one run (one transaction) */
#define ACTOR		"system"

struct hk {
	const struct config	*cfg;
	struct db		*db;
	struct ops_ctx		 ops;	/* platform operations, actor "system" */
};

struct hk_task {
	const char	*name;
	int		 max_sec;	/* the longest wait between two runs */
	/* One run: milliseconds until the next (<= max_ms), or -1. */
	int		(*run)(struct hk *, int max_ms);
};

static int	task_signing(struct hk *, int);
static int	task_purge(struct hk *, int);
static int	task_grace(struct hk *, int);
static int	task_idem_purge(struct hk *, int);
static int	task_audit_heads(struct hk *, int);
static int	task_login_purge(struct hk *, int);
static int	task_notify_probe(struct hk *, int);

/*
 * The tasks, one row each. Another periodic task (usage flushes) is one
 * more row.
 */
static const struct hk_task tasks[] = {
	{ "signing keys", 60, task_signing },
	{ "deny-list purge", 600, task_purge },
	{ "grace ends", 60, task_grace },
	{ "idempotency purge", 600, task_idem_purge },
	{ "audit heads", 300, task_audit_heads },
	{ "login purge", 600, task_login_purge },
	{ "notify probe", 10, task_notify_probe },
};
#define NTASKS	(sizeof(tasks) / sizeof(tasks[0]))

static volatile sig_atomic_t	 stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One row of one column: 't' or a number. */
static int
bool_row(void *arg, const char *const *c, int n)
{
	if (n != 1 || c[0] == NULL)
		return -1;
	*(int *)arg = c[0][0] == 't';
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

/* ------------------------------------------------------ signing keys */

/* The keys' times and now in milliseconds (STMT_SIGNING_SCHEDULE). */
struct schedule {
	struct rotation_key	 keys[ROTATION_MAX_KEYS];
	char			 kids[ROTATION_MAX_KEYS][JWS_KID_BYTES];
	size_t			 n;
	long long		 now;	/* the database's */
};

static int
schedule_row(void *arg, const char *const *c, int n)
{
	struct schedule		*s = arg;
	struct rotation_key	*k;
	int			 alg;

	if (n != 6 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL || c[4] == NULL || c[5] == NULL)
		return -1;
	s->now = strtoll(c[5], NULL, 10);
	if (s->n == ROTATION_MAX_KEYS || (alg = jws_alg_parse(c[1])) < 0 ||
	    !ops_signing_kid_valid(c[0]))
		return 0;	/* judged without it */
	k = &s->keys[s->n];
	k->alg = (enum jws_alg)alg;
	k->created_at = strtoll(c[2], NULL, 10);
	k->activated_at = strtoll(c[3], NULL, 10);
	k->retired_at = strtoll(c[4], NULL, 10);
	snprintf(s->kids[s->n], JWS_KID_BYTES, "%s", c[0]);
	s->n++;
	return 0;
}

/* Do one step. Returns 0 or -1. */
static int
apply(struct hk *h, const struct schedule *s, const struct rotation_step *st,
    int retain_sec)
{
	struct ops_signing_create	 cr = { st->alg, 1, h->cfg->kek };
	struct ops_signing_created	 created;
	struct ops_signing_promote	 pr;
	struct ops_signing_rotated	 rotated;
	struct ops_signing_remove	 rm;
	const char			*field, *alg = jws_alg_name(st->alg);

	switch (st->action) {
	case ROTATION_CREATE_NEXT:
		if (ops_signing_create(&h->ops, &cr, &created, &field) != OPS_OK)
			break;
		log_info("housekeeper: signing key %s (%s) created: published "
		    "now, it signs from its rotation on", created.kid, alg);
		return 0;
	case ROTATION_PROMOTE:
		pr.alg = st->alg;
		pr.kid = s->kids[st->key];
		pr.active = st->retire >= 0 ? s->kids[st->retire] : "";
		if (ops_signing_promote(&h->ops, &pr, &rotated, &field) != OPS_OK)
			break;
		log_info("housekeeper: signing key %s (%s) signs now; %s%s",
		    rotated.kid, alg, pr.active[0] ? pr.active : "no key",
		    pr.active[0] ? " retired, verifying until its tokens have "
		    "expired" : " was active");
		return 0;
	case ROTATION_REMOVE:
		rm.kid = s->kids[st->key];
		rm.retain_sec = retain_sec;
		if (ops_signing_remove(&h->ops, &rm, NULL, &field) != OPS_OK)
			break;
		log_info("housekeeper: signing key %s (%s) removed from the "
		    "JWKS: its last token has expired", rm.kid, alg);
		return 0;
	case ROTATION_NONE:
		return 0;
	}
	log_warnx("housekeeper: a %s step of signing keys failed; nothing of "
	    "this run is kept", alg);
	return -1;
}

static int
task_signing(struct hk *h, int max_ms)
{
	const struct config	*c = h->cfg;
	struct rotation_policy	 p;
	struct rotation_step	 st;
	struct schedule		*s;
	char			 msg[SECRETCHECK_MSG_BYTES];
	int			 locked, steps, rc = -1, cap = max_ms;
	long long		 wait;

	p.rotate_sec = config_rotate_sec(c) * 1000;
	p.lead_sec = ((long long)c->jwks_max_age_sec + c->verify_leeway_sec) *
	    1000;
	p.retain_sec = (long long)claims_deny_sec(c->verify_leeway_sec) *
	    1000;
	/* A short period (tests, impatient operators): look more often. */
	if (p.rotate_sec > 0 && p.rotate_sec / 4 < cap)
		cap = (int)(p.rotate_sec / 4);

	/* A host whose KEK is not the database's (kek rotate since it
	 * started) must not seal new keys: nobody else could open them. */
	switch (secretcheck_verify(h->db, c, msg, sizeof(msg))) {
	case -1:
		return -1;
	case 0:
		log_warnx("housekeeper: %s: signing keys left alone", msg);
		return max_ms;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	if (store_begin(h->db) == -1)
		goto out;
	locked = 0;
	if (store_rows(h->db, STMT_SIGNING_LOCK, NULL, bool_row, &locked) != 1)
		goto fail;
	if (!locked) {
		store_rollback(h->db);
		rc = 1000;	/* another host's housekeeper is at it */
		goto out;
	}
	for (steps = 0; steps < MAX_STEPS; steps++) {
		s->n = 0;
		s->now = 0;
		if (store_rows(h->db, STMT_SIGNING_SCHEDULE, NULL, schedule_row,
		    s) == -1 || rotation_next(s->keys, s->n, &p, s->now,
		    &st) == -1)
			goto fail;
		if (st.action == ROTATION_NONE)
			break;
		if (apply(h, s, &st, (int)(p.retain_sec / 1000)) == -1)
			goto fail;
	}
	if (store_commit(h->db) == -1)
		goto out;
	rc = cap;
	if (steps == MAX_STEPS)
		rc = 0;		/* more to do: at once */
	else if (st.next_at != 0 && (wait = st.next_at - s->now) < rc)
		rc = (int)wait;
	goto out;
fail:
	store_rollback(h->db);
out:
	free(s);
	return rc;
}

/* -------------------------------------------------- deny-list purge */

static int
task_purge(struct hk *h, int max_ms)
{
	int	 n;

	/* Rows of tokens expired over an hour ago can never matter again. */
	if ((n = store_write(h->db, STMT_REVOKED_PURGE, NULL)) < 0)
		return -1;
	if (n > 0)
		log_info("housekeeper: %d expired deny-list rows purged", n);
	/* Authorization codes live 60 s; their rows an hour more. */
	if ((n = store_write(h->db, STMT_AUTHCODE_PURGE, NULL)) < 0)
		return -1;
	if (n > 0)
		log_info("housekeeper: %d expired authorization codes purged", n);
	return max_ms;
}

/* ------------------------------------------------ idempotency purge */

static int
task_idem_purge(struct hk *h, int max_ms)
{
	int	 n;

	/* Stored answers (some hold a new key, sealed) live 24 hours. */
	if ((n = store_idem_purge(h->db)) < 0)
		return -1;
	if (n > 0)
		log_info("housekeeper: %d idempotency answers purged", n);
	return max_ms;
}

static int
task_login_purge(struct hk *h, int max_ms)
{
	int	 n;

	/* Login-page tokens (minutes) and sessions past their life. */
	if ((n = store_login_purge(h->db)) < 0)
		return -1;
	if (n > 0)
		log_info("housekeeper: %d expired login tokens and sessions "
		    "purged", n);
	return max_ms;
}

/* ------------------------------------------------------ audit heads */

/* Every organization's audit head to the log (ops_audit.h). */
static int
task_audit_heads(struct hk *h, int max_ms)
{
	return ops_audit_log_heads(&h->ops) == OPS_OK ? max_ms : -1;
}

/* ----------------------------------------------------- notify probe */

/*
 * A NOTIFY carrying its time, so that the workers of this host measure
 * how late changes reach them (jwtmint_notify_lag_seconds, metrics.h).
 * Without metrics (no map) nothing is sent.
 */
static int
task_notify_probe(struct hk *h, int max_ms)
{
	struct timespec	 ts;
	char		 payload[64];
	const char	*params[1] = { payload };

	clock_gettime(CLOCK_REALTIME, &ts);
	if (!h->cfg->metrics || metrics_probe_payload(payload, sizeof(payload),
	    (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) == -1)
		return max_ms;
	return store_rows(h->db, STMT_NOTIFY_PROBE, params, NULL, NULL) < 0 ?
	    -1 : max_ms;
}

/* ------------------------------------------------------- grace ends */

static int
task_grace(struct hk *h, int max_ms)
{
	const char	*params[1] = { ACTOR };
	long long	 wait;
	int		 n;

	if ((n = store_rows(h->db, STMT_GRACE_END, params, NULL, NULL)) < 0)
		return -1;
	if (n > 0)
		log_info("housekeeper: the grace of %d rolled keys ended "
		    "(audit: key.grace_end)", n);
	if (n >= 500)
		return 0;	/* more to mark: at once */
	/* Wake when the next grace ends (-1: none open), within max_ms. */
	wait = -1;
	if (store_rows(h->db, STMT_GRACE_NEXT, NULL, num_row, &wait) != 1)
		return -1;
	if (wait < 0 || wait > max_ms)
		return max_ms;
	return (int)wait;
}

/* ------------------------------------------------------------- loop */

int
housekeeper_run(const struct config *cfg)
{
	struct sigaction	 sa;
	sigset_t		 block, waitmask;
	struct timespec		 ts;
	struct hk		 h;
	long long		 due[NTASKS], now, next;
	int			 fails[NTASKS], r, backoff;
	size_t			 i;

	prctl(PR_SET_NAME, HOUSEKEEPER_COMM, 0, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	memset(&h, 0, sizeof(h));
	h.cfg = cfg;
	if ((h.db = db_new(cfg, 0)) == NULL) {
		log_warnx("housekeeper: out of memory");
		return 1;
	}
	h.ops.db = h.db;
	h.ops.org = OPS_PLATFORM_ORG;
	h.ops.actor = ACTOR;
	h.ops.source = "";
	now = now_ms();
	for (i = 0; i < NTASKS; i++) {
		due[i] = now;
		fails[i] = 0;
	}
	log_info("housekeeper: started (signing keys rotate %s)",
	    config_rotate_sec(cfg) > 0 ? "on schedule" : "by hand only");

	while (!stopping) {
		for (i = 0; i < NTASKS && !stopping; i++) {
			if (due[i] > now_ms())
				continue;
			r = tasks[i].run(&h, tasks[i].max_sec * 1000);
			if (r < 0) {
				backoff = fails[i] < 6 ? 1 << fails[i] :
				    BACKOFF_MAX_SEC;
				if (backoff > BACKOFF_MAX_SEC)
					backoff = BACKOFF_MAX_SEC;
				fails[i]++;
				log_warnx("housekeeper: %s: failed (%d in a row); "
				    "again in %d s", tasks[i].name, fails[i],
				    backoff);
				r = backoff * 1000;
			} else {
				if (fails[i] > 0)
					log_info("housekeeper: %s: working again",
					    tasks[i].name);
				fails[i] = 0;
				/* At least a moment between two runs. */
				if (r < MIN_WAIT_MS)
					r = MIN_WAIT_MS;
				if (r > tasks[i].max_sec * 1000)
					r = tasks[i].max_sec * 1000;
			}
			due[i] = now_ms() + r;
		}
		next = due[0];
		for (i = 1; i < NTASKS; i++)
			if (due[i] < next)
				next = due[i];
		if ((now = now_ms()) >= next)
			continue;
		ts.tv_sec = (time_t)((next - now) / 1000);
		ts.tv_nsec = (long)((next - now) % 1000) * 1000000;
		if (ppoll(NULL, 0, &ts, &waitmask) == -1 && errno != EINTR)
			log_warn("housekeeper: ppoll");
	}
	log_info("housekeeper: stopped");
	db_free(h.db);
	return 0;
}
