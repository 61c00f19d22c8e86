/*
 * admin: what the jwtmint-admin command files share: the configuration, the
 * database handle, argument parsing and output. Failures print one message
 * and exit 1; bad arguments print the usage and exit 2.
 */
#ifndef JWTMINT_ADMIN_H
#define JWTMINT_ADMIN_H

#include "config.h"
#include "stmt.h"
#include "store.h"

#include <jansson.h>

struct db;

extern struct config	 admin_cfg;
extern struct db	*admin_db;
extern int		 admin_json;	/* --json given */

/* Options after the command words: --name value pairs and --json. */
struct opts {
	const char	*name, *scopes, *env, *expires, *org, *slug, *alg;
	const char	*grants, *role, *accounts, *username, *jti, *user, *key;
	const char	*rate_sec, *rate_min, *grace;
	int		 all_accounts, read_only, trusted_forwarder;
	const char	*arg;		/* the one positional argument */
};

struct org {
	char	 id[STORE_ORG_ID_BYTES];
	int	 disabled;
};

/* The first column of the first row (RETURNING values). */
struct first {
	char	 a[64], b[64];
};

void	admin_usage(const char *why) __attribute__((noreturn));
void	admin_die(const char *fmt, const char *arg) __attribute__((noreturn));
void	admin_need_secrets(void);
/* Parse argv into o; allowed lists the option names followed by a space,
 * "json" for --json and "ARG" for one positional argument. */
void	admin_parse_opts(int argc, char **argv, struct opts *o,
	    const char *allowed);
void	admin_print_json(json_t *o);	/* steals o */
void	admin_org_lookup(const char *slug, struct org *o);
void	admin_list(enum stmt s, const char *const *params,
	    const char *const *names, int ncols);
/* The first row's first two columns into f; the row count. */
int	admin_lookup(enum stmt s, const char *const *params, struct first *f);
void	admin_insert(enum stmt s, const char *const *params, struct first *f,
	    const char *what, const char *dup);

/* The organization of key id (the CLI acts for the platform operator);
 * exits when there is no such key. */
void	admin_key_org(const char *id, struct org *o);

int	admin_user(int argc, char **argv);
int	admin_role(int argc, char **argv);
int	admin_revoke(int argc, char **argv);

#endif
