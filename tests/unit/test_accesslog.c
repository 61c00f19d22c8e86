/*
 * test_accesslog: the text line keeps its shape (and adds request_id); the
 * JSON line is one object (checked with jansson, an independent parser)
 * with known fields present and unknown ones omitted; hostile values
 * (control bytes, quotes, backslashes, non-ASCII, forged fields, over-long
 * values) come out escaped and bounded in both formats.
 */
#include <string.h>

#include <jansson.h>

#include "accesslog.h"
#include "t.h"

static struct accesslog_rec
base(void)
{
	struct accesslog_rec	 r;

	memset(&r, 0, sizeof(r));
	r.when.tv_sec = 1764928903;		/* 2025-12-05T10:01:43Z */
	r.when.tv_nsec = 123456789;
	r.usec = 1234;
	r.status = 200;
	r.request_id = "0f3a9c5e1b2d4f6a8c0e2b4d6f8a0c2e";
	r.method = "POST";
	r.path = "/token";
	r.endpoint = "/token";
	r.key_id = "abcdefghijklmnop";
	r.org = "org_aaaaaaaaaaaaaaaa";
	r.sub = "usr_bbbbbbbbbbbbbbbb";
	r.grant = "password";
	r.client = "192.0.2.1";
	return r;
}

/* Every byte printable ASCII, no newline. */
static int
printable(const char *s, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return s[n] == '\0';
}

static const char *
get(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int
main(void)
{
	struct accesslog_rec	 r = base();
	char			 buf[ACCESSLOG_LINE_BYTES], big[5000];
	json_t			*o, *v;
	json_error_t		 je;
	const char		*k;
	int			 n, ok;

	n = accesslog_text(buf, sizeof(buf), &r);
	T_CHECK(n > 0 && strcmp(buf, "method=POST path=/token status=200 "
	    "ms=1.23 client=abcdefghijklmnop org=org_aaaaaaaaaaaaaaaa "
	    "request_id=0f3a9c5e1b2d4f6a8c0e2b4d6f8a0c2e") == 0,
	    "text: today's line and the request id (%s)", buf);

	n = accesslog_json(buf, sizeof(buf), &r);
	o = json_loads(buf, 0, &je);
	T_CHECK(n > 0 && o != NULL && json_object_size(o) == 12,
	    "json: one object of 12 members (%s)", buf);
	T_CHECK(o && strcmp(get(o, "time"), "2025-12-05T10:01:43.123Z") == 0,
	    "json: time is RFC 3339 UTC with milliseconds (%s)",
	    o ? get(o, "time") : "");
	T_CHECK(o && json_is_real(json_object_get(o, "duration_ms")) &&
	    json_real_value(json_object_get(o, "duration_ms")) == 1.234 &&
	    json_integer_value(json_object_get(o, "status")) == 200,
	    "json: duration_ms 1.234 (a number), status 200");
	T_CHECK(o && strcmp(get(o, "sub"), r.sub) == 0 &&
	    strcmp(get(o, "grant"), "password") == 0 &&
	    strcmp(get(o, "client"), "192.0.2.1") == 0 &&
	    strcmp(get(o, "key_id"), r.key_id) == 0 &&
	    json_object_get(o, "decision") == NULL,
	    "json: the fields, decision omitted when not /check");
	json_decref(o);

	/* Unknown fields: "-" in text, omitted in JSON. */
	memset(&r, 0, sizeof(r));
	r.status = 404;
	r.request_id = "x";
	r.path = "/nope";
	r.key_id = "";
	n = accesslog_text(buf, sizeof(buf), &r);
	T_CHECK(n > 0 && strcmp(buf, "method=- path=/nope status=404 ms=0.00 "
	    "client=- org=- request_id=x") == 0, "text: unknown is \"-\" (%s)",
	    buf);
	n = accesslog_json(buf, sizeof(buf), &r);
	o = json_loads(buf, 0, &je);
	T_CHECK(o != NULL && json_object_size(o) == 5 &&
	    json_object_get(o, "key_id") == NULL &&
	    json_object_get(o, "method") == NULL,
	    "json: unknown fields omitted, never empty (%s)", buf);
	json_decref(o);

	/* Hostile values. */
	r = base();
	r.path = "/x\n{\"status\":200}\x01\x1b[2J\x7f\\";
	r.client = "10.0.0.1\r\nforged=1";
	r.grant = "x\"}caf\xc3\xa9\xff";
	r.sub = "s\ns";
	r.authorizer = 1;
	r.decision = accesslog_decision(403);
	n = accesslog_text(buf, sizeof(buf), &r);
	T_CHECK(n > 0 && printable(buf, n) && strstr(buf,
	    "path=/x\\x0a{\\x22status\\x22:200}\\x01\\x1b[2J\\x7f\\x5c "
	    "role=authorizer(/check) status=200") != NULL,
	    "text: control bytes, quote and backslash escaped (%s)", buf);
	n = accesslog_json(buf, sizeof(buf), &r);
	o = json_loads(buf, 0, &je);
	T_CHECK(n > 0 && printable(buf, n) && o != NULL,
	    "json: hostile values, still one printable object (%s)", buf);
	T_CHECK(o && strcmp(get(o, "path"),
	    "/x\\x0a{\\x22status\\x22:200}\\x01\\x1b[2J\\x7f\\x5c") == 0 &&
	    strcmp(get(o, "client"), "10.0.0.1\\x0d\\x0aforged=1") == 0 &&
	    strcmp(get(o, "grant"), "x\\x22}caf\\xc3\\xa9\\xff") == 0 &&
	    strcmp(get(o, "decision"), "deny") == 0 &&
	    json_object_get(o, "forged") == NULL,
	    "json: values escaped as in text, nothing forged");
	ok = o != NULL;
	json_object_foreach(o, k, v)
		if (json_is_string(v) && !printable(json_string_value(v),
		    (int)strlen(json_string_value(v))))
			ok = 0;
	T_CHECK(ok, "json: every value printable ASCII once parsed");
	json_decref(o);

	/* Over-long values: cut with "...", the line bounded. */
	memset(big, '\n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r = base();
	r.path = r.method = r.endpoint = r.key_id = r.org = r.sub = r.grant =
	    r.decision = r.client = r.request_id = big;
	n = accesslog_text(buf, sizeof(buf), &r);
	T_CHECK(n > 0 && (size_t)n < sizeof(buf) && printable(buf, n),
	    "text: every field at its longest fits (%d bytes)", n);
	n = accesslog_json(buf, sizeof(buf), &r);
	o = json_loads(buf, 0, &je);
	T_CHECK(n > 0 && o != NULL && strlen(get(o, "path")) <
	    ACCESSLOG_PATH_BYTES && strcmp(get(o, "sub") + strlen(get(o,
	    "sub")) - 3, "...") == 0,
	    "json: every field at its longest fits, cut with \"...\" (%d)", n);
	json_decref(o);
	T_CHECK(accesslog_json(buf, 64, &r) == -1 && buf[0] == '\0' &&
	    accesslog_text(buf, 16, &r) == -1,
	    "a buffer too small: -1, never a cut line");

	/* Event lines in the JSON format. */
	r = base();
	n = accesslog_event(buf, sizeof(buf), &r.when, 1, 4211,
	    "reload: reading \"/etc/x\" \\x0a", 29);
	o = json_loads(buf, 0, &je);
	T_CHECK(n > 0 && o != NULL && json_object_size(o) == 4 &&
	    strcmp(get(o, "level"), "warning") == 0 &&
	    json_integer_value(json_object_get(o, "pid")) == 4211 &&
	    strcmp(get(o, "msg"), "reload: reading \"/etc/x\" \\x0a") == 0,
	    "event: our own printable text kept as it is (%s)", buf);
	json_decref(o);
	n = accesslog_event(buf, sizeof(buf), &r.when, 0, 1, "a\nb\xff", 4);
	o = json_loads(buf, 0, &je);
	T_CHECK(n > 0 && o != NULL && strcmp(get(o, "level"), "info") == 0 &&
	    strcmp(get(o, "msg"), "a\\x0ab\\xff") == 0,
	    "event: anything else escaped (%s)", buf);
	json_decref(o);
	n = accesslog_event(buf, sizeof(buf), &r.when, 0, 1, big,
	    sizeof(big) - 1);
	T_CHECK(n > 0 && printable(buf, n), "event: a long message cut, "
	    "bounded (%d)", n);

	T_CHECK(strcmp(accesslog_decision(200), "allow") == 0 &&
	    strcmp(accesslog_decision(401), "deny") == 0 &&
	    strcmp(accesslog_decision(429), "deny") == 0 &&
	    strcmp(accesslog_decision(503), "error") == 0,
	    "decision from /check's status");
	return t_done();
}
