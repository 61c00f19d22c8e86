/*
 * scope: OAuth 2.0 scope sets (RFC 6749 §3.3).
 *
 * Invariants of a struct scope_set: n <= SCOPE_MAX_TOKENS; tok[0..n) are
 * NUL-terminated, 1..SCOPE_MAX_TOKEN_BYTES bytes of scope-token characters
 * (%x21 / %x23-5B / %x5D-7E), strictly increasing under strcmp (so sorted
 * and without duplicates). Every function here keeps them; the set
 * operations rely on them (merge walks, binary search).
 * Pure: no I/O, no allocation.
 */
#include <stddef.h>
#include <string.h>

#include "scope.h"

/* RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
static int
tokchar(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

/*
 * Index of t in s when present (*found = 1), else the index where it
 * belongs (*found = 0).
 */
static size_t
find(const struct scope_set *s, const char *t, int *found)
{
	size_t	lo = 0, hi = s->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(t, s->tok[mid])) == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return lo;
}

/* Insert the NUL-terminated token t unless present; -1 when s is full. */
static int
add(struct scope_set *s, const char *t)
{
	size_t	i;
	int	found;

	i = find(s, t, &found);
	if (found)
		return 0;
	if (s->n == SCOPE_MAX_TOKENS)
		return -1;
	memmove(s->tok[i + 1], s->tok[i], (s->n - i) * sizeof(s->tok[0]));
	memcpy(s->tok[i], t, strlen(t) + 1);
	s->n++;
	return 0;
}

void
scope_init(struct scope_set *s)
{
	s->n = 0;
}

int
scope_parse(struct scope_set *s, const char *str, size_t len)
{
	char	t[SCOPE_MAX_TOKEN_BYTES + 1];
	size_t	i = 0, tlen;

	scope_init(s);
	while (i < len) {
		/* RFC 6749 §3.3: only %x20 separates; a tab is a bad byte. */
		if (str[i] == ' ') {
			i++;
			continue;
		}
		tlen = 0;
		while (i < len && str[i] != ' ') {
			if (!tokchar((unsigned char)str[i]) ||
			    tlen == SCOPE_MAX_TOKEN_BYTES)
				goto bad;
			t[tlen++] = str[i++];
		}
		t[tlen] = '\0';
		if (add(s, t) == -1)
			goto bad;
	}
	return 0;
bad:
	scope_init(s);
	return -1;
}

int
scope_has(const struct scope_set *s, const char *t)
{
	int	found;

	if (t == NULL)
		return 0;
	(void)find(s, t, &found);
	return found;
}

int
scope_subset(const struct scope_set *a, const struct scope_set *b)
{
	size_t	i, j = 0;
	int	c = 1;

	for (i = 0; i < a->n; i++) {
		while (j < b->n && (c = strcmp(b->tok[j], a->tok[i])) < 0)
			j++;
		if (j == b->n || c != 0)
			return 0;
		j++;
	}
	return 1;
}

void
scope_intersect(struct scope_set *out, const struct scope_set *a,
    const struct scope_set *b)
{
	size_t	i = 0, j = 0, k = 0;
	int	c;

	/* k <= min(i, j): writing tok[k] never clobbers an unread a or b. */
	while (i < a->n && j < b->n) {
		c = strcmp(a->tok[i], b->tok[j]);
		if (c < 0)
			i++;
		else if (c > 0)
			j++;
		else {
			memmove(out->tok[k], a->tok[i], strlen(a->tok[i]) + 1);
			k++;
			i++;
			j++;
		}
	}
	out->n = k;
}

int
scope_format(const struct scope_set *s, char *buf, size_t bufsz)
{
	size_t	i, len, pos = 0;

	if (bufsz == 0)
		return -1;
	for (i = 0; i < s->n; i++) {
		len = strlen(s->tok[i]);
		if ((i > 0 ? 1 : 0) + len >= bufsz - pos) {
			buf[0] = '\0';
			return -1;
		}
		if (i > 0)
			buf[pos++] = ' ';
		memcpy(buf + pos, s->tok[i], len);
		pos += len;
	}
	buf[pos] = '\0';
	return (int)pos;
}
