/*
 * GET /healthz: 200 when the database answers within the deadline, else 503.
 */
#include "app.h"
#include "handlers.h"
#include "http.h"
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
