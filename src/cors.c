/*
 * cors: see cors.h.
 */
#include <string.h>

#include "app.h"
#include "appcache.h"
#include "cors.h"
#include "http.h"
#include "oauth_err.h"

#define PREFLIGHT_MAX_AGE	"600"
#define PREFLIGHT_REFUSED	"{\"error\":\"access_denied\",\"error_description\":"\
	"\"cross-origin request refused\"}"

static int
is_preflight(const struct req *r)
{
	return r->method == HTTP_OTHER && strcmp(r->method_str, "OPTIONS") == 0;
}

/* 1 when the request's Origin may call, else 0 (a database failure too:
 * the browser is then refused, never let through). */
static int
allowed(struct app *a, struct req *r, const char **origin)
{
	*origin = http_req_header(r, "HTTP_ORIGIN");
	if (*origin == NULL || strcmp(*origin, "null") == 0)
		return 0;
	return appcache_origin_ok(&a->appcache, a->db, *origin) == 1;
}

static void
preflight(struct app *a, struct req *r, struct resp *p)
{
	const char	*origin, *m;

	m = http_req_header(r, "HTTP_ACCESS_CONTROL_REQUEST_METHOD");
	if (!allowed(a, r, &origin) || m == NULL || strcmp(m, "POST") != 0) {
		/* No Access-Control header: the browser refuses the call. */
		http_resp_header(p, "Content-Type", "application/json");
		http_resp_header(p, "Vary", "Origin");
		http_resp_header(p, "Cache-Control", "no-store");
		http_resp_text(p, 403, PREFLIGHT_REFUSED,
		    sizeof(PREFLIGHT_REFUSED) - 1);
		return;
	}
	http_resp_header(p, "Access-Control-Allow-Origin", origin);
	http_resp_header(p, "Access-Control-Allow-Methods", "POST");
	http_resp_header(p, "Access-Control-Allow-Headers", "Content-Type");
	http_resp_header(p, "Access-Control-Max-Age", PREFLIGHT_MAX_AGE);
	http_resp_header(p, "Vary", "Origin");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_text(p, 204, "", 0);
}

static void
headers(struct app *a, struct req *r, struct resp *p)
{
	const char	*origin;

	if (allowed(a, r, &origin))
		http_resp_header(p, "Access-Control-Allow-Origin", origin);
	http_resp_header(p, "Vary", "Origin");
}

void
cors_post(struct app *a, struct req *r, struct resp *p,
    void (*fn)(struct app *, struct req *, struct resp *))
{
	if (is_preflight(r)) {
		preflight(a, r, p);
		return;
	}
	if (r->method != HTTP_POST) {
		oauth_err(p, OERR_METHOD_NOT_ALLOWED, NULL);
		http_resp_header(p, "Allow", "POST, OPTIONS");
		return;
	}
	fn(a, r, p);
	headers(a, r, p);
}
