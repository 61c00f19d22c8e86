/*
 * reqid: request ids (reqid.h). xoshiro256** (Blackman and Vigna, 2018):
 * four words of state, no allocation, a few nanoseconds an id.
 */
#include <string.h>

#include "reqid.h"

int
reqid_valid(const char *s, size_t n)
{
	size_t	 i;
	char	 c;

	if (s == NULL || n == 0 || n > REQID_MAX_BYTES)
		return 0;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
next(struct reqid_gen *g)
{
	uint64_t	 r = rotl(g->s[1] * 5, 7) * 9;
	uint64_t	 t = g->s[1] << 17;

	g->s[2] ^= g->s[0];
	g->s[3] ^= g->s[1];
	g->s[1] ^= g->s[2];
	g->s[0] ^= g->s[3];
	g->s[2] ^= t;
	g->s[3] = rotl(g->s[3], 45);
	return r;
}

void
reqid_seed(struct reqid_gen *g, const unsigned char seed[32])
{
	size_t	 i;

	memcpy(g->s, seed, sizeof(g->s));
	for (i = 0; i < 4 && g->s[i] == 0; i++)
		;
	if (i == 4)			/* xoshiro's one forbidden state */
		g->s[0] = 0x9e3779b97f4a7c15ULL;
	/* The first outputs depend on part of the state only: mix it all. */
	for (i = 0; i < 8; i++)
		(void)next(g);
}

void
reqid_next(struct reqid_gen *g, char out[REQID_BUF_BYTES])
{
	static const char	 hex[] = "0123456789abcdef";
	uint64_t		 w;
	int			 i, j;

	for (i = 0; i < 2; i++) {
		w = next(g);
		for (j = 0; j < 16; j++, w >>= 4)
			out[i * 16 + j] = hex[w & 0xf];
	}
	out[REQID_GEN_BYTES] = '\0';
}

int
reqid_pick(struct reqid_gen *g, const char *param, int count,
    char out[REQID_BUF_BYTES])
{
	size_t	 n;

	if (param != NULL && count == 1 &&
	    (n = strnlen(param, REQID_MAX_BYTES + 1)) <= REQID_MAX_BYTES &&
	    reqid_valid(param, n)) {
		memcpy(out, param, n);
		out[n] = '\0';
		return 1;
	}
	reqid_next(g, out);
	return 0;
}
