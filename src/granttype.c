/*
 * granttype: grant names and masks.
 */
#include <stdio.h>
#include <string.h>

#include "granttype.h"

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
#define NNAMES	(sizeof(names) / sizeof(names[0]))

unsigned
granttype_from_name(const char *s)
{
	size_t	 i;

	for (i = 0; i < NNAMES; i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].bit;
	return 0;
}

unsigned
granttype_parse_list(const char *s)
{
	char		 w[64];
	unsigned	 mask = 0, bit;
	size_t		 n;

	while (*s != '\0') {
		s += strspn(s, " ,");
		if ((n = strcspn(s, " ,")) == 0)
			break;
		if (n >= sizeof(w))
			return 0;
		memcpy(w, s, n);
		w[n] = '\0';
		s += n;
		bit = strcmp(w, "token_exchange") == 0 ? GT_TOKEN_EXCHANGE :
		    granttype_from_name(w);
		if (bit == 0)
			return 0;
		mask |= bit;
	}
	return mask;
}

int
granttype_format(unsigned mask, char *buf, size_t bufsz)
{
	size_t	 i, len = 0;
	int	 n;

	if (bufsz == 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < NNAMES; i++) {
		if (!(mask & names[i].bit))
			continue;
		n = snprintf(buf + len, bufsz - len, "%s%s", len ? " " : "",
		    names[i].name);
		if (n < 0 || (size_t)n >= bufsz - len)
			return -1;
		len += (size_t)n;
	}
	return 0;
}
