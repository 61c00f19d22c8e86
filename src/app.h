/*
 * app: what one worker process keeps between requests — configuration, the
 * database connection, the parsed signing keys, the documents built once at
 * start — and the life of one request through the route table.
 */
#ifndef JWTMINT_APP_H
#define JWTMINT_APP_H

#include <stddef.h>
#include <time.h>

#include "accesslog.h"
#include "apikey.h"
#include "clientauth.h"
#include "grant.h"
#include "issue.h"
#include "appcache.h"
#include "keycache.h"
#include "revcache.h"
#include "tokcache.h"
#include "keyring.h"
#include "jwtverify.h"
#include "password.h"
#include "ratelimit.h"
#include "reqid.h"
#include "tokencheck.h"

#define APP_MAX_AUDIENCES	16
#define APP_MAX_AUDIENCE_BYTES	256
/* "{issuer}/admin": the admin API's own audience (adminapi.h). */
#define APP_ADMIN_AUD_BYTES	1040

struct config;
struct db;
struct http_io;

struct app {
	const struct config	*cfg;
	struct db		*db;
	struct keyring		 keyring;
	struct keycache		 keycache;
	struct appcache		 appcache;	/* apps' state, CORS origins */
	struct revcache		 revcache;
	struct tokcache		 tokcache;
	struct ratelimit	*ratelimit;	/* shared by the host's workers */
	unsigned		 notified;	/* DB_NOTIFY_* read while idle */
	/* Shared rate limits: one sync's counts (rate_sync in app.c). */
	uint32_t		 rl_minute;
	uint64_t		 rl_hashes[RATELIMIT_SLOTS];
	uint32_t		 rl_counts[RATELIMIT_SLOTS];
	int			 alg;		/* enum jws_alg of new tokens */
	char			*metadata;	/* RFC 8414 document */
	size_t			 metadatalen;
	char			 aud[APP_MAX_AUDIENCES][APP_MAX_AUDIENCE_BYTES];
	size_t			 naud;
	const char		*audv[APP_MAX_AUDIENCES + 1];	/* NULL-ended */
	char			 admin_aud[APP_ADMIN_AUD_BYTES];
	const char		*admin_audv[2];			/* NULL-ended */
	/* every audience jwtmint issues: the configured ones and admin_aud */
	const char		*all_audv[APP_MAX_AUDIENCES + 2];
	unsigned		 verify_algs;	/* 1 << enum jws_alg */
	struct password_params	 pw;
	char			 dummy_phc[PASSWORD_HASH_BYTES];	/* same cost */
	/*
	 * The narrow contexts the lower layers get (each names only what its
	 * module reads), built once by app_new from the fields above.
	 */
	struct clientauth_ctx	 authn;
	struct tokencheck_ctx	 check;
	/* Bearer tokens at /admin/: only the admin audience is accepted. */
	struct tokencheck_ctx	 admin_check;
	/* RFC 7009 revocation: a token of any audience jwtmint issues. */
	struct tokencheck_ctx	 any_check;
	struct issue_ctx	 issuing;
	struct grant_ctx	 grants;
	unsigned char		 successor_key[32];
	struct reqid_gen	 reqid;		/* ids the web server did not give */
	int			 log_json;	/* log_format = json */
	/*
	 * The last response's access line, logged once it went out: raw
	 * copies, bounded (each a little longer than accesslog escapes it
	 * to, so a cut value still ends in "..."), escaped by accesslog.
	 */
	struct {
		int		 pending;
		struct timespec	 when;
		long long	 usec;
		int		 status;
		int		 authorizer;
		const char	*endpoint;	/* the route table's, or NULL */
		const char	*decision;	/* /check only, static */
		char		 request_id[REQID_BUF_BYTES];
		char		 method[16];
		char		 path[ACCESSLOG_PATH_BYTES + 64];
		char		 client_id[32];
		char		 org_id[64];
		char		 sub[JWTVERIFY_ID_BYTES];
		char		 grant[128];
		char		 client[ACCESSLOG_FIELD_BYTES + 32];
	}			 done;
};

/* A worker's state; exits are for start-up only, so NULL means "stop". */
struct app	*app_new(const struct config *);
void		 app_free(struct app *);

/*
 * Serve one request read from io and write its response. Never fails. Its
 * log line waits for app_after, so that it never delays the response.
 */
void		 app_handle(struct app *, const struct http_io *io);

/*
 * Work after a response went out: log its line, flush last_used_at when due
 * (force: now).
 */
void		 app_after(struct app *, int force);

/*
 * Idle (no request for a second): read the notifications waiting, so that
 * row changes apply and the probe's delay is measured now, not at the
 * next request; the rest waits for app_refresh.
 */
void		 app_idle(struct app *);

/* Reload the keyring when the database notified a change (or not loaded). */
void		 app_refresh(struct app *);


#endif
