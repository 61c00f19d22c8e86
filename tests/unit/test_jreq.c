/*
 * test_jreq: bounded JSON bodies against a field table, hostile rows first:
 * over-long, too deep, too many members, duplicates, NUL escapes, bad
 * UTF-8, unknown and malformed field names, wrong types, control
 * characters, over-long meta; every error names the field and never
 * echoes the value.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jreq.h"
#include "t.h"

struct body {
	const char	*name;
	const char	*scopes;
	const char	*meta;
	long long	 rate;
	long long	 grace;
	int		 flag;
};

static const struct jreq_field spec[] = {
	{ "name", JREQ_STRING, JREQ_REQUIRED, offsetof(struct body, name),
	    20, 0, 0, 0 },
	{ "scopes", JREQ_WORDS, 0, offsetof(struct body, scopes), 16, 4, 0, 0 },
	{ "meta", JREQ_META, 0, offsetof(struct body, meta), 0, 0, 0, 0 },
	{ "rate", JREQ_INT, JREQ_NULLABLE, offsetof(struct body, rate), 0, 0,
	    0, 1000 },
	{ "grace", JREQ_DURATION, 0, offsetof(struct body, grace), 0, 0, 0,
	    30 * 86400 },
	{ "flag", JREQ_BOOL, 0, offsetof(struct body, flag), 0, 0, 0, 0 },
};
#define NSPEC	(sizeof(spec) / sizeof(spec[0]))

struct row {
	const char	*body;
	int		 ok;
	const char	*why;		/* a substring of the message */
	const char	*secret;	/* must not appear in the message */
};

static const struct row rows[] = {
	{ "", 0, "empty", NULL },
	{ "[]", 0, "JSON object", NULL },
	{ "\"x\"", 0, "JSON", NULL },
	{ "{", 0, "not valid JSON", NULL },
	{ "{\"name\":\"a\",\"name\":\"b\"}", 0, "not valid JSON", NULL },
	{ "{\"name\":\"a\\u0000b\"}", 0, "not valid JSON", NULL },
	{ "{\"name\":\"\xc0\x80\"}", 0, "not valid JSON", NULL },
	{ "{\"name\":\"\xed\xa0\x80\"}", 0, "not valid JSON", NULL },
	{ "{\"name\":\"ok\"} trailing", 0, "not valid JSON", NULL },
	{ "{}", 0, "name is required", NULL },
	{ "{\"name\":null}", 0, "name may not be null", NULL },
	{ "{\"name\":\"\"}", 0, "name is empty", NULL },
	{ "{\"name\":\"xxxxxxxxxxxxxxxxxxxxSECRET\"}", 0, "name is too long",
	    "SECRET" },
	{ "{\"name\":\"a\\u001bSECRET\"}", 0, "name has control", "SECRET" },
	{ "{\"name\":\"a\\u007fSECRET\"}", 0, "name has control", "SECRET" },
	{ "{\"name\":\"a\\nb\"}", 0, "name has control", NULL },
	{ "{\"name\":5}", 0, "name must be a string", NULL },
	{ "{\"name\":\"a\",\"colour\":1}", 0, "unknown field colour", NULL },
	{ "{\"name\":\"a\",\"co\\u001blour\":1}", 0, "field name is malformed",
	    "lour" },
	{ "{\"name\":\"a\",\"\":1}", 0, "field name is malformed", NULL },
	{ "{\"name\":\"a\",\"a b\":1}", 0, "field name is malformed", NULL },
	{ "{\"name\":\"a\",\"scopes\":\"read\"}", 0, "array of strings", NULL },
	{ "{\"name\":\"a\",\"scopes\":[1]}", 0, "array of strings", NULL },
	{ "{\"name\":\"a\",\"scopes\":[\"a b\"]}", 0, "spaces", NULL },
	{ "{\"name\":\"a\",\"scopes\":[\"\"]}", 0, "empty or too long", NULL },
	{ "{\"name\":\"a\",\"scopes\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", 0,
	    "too many items", NULL },
	{ "{\"name\":\"a\",\"rate\":1001}", 0, "rate is out of range", NULL },
	{ "{\"name\":\"a\",\"rate\":-1}", 0, "rate is out of range", NULL },
	{ "{\"name\":\"a\",\"rate\":1.5}", 0, "rate must be an integer", NULL },
	{ "{\"name\":\"a\",\"rate\":\"5\"}", 0, "rate must be an integer", NULL },
	{ "{\"name\":\"a\",\"rate\":99999999999999999999999}", 0,
	    "not valid JSON", NULL },
	{ "{\"name\":\"a\",\"grace\":\"31d\"}", 0, "grace is out of range", NULL },
	{ "{\"name\":\"a\",\"grace\":\"1y\"}", 0, "grace must be a duration",
	    NULL },
	{ "{\"name\":\"a\",\"grace\":true}", 0, "grace must be a duration", NULL },
	{ "{\"name\":\"a\",\"flag\":1}", 0, "flag must be true or false", NULL },
	{ "{\"name\":\"a\",\"meta\":[]}", 0, "meta must be an object", NULL },
	{ "{\"name\":\"a\",\"meta\":{\"k\":1}}", 0, "meta values", NULL },
	{ "{\"name\":\"a\",\"meta\":{\"k\":{\"x\":\"y\"}}}", 0, "meta values",
	    NULL },
	{ "{\"name\":\"a\",\"meta\":{\"k\\u0001\":\"v\"}}", 0, "meta keys", NULL },
	{ "{\"name\":\"a\",\"meta\":{\"\":\"v\"}}", 0, "meta keys", NULL },
	{ "{\"name\":\"a\",\"meta\":{\"k\":\"v\\u0002SECRET\"}}", 0,
	    "meta values", "SECRET" },
	/* nesting: 9 levels */
	{ "{\"a\":[[[[[[[[1]]]]]]]]}", 0, "nested too deeply", NULL },
	/* accepted */
	{ "{\"name\":\"ok\"}", 1, NULL, NULL },
	{ " {\"name\" : \"ok\", \"rate\": null, \"flag\": false} ", 1, NULL,
	    NULL },
	{ "{\"name\":\"caf\xc3\xa9\",\"scopes\":[\"read:a\",\"write:b\"],"
	    "\"meta\":{\"z\":\"1\",\"a\":\"2\"},\"rate\":1000,\"grace\":\"24h\","
	    "\"flag\":true}", 1, NULL, NULL },
	{ "{\"name\":\"ok\",\"scopes\":[],\"grace\":0}", 1, NULL, NULL },
	{ "{\"name\":\"ok\",\"grace\":3600}", 1, NULL, NULL },
	/* 8 levels deep is allowed by the scan; jansson then refuses the
	 * unknown member */
	{ "{\"x\":[[[[[[[1]]]]]]]}", 0, "unknown field x", NULL },
};

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

static void
bounds(void)
{
	char	*big, why[JREQ_WHY_BYTES];
	size_t	 i, n;
	struct jreq j;
	struct body b;

	/* body over the limit */
	n = JREQ_MAX_BODY_BYTES + 1;
	big = malloc(n);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	T_CHECK(jreq_bounded(big, n, why) == -1 && strstr(why, "too large"),
	    "a body over %d bytes", JREQ_MAX_BODY_BYTES);
	T_CHECK(jreq_bounded(big, n - 1, why) == 0, "a body at the limit "
	    "passes the scan");
	/* a string over the limit */
	memset(big, 'a', n);
	big[0] = '"';
	T_CHECK(jreq_bounded(big, JREQ_MAX_STRING_BYTES + 2, why) == -1 &&
	    strstr(why, "string is too long"), "a string over the limit");
	big[JREQ_MAX_STRING_BYTES + 1] = '"';
	T_CHECK(jreq_bounded(big, JREQ_MAX_STRING_BYTES + 2, why) == 0,
	    "a string at the limit");
	/* escaped quotes do not end a string */
	T_CHECK(jreq_bounded("\"\\\"{{{{{{{{{{\"", 14, why) == 0,
	    "brackets inside a string with an escaped quote do not count");
	/* too many items */
	i = 0;
	big[i++] = '[';
	for (n = 0; n < JREQ_MAX_ITEMS; n++) {
		big[i++] = '1';
		big[i++] = ',';
	}
	big[i - 1] = ']';
	T_CHECK(jreq_bounded(big, i, why) == 0, "%d items pass",
	    JREQ_MAX_ITEMS);
	big[i - 1] = ',';
	big[i++] = '1';
	big[i++] = ']';
	T_CHECK(jreq_bounded(big, i, why) == -1 && strstr(why, "too many"),
	    "%d items are refused", JREQ_MAX_ITEMS + 1);
	T_CHECK(jreq_bounded("{\"a\":\"\0\"}", 9, why) == -1,
	    "a raw NUL byte");
	/* a meta object over its key count */
	i = 0;
	i += (size_t)sprintf(big + i, "{\"name\":\"a\",\"meta\":{");
	for (n = 0; n <= JREQ_META_MAX_KEYS; n++)
		i += (size_t)sprintf(big + i, "%s\"k%zu\":\"v\"", n ? "," : "",
		    n);
	i += (size_t)sprintf(big + i, "}}");
	memset(&b, 0, sizeof(b));
	T_CHECK(jreq_parse(&j, big, i, spec, NSPEC, &b, why) == -1 &&
	    strstr(why, "meta has more than"), "meta with %d entries",
	    JREQ_META_MAX_KEYS + 1);
	free(big);
}

int
main(void)
{
	char		 why[JREQ_WHY_BYTES];
	struct jreq	 j;
	struct body	 b;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&b, 0, sizeof(b));
		rc = jreq_parse(&j, rows[i].body, strlen(rows[i].body), spec,
		    NSPEC, &b, why);
		if (rows[i].ok) {
			T_CHECK(rc == 0, "accepted: %.60s (%s)", rows[i].body,
			    why);
			jreq_free(&j);
			continue;
		}
		T_CHECK(rc == -1 && strstr(why, rows[i].why) != NULL &&
		    printable(why) && (rows[i].secret == NULL ||
		    strstr(why, rows[i].secret) == NULL),
		    "refused: %.50s -> \"%s\"", rows[i].body, why);
		T_CHECK(j.root == NULL, "nothing kept after a refusal");
	}

	/* values land where the table says */
	memset(&b, 0, sizeof(b));
	rc = jreq_parse(&j, rows[sizeof(rows) / sizeof(rows[0]) - 4].body,
	    strlen(rows[sizeof(rows) / sizeof(rows[0]) - 4].body), spec, NSPEC,
	    &b, why);
	T_CHECK(rc == 0 && strcmp(b.name, "caf\xc3\xa9") == 0, "name");
	T_CHECK(rc == 0 && strcmp(b.scopes, "read:a write:b") == 0,
	    "scopes joined by spaces");
	T_CHECK(rc == 0 && strcmp(b.meta, "{\"a\":\"2\",\"z\":\"1\"}") == 0,
	    "meta compact with sorted keys: %s", b.meta ? b.meta : "-");
	T_CHECK(b.rate == 1000 && b.grace == 86400 && b.flag == 1,
	    "integers, durations and booleans");
	T_CHECK(jreq_has(&j, "meta") && !jreq_has(&j, "nope") &&
	    !jreq_is_null(&j, "rate"), "jreq_has");
	jreq_free(&j);
	jreq_free(&j);

	memset(&b, 0, sizeof(b));
	b.rate = 7;
	rc = jreq_parse(&j, "{\"name\":\"x\",\"rate\":null}", 24, spec, NSPEC,
	    &b, why);
	T_CHECK(rc == 0 && jreq_has(&j, "rate") && jreq_is_null(&j, "rate") &&
	    b.rate == 7 && !jreq_has(&j, "scopes"), "null is seen, value kept");
	jreq_free(&j);

	bounds();
	return t_done();
}
