/*
 * fuzz_scope: scope_parse on arbitrary strings. A parsed set must keep the
 * invariants of scope.c (sorted, distinct, allowed bytes, bounded), and
 * parse -> format -> parse gives the same set and the same string. The
 * input split at its first byte's value gives two sets to check the set
 * operations against each other. A violated invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scope.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
same(const struct scope_set *a, const struct scope_set *b)
{
	size_t	i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->tok[i], b->tok[i]) != 0)
			return 0;
	return 1;
}

static void
check(const struct scope_set *s)
{
	const unsigned char	*t;
	size_t			 i, len;

	if (s->n > SCOPE_MAX_TOKENS)
		__builtin_trap();
	for (i = 0; i < s->n; i++) {
		len = strlen(s->tok[i]);
		if (len == 0 || len > SCOPE_MAX_TOKEN_BYTES)
			__builtin_trap();
		for (t = (const unsigned char *)s->tok[i]; *t != '\0'; t++)
			if (*t < 0x21 || *t > 0x7e || *t == '"' || *t == '\\')
				__builtin_trap();
		if (i > 0 && strcmp(s->tok[i - 1], s->tok[i]) >= 0)
			__builtin_trap();
		if (!scope_has(s, s->tok[i]))
			__builtin_trap();
	}
}

/* Parse, check, and round-trip one string; 0 when it does not parse. */
static int
one(struct scope_set *s, const char *str, size_t len)
{
	static struct scope_set	 s2;
	static char		 buf[SCOPE_MAX_STRING_BYTES];
	static char		 buf2[SCOPE_MAX_STRING_BYTES];
	int			 n, n2;

	if (scope_parse(s, str, len) == -1) {
		if (s->n != 0)
			__builtin_trap();
		return 0;
	}
	check(s);
	if ((n = scope_format(s, buf, sizeof(buf))) < 0 ||
	    (size_t)n != strlen(buf))
		__builtin_trap();
	if (scope_parse(&s2, buf, n) == -1 || !same(s, &s2))
		__builtin_trap();
	if ((n2 = scope_format(&s2, buf2, sizeof(buf2))) != n ||
	    strcmp(buf, buf2) != 0)
		__builtin_trap();
	if (scope_format(s, buf2, n) != -1)
		__builtin_trap();
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scope_set	 a, b, x, y;
	const char		*s = (const char *)data;
	size_t			 cut;

	if (!one(&a, s, size) || size == 0)
		return 0;

	cut = data[0] % size;
	if (!one(&a, s, cut) || !one(&b, s + cut, size - cut))
		return 0;
	scope_intersect(&x, &a, &b);
	check(&x);
	if (!scope_subset(&x, &a) || !scope_subset(&x, &b))
		__builtin_trap();
	if (scope_subset(&a, &b) != same(&x, &a))
		__builtin_trap();
	scope_intersect(&y, &b, &a);
	if (!same(&x, &y))
		__builtin_trap();
	y = a;
	scope_intersect(&y, &y, &b);
	if (!same(&x, &y))
		__builtin_trap();
	scope_intersect(&y, &a, &a);
	if (!same(&y, &a) || !scope_subset(&a, &a))
		__builtin_trap();
	return 0;
}
