/*
 * test_tokcache: what goes in comes out whole (every field of struct
 * verified, the long strings at their full bounds), only for the same
 * token and only until its exp + leeway; a cleared cache has nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "tokcache.h"
#include "t.h"

static struct verified	 in, out;

static void
fill(struct verified *v, size_t scopelen, size_t acclen)
{
	size_t	 i;

	memset(v, 0, sizeof(*v));
	strcpy(v->kid, "kid-1");
	v->alg = JWS_ES256;
	strcpy(v->jti, "AAAAAAAAAAAAAAAAAAAAAA");
	strcpy(v->sub, "usr_aaaaaaaaaaaaaaaa");
	strcpy(v->client_id, "aaaaaaaaaaaaaaaa");
	strcpy(v->org, "org_1");
	strcpy(v->aud, "api");
	strcpy(v->role, "admin");
	strcpy(v->username, "alice");
	v->exp = 2000, v->iat = 1000, v->nbf = 1000;
	strcpy(v->sid, "fam_aaaaaaaaaaaaaaaa");
	v->has_gen = 1, v->gen = 7;
	strcpy(v->parents[0], "BBBBBBBBBBBBBBBBBBBBBB");
	v->nparents = 1;
	strcpy(v->act[0], "k2");
	strcpy(v->act[1], "k1");
	v->nact = 2;
	for (i = 0; i < scopelen; i++)
		v->scope[i] = i % 129 == 128 ? ' ' : 'a' + (char)(i % 26);
	for (i = 0; i < acclen; i++)
		v->accounts[i] = i % 10 == 9 ? ' ' : 'x';
}

static int
same(const struct verified *a, const struct verified *b)
{
	return memcmp(a, b, offsetof(struct verified, scope)) == 0 &&
	    strcmp(a->scope, b->scope) == 0 &&
	    strcmp(a->accounts, b->accounts) == 0;
}

int
main(void)
{
	struct tokcache	 tc;
	size_t		 sizes[][2] = { { 0, 0 }, { 10, 0 }, { 40, 19 },
	    { SCOPE_MAX_STRING_BYTES - 1, sizeof(in.accounts) - 1 } };
	size_t		 i;

	T_CHECK(tokcache_init(&tc) == 0, "init");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(&in, sizes[i][0], sizes[i][1]);
		tokcache_put(&tc, "token-a", &in);
		memset(&out, 0x5a, sizeof(out));
		T_CHECK(tokcache_get(&tc, "token-a", 1500, 30, &out) == 1 &&
		    same(&in, &out), "round trip, scope %zu and accounts %zu "
		    "bytes: every field back", sizes[i][0], sizes[i][1]);
	}
	T_CHECK(tokcache_get(&tc, "token-b", 1500, 30, &out) == 0,
	    "another token: miss");
	T_CHECK(tokcache_get(&tc, "token-a", 2029, 30, &out) == 1,
	    "within exp + leeway: hit");
	T_CHECK(tokcache_get(&tc, "token-a", 2030, 30, &out) == 0,
	    "at exp + leeway: miss");
	fill(&in, 5, 3);
	strcpy(in.sub, "usr_bbbbbbbbbbbbbbbb");
	tokcache_put(&tc, "token-a", &in);
	T_CHECK(tokcache_get(&tc, "token-a", 1500, 30, &out) == 1 &&
	    strcmp(out.sub, "usr_bbbbbbbbbbbbbbbb") == 0 &&
	    strlen(out.scope) == 5, "put again: the new entry, shorter");
	tokcache_clear(&tc);
	T_CHECK(tokcache_get(&tc, "token-a", 1500, 30, &out) == 0,
	    "cleared: miss");
	tokcache_free(&tc);
	return t_done();
}
