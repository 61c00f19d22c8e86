/*
 * grant: the token endpoint's grants, one function and one file each. A
 * grant gets an authenticated client whose key may use it and ends in
 * issue_token() or an error from the oauth_err table.
 */
#ifndef JWTMINT_GRANT_H
#define JWTMINT_GRANT_H

struct app;
struct client;
struct req;
struct resp;

typedef void (*grant_fn)(struct app *, struct req *, const struct client *,
    struct resp *);

/* RFC 6749 §4.4 */
void	grant_client_credentials(struct app *, struct req *,
	    const struct client *, struct resp *);
/* RFC 6749 §4.3 */
void	grant_password(struct app *, struct req *, const struct client *,
	    struct resp *);
/* RFC 6749 §6, RFC 9700 §4.14 */
void	grant_refresh(struct app *, struct req *, const struct client *,
	    struct resp *);
/* RFC 8693 */
void	grant_exchange(struct app *, struct req *, const struct client *,
	    struct resp *);

#endif
