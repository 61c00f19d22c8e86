/*
 * test_claims: the access-token claims set parsed back with json_loads:
 * exactly the RFC 9068 §2.2 members, integer times, org only when given, and
 * hostile strings (quotes, backslashes, control bytes, JSON injection,
 * non-ASCII) that come back byte for byte. Invalid UTF-8 and missing
 * required values give NULL, never a broken document. jti: 22 base64url
 * characters, 1000 distinct.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "claims.h"
#include "t.h"

#define NJTI	1000

static const char *const members[] = {
	"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope",
};
#define NMEMBERS	(sizeof(members) / sizeof(members[0]))

static int
str_is(json_t *o, const char *key, const char *want)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) && strcmp(json_string_value(v), want) == 0 &&
	    json_string_length(v) == strlen(want);
}

static int
int_is(json_t *o, const char *key, long long want)
{
	json_t	*v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) == want;
}

/* Serialise, parse back, check every member. Returns 1 when all hold. */
static int
roundtrip(const struct claims *c, char *why, size_t whysz)
{
	json_error_t	 e;
	json_t		*o = NULL;
	const char	*k;
	json_t		*v;
	static char	 s[32768];
	size_t		 len = 0, i, j;
	int		 n, ok = 0;

	memset(s, 0x55, sizeof(s));
	if ((n = claims_json(c, s, sizeof(s))) < 0) {
		snprintf(why, whysz, "claims_json -1");
		return 0;
	}
	len = (size_t)n;
	if (len != strlen(s)) {
		snprintf(why, whysz, "len %zu != strlen %zu", len, strlen(s));
		goto out;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20) {
			snprintf(why, whysz, "raw control byte at %zu", i);
			goto out;
		}
	if ((o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &e)) == NULL ||
	    !json_is_object(o)) {
		snprintf(why, whysz, "not a JSON object: %s", e.text);
		goto out;
	}
	if (json_object_size(o) != NMEMBERS + (c->org != NULL)) {
		snprintf(why, whysz, "%zu members", json_object_size(o));
		goto out;
	}
	json_object_foreach(o, k, v) {
		for (j = 0; j < NMEMBERS; j++)
			if (strcmp(k, members[j]) == 0)
				break;
		if (j == NMEMBERS && !(c->org != NULL && strcmp(k, "org") == 0)) {
			snprintf(why, whysz, "unexpected member %s", k);
			goto out;
		}
	}
	if (!str_is(o, "iss", c->iss) || !str_is(o, "sub", c->sub) ||
	    !str_is(o, "aud", c->aud) || !str_is(o, "jti", c->jti) ||
	    !str_is(o, "client_id", c->client_id) ||
	    !str_is(o, "scope", c->scope)) {
		snprintf(why, whysz, "a string member differs");
		goto out;
	}
	if (!int_is(o, "exp", (long long)c->exp) ||
	    !int_is(o, "iat", (long long)c->iat) ||
	    !int_is(o, "nbf", (long long)c->iat)) {
		snprintf(why, whysz, "exp/iat/nbf not the integers given");
		goto out;
	}
	if (c->org != NULL ? !str_is(o, "org", c->org) :
	    json_object_get(o, "org") != NULL) {
		snprintf(why, whysz, "org");
		goto out;
	}
	ok = 1;
out:
	json_decref(o);
	return ok;
}

static struct claims
base(void)
{
	struct claims	 c;

	memset(&c, 0, sizeof(c));
	c.iss = "https://auth.example.com";
	c.sub = "2c3mr7xwqk4vyb5d";
	c.aud = "https://api.example.com";
	c.client_id = "2c3mr7xwqk4vyb5d";
	c.scope = "read write";
	c.org = NULL;
	c.iat = 1700000000;
	c.exp = 1700000900;
	claims_new_jti(&c);
	return c;
}

struct hostile {
	const char	*name;
	const char	*s;
};

static const struct hostile hostiles[] = {
	{ "double quote", "a\"b" },
	{ "JSON injection", "x\",\"scope\":\"admin\",\"y\":\"" },
	{ "backslash", "a\\b\\\\c\\" },
	{ "escaped quote text", "\\\"" },
	{ "newline", "line1\nline2" },
	{ "CRLF", "a\r\nb" },
	{ "tab", "a\tb" },
	{ "control 0x01 and ESC", "\x01\x1b[2J" },
	{ "DEL", "a\x7f" },
	{ "slash and script", "</script><script>alert(1)</script>" },
	{ "U+00E9", "caf\xc3\xa9" },
	{ "U+20AC", "\xe2\x82\xac" },
	{ "U+1F600 (4 bytes)", "\xf0\x9f\x98\x80" },
	{ "U+2028 line separator", "a\xe2\x80\xa8z" },
	{ "U+FEFF BOM", "\xef\xbb\xbfx" },
	{ "U+10FFFF", "\xf4\x8f\xbf\xbf" },
	{ "empty", "" },
	{ "unicode escape text", "\\u0000" },
	{ "braces", "}{][" },
};

static void
check_members(void)
{
	struct claims	 c;
	char		 why[128] = "";
	size_t		 i;
	int		 which, ok;

	c = base();
	ok = roundtrip(&c, why, sizeof(why));
	T_CHECK(ok, "claims without org: 9 members (%s)", why);
	c.org = "acme";
	ok = roundtrip(&c, why, sizeof(why));
	T_CHECK(ok, "claims with org: 10 members (%s)", why);
	c.org = "";
	ok = roundtrip(&c, why, sizeof(why));
	T_CHECK(ok, "claims with empty org is kept (%s)", why);

	/* Times: 0, after 2038, 2^40. */
	c = base();
	c.iat = 0;
	c.exp = 60;
	ok = roundtrip(&c, why, sizeof(why));
	T_CHECK(ok, "claims iat 0 (%s)", why);
	c.iat = (time_t)4102444800LL;	/* 2100-01-01 */
	c.exp = c.iat + 3600;
	ok = roundtrip(&c, why, sizeof(why));
	T_CHECK(ok, "claims after 2038 (%s)", why);
	c.iat = (time_t)(1LL << 40);
	c.exp = c.iat + 1;
	ok = roundtrip(&c, why, sizeof(why));
	T_CHECK(ok, "claims 2^40 (%s)", why);

	/* Every hostile string in every string member. */
	for (i = 0; i < sizeof(hostiles) / sizeof(hostiles[0]); i++) {
		for (which = 0; which < 6; which++) {
			c = base();
			switch (which) {
			case 0: c.iss = hostiles[i].s; break;
			case 1: c.sub = hostiles[i].s; break;
			case 2: c.aud = hostiles[i].s; break;
			case 3: c.client_id = hostiles[i].s; break;
			case 4: c.scope = hostiles[i].s; break;
			case 5: c.org = hostiles[i].s; break;
			}
			why[0] = '\0';
			ok = roundtrip(&c, why, sizeof(why));
			T_CHECK(ok,
			    "claims %s in %s round trip (%s)", hostiles[i].name,
			    (const char *[]){ "iss", "sub", "aud", "client_id",
			    "scope", "org" }[which], why);
		}
	}
}

static void
check_errors(void)
{
	static const char *const bad_utf8[] = {
		"\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\xe2\x82",
		"\x80",
	};
	struct claims	 c;
	static char	 s[32768];
	size_t		 i;
	int		 which;

	for (i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		for (which = 0; which < 6; which++) {
			c = base();
			switch (which) {
			case 0: c.iss = bad_utf8[i]; break;
			case 1: c.sub = bad_utf8[i]; break;
			case 2: c.aud = bad_utf8[i]; break;
			case 3: c.client_id = bad_utf8[i]; break;
			case 4: c.scope = bad_utf8[i]; break;
			case 5: c.org = bad_utf8[i]; break;
			}
			T_CHECK(claims_json(&c, s, sizeof(s)) == -1 &&
			    s[0] == '\0', "claims invalid UTF-8 #%zu in member %d "
			    "-> -1, empty buffer", i, which);
		}
	}
	for (which = 0; which < 5; which++) {
		c = base();
		switch (which) {
		case 0: c.iss = NULL; break;
		case 1: c.sub = NULL; break;
		case 2: c.aud = NULL; break;
		case 3: c.client_id = NULL; break;
		case 4: c.scope = NULL; break;
		}
		T_CHECK(claims_json(&c, s, sizeof(s)) == -1,
		    "claims required member %d NULL -> -1", which);
	}
}

static int
cmp_jti(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
check_jti(void)
{
	static char	 jtis[NJTI][CLAIMS_JTI_LEN + 1];
	struct claims	 c;
	size_t		 i;
	int		 ok = 1, uniq = 1;

	for (i = 0; i < NJTI; i++) {
		memset(&c, 0x55, sizeof(c));
		if (claims_new_jti(&c) != 0 || strlen(c.jti) != CLAIMS_JTI_LEN ||
		    strspn(c.jti, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_") != CLAIMS_JTI_LEN)
			ok = 0;
		memcpy(jtis[i], c.jti, sizeof(jtis[i]));
	}
	T_CHECK(ok, "jti: %d values of 22 base64url chars", NJTI);
	qsort(jtis, NJTI, sizeof(jtis[0]), cmp_jti);
	for (i = 1; i < NJTI; i++)
		if (strcmp(jtis[i - 1], jtis[i]) == 0)
			uniq = 0;
	T_CHECK(uniq, "jti: %d values all distinct", NJTI);
	/* 16 bytes: the last char carries 4 bits and 2 zero bits. */
	ok = 1;
	for (i = 0; i < NJTI; i++)
		if (strchr("AQgw", jtis[i][21]) == NULL)
			ok = 0;
	T_CHECK(ok, "jti: last char is canonical (one of A Q g w)");
}

/* role, accounts (array, or "*" as a string) and act, as RFC 8693 §4.1. */
static void
check_optional(void)
{
	static char	 s[4096];
	struct claims	 c = base();
	json_error_t	 e;
	json_t		*o, *acc, *act;
	int		 n;

	c.org = "acme";
	c.role = "limited";
	c.accounts = "  acct_1 acct_\"2  acct_3 ";
	c.act[0] = "svc\n1";
	c.nact = 1;
	n = claims_json(&c, s, sizeof(s));
	o = n > 0 ? json_loadb(s, (size_t)n, JSON_REJECT_DUPLICATES, &e) : NULL;
	acc = json_object_get(o, "accounts");
	act = json_object_get(o, "act");
	T_CHECK(o != NULL && str_is(o, "role", "limited") &&
	    json_is_array(acc) && json_array_size(acc) == 3 &&
	    strcmp(json_string_value(json_array_get(acc, 0)), "acct_1") == 0 &&
	    strcmp(json_string_value(json_array_get(acc, 1)), "acct_\"2") == 0 &&
	    strcmp(json_string_value(json_array_get(acc, 2)), "acct_3") == 0 &&
	    json_is_object(act) && json_object_size(act) == 1 &&
	    str_is(act, "sub", "svc\n1"),
	    "optional: role, accounts as an array, act {sub} (%s)", s);
	json_decref(o);

	c.accounts = "*";
	c.nact = 0;
	n = claims_json(&c, s, sizeof(s));
	o = n > 0 ? json_loadb(s, (size_t)n, JSON_REJECT_DUPLICATES, &e) : NULL;
	T_CHECK(o != NULL && str_is(o, "accounts", "*") &&
	    json_object_get(o, "act") == NULL,
	    "optional: accounts \"*\" stays a string, no act when NULL");
	json_decref(o);

	c.accounts = "";
	n = claims_json(&c, s, sizeof(s));
	o = n > 0 ? json_loadb(s, (size_t)n, JSON_REJECT_DUPLICATES, &e) : NULL;
	acc = json_object_get(o, "accounts");
	T_CHECK(json_is_array(acc) && json_array_size(acc) == 0,
	    "optional: no accounts -> an empty array");
	json_decref(o);

	n = claims_json(&c, s, 64);
	T_CHECK(n == -1 && s[0] == '\0', "a buffer too small -> -1");
}

/* Lineage: sid, gen, parents; act nested, the current actor outermost. */
static void
check_lineage(void)
{
	static char	 s[4096];
	struct claims	 c = base();
	json_error_t	 e;
	json_t		*o, *act, *par;
	int		 n;

	T_CHECK((n = claims_json(&c, s, sizeof(s))) > 0 &&
	    strstr(s, "\"gen\"") == NULL && strstr(s, "\"sid\"") == NULL &&
	    strstr(s, "\"parents\"") == NULL && strstr(s, "\"act\"") == NULL,
	    "lineage: none of sid, gen, parents, act by default");
	c.sid = "fam_aaaaaaaaaaaaaaaa";
	c.has_gen = 1;
	c.gen = 0;
	c.parents[0] = "AAAAAAAAAAAAAAAAAAAAAA";
	c.parents[1] = "BBBBBBBBBBBBBBBBBBBBBA";
	c.nparents = 2;
	c.act[0] = "app3";
	c.act[1] = "app2";
	c.act[2] = "app1";
	c.nact = 3;
	n = claims_json(&c, s, sizeof(s));
	o = n > 0 ? json_loadb(s, (size_t)n, JSON_REJECT_DUPLICATES, &e) : NULL;
	par = json_object_get(o, "parents");
	act = json_object_get(o, "act");
	T_CHECK(o != NULL && str_is(o, "sid", "fam_aaaaaaaaaaaaaaaa") &&
	    json_is_integer(json_object_get(o, "gen")) &&
	    json_integer_value(json_object_get(o, "gen")) == 0 &&
	    json_is_array(par) && json_array_size(par) == 2 &&
	    strcmp(json_string_value(json_array_get(par, 0)),
	    "AAAAAAAAAAAAAAAAAAAAAA") == 0, "lineage: sid, gen 0, parents "
	    "root first (%s)", s);
	T_CHECK(json_is_object(act) && str_is(act, "sub", "app3") &&
	    str_is(json_object_get(act, "act"), "sub", "app2") &&
	    str_is(json_object_get(json_object_get(act, "act"), "act"), "sub",
	    "app1") && json_object_get(json_object_get(json_object_get(act,
	    "act"), "act"), "act") == NULL, "lineage: act nests, current "
	    "actor outermost (RFC 8693 §4.1)");
	json_decref(o);
	c.nparents = CLAIMS_MAX_CHAIN + 1;
	T_CHECK(claims_json(&c, s, sizeof(s)) == -1,
	    "lineage: more parents than CLAIMS_MAX_CHAIN: -1");
	c.nparents = 0;
	c.nact = CLAIMS_MAX_CHAIN + 1;
	T_CHECK(claims_json(&c, s, sizeof(s)) == -1,
	    "lineage: more actors than CLAIMS_MAX_CHAIN: -1");
}

int
main(void)
{
	check_optional();
	check_lineage();
	check_members();
	check_errors();
	check_jti();
	return t_done();
}
