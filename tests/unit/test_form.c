/*
 * test_form: form_parse on RFC 6749 token request bodies, hostile rows
 * first: bad escapes, control bytes raw and encoded, bad UTF-8, duplicates,
 * empty names, too many and too long parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "t.h"

struct row {
	const char	*name;
	const char	*body;
	size_t		 len;
	enum form_err	 want;
	size_t		 n;		/* pairs on FORM_OK */
	const char	*key;		/* on FORM_OK: form_get(key) == val */
	const char	*val;
};

#define ERR(name, lit, e)	{ name, lit, sizeof(lit) - 1, e, 0, NULL, NULL }
#define OK(name, lit, n, k, v)	{ name, lit, sizeof(lit) - 1, FORM_OK, n, k, v }

static const struct row rows[] = {
	/* Bad percent escapes. */
	ERR("a=%zz", "a=%zz", FORM_ERR_ESCAPE),
	ERR("a=%4", "a=%4", FORM_ERR_ESCAPE),
	ERR("a=%", "a=%", FORM_ERR_ESCAPE),
	ERR("a=%g0", "a=%g0", FORM_ERR_ESCAPE),
	ERR("a=%0g", "a=%0g", FORM_ERR_ESCAPE),
	ERR("a=%%41", "a=%%41", FORM_ERR_ESCAPE),
	ERR("a=% 41", "a=% 41", FORM_ERR_ESCAPE),
	ERR("escape cut by &: a=%4&b=1", "a=%4&b=1", FORM_ERR_ESCAPE),
	ERR("bad escape in name: %zz=1", "%zz=1", FORM_ERR_ESCAPE),
	ERR("bad escape in second pair", "a=1&b=%x1", FORM_ERR_ESCAPE),
	/* NUL and control bytes, raw and encoded. */
	ERR("a=%00", "a=%00", FORM_ERR_NUL),
	ERR("%00 in name", "a%00b=1", FORM_ERR_NUL),
	ERR("raw NUL in value", "a=x\0y", FORM_ERR_NUL),
	ERR("raw NUL in name", "a\0=1", FORM_ERR_NUL),
	ERR("raw LF", "a=x\ny", FORM_ERR_NUL),
	ERR("raw CR", "a=x\ry", FORM_ERR_NUL),
	ERR("raw TAB", "a=x\ty", FORM_ERR_NUL),
	ERR("raw ESC", "a=\x1b[2J", FORM_ERR_NUL),
	ERR("raw DEL", "a=\x7f", FORM_ERR_NUL),
	ERR("%0A", "a=x%0Ay", FORM_ERR_NUL),
	ERR("%0d", "a=x%0dy", FORM_ERR_NUL),
	ERR("%1F", "a=%1F", FORM_ERR_NUL),
	ERR("%7F", "a=%7F", FORM_ERR_NUL),
	/* Invalid UTF-8 after decoding. */
	ERR("overlong %C0%80", "a=%C0%80", FORM_ERR_UTF8),
	ERR("overlong %E0%80%80", "a=%E0%80%80", FORM_ERR_UTF8),
	ERR("surrogate %ED%A0%80", "a=%ED%A0%80", FORM_ERR_UTF8),
	ERR("above U+10FFFF %F4%90%80%80", "a=%F4%90%80%80", FORM_ERR_UTF8),
	ERR("truncated %E2%82", "a=%E2%82", FORM_ERR_UTF8),
	ERR("truncated before &", "a=%E2%82&b=%AC", FORM_ERR_UTF8),
	ERR("lone continuation %80", "a=%80", FORM_ERR_UTF8),
	ERR("raw overlong C0 80", "a=\xc0\x80", FORM_ERR_UTF8),
	ERR("raw surrogate", "a=\xed\xa0\x80", FORM_ERR_UTF8),
	ERR("raw FF", "a=\xff", FORM_ERR_UTF8),
	ERR("bad UTF-8 in name", "%FF=1", FORM_ERR_UTF8),
	/* RFC 6749 §3.2: no parameter twice. */
	ERR("duplicate a=1&a=2", "a=1&a=2", FORM_ERR_DUP),
	ERR("duplicate same value", "a=1&b=2&a=1", FORM_ERR_DUP),
	ERR("duplicate after decoding %61", "a=1&%61=2", FORM_ERR_DUP),
	ERR("duplicate without =", "a&a", FORM_ERR_DUP),
	ERR("duplicate empty values", "a=&a=", FORM_ERR_DUP),
	/* Empty names. */
	ERR("=v", "=v", FORM_ERR_EMPTY_NAME),
	ERR("= alone", "=", FORM_ERR_EMPTY_NAME),
	ERR("=v after a pair", "a=1&=v", FORM_ERR_EMPTY_NAME),
	/* Accepted. */
	OK("empty body", "", 0, "a", NULL),
	OK("&&", "&&", 0, "a", NULL),
	OK("& alone", "&", 0, "a", NULL),
	OK("a=1&&b=2", "a=1&&b=2", 2, "b", "2"),
	OK("leading and trailing &", "&a=1&", 1, "a", "1"),
	OK("no = is an empty value", "a", 1, "a", ""),
	OK("a= is an empty value", "a=", 1, "a", ""),
	OK("'+' is a space", "a=b+c", 1, "a", "b c"),
	OK("'+' in name", "a+b=1", 1, "a b", "1"),
	OK("%2B is '+'", "a=b%2Bc", 1, "a", "b+c"),
	OK("%20 is a space", "a=%20", 1, "a", " "),
	OK("lower-case hex", "a=%2b%2f", 1, "a", "+/"),
	OK("%25 decodes once", "a=%2541", 1, "a", "%41"),
	OK("%26 is not a separator", "a=x%26b%3D1", 1, "a", "x&b=1"),
	OK("second = is in the value", "a=b=c", 1, "a", "b=c"),
	OK("names are case-sensitive", "a=1&A=2", 2, "A", "2"),
	OK("UTF-8 raw", "a=caf\xc3\xa9", 1, "a", "caf\xc3\xa9"),
	OK("UTF-8 encoded", "a=%E2%82%AC", 1, "a", "\xe2\x82\xac"),
	OK("U+10FFFF", "a=%F4%8F%BF%BF", 1, "a", "\xf4\x8f\xbf\xbf"),
	OK("RFC 6749 §4.4.2 request",
	    "grant_type=client_credentials&scope=read+write", 2,
	    "scope", "read write"),
	OK("RFC 6749 §4.1.3 request",
	    "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA"
	    "&redirect_uri=https%3A%2F%2Fclient%2Eexample%2Ecom%2Fcb", 3,
	    "redirect_uri", "https://client.example.com/cb"),
};

static void
check_row(const struct row *r)
{
	struct form	 f;
	enum form_err	 e;
	const char	*v;
	size_t		 i;
	int		 ok;

	e = form_parse(&f, r->body, r->len);
	if (r->want != FORM_OK) {
		T_CHECK(e == r->want && f.n == 0, "form %s -> %s", r->name,
		    form_strerror(r->want));
		form_free(&f);
		return;
	}
	ok = e == FORM_OK && f.n == r->n;
	for (i = 0; ok && i < f.n; i++)
		ok = strlen(f.params[i].value) == f.params[i].valuelen &&
		    f.params[i].name[0] != '\0';
	v = ok ? form_get(&f, r->key) : NULL;
	if (r->val == NULL)
		ok = ok && v == NULL;
	else
		ok = ok && v != NULL && strcmp(v, r->val) == 0;
	T_CHECK(ok, "form %s (%s)", r->name, form_strerror(e));
	form_free(&f);
	T_CHECK(f.n == 0, "form %s: empty after form_free", r->name);
}

/* n pairs "p0=v&p1=v&..." */
static char *
pairs(size_t n)
{
	char	*b, *p;
	size_t	 i;

	if ((b = malloc(n * 16 + 1)) == NULL)
		return NULL;
	p = b;
	*p = '\0';
	for (i = 0; i < n; i++)
		p += sprintf(p, "%sp%zu=v", i ? "&" : "", i);
	return b;
}

/* "a=" followed by n bytes of c. */
static char *
longval(size_t n, char c)
{
	char	*b;

	if ((b = malloc(n + 3)) == NULL)
		return NULL;
	memcpy(b, "a=", 2);
	memset(b + 2, c, n);
	b[n + 2] = '\0';
	return b;
}

static void
check_limits(void)
{
	struct form	 f;
	char		*b;
	enum form_err	 e;

	b = pairs(FORM_MAX_PARAMS);
	e = form_parse(&f, b, strlen(b));
	T_CHECK(e == FORM_OK && f.n == FORM_MAX_PARAMS &&
	    form_get(&f, "p31") != NULL, "form 32 params accepted");
	form_free(&f);
	free(b);

	b = pairs(FORM_MAX_PARAMS + 1);
	e = form_parse(&f, b, strlen(b));
	T_CHECK(e == FORM_ERR_TOO_MANY && f.n == 0, "form 33 params rejected");
	form_free(&f);
	free(b);

	b = longval(FORM_MAX_PARAM_BYTES, 'x');
	e = form_parse(&f, b, strlen(b));
	T_CHECK(e == FORM_OK && f.params[0].valuelen == FORM_MAX_PARAM_BYTES,
	    "form 8192-byte value accepted");
	form_free(&f);
	free(b);

	b = longval(FORM_MAX_PARAM_BYTES + 1, 'x');
	e = form_parse(&f, b, strlen(b));
	T_CHECK(e == FORM_ERR_TOO_LONG && f.n == 0,
	    "form 8193-byte value rejected");
	form_free(&f);
	free(b);

	/* The limit is on decoded bytes: 8192 '+' arrive as 8192 spaces. */
	b = longval(FORM_MAX_PARAM_BYTES, '+');
	e = form_parse(&f, b, strlen(b));
	T_CHECK(e == FORM_OK && f.params[0].valuelen == FORM_MAX_PARAM_BYTES,
	    "form 8192 '+' accepted");
	form_free(&f);
	free(b);

	b = longval(FORM_MAX_PARAM_BYTES + 1, 'x');
	b[1] = 'x';
	e = form_parse(&f, b, strlen(b));
	T_CHECK(e == FORM_ERR_TOO_LONG,
	    "form 8195-byte name without = rejected");
	form_free(&f);
	free(b);
}

static void
check_misc(void)
{
	struct form	 f;
	enum form_err	 e;

	/* The length bounds the read; what follows it is not parsed. */
	e = form_parse(&f, "a=1&b=%zz", 3);
	T_CHECK(e == FORM_OK && f.n == 1 && strcmp(form_get(&f, "a"), "1") == 0,
	    "form parses only len bytes");
	T_CHECK(form_get(&f, NULL) == NULL, "form_get NULL name");
	T_CHECK(form_get(&f, "b") == NULL, "form_get absent name");
	T_CHECK(form_get(&f, "a\xc3") == NULL, "form_get no prefix match");
	form_free(&f);
	form_free(&f);
	T_CHECK(f.n == 0, "form_free twice is safe");
	form_free(NULL);

	e = form_parse(&f, NULL, 0);
	T_CHECK(e == FORM_OK && f.n == 0, "form NULL body of length 0");
	form_free(&f);

	T_CHECK(strcmp(form_strerror(FORM_ERR_DUP),
	    "parameter included more than once") == 0, "form_strerror DUP");
	T_CHECK(strcmp(form_strerror((enum form_err)99), "unknown error") == 0,
	    "form_strerror out of range");
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
	check_limits();
	check_misc();
	return t_done();
}
