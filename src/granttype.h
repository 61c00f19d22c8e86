/*
 * granttype: the grant_type values jwtmint knows, as bits, and the per-key
 * list of grants a key may use ("client_credentials password ..."). Pure.
 */
#ifndef JWTMINT_GRANTTYPE_H
#define JWTMINT_GRANTTYPE_H

#include <stddef.h>

#define GT_TOKEN_EXCHANGE_URN	"urn:ietf:params:oauth:grant-type:token-exchange"

enum granttype {
	GT_CLIENT_CREDENTIALS = 0x1,
	GT_PASSWORD = 0x2,
	GT_REFRESH_TOKEN = 0x4,
	GT_TOKEN_EXCHANGE = 0x8,
	GT_AUTHORIZATION_CODE = 0x10	/* RFC 6749 §4.1 */
};

/* The bit of a grant_type value, or 0 when unknown. */
unsigned	 granttype_from_name(const char *);

/*
 * Parse a list separated by spaces or commas ("token_exchange" is accepted
 * for the URN). Returns the mask, or 0 when a name is unknown or the list
 * is empty.
 */
unsigned	 granttype_parse_list(const char *);

/* Canonical space-separated names of mask into buf. Returns 0 or -1. */
int		 granttype_format(unsigned mask, char *buf, size_t bufsz);

#endif
