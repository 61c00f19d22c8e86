/*
 * fuzz_form: form_parse on arbitrary bodies. On FORM_OK every invariant of
 * form.h must hold, and the pairs, percent-encoded again byte by byte, must
 * parse back to the same pairs. On error the form must be empty.
 * A violated invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct form *f)
{
	const unsigned char	*v;
	size_t			 i, j, nl;

	if (f->n > FORM_MAX_PARAMS)
		__builtin_trap();
	for (i = 0; i < f->n; i++) {
		nl = strlen(f->params[i].name);
		if (nl == 0 || nl > FORM_MAX_PARAM_BYTES ||
		    f->params[i].valuelen > FORM_MAX_PARAM_BYTES ||
		    strlen(f->params[i].value) != f->params[i].valuelen)
			__builtin_trap();
		if (!utf8_valid((const unsigned char *)f->params[i].name, nl) ||
		    !utf8_valid((const unsigned char *)f->params[i].value,
		    f->params[i].valuelen))
			__builtin_trap();
		v = (const unsigned char *)f->params[i].value;
		for (j = 0; j < f->params[i].valuelen; j++)
			if (v[j] < 0x20 || v[j] == 0x7f)
				__builtin_trap();
		for (j = 0; j < nl; j++)
			if ((unsigned char)f->params[i].name[j] < 0x20 ||
			    f->params[i].name[j] == 0x7f)
				__builtin_trap();
		for (j = 0; j < i; j++)
			if (strcmp(f->params[i].name, f->params[j].name) == 0)
				__builtin_trap();
		if (form_get(f, f->params[i].name) != f->params[i].value)
			__builtin_trap();
	}
}

static size_t
enc(char *out, const char *s)
{
	static const char	 hexd[] = "0123456789ABCDEF";
	size_t			 o = 0;

	for (; *s != '\0'; s++) {
		out[o++] = '%';
		out[o++] = hexd[(unsigned char)*s >> 4];
		out[o++] = hexd[(unsigned char)*s & 0x0f];
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 f, g;
	char		*body;
	size_t		 i, o = 0, cap;
	enum form_err	 e;

	e = form_parse(&f, (const char *)data, size);
	if (e != FORM_OK) {
		if (f.n != 0 || form_strerror(e) == NULL)
			__builtin_trap();
		form_free(&f);
		return 0;
	}
	check(&f);

	cap = 1;
	for (i = 0; i < f.n; i++)
		cap += 3 * strlen(f.params[i].name) +
		    3 * f.params[i].valuelen + 2;
	if ((body = malloc(cap)) == NULL)
		__builtin_trap();
	for (i = 0; i < f.n; i++) {
		if (i > 0)
			body[o++] = '&';
		o += enc(body + o, f.params[i].name);
		body[o++] = '=';
		o += enc(body + o, f.params[i].value);
	}
	if (form_parse(&g, body, o) != FORM_OK || g.n != f.n)
		__builtin_trap();
	for (i = 0; i < f.n; i++)
		if (strcmp(g.params[i].name, f.params[i].name) != 0 ||
		    g.params[i].valuelen != f.params[i].valuelen ||
		    strcmp(g.params[i].value, f.params[i].value) != 0)
			__builtin_trap();
	form_free(&g);
	free(body);
	form_free(&f);
	if (f.n != 0)
		__builtin_trap();
	return 0;
}
