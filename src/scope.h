/*
 * scope: OAuth 2.0 scope sets (RFC 6749 §3.3).
 *
 * A scope token is 1..SCOPE_MAX_TOKEN_BYTES characters from %x21 / %x23-5B /
 * %x5D-7E (RFC 6749 §3.3 scope-token: no space, '"' or '\'). A scope string
 * is tokens separated by single spaces (parsing also accepts runs of spaces
 * and leading/trailing spaces, but no tab or other whitespace). A set holds
 * at most SCOPE_MAX_TOKENS distinct tokens; duplicates in the input collapse.
 * Sets are kept sorted, so the canonical string form is stable.
 * Pure: no I/O, no allocation (fixed-size storage inside the struct).
 */
#ifndef JWTMINT_SCOPE_H
#define JWTMINT_SCOPE_H

#include <stddef.h>

#define SCOPE_MAX_TOKENS	64
#define SCOPE_MAX_TOKEN_BYTES	128
/* Longest canonical string: every token at full length plus separators. */
#define SCOPE_MAX_STRING_BYTES	(SCOPE_MAX_TOKENS * (SCOPE_MAX_TOKEN_BYTES + 1))

struct scope_set {
	char	tok[SCOPE_MAX_TOKENS][SCOPE_MAX_TOKEN_BYTES + 1];
	size_t	n;
};

/* Empty the set. */
void	scope_init(struct scope_set *);

/*
 * Parse a space-delimited scope string of len bytes into s.
 * Returns 0, or -1 on a bad character, an over-long token or too many tokens
 * (s is left empty then).
 */
int	scope_parse(struct scope_set *s, const char *str, size_t len);

/* 1 when token t is in s, else 0. */
int	scope_has(const struct scope_set *s, const char *t);

/* 1 when every token of a is in b (the empty set is a subset of anything). */
int	scope_subset(const struct scope_set *a, const struct scope_set *b);

/* out = a ∩ b, sorted (out may be the same set as a or b). */
void	scope_intersect(struct scope_set *out, const struct scope_set *a,
	    const struct scope_set *b);

/*
 * Write the canonical form (sorted, single spaces) into buf of size bufsz,
 * NUL-terminated. Returns the length, or -1 when buf is too small (buf is
 * then "" if bufsz > 0). SCOPE_MAX_STRING_BYTES always suffices.
 */
int	scope_format(const struct scope_set *s, char *buf, size_t bufsz);

#endif
