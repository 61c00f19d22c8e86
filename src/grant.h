/*
 * grant: the token endpoint's grants, one function and one file each. A
 * grant gets an authenticated client whose key may use it and ends in
 * issue_token() or an error from the oauth_err table.
 */
#ifndef JWTMINT_GRANT_H
#define JWTMINT_GRANT_H

#include <stddef.h>

struct client;
struct config;
struct db;
struct issue_ctx;
struct password_params;
struct req;
struct resp;
struct tokencheck_ctx;

/* What the grants read, and nothing else of the worker. */
struct grant_ctx {
	struct db			*db;
	const struct issue_ctx		*issue;
	struct tokencheck_ctx		*check;		/* token exchange */
	const struct password_params	*pw;
	const char			*dummy_phc;	/* unknown users: same cost */
	const unsigned char		*successor_key;	/* refresh.h */
	size_t				 successor_keylen;
	const struct config		*peppers;	/* config_pepper() */
	int				 login_max_failures;
	int				 login_max_failures_addr;
	int				 login_window_sec;
	int				 refresh_idle_sec;
	int				 refresh_absolute_sec;
	int				 refresh_grace_sec;
};

typedef void (*grant_fn)(const struct grant_ctx *, struct req *,
    const struct client *, struct resp *);

/* RFC 6749 §4.4 */
void	grant_client_credentials(const struct grant_ctx *, struct req *,
	    const struct client *, struct resp *);
/* RFC 6749 §4.3 */
void	grant_password(const struct grant_ctx *, struct req *, const struct client *,
	    struct resp *);
/* RFC 6749 §6, RFC 9700 §4.14 */
void	grant_refresh(const struct grant_ctx *, struct req *, const struct client *,
	    struct resp *);
/* RFC 6749 §4.1.3, RFC 7636 */
void	grant_code(const struct grant_ctx *, struct req *, const struct client *,
	    struct resp *);
/* RFC 8693 */
void	grant_exchange(const struct grant_ctx *, struct req *, const struct client *,
	    struct resp *);

#endif
