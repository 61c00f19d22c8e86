/*
 * accesslog: build the access line (accesslog.h). Field order is fixed;
 * in JSON a field that is not known is omitted, never written empty.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accesslog.h"
#include "jsonw.h"
#include "logesc.h"

static const char *
known(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* Text: escaped, or "-" when not known. */
static const char *
tval(char *dst, size_t dstsz, const char *s)
{
	if (known(s) == NULL)
		return "-";
	return logesc(dst, dstsz, s, strlen(s));
}

int
accesslog_text(char *buf, size_t bufsz, const struct accesslog_rec *r)
{
	char	 method[64], path[ACCESSLOG_PATH_BYTES];
	char	 key[ACCESSLOG_FIELD_BYTES], org[ACCESSLOG_FIELD_BYTES];
	char	 rid[ACCESSLOG_FIELD_BYTES];
	int	 n;

	n = snprintf(buf, bufsz, "method=%s path=%s%s status=%d ms=%.2f "
	    "client=%s org=%s request_id=%s",
	    tval(method, sizeof(method), r->method),
	    tval(path, sizeof(path), r->path),
	    r->authorizer ? " role=authorizer(/check)" : "", r->status,
	    (double)r->usec / 1e3, tval(key, sizeof(key), r->key_id),
	    tval(org, sizeof(org), r->org),
	    tval(rid, sizeof(rid), r->request_id));
	if (n < 0 || (size_t)n >= bufsz)
		return -1;
	return n;
}

/* A JSON member for a value that came from outside: logesc'd first, so
 * that after parsing it is printable ASCII too (jq -r prints no escape
 * sequence to a terminal). */
static void
jval(struct jsonw *w, const char *key, const char *s, size_t lim)
{
	char	 esc[ACCESSLOG_PATH_BYTES];

	if (known(s) == NULL)
		return;
	if (lim > sizeof(esc))
		lim = sizeof(esc);
	jw_str(w, key, logesc(esc, lim, s, strlen(s)));
}

/* RFC 3339, UTC, milliseconds. Returns 0 or -1. */
static int
rfc3339(char *t, size_t tsz, const struct timespec *when)
{
	struct tm	 tm;
	time_t		 sec = when->tv_sec;
	int		 n;

	if (gmtime_r(&sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	n = snprintf(t, tsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (when->tv_nsec % 1000000000) / 1000000);
	return n < 0 || (size_t)n >= tsz ? -1 : 0;
}

int
accesslog_json(char *buf, size_t bufsz, const struct accesslog_rec *r)
{
	struct jsonw	 w;
	char		 t[32];
	long long	 us = r->usec < 0 ? 0 : r->usec;

	if (rfc3339(t, sizeof(t), &r->when) == -1)
		return -1;

	jw_init(&w, buf, bufsz);
	jw_str(&w, "time", t);
	jval(&w, "request_id", r->request_id, ACCESSLOG_FIELD_BYTES);
	jval(&w, "method", r->method, 64);
	jval(&w, "path", r->path, ACCESSLOG_PATH_BYTES);
	jval(&w, "endpoint", r->endpoint, ACCESSLOG_FIELD_BYTES);
	jw_int(&w, "status", r->status);
	jw_fixed3(&w, "duration_ms", us);
	jval(&w, "key_id", r->key_id, ACCESSLOG_FIELD_BYTES);
	jval(&w, "org", r->org, ACCESSLOG_FIELD_BYTES);
	jval(&w, "sub", r->sub, ACCESSLOG_FIELD_BYTES);
	jval(&w, "grant", r->grant, ACCESSLOG_FIELD_BYTES);
	jval(&w, "decision", r->decision, ACCESSLOG_FIELD_BYTES);
	jval(&w, "client", r->client, ACCESSLOG_FIELD_BYTES);
	return jw_end(&w);
}

int
accesslog_event(char *buf, size_t bufsz, const struct timespec *when,
    int warning, int pid, const char *msg, size_t n)
{
	struct jsonw	 w;
	char		 t[32], esc[ACCESSLOG_LINE_BYTES / 2];
	size_t		 i;

	if (rfc3339(t, sizeof(t), when) == -1)
		return -1;
	jw_init(&w, buf, bufsz);
	jw_str(&w, "time", t);
	jw_str(&w, "level", warning ? "warning" : "info");
	jw_int(&w, "pid", pid);
	/* Our own text, whose outside bytes the caller escaped already: kept
	 * as it is when printable ASCII, escaped again otherwise. */
	for (i = 0; i < n && n < sizeof(esc); i++)
		if (msg[i] < 0x20 || msg[i] > 0x7e)
			break;
	if (i == n && n < sizeof(esc))
		jw_strn(&w, "msg", msg, n);
	else
		jw_str(&w, "msg", logesc(esc, sizeof(esc), msg, n));
	return jw_end(&w);
}

const char *
accesslog_decision(int status)
{
	if (status >= 200 && status < 300)
		return "allow";
	if (status >= 500)
		return "error";
	return "deny";
}
