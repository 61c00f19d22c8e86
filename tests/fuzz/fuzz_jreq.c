/*
 * fuzz_jreq: the admin API's parsers of attacker bytes. The first byte
 * picks one: the JSON body against a field table (jreq), the cursor of
 * ?cursor=, If-Match, a path against a route pattern, a duration. A
 * violated invariant traps:
 *   jreq: accepted values are within their table bounds, without control
 *         characters, and meta is a flat object again; a refusal keeps
 *         nothing and its message is printable ASCII without quotes or
 *         backslashes (never the input);
 *   cursor: what decodes encodes back to the same bytes;
 *   pathpat: captures are bounded and of the allowed characters;
 *   duration: 0..DURATION_MAX_SEC or -1.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "duration.h"
#include "etag.h"
#include "jreq.h"
#include "pathpat.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct body {
	const char	*name, *scopes, *meta;
	long long	 n, d;
	int		 b;
};

static const struct jreq_field spec[] = {
	{ "name", JREQ_STRING, JREQ_REQUIRED, offsetof(struct body, name),
	    200, 0, 0, 0 },
	{ "scopes", JREQ_WORDS, 0, offsetof(struct body, scopes), 128, 64,
	    0, 0 },
	{ "meta", JREQ_META, 0, offsetof(struct body, meta), 0, 0, 0, 0 },
	{ "n", JREQ_INT, JREQ_NULLABLE, offsetof(struct body, n), 0, 0,
	    -5, 1000000 },
	{ "d", JREQ_DURATION, 0, offsetof(struct body, d), 0, 0, 0,
	    30 * 86400 },
	{ "b", JREQ_BOOL, 0, offsetof(struct body, b), 0, 0, 0, 0 },
};

static void
no_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			__builtin_trap();
}

static void
body(const char *data, size_t size)
{
	struct jreq	 j;
	struct body	 b;
	char		 why[JREQ_WHY_BYTES];
	const char	*k, *w;
	json_t		*m, *v;

	memset(&b, 0, sizeof(b));
	if (jreq_parse(&j, data, size, spec, sizeof(spec) / sizeof(spec[0]),
	    &b, why) == -1) {
		if (j.root != NULL || why[0] == '\0')
			__builtin_trap();
		for (w = why; *w != '\0'; w++)
			if (*w < 0x20 || *w > 0x7e || *w == '"' || *w == '\\')
				__builtin_trap();
		return;
	}
	if (b.name == NULL || strlen(b.name) == 0 || strlen(b.name) > 200)
		__builtin_trap();
	no_ctl(b.name);
	if (b.scopes != NULL) {
		no_ctl(b.scopes);
		if (strstr(b.scopes, "  ") != NULL || b.scopes[0] == ' ')
			__builtin_trap();
	}
	if ((b.n != 0 && (b.n < -5 || b.n > 1000000)) || b.d < 0 ||
	    b.d > 30 * 86400 || (b.b != 0 && b.b != 1))
		__builtin_trap();
	if (b.meta != NULL) {
		if ((m = json_loads(b.meta, 0, NULL)) == NULL ||
		    !json_is_object(m) || json_object_size(m) >
		    JREQ_META_MAX_KEYS)
			__builtin_trap();
		json_object_foreach(m, k, v)
			if (!json_is_string(v))
				__builtin_trap();
		json_decref(m);
	}
	jreq_free(&j);
}

static void
cursor(const char *data, size_t size)
{
	struct cursor	 c;
	char		 out[CURSOR_MAX_BYTES + 1];

	if (cursor_decode(&c, data, size) == -1)
		return;
	if (c.usec < 0 || cursor_encode(out, sizeof(out), &c) == -1 ||
	    strlen(out) != size || memcmp(out, data, size) != 0)
		__builtin_trap();
}

static void
path(const char *data)
{
	struct pathpat_captures	 c;
	size_t			 i, n;

	if (pathpat_match("/admin/keys/{id}/roll", data, &c) == 0 &&
	    pathpat_match("/admin/users/{username}", data, &c) == 0)
		return;
	for (i = 0; i < c.n; i++) {
		n = strlen(c.value[i]);
		if (n == 0 || n > PATHPAT_MAX_SEG_BYTES || strspn(c.value[i],
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._@+-") != n)
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s;
	long long	 d;
	int		 e;

	if (size < 1)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		body(s, size - 1);
		break;
	case 1:
		cursor(s, size - 1);
		break;
	case 2:
		if ((e = etag_if_match(s, &d)) < -1 || e > 1 ||
		    (e == 0 && d != 0) || (e == -1 && d != -1) ||
		    (e == 1 && d == 0))
			__builtin_trap();
		break;
	case 3:
		path(s);
		break;
	case 4:
		d = duration_parse(s, size - 1);
		if (d < -1 || d > DURATION_MAX_SEC)
			__builtin_trap();
		break;
	}
	free(s);
	return 0;
}
