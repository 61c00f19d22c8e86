/*
 * accesslog: the one line that describes a request, as text (the line
 * jwtmint always wrote, and the request id) or as one JSON object
 * (log_format = json), built into the caller's buffer. Pure: no
 * allocation, no I/O; log_access() writes it.
 *
 * Every value is untrusted and bounded, and goes through logesc() in both
 * formats (control bytes, quote, backslash and non-ASCII as \xhh, cut to
 * its field's size with "..."): a text line is never split or forged, and
 * a JSON value, once parsed, is printable ASCII as well (a viewer or
 * `jq -r` never prints a control sequence). JSON is built with jsonw, so
 * a line is one valid object. Nothing here knows a secret: the record has
 * no field for one.
 */
#ifndef JWTMINT_ACCESSLOG_H
#define JWTMINT_ACCESSLOG_H

#include <stddef.h>
#include <time.h>

/* Enough for the largest line either format builds from the bounds below. */
#define ACCESSLOG_LINE_BYTES	2048
/* Longest escaped value of each field (logesc's dstsz). */
#define ACCESSLOG_PATH_BYTES	256
#define ACCESSLOG_FIELD_BYTES	96

struct accesslog_rec {
	struct timespec	 when;		/* CLOCK_REALTIME at the end */
	long long	 usec;		/* handled and written */
	int		 status;
	int		 authorizer;	/* FastCGI AUTHORIZER role (/check) */
	/* NUL-terminated; NULL or "" when not known (omitted in JSON) */
	const char	*request_id;
	const char	*method;
	const char	*path;
	const char	*endpoint;	/* the route's name, from our table */
	const char	*key_id;
	const char	*org;
	const char	*sub;
	const char	*grant;
	const char	*decision;	/* /check: "allow", "deny", "error" */
	const char	*client;	/* the address the web server reports */
};

/* Text: "method=.. path=.. status=.. ms=.. client=KEY org=.. request_id=..".
 * Returns the length (no newline), or -1 when buf is too small. */
int	accesslog_text(char *buf, size_t bufsz, const struct accesslog_rec *);

/* One JSON object, no newline. Returns the length, or -1 (too small). */
int	accesslog_json(char *buf, size_t bufsz, const struct accesslog_rec *);

/*
 * Another line (start, reload, a warning) as one JSON object, for
 * log_format = json: {"time", "level" ("info" or "warning"), "pid", "msg"}.
 * msg is jwtmint's own text (outside bytes in it already logesc'd): kept
 * when printable ASCII and shorter than ACCESSLOG_LINE_BYTES / 2, else
 * logesc'd. Returns the length, or -1 (too small).
 */
int	accesslog_event(char *buf, size_t bufsz, const struct timespec *when,
	    int warning, int pid, const char *msg, size_t n);

/* What /check decided, from its status: "allow", "deny" or "error". */
const char *accesslog_decision(int status);

#endif
