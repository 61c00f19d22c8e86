/*
 * GET /healthz (alive): 200 when the database answers within the deadline,
 * else 503.
 * GET /readyz (ready for traffic, for load balancers and rolling
 * upgrades): 200 when the database answers, every migration this binary
 * carries is applied (a newer schema is fine: migrations are written so
 * that one version's binaries run on the next one's schema), and a signing
 * key of the configured algorithm is loaded; else 503 naming the first
 * that is not so.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "handlers.h"
#include "http.h"
#include "keyring.h"
#include "migrations.h"
#include "store.h"

#define OK_BODY		"{\"status\":\"ok\"}"
#define DOWN_BODY	"{\"status\":\"unavailable\"}"

void
h_health(struct app *a, struct req *r, struct resp *p)
{
	int	 up;

	(void)r;
	up = store_ping(a->db) == 1;
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	if (up)
		http_resp_text(p, 200, OK_BODY, sizeof(OK_BODY) - 1);
	else {
		http_resp_header(p, "Retry-After", "1");
		http_resp_text(p, 503, DOWN_BODY, sizeof(DOWN_BODY) - 1);
	}
}

#define MAX_MIGRATIONS	64

void
h_ready(struct app *a, struct req *r, struct resp *p)
{
	const char	*names[MAX_MIGRATIONS], *why = NULL;
	char		 body[96];
	size_t		 n = 0;
	int		 applied;

	(void)r;
	while (n < MAX_MIGRATIONS && migrations[n].name != NULL) {
		names[n] = migrations[n].name;
		n++;
	}
	if (store_ping(a->db) != 1)
		why = "database";
	else if ((applied = store_migrations_applied(a->db, names, n)) < 0)
		why = "database";
	else if ((size_t)applied != n)
		why = "migrations";
	else if (keyring_signer(&a->keyring, a->alg) == NULL)
		why = "signing key";
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	if (why == NULL) {
		http_resp_text(p, 200, "{\"status\":\"ready\"}", 18);
		return;
	}
	snprintf(body, sizeof(body), "{\"status\":\"not ready\","
	    "\"reason\":\"%s\"}", why);
	http_resp_header(p, "Retry-After", "1");
	http_resp_text(p, 503, body, strlen(body));
}
