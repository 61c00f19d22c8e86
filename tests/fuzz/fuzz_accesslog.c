/*
 * fuzz_accesslog: arbitrary bytes as the fields of an access line (split at
 * NUL bytes: request id, method, path, endpoint, key id, org, sub, grant,
 * decision, client) and the request id through reqid_pick. Invariants: both
 * lines are built (the bounds hold for any value) and are printable ASCII
 * on one line; the JSON line parses (jansson) into one object whose string
 * values are printable ASCII; a taken request id is valid; the whole input
 * as an event message makes a printable object too. A violation
 * traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "accesslog.h"
#include "reqid.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NFIELDS	10

static void
printable(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reqid_gen	 g;
	struct accesslog_rec	 r;
	const char		*f[NFIELDS];
	char			*copy, *p, line[ACCESSLOG_LINE_BYTES];
	char			 rid[REQID_BUF_BYTES];
	const char		*k;
	json_t			*o, *v;
	json_error_t		 je;
	size_t			 i;
	int			 n;

	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0, p = copy; i < NFIELDS; i++) {
		f[i] = p;
		p += strlen(p) + 1;
		if (p > copy + size)
			p = copy + size;	/* the rest are "" */
	}
	if (reqid_pick(&g, f[0], 1, rid) == 1 && (strcmp(rid, f[0]) != 0 ||
	    !reqid_valid(rid, strlen(rid))))
		__builtin_trap();
	if (strlen(rid) == 0 || strlen(rid) > REQID_MAX_BYTES)
		__builtin_trap();

	memset(&r, 0, sizeof(r));
	r.when.tv_sec = size > 0 ? (time_t)data[0] << 24 : 0;
	r.when.tv_nsec = 999999999;
	r.usec = (long long)size * 1000003;
	r.status = size > 1 ? data[1] * 3 : 0;
	r.authorizer = size > 2 && (data[2] & 1);
	r.request_id = f[0];
	r.method = f[1];
	r.path = f[2];
	r.endpoint = f[3];
	r.key_id = f[4];
	r.org = f[5];
	r.sub = f[6];
	r.grant = f[7];
	r.decision = f[8];
	r.client = f[9];

	if ((n = accesslog_text(line, sizeof(line), &r)) < 0)
		__builtin_trap();
	printable(line, (size_t)n);
	if ((n = accesslog_json(line, sizeof(line), &r)) < 0)
		__builtin_trap();
	printable(line, (size_t)n);
	if ((o = json_loadb(line, (size_t)n, 0, &je)) == NULL ||
	    !json_is_object(o))
		__builtin_trap();
	json_object_foreach(o, k, v)
		if (json_is_string(v))
			printable(json_string_value(v),
			    strlen(json_string_value(v)));
	json_decref(o);
	/* The whole input as an event message. */
	if ((n = accesslog_event(line, sizeof(line), &r.when, size & 1,
	    (int)size, copy, size)) < 0)
		__builtin_trap();
	printable(line, (size_t)n);
	if ((o = json_loadb(line, (size_t)n, 0, &je)) == NULL ||
	    !json_is_string(json_object_get(o, "msg")))
		__builtin_trap();
	printable(json_string_value(json_object_get(o, "msg")),
	    strlen(json_string_value(json_object_get(o, "msg"))));
	json_decref(o);
	free(copy);
	return 0;
}
