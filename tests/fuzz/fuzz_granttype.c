/*
 * fuzz_granttype: granttype_from_name (the grant_type of a token request)
 * and granttype_parse_list (a key's grant list) on arbitrary strings,
 * against a reference written here. Invariants: only the five names (and
 * "token_exchange" in a list) give bits; a list with any unknown or
 * over-long name is 0; a non-zero mask formats to a list that parses back
 * to itself. A violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "granttype.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct {
	const char	*name;
	unsigned	 bit;
} names[] = {
	{ "client_credentials", GT_CLIENT_CREDENTIALS },
	{ "password", GT_PASSWORD },
	{ "refresh_token", GT_REFRESH_TOKEN },
	{ GT_TOKEN_EXCHANGE_URN, GT_TOKEN_EXCHANGE },
	{ "authorization_code", GT_AUTHORIZATION_CODE },
};

static unsigned
ref_name(const char *w, size_t n, int list)
{
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && memcmp(names[i].name, w, n) == 0)
			return names[i].bit;
	if (list && n == 14 && memcmp(w, "token_exchange", 14) == 0)
		return GT_TOKEN_EXCHANGE;
	return 0;
}

static unsigned
ref_list(const char *s)
{
	unsigned	 mask = 0, bit;
	size_t		 n;

	for (;;) {
		s += strspn(s, " ,");
		if ((n = strcspn(s, " ,")) == 0)
			return mask;
		if (n >= 64 || (bit = ref_name(s, n, 1)) == 0)
			return 0;
		mask |= bit;
		s += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, buf[256];
	unsigned	 m;

	if ((s = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(s, data, size);
	s[size] = '\0';
	if (granttype_from_name(s) != ref_name(s, strlen(s), 0))
		__builtin_trap();
	m = granttype_parse_list(s);
	if (m != ref_list(s) || (m & ~0x1fu) != 0)
		__builtin_trap();
	if (m != 0 && (granttype_format(m, buf, sizeof(buf)) != 0 ||
	    granttype_parse_list(buf) != m))
		__builtin_trap();
	free(s);
	return 0;
}
