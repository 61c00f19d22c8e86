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

int
accesslog_json(char *buf, size_t bufsz, const struct accesslog_rec *r)
{
	struct jsonw	 w;
	struct tm	 tm;
	char		 t[32];
	time_t		 sec = r->when.tv_sec;
	long long	 us = r->usec < 0 ? 0 : r->usec;
	int		 n;

	if (gmtime_r(&sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	/* RFC 3339, UTC, milliseconds */
	n = snprintf(t, sizeof(t), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, r->when.tv_nsec / 1000000);
	if (n < 0 || (size_t)n >= sizeof(t))
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

const char *
accesslog_decision(int status)
{
	if (status >= 200 && status < 300)
		return "allow";
	if (status >= 500)
		return "error";
	return "deny";
}
