/*
 * app: a worker's state and the life of one request:
 * read the request, refresh what the database said changed, route, answer,
 * log one line. Nothing a client sends ends the worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "accesslog.h"
#include "app.h"
#include "bstr.h"
#include "config.h"
#include "db.h"
#include "gatein.h"
#include "granttype.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "oauth_err.h"
#include "ratelimit.h"
#include "reqid.h"
#include "route.h"
#include "scope.h"
#include "secret.h"
#include "store.h"
#include "usage.h"

/* Split the audiences setting into the table. Returns 0 or -1. */
static int
parse_audiences(struct app *a)
{
	const char	*p = a->cfg->audiences;
	size_t		 n;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if ((n = strcspn(p, " ")) == 0)
			break;
		if (a->naud == APP_MAX_AUDIENCES || n >= APP_MAX_AUDIENCE_BYTES)
			return -1;
		memcpy(a->aud[a->naud], p, n);
		a->aud[a->naud][n] = '\0';
		a->audv[a->naud] = a->aud[a->naud];
		a->naud++;
		p += n;
	}
	if (a->naud == 0)
		return -1;
	/* The admin API's audience: tokens for it are good nowhere else, and
	 * no other token is good there (adminapi.h). */
	n = strlen(a->cfg->issuer);
	while (n > 0 && a->cfg->issuer[n - 1] == '/')
		n--;
	if (n + sizeof("/admin") > sizeof(a->admin_aud))
		return -1;
	snprintf(a->admin_aud, sizeof(a->admin_aud), "%.*s/admin", (int)n,
	    a->cfg->issuer);
	a->admin_audv[0] = a->admin_aud;
	for (n = 0; n < a->naud; n++)
		a->all_audv[n] = a->aud[n];
	a->all_audv[n] = a->admin_aud;
	return 0;
}

/* RFC 8414 §2 metadata, built once. */
static int
build_metadata(struct app *a)
{
	struct scope_set	 ss;
	json_t			*o, *scopes;
	size_t			 i;

	/*
	 * RFC 8414. "none": a public client (an application's client_id
	 * alone) at /token and /revoke, never at /introspect. The password
	 * grant is listed for the keys granted it (legacy: RFC 9700 §2.4).
	 */
	o = json_pack("{s:s, s:s+, s:s+, s:s+, s:[sssss], s:[sss], s:s+,"
	    " s:[sss], s:s+, s:[ss], s:[s], s:[s], s:b, s:[s]}",
	    "issuer", a->cfg->issuer,
	    "authorization_endpoint", a->cfg->issuer, "/authorize",
	    "token_endpoint", a->cfg->issuer, "/token",
	    "jwks_uri", a->cfg->issuer, "/.well-known/jwks.json",
	    "grant_types_supported", "authorization_code", "client_credentials",
	    "refresh_token", GT_TOKEN_EXCHANGE_URN, "password",
	    "token_endpoint_auth_methods_supported", "client_secret_basic",
	    "client_secret_post", "none",
	    "revocation_endpoint", a->cfg->issuer, "/revoke",
	    "revocation_endpoint_auth_methods_supported", "client_secret_basic",
	    "client_secret_post", "none",
	    "introspection_endpoint", a->cfg->issuer, "/introspect",
	    "introspection_endpoint_auth_methods_supported",
	    "client_secret_basic", "client_secret_post",
	    "response_types_supported", "code",
	    "code_challenge_methods_supported", "S256",
	    "authorization_response_iss_parameter_supported", 1,
	    "response_modes_supported", "query");
	if (o == NULL)
		return -1;
	if (a->cfg->scopes_supported[0] != '\0') {
		if (scope_parse(&ss, a->cfg->scopes_supported,
		    strlen(a->cfg->scopes_supported)) == -1 ||
		    (scopes = json_array()) == NULL) {
			json_decref(o);
			return -1;
		}
		for (i = 0; i < ss.n; i++)
			json_array_append_new(scopes, json_string(ss.tok[i]));
		json_object_set_new(o, "scopes_supported", scopes);
	}
	a->metadata = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (a->metadata == NULL)
		return -1;
	a->metadatalen = strlen(a->metadata);
	return 0;
}

/* Secrets derived once per worker. Returns 0 or -1. */
static int
derive(struct app *a)
{
	const struct config	*c = a->cfg;
	const char		*p = c->verify_algs;
	char			 w[16];
	size_t			 n;
	int			 alg;

	while (*p != '\0') {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0 || n >= sizeof(w))
			break;
		snprintf(w, sizeof(w), "%.*s", (int)n, p);
		if ((alg = jws_alg_parse(w)) >= 0)
			a->verify_algs |= 1u << alg;
		p += n;
	}
	a->pw.m_kib = (uint32_t)c->argon2_m_kib;
	a->pw.t = (uint32_t)c->argon2_t;
	a->pw.p = (uint32_t)c->argon2_p;
	/*
	 * Unknown users are verified against this: a PHC string with the
	 * configured parameters and a hash no password produces. Verifying it
	 * costs one Argon2id run, like a real user's, and making it costs
	 * nothing (no hashing at start-up, not in CGI either).
	 */
	snprintf(a->dummy_phc, sizeof(a->dummy_phc),
	    "$argon2id$v=19$m=%u,t=%u,p=%u$%s$%s", a->pw.m_kib, a->pw.t,
	    a->pw.p, "am13dG1pbnQtZHVtbXktc2FsdA",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	return secret_hmac(a->successor_key, c->pepper, c->pepperlen,
	    "jwtmint refresh successor v1", 28, NULL, 0);
}

/* The narrow contexts of the lower layers, pointing into a. */
static void
contexts(struct app *a)
{
	const struct config	*c = a->cfg;

	a->authn.db = a->db;
	a->authn.keys = &a->keycache;
	a->authn.apps = &a->appcache;
	a->authn.pepper = c->pepper;
	a->authn.pepperlen = c->pepperlen;
	a->authn.pepper_id = c->pepper_id;
	a->authn.peppers = c;
	a->authn.max_body = (size_t)c->max_body_bytes;

	a->check.db = a->db;
	a->check.keyring = &a->keyring;
	a->check.opts.issuer = c->issuer;
	a->check.opts.audiences = a->audv;
	a->check.opts.algs = a->verify_algs;
	a->check.opts.leeway_sec = c->verify_leeway_sec;
	a->check.tokens = &a->tokcache;
	a->check.revs = &a->revcache;
	a->check.keys = &a->keycache;
	a->check.apps = &a->appcache;
	a->check.deny_sec = claims_deny_sec(c->verify_leeway_sec);
	a->admin_check = a->check;
	a->admin_check.opts.audiences = a->admin_audv;
	a->any_check = a->check;
	a->any_check.opts.audiences = a->all_audv;

	a->issuing.issuer = c->issuer;
	a->issuing.ttl_sec = c->access_ttl_sec;
	a->issuing.alg = a->alg;
	a->issuing.keyring = &a->keyring;
	a->issuing.audv = a->audv;
	a->issuing.admin_aud = a->admin_aud;

	a->grants.db = a->db;
	a->grants.issue = &a->issuing;
	a->grants.check = &a->check;
	a->grants.pw = &a->pw;
	a->grants.dummy_phc = a->dummy_phc;
	a->grants.successor_key = a->successor_key;
	a->grants.successor_keylen = sizeof(a->successor_key);
	a->grants.peppers = c;
	a->grants.login_max_failures = c->login_max_failures;
	a->grants.login_max_failures_addr = c->login_max_failures_addr;
	a->grants.login_window_sec = c->login_window_sec;
	a->grants.refresh_idle_sec = c->refresh_idle_sec;
	a->grants.refresh_absolute_sec = c->refresh_absolute_sec;
	a->grants.refresh_grace_sec = c->refresh_grace_sec;
}

struct app *
app_new(const struct config *cfg)
{
	struct app	*a;
	unsigned char	 seed[32];

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->cfg = cfg;
	a->alg = jws_alg_parse(cfg->signing_alg);
	if (a->alg < 0 || parse_audiences(a) == -1 || build_metadata(a) == -1 ||
	    keycache_init(&a->keycache, cfg->key_cache_sec) == -1 ||
	    revcache_init(&a->revcache, cfg->key_cache_sec) == -1 ||
	    tokcache_init(&a->tokcache) == -1 ||
	    (appcache_init(&a->appcache, cfg->key_cache_sec), 0) ||
	    derive(a) == -1 || (a->db = db_new(cfg, 1)) == NULL) {
		log_warnx("start-up: bad signing_alg, audiences, scopes_supported "
		    "or argon2 parameters");
		app_free(a);
		return NULL;
	}
	contexts(a);
	if (secret_random(seed, sizeof(seed)) == -1) {
		log_warnx("start-up: no random bytes for request ids");
		app_free(a);
		return NULL;
	}
	reqid_seed(&a->reqid, seed);
	secret_wipe(seed, sizeof(seed));
	a->log_json = strcmp(cfg->log_format, "json") == 0;
	/* The database may be down now: then the first request retries. */
	app_refresh(a);
	return a;
}

void
app_free(struct app *a)
{
	if (a == NULL)
		return;
	keyring_free(&a->keyring);
	keycache_free(&a->keycache);
	appcache_clear(&a->appcache);
	revcache_free(&a->revcache);
	tokcache_free(&a->tokcache);
	db_free(a->db);
	secret_wipe(a->successor_key, sizeof(a->successor_key));
	free(a->metadata);
	free(a);
}

/* A notification named one row: update only that entry (bounded work). */
static void
changed_row(void *arg, const char *table, const char *org, const char *id)
{
	struct app	*a = arg;

	if (strcmp(table, "revoked_jtis") == 0)
		revcache_jti_add(&a->revcache, org, id);
	else if (strcmp(table, "users") == 0)
		revcache_user_forget(&a->revcache, org, id);
}

void
app_idle(struct app *a)
{
	unsigned	 what = 0;

	db_notified(a->db, &what, changed_row, a);
	a->notified |= what;
}

void
app_refresh(struct app *a)
{
	unsigned	 what = 0;

	db_notified(a->db, &what, changed_row, a);
	what |= a->notified;
	a->notified = 0;
	if (!a->keyring.loaded)
		what |= DB_NOTIFY_SIGNING;
	if (what & (DB_NOTIFY_KEYS | DB_NOTIFY_ORGS))
		keycache_clear(&a->keycache);
	if (what & (DB_NOTIFY_APPS | DB_NOTIFY_ORGS))
		appcache_clear(&a->appcache);
	if (what & DB_NOTIFY_JTIS)
		revcache_jtis_stale(&a->revcache);
	if (what & DB_NOTIFY_USERS)
		revcache_users_clear(&a->revcache);
	if (what & DB_NOTIFY_SIGNING)
		tokcache_clear(&a->tokcache);
	if ((what & DB_NOTIFY_SIGNING) &&
	    keyring_load(&a->keyring, a->db, a->cfg) == 0 &&
	    keyring_signer(&a->keyring, a->alg) == NULL)
		log_warnx("no active %s signing key: /token answers 503 until "
		    "one is created", a->cfg->signing_alg);
}

static void
set_others(void *arg, uint64_t hash, uint32_t count)
{
	struct app	*a = arg;

	ratelimit_set_others(a->ratelimit, hash, a->rl_minute, count);
}

/*
 * Shared rate limits: when this worker wins the host's next sync, publish
 * the host's counts of this minute and learn the other hosts'. After a
 * response went out; one batched round trip per rate_limit_sync_ms per
 * host, whatever the traffic.
 */
static void
rate_sync(struct app *a)
{
	struct timespec	 ts;
	char		 host[17];
	uint64_t	 now_ms, rnd;
	size_t		 n;

	if (!a->cfg->rate_limit_shared || a->ratelimit == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (!ratelimit_sync_due(a->ratelimit, now_ms,
	    (uint32_t)a->cfg->rate_limit_sync_ms))
		return;
	if (secret_random(&rnd, sizeof(rnd)) == -1)
		rnd = (uint64_t)getpid() << 32 ^ now_ms;
	snprintf(host, sizeof(host), "%016llx",
	    (unsigned long long)ratelimit_host(a->ratelimit, rnd));
	a->rl_minute = (uint32_t)(time(NULL) / 60);
	n = ratelimit_collect(a->ratelimit, a->rl_minute, a->rl_hashes,
	    a->rl_counts, RATELIMIT_SLOTS);
	if (store_rate_sync(a->db, host, a->rl_minute, a->rl_hashes,
	    a->rl_counts, n, set_others, a) == -1)
		log_warnx("rate limits: counts not shared this time");
}

static long long
elapsed_usec(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0->tv_sec) * 1000000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* The access line of the last response (accesslog.h), text or JSON. */
static void
log_done(struct app *a)
{
	struct accesslog_rec	 rec;
	char			 line[ACCESSLOG_LINE_BYTES];
	int			 n;

	memset(&rec, 0, sizeof(rec));
	rec.when = a->done.when;
	rec.usec = a->done.usec;
	rec.status = a->done.status;
	rec.authorizer = a->done.authorizer;
	rec.request_id = a->done.request_id;
	rec.method = a->done.method;
	rec.path = a->done.path;
	rec.endpoint = a->done.endpoint;
	rec.key_id = a->done.client_id;
	rec.org = a->done.org_id;
	rec.sub = a->done.sub;
	rec.grant = a->done.grant;
	rec.decision = a->done.decision;
	rec.client = a->done.client;
	n = a->log_json ? accesslog_json(line, sizeof(line), &rec) :
	    accesslog_text(line, sizeof(line), &rec);
	if (n < 0)
		log_warnx("request %s: access line too long (status %d)",
		    a->done.request_id, a->done.status);
	else
		log_access(line, (size_t)n);
}

void
app_after(struct app *a, int force)
{
	rate_sync(a);
	if (a->done.pending) {
		a->done.pending = 0;
		log_done(a);
	}
	keycache_flush_touched(&a->keycache, a->db,
	    a->cfg->last_used_flush_sec, force);
	keycache_flush_rehash(&a->keycache, a->db);
}

/*
 * The routes whose requests count for the key they name (usage.h), by the
 * route table's path. /authorize counts when it comes (ISSUE 13).
 */
static const struct {
	const char		*path;
	enum usage_endpoint	 ep;
} counted[] = {
	{ "/token", USAGE_EP_TOKEN_OTHER },	/* by grant: app_handle() */
	{ "/check", USAGE_EP_CHECK },
	{ "/introspect", USAGE_EP_INTROSPECT },
	{ "/revoke", USAGE_EP_REVOKE },
	{ "/admin/", USAGE_EP_ADMIN },
	{ "/authorize", USAGE_EP_AUTHORIZE },
};

static enum usage_endpoint
usage_endpoint_of(const struct route *rt, int platform)
{
	size_t	 i;

	if (platform)
		return USAGE_EP_NONE;
	for (i = 0; i < sizeof(counted) / sizeof(counted[0]); i++)
		if (strcmp(rt->path, counted[i].path) == 0)
			return counted[i].ep;
	return USAGE_EP_NONE;
}

/*
 * The usage outcome of an answer (usage.h): allowed below 400, else the
 * reason of its error (oauth_err sets p->error). The one mapping.
 */
static enum usage_outcome
usage_outcome_of(const struct resp *p)
{
	if (p->status < 400)
		return USAGE_ALLOWED;
	switch (p->error - 1) {
	case OERR_INVALID_CLIENT:
	case OERR_INVALID_CLIENT_BASIC:
	case OERR_GATE_INVALID_CLIENT:
	case OERR_INVALID_GRANT:	/* a bad password or refresh token */
	case OERR_INVALID_TOKEN:	/* a bad user token (/check, /admin) */
		return USAGE_INVALID_CREDENTIAL;
	case OERR_INVALID_SCOPE:
	case OERR_INVALID_TARGET:
	case OERR_UNAUTHORIZED_CLIENT:	/* a grant the key may not use */
	case OERR_FORBIDDEN:		/* insufficient_scope */
		return USAGE_SCOPE;
	case OERR_RATE_LIMITED:
		return USAGE_RATE_LIMIT;
	case OERR_SLOW_DOWN:		/* a user locked after failed logins */
	case OERR_ACCESS_DENIED:	/* a customer account or organization
					   the user may not touch */
		return USAGE_ACCOUNT;
	default:
		return USAGE_OTHER;
	}
}

/* The gate's answer to a request http_req_init() refused. */
static void
gate_refuse(struct resp *p, const struct req *r)
{
	switch (gatein_refusal((r->bad & HTTP_BAD_OTHER) != 0,
	    (r->bad & HTTP_BAD_API_KEY) != 0,
	    (r->bad & HTTP_BAD_AUTHORIZATION) != 0)) {
	case GATEIN_REFUSE_TOKEN:
		oauth_err_gate(p, OERR_INVALID_TOKEN, "the token is too large");
		break;
	case GATEIN_REFUSE_KEY:
		oauth_err_gate(p, OERR_GATE_INVALID_CLIENT, NULL);
		break;
	case GATEIN_REFUSE_REQUEST:
		oauth_err_gate(p, OERR_ACCESS_DENIED, "a header is too long or "
		    "repeated");
		break;
	}
}

void
app_handle(struct app *a, const struct http_io *io)
{
	struct timespec		 t0;
	struct req		 r;
	struct resp		 p;
	const struct route	*rt = NULL;
	const char		*endpoint = NULL;
	enum usage_endpoint	 ep = USAGE_EP_NONE;
	int			 st, gate;

	if (a->done.pending) {		/* never left unlogged */
		a->done.pending = 0;
		log_done(a);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	http_resp_init(&p);
	st = http_req_init(&r, io);
	gate = r.authorizer || strcmp(r.path, "/check") == 0;
	(void)reqid_pick(&a->reqid, r.request_id_param, r.request_id_count,
	    a->done.request_id);
	if (st != 0 && gate)
		/* The gate refuses (401, 403): a web server turns a 400 into
		 * a 500. */
		gate_refuse(&p, &r);
	else if (st != 0)
		oauth_err(&p, OERR_INVALID_REQUEST, "a header is too long or "
		    "repeated, or the path is unusable");
	else if ((rt = route_find(r.authorizer ? "/check" : r.path, r.platform)) == NULL)
		oauth_err(&p, OERR_NOT_FOUND, NULL);
	else if ((rt->methods & r.method) == 0) {
		oauth_err(&p, OERR_METHOD_NOT_ALLOWED, NULL);
		http_resp_header(&p, "Allow", rt->allow);
	} else {
		endpoint = rt->path;
		app_refresh(a);
		rt->fn(a, &r, &p);
		if (r.usage_key[0] != '\0')
			ep = usage_endpoint_of(rt, r.platform);
		if (ep == USAGE_EP_TOKEN_OTHER)
			ep = usage_token_endpoint(r.grant);
		db_abandon(a->db);
		p.nobody = r.method == HTTP_HEAD;
	}
	/* The client may quote it to the operator; the gate's answers go to
	 * the web server, which has the id already. */
	if (!gate)
		http_resp_header(&p, "X-Request-Id", a->done.request_id);
	if (p.broken) {
		/* A header or body did not fit: an error, never a partial
		 * success (a /check 200 without its identity headers). */
		log_warnx("%s: the response could not be built whole: 500",
		    r.authorizer ? "/check" : "request");
		http_resp_reset(&p);
		oauth_err(&p, OERR_SERVER_ERROR, NULL);
		if (!gate)
			http_resp_header(&p, "X-Request-Id",
			    a->done.request_id);
		p.nobody = r.method == HTTP_HEAD;
	}
	/* One count in shared memory for the key the request named: no
	 * lock, no system call (usage.h); nothing in CGI mode, nothing
	 * with usage = 0. */
	if (ep != USAGE_EP_NONE && a->cfg->usage)
		usage_note(r.usage_key, r.usage_org, ep, usage_outcome_of(&p),
		    r.remote_addr);
	if (http_resp_send(&p, io) == -1)
		log_warnx("response not sent: the client went away");

	a->done.pending = 1;
	a->done.usec = elapsed_usec(&t0); /* handled and written, before the flush */
	clock_gettime(CLOCK_REALTIME, &a->done.when);
	metrics_request(rt != NULL ? metrics_endpoint_of(rt->path) : MEP_OTHER,
	    p.status, (uint64_t)(a->done.usec > 0 ? a->done.usec : 0));
	a->done.status = p.status;
	a->done.authorizer = r.authorizer;
	a->done.endpoint = endpoint;
	a->done.decision = gate ? accesslog_decision(p.status) : NULL;
	bstr_trunc(a->done.method, sizeof(a->done.method), r.method_str);
	bstr_trunc(a->done.path, sizeof(a->done.path), r.path);
	bstr_trunc(a->done.client_id, sizeof(a->done.client_id), r.client_id);
	bstr_trunc(a->done.org_id, sizeof(a->done.org_id), r.org_id);
	bstr_trunc(a->done.sub, sizeof(a->done.sub), r.sub);
	bstr_trunc(a->done.grant, sizeof(a->done.grant), r.grant);
	bstr_trunc(a->done.client, sizeof(a->done.client), r.remote_addr);
	http_resp_free(&p);
	http_req_free(&r);
}
