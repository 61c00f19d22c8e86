/*
 * test_jsonw: the hot-path JSON writer. Every document it writes is parsed
 * back with jansson (an independent parser) and compared value by value:
 * every byte 0x01-0x7f and multi-byte UTF-8 inside strings, the integer
 * extremes, nested objects and arrays. Errors are sticky and leave an
 * empty buffer: invalid UTF-8, NUL bytes, a NULL value, a key inside an
 * array or none inside an object, unbalanced closes, too deep nesting, and
 * every buffer size too small by even one byte.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "jsonw.h"
#include "t.h"

static json_t *
parse(const char *s, int n)
{
	json_error_t	 e;

	if (n < 0 || (size_t)n != strlen(s))
		return NULL;
	return json_loadb(s, (size_t)n, JSON_REJECT_DUPLICATES, &e);
}

static void
check_strings(void)
{
	static char	 buf[4096], all[128];
	struct jsonw	 w;
	json_t		*o;
	size_t		 i;
	int		 n, ok;
	const char	*multi = "na\xc3\xafve \xe2\x82\xac \xf0\x9f\x94\x91";

	for (i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	jw_init(&w, buf, sizeof(buf));
	jw_str(&w, "all", all);
	jw_str(&w, "multi", multi);
	jw_str(&w, "quote\"key\\", "\"},\"admin\":true,\"x\":\"");
	jw_str(&w, "empty", "");
	jw_strn(&w, "cut", "abcdef", 3);
	n = jw_end(&w);
	o = parse(buf, n);
	T_CHECK(o != NULL, "strings: the document parses (%s)", buf);
	ok = o != NULL && json_object_size(o) == 5 &&
	    strcmp(json_string_value(json_object_get(o, "all")), all) == 0 &&
	    json_string_length(json_object_get(o, "all")) == 127 &&
	    strcmp(json_string_value(json_object_get(o, "multi")), multi) == 0 &&
	    strcmp(json_string_value(json_object_get(o, "quote\"key\\")),
	    "\"},\"admin\":true,\"x\":\"") == 0 &&
	    strcmp(json_string_value(json_object_get(o, "empty")), "") == 0 &&
	    strcmp(json_string_value(json_object_get(o, "cut")), "abc") == 0;
	T_CHECK(ok, "strings: every ASCII byte, UTF-8 and an injection come "
	    "back byte for byte");
	for (i = 0, ok = 1; i < (size_t)(n > 0 ? n : 0); i++)
		if ((unsigned char)buf[i] < 0x20)
			ok = 0;
	T_CHECK(ok, "strings: no raw control byte in the output");
	T_CHECK(strstr(buf, "\\u001f") != NULL && strstr(buf, "\\n") != NULL &&
	    strstr(buf, "\\t") != NULL, "strings: control bytes escaped");
	json_decref(o);
}

static void
check_values(void)
{
	static char	 buf[1024];
	struct jsonw	 w;
	json_t		*o, *v;
	int		 n;

	jw_init(&w, buf, sizeof(buf));
	jw_int(&w, "min", LLONG_MIN);
	jw_int(&w, "max", LLONG_MAX);
	jw_int(&w, "zero", 0);
	jw_arr(&w, "list");
	jw_str(&w, NULL, "a");
	jw_str(&w, NULL, "b");
	jw_obj(&w, NULL);
	jw_int(&w, "deep", -1);
	jw_close(&w);
	jw_close(&w);
	jw_arr(&w, "none");
	jw_close(&w);
	jw_obj(&w, "act");
	jw_str(&w, "sub", "svc");
	jw_close(&w);
	n = jw_end(&w);
	T_CHECK(n > 0 && strcmp(buf, "{\"min\":-9223372036854775808,"
	    "\"max\":9223372036854775807,\"zero\":0,\"list\":[\"a\",\"b\","
	    "{\"deep\":-1}],\"none\":[],\"act\":{\"sub\":\"svc\"}}") == 0,
	    "values: exact compact output (%s)", buf);
	o = parse(buf, n);
	v = o ? json_object_get(o, "min") : NULL;
	T_CHECK(json_is_integer(v) && json_integer_value(v) == LLONG_MIN &&
	    json_integer_value(json_object_get(o, "max")) == LLONG_MAX,
	    "values: integer extremes parse back");
	json_decref(o);

	jw_init(&w, buf, sizeof(buf));
	T_CHECK(jw_end(&w) == 2 && strcmp(buf, "{}") == 0, "values: empty {}");
}

/* Each broken sequence must give -1 and an empty buffer. */
static void
check_errors(void)
{
	static char	 buf[256];
	struct jsonw	 w;
	int		 i, n;

	for (i = 0; i < 11; i++) {
		memset(buf, 'x', sizeof(buf));
		jw_init(&w, buf, sizeof(buf));
		switch (i) {
		case 0: jw_str(&w, "k", "\xc3"); break;		/* truncated */
		case 1: jw_str(&w, "k", "\xed\xa0\x80"); break;	/* surrogate */
		case 2: jw_strn(&w, "k", "a\0b", 3); break;	/* NUL */
		case 3: jw_str(&w, "k", NULL); break;
		case 4: jw_str(&w, NULL, "v"); break;		/* no key */
		case 5: jw_arr(&w, "a"); jw_str(&w, "k", "v"); break;
		case 6: jw_close(&w); break;			/* top level */
		case 7: jw_obj(&w, "o"); break;			/* left open */
		case 8:
			for (n = 0; n < JW_MAX_DEPTH; n++)
				jw_obj(&w, "o");
			break;
		case 9: jw_str(&w, "\xff", "v"); break;		/* bad key */
		case 10: jw_end(&w); jw_str(&w, "late", "v"); break;
		}
		n = jw_end(&w);
		T_CHECK(n == -1 && buf[0] == '\0', "errors: case %d -> -1, "
		    "empty buffer", i);
	}
	jw_init(&w, NULL, 10);
	T_CHECK(jw_end(&w) == -1, "errors: NULL buffer -> -1");
}

/* Every size below the document's length + 1 fails; that size fits. */
static void
check_sizes(void)
{
	static char	 full[512], buf[512];
	struct jsonw	 w;
	size_t		 sz;
	int		 len, n, ok = 1;

	jw_init(&w, full, sizeof(full));
	jw_str(&w, "a", "x\"y\n");
	jw_int(&w, "b", 12345);
	jw_arr(&w, "c");
	jw_str(&w, NULL, "z");
	jw_close(&w);
	len = jw_end(&w);
	for (sz = 0; sz <= (size_t)len + 1; sz++) {
		memset(buf, 'x', sizeof(buf));
		jw_init(&w, buf, sz);
		jw_str(&w, "a", "x\"y\n");
		jw_int(&w, "b", 12345);
		jw_arr(&w, "c");
		jw_str(&w, NULL, "z");
		jw_close(&w);
		n = jw_end(&w);
		if (sz < (size_t)len + 1 && (n != -1 || (sz > 0 && buf[0] != '\0')))
			ok = 0;
		if (sz == (size_t)len + 1 && (n != len || strcmp(buf, full) != 0))
			ok = 0;
		if (buf[sz] != 'x')	/* nothing written past the size */
			ok = 0;
	}
	T_CHECK(len > 0 && ok, "sizes: every buffer of 0..%d bytes fails, %d "
	    "fits, nothing written past the end", len, len + 1);
}

/* Milliseconds with three decimals (the access log's duration_ms). */
static void
check_fixed3(void)
{
	struct jsonw	 w;
	char		 buf[128];
	int		 n;

	jw_init(&w, buf, sizeof(buf));
	jw_fixed3(&w, "a", 0);
	jw_fixed3(&w, "b", 1234);
	jw_fixed3(&w, "c", 7);
	jw_fixed3(&w, "d", 1000000);
	n = jw_end(&w);
	T_CHECK(n > 0 && strcmp(buf, "{\"a\":0.000,\"b\":1.234,\"c\":0.007,"
	    "\"d\":1000.000}") == 0, "jw_fixed3: three decimals (%s)", buf);
	jw_init(&w, buf, sizeof(buf));
	jw_fixed3(&w, "neg", -1);
	T_CHECK(jw_end(&w) == -1, "jw_fixed3: a negative value is an error");
}

int
main(void)
{
	check_fixed3();
	check_strings();
	check_values();
	check_errors();
	check_sizes();
	return t_done();
}
