/*
 * grant: the token endpoint's grants, one function each. Each takes an
 * authenticated client and fills the response: a token, or an error from
 * the oauth_err table.
 */
#ifndef JWTMINT_GRANT_H
#define JWTMINT_GRANT_H

struct app;
struct client;
struct req;
struct resp;

/* RFC 6749 §4.4: client_credentials. */
void	grant_client_credentials(struct app *, struct req *,
	    const struct client *, struct resp *);

#endif
