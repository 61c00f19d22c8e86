/*
 * test_pkce: S256 (RFC 7636 Appendix B) and the shape of verifiers and
 * challenges, hostile rows first.
 */
#include <string.h>

#include "pkce.h"
#include "t.h"

/* RFC 7636 Appendix B */
#define V	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CH	"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

static const struct {
	const char	*v;
	int		 ok;
} verifiers[] = {
	{ "", 0 },
	{ "short", 0 },
	{ "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX", 0 },	/* 42 */
	{ "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+", 0 },
	{ "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX=", 0 },
	{ "dBjftJeZ4CVP mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 0 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	{ V, 1 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1 },
	{ "abc.def~ghi_jkl-mnoABCDEFGHIJKLMNOPQRSTUVWXYZ0123", 1 },
};

int
main(void)
{
	char	 c[PKCE_CHALLENGE_LEN + 1];
	size_t	 i;

	for (i = 0; i < sizeof(verifiers) / sizeof(verifiers[0]); i++)
		T_CHECK(pkce_verifier_valid(verifiers[i].v) == verifiers[i].ok,
		    "verifier \"%.20s...\" (%zu) -> %d", verifiers[i].v,
		    strlen(verifiers[i].v), verifiers[i].ok);
	T_CHECK(pkce_s256(V, c) == 0 && strcmp(c, CH) == 0,
	    "RFC 7636 Appendix B S256");
	T_CHECK(pkce_check(V, CH) == 1, "the right verifier passes");
	T_CHECK(pkce_check("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", CH) == 0,
	    "another verifier fails");
	T_CHECK(pkce_check(CH, CH) == 0, "the challenge as verifier (plain) fails");
	T_CHECK(pkce_check(NULL, CH) == 0, "no verifier fails");
	T_CHECK(pkce_check(V, NULL) == 0, "no challenge fails");
	T_CHECK(pkce_challenge_valid(CH) == 1, "challenge shape");
	T_CHECK(pkce_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN") == 0,
	    "non-canonical last character refused");
	T_CHECK(pkce_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c") == 0,
	    "42 characters refused");
	T_CHECK(pkce_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM") == 0,
	    "base64 (not url) refused");
	return t_done();
}
