/*
 * test_http: a response is whole or it is not sent. A header that does not
 * fit marks the response broken (nothing of it kept), a broken response goes
 * out as a bare 500, and the largest answer jwtmint builds (/check's to a
 * FastCGI authorizer: scopes and accounts twice) fits. A request's headers
 * over their bound or repeated are refused, and r->bad names which (the
 * gate answers each its own way, gatein_refusal).
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "scope.h"
#include "t.h"

#define ACCOUNTS_MAX_BYTES	2048	/* store_user.h: STORE_ACCOUNTS_BYTES */

struct sink {
	char	 buf[80000];
	size_t	 len;
};

static int
sink_write(void *ctx, const char *b, size_t n)
{
	struct sink	*s = ctx;

	if (n > sizeof(s->buf) - s->len)
		return -1;
	memcpy(s->buf + s->len, b, n);
	s->len += n;
	return 0;
}

static const char *
no_param(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

static int
no_count(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
	return 0;
}

static char	*filled(size_t, int);

/* A request: NULL-terminated name, value, count triples. */
struct fake_req {
	const char	*name[4];
	const char	*value[4];
	int		 count[4];
};

static const char *
req_param(void *ctx, const char *name)
{
	const struct fake_req	*f = ctx;
	size_t			 i;

	for (i = 0; i < 4 && f->name[i] != NULL; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

static int
req_count(void *ctx, const char *name)
{
	const struct fake_req	*f = ctx;
	size_t			 i;

	for (i = 0; i < 4 && f->name[i] != NULL; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->count[i];
	return 0;
}

/* http_req_init on one header: returns the status, *bad the reasons. */
static int
init_one(const char *name, const char *value, int count, unsigned *bad)
{
	struct fake_req	 f = { { "REQUEST_METHOD", "PATH_INFO", name, NULL },
	    { "GET", "/check", value, NULL }, { 1, 1, count, 0 } };
	struct http_io	 io = { req_param, req_count, NULL, NULL, &f, 0 };
	struct req	 r;
	int		 st;

	st = http_req_init(&r, &io);
	*bad = r.bad;
	http_req_free(&r);
	return st;
}

static void
test_req_bad(void)
{
	char		*at = filled(HTTP_MAX_HEADER_BYTES, 'a');
	char		*over = filled(HTTP_MAX_HEADER_BYTES + 1, 'a');
	char		*bearer = filled(HTTP_MAX_HEADER_BYTES + 1, 'a');
	unsigned	 bad;
	int		 st;

	memcpy(bearer, "Bearer ", 7);
	st = init_one("HTTP_AUTHORIZATION", at, 1, &bad);
	T_CHECK(st == 0 && bad == 0, "Authorization at the bound: read");
	st = init_one("HTTP_AUTHORIZATION", bearer, 1, &bad);
	T_CHECK(st == 400 && bad == HTTP_BAD_AUTHORIZATION,
	    "a Bearer token over the bound: HTTP_BAD_AUTHORIZATION (%u)", bad);
	st = init_one("HTTP_AUTHORIZATION", over, 1, &bad);
	T_CHECK(st == 400 && bad == HTTP_BAD_AUTHORIZATION,
	    "Authorization over the bound, any scheme: HTTP_BAD_AUTHORIZATION");
	st = init_one("HTTP_AUTHORIZATION", "Bearer a", 2, &bad);
	T_CHECK(st == 400 && bad == HTTP_BAD_OTHER,
	    "a repeated Authorization: HTTP_BAD_OTHER, not a token's refusal");
	st = init_one("HTTP_X_API_KEY", over, 1, &bad);
	T_CHECK(st == 400 && bad == HTTP_BAD_API_KEY,
	    "X-API-Key over the bound: HTTP_BAD_API_KEY");
	st = init_one("HTTP_X_API_KEY", "jmk_live_x", 2, &bad);
	T_CHECK(st == 400 && bad == HTTP_BAD_API_KEY,
	    "a repeated X-API-Key: HTTP_BAD_API_KEY");
	st = init_one("JWTMINT_SCOPE", over, 1, &bad);
	T_CHECK(st == 400 && bad == HTTP_BAD_OTHER,
	    "JWTMINT_SCOPE over the bound: HTTP_BAD_OTHER");
	st = init_one("HTTP_X_OTHER", over, 1, &bad);
	T_CHECK(st == 0 && bad == 0, "a header jwtmint does not read: ignored");
	free(at);
	free(over);
	free(bearer);
}

static struct resp	 p;	/* large: not on the stack */
static struct sink	 out;

static void
send_it(void)
{
	struct http_io	 io = { no_param, no_count, NULL, sink_write, &out, 0 };

	out.len = 0;
	T_CHECK(http_resp_send(&p, &io) == 0, "send");
	out.buf[out.len] = '\0';
}

static char *
filled(size_t n, int c)
{
	char	*s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

int
main(void)
{
	char	*scopes = filled(SCOPE_MAX_STRING_BYTES - 1, 's');
	char	*accounts = filled(ACCOUNTS_MAX_BYTES - 1, 'a');
	char	*huge = filled(HTTP_MAX_RESP_HEADERS, 'h');
	size_t	 before;
	int	 i, n;

	/* Control: a small answer goes out as built. */
	http_resp_init(&p);
	T_CHECK(http_resp_header(&p, "Content-Type", "application/json") == 0,
	    "a header that fits: 0");
	T_CHECK(http_resp_text(&p, 200, "{}", 2) == 0 && !p.broken,
	    "small answer: not broken");
	send_it();
	T_CHECK(strncmp(out.buf, "Status: 200 OK\r\n", 16) == 0, "200 sent");
	T_CHECK(strstr(out.buf, "Content-Type: application/json\r\n") != NULL,
	    "its header sent");
	T_CHECK(out.len >= 2 && memcmp(out.buf + out.len - 2, "{}", 2) == 0,
	    "its body sent");
	http_resp_free(&p);

	/* The largest /check answer: every header of an authorizer's allow. */
	http_resp_init(&p);
	n = 0;
	for (i = 0; i < 2; i++) {
		n |= http_resp_header(&p, i ? "Variable-JWTMINT_SUBJECT" :
		    "X-Jwtmint-Subject", "usr_aaaaaaaaaaaaaaaa");
		n |= http_resp_header(&p, i ? "Variable-JWTMINT_CLIENT" :
		    "X-Jwtmint-Client", "aaaaaaaaaaaaaaaa");
		n |= http_resp_header(&p, i ? "Variable-JWTMINT_ORG" :
		    "X-Jwtmint-Org", "org_aaaaaaaaaaaaaaaa");
		n |= http_resp_header(&p, i ? "Variable-JWTMINT_SCOPES" :
		    "X-Jwtmint-Scope", scopes);
		n |= http_resp_header(&p, i ? "Variable-JWTMINT_ACCOUNTS" :
		    "X-Jwtmint-Accounts", accounts);
	}
	n |= http_resp_header(&p, "Cache-Control", "no-store");
	n |= http_resp_header(&p, "Content-Type", "application/json");
	T_CHECK(n == 0 && !p.broken, "the largest /check answer fits");
	http_resp_text(&p, 200, "{\"status\":\"allowed\"}", 20);
	send_it();
	T_CHECK(strstr(out.buf, "Variable-JWTMINT_ACCOUNTS: a") != NULL &&
	    strstr(out.buf, "\r\n\r\n{\"status\":\"allowed\"}") != NULL,
	    "the largest /check answer goes out whole");
	http_resp_free(&p);

	/* Hostile: a header that does not fit is dropped whole, p broken. */
	http_resp_init(&p);
	http_resp_header(&p, "X-Jwtmint-Subject", "usr_aaaaaaaaaaaaaaaa");
	before = p.hlen;
	T_CHECK(http_resp_header(&p, "X-Jwtmint-Scope", huge) == -1,
	    "a header over the buffer: -1");
	T_CHECK(p.broken, "... marks the response broken");
	T_CHECK(p.hlen == before && p.headers[before] == '\0',
	    "... and keeps nothing of it");
	T_CHECK(http_resp_header(&p, "X-After", "x") == 0,
	    "a later header that fits is still added");
	T_CHECK(p.broken, "... and the response stays broken");
	http_resp_text(&p, 200, "{\"status\":\"allowed\"}", 20);
	send_it();
	T_CHECK(strncmp(out.buf, "Status: 500 ", 12) == 0,
	    "a broken 200 goes out as 500");
	T_CHECK(strstr(out.buf, "X-Jwtmint") == NULL &&
	    strstr(out.buf, "allowed") == NULL,
	    "... with nothing of the partial answer");

	/* Reset: a broken response can be rebuilt whole. */
	http_resp_reset(&p);
	T_CHECK(!p.broken && p.hlen == 0 && p.body == NULL && p.status == 500,
	    "reset: back to the initial state");
	http_resp_header(&p, "Content-Type", "application/json");
	http_resp_text(&p, 500, "{\"error\":\"server_error\"}", 24);
	send_it();
	T_CHECK(strncmp(out.buf, "Status: 500 ", 12) == 0 &&
	    strstr(out.buf, "server_error") != NULL, "rebuilt answer sent");
	http_resp_free(&p);

	/* Filling up exactly: the last header that fits, then one that
	 * does not. */
	http_resp_init(&p);
	n = 0;
	for (i = 0; i < 100000 && n == 0; i++)
		n = http_resp_header(&p, "X-Fill", "0123456789012345678901234");
	T_CHECK(n == -1 && p.broken && p.hlen < HTTP_MAX_RESP_HEADERS &&
	    p.hlen > HTTP_MAX_RESP_HEADERS - 40, "filling: broken at the end, "
	    "never past it (%zu bytes)", p.hlen);
	T_CHECK(strlen(p.headers) == p.hlen, "filling: hlen matches the text");
	http_resp_free(&p);

	/* A secret body is wiped and freed (ASan sees a use after free or a
	 * leak if not); a NULL body marks the response broken. */
	http_resp_init(&p);
	http_resp_body(&p, 200, filled(64, 'k'), 64);
	p.secret = 1;
	http_resp_reset(&p);
	T_CHECK(p.body == NULL && !p.secret, "secret body released by reset");
	http_resp_body(&p, 200, NULL, 10);
	T_CHECK(p.broken && p.bodylen == 0, "a NULL body: broken");
	http_resp_free(&p);

	test_req_bad();

	free(scopes);
	free(accounts);
	free(huge);
	return t_done();
}
