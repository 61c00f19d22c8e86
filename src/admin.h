/*
 * admin: what the jwtmint-admin command files share. jwtmint-admin is a
 * table of commands (struct admin_cmd): one file per noun (admin_<noun>.c)
 * exports one function returning its rows, and src/admin.c lists those
 * functions, parses the options a row allows, assembles the usage from the
 * rows and calls the row's handler with the state of the run (struct
 * admin). No file but admin.c is called by another: admin.h is the only
 * shared header, and there are no exported mutable globals.
 *
 * Failures print one message and exit 1 (admin_die); bad arguments print
 * the usage and exit 2 (admin_usage).
 */
#ifndef JWTMINT_ADMIN_H
#define JWTMINT_ADMIN_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "ops.h"
#include "stmt.h"
#include "store.h"

struct db;

/* What every command gets. */
struct admin {
	struct config	 cfg;
	struct db	*db;
	int		 json;			/* --json given */
	char		 actor[OPS_ACTOR_BYTES];	/* "cli:USER@HOST" */
};

/*
 * Parsed options, opaque. A row's opts names what it allows, separated by
 * spaces: "name" for --name VALUE, "name!" for a flag --name without a
 * value ("json" is always a flag), "ARG" for one positional argument.
 * Anything else on the command line is a usage error (exit 2).
 */
struct opts;
const char	*admin_opt(const struct opts *, const char *name); /* --name V, or NULL */
int		 admin_flag(const struct opts *, const char *name); /* --name given */
/* Every value of a repeatable option ("name+") into out, at most max
 * (more: usage error). Returns how many. */
size_t		 admin_opt_all(const struct opts *, const char *name,
		    const char **out, size_t max);
const char	*admin_arg(const struct opts *);	/* the positional argument or NULL */

struct admin_cmd {
	const char	*noun;	/* "key" */
	const char	*verb;	/* "roll"; NULL when the noun is the whole command */
	const char	*opts;	/* allowed: "name scopes json ARG" (see above) */
	const char	*usage;	/* its usage line(s), each ending in \n; NULL: none */
	int		(*fn)(struct admin *, const struct opts *);
};

/* The rows of each noun, ended by a row whose noun is NULL. */
const struct admin_cmd	*admin_migrate_cmds(void);
const struct admin_cmd	*admin_org_cmds(void);
const struct admin_cmd	*admin_key_cmds(void);
const struct admin_cmd	*admin_signing_cmds(void);
const struct admin_cmd	*admin_rotate_cmds(void);
const struct admin_cmd	*admin_role_cmds(void);
const struct admin_cmd	*admin_login_cmds(void);
const struct admin_cmd	*admin_user_cmds(void);
const struct admin_cmd	*admin_revoke_cmds(void);
const struct admin_cmd	*admin_audit_cmds(void);
const struct admin_cmd	*admin_app_cmds(void);

struct org {
	char	 id[STORE_ORG_ID_BYTES];
	int	 disabled;
};

/* The first two columns of the first row (RETURNING values). */
struct first {
	char	 a[64], b[64];
};

void	admin_usage(const char *why) __attribute__((noreturn));	/* exit 2 */
/* "jwtmint-admin: " fmt (one %s: arg), then exit 1. */
void	admin_die(struct admin *, const char *fmt, const char *arg)
	    __attribute__((noreturn));
void	admin_need_secrets(struct admin *);	/* pepper and KEK loaded */
/* The context of an operation in organization org_id, acted by the CLI's
 * actor (the pointers borrow from a and org_id). */
void	admin_ops_ctx(struct admin *, const char *org_id, struct ops_ctx *);
/* The organization named slug (or default_org); dies when absent. */
void	admin_org_lookup(struct admin *, const char *slug, struct org *);
/* The organization of key id (the CLI acts for the platform operator);
 * dies when there is no such key. */
void	admin_key_org(struct admin *, const char *id, struct org *);
void	admin_print_json(struct admin *, json_t *);	/* steals */

/*
 * A listing: a header and tab-separated rows ("-" for NULL), or under
 * --json one array of objects of strings (null for NULL), printed at the
 * end. admin_table_row's vals has ncols entries.
 */
struct admin_table {
	const char *const	*names;
	int			 ncols;
	json_t			*arr;
};
void	admin_table_begin(struct admin *, struct admin_table *,
	    const char *const *names, int ncols);
void	admin_table_row(struct admin *, struct admin_table *,
	    const char *const *vals);
void	admin_table_end(struct admin *, struct admin_table *);

/* Print the rows of s as a table, or a JSON array of objects under
 * --json, with these column names. */
void	admin_list(struct admin *, enum stmt s, const char *const *params,
	    const char *const *names, int ncols);
/* The first row's first two columns into f; the row count. Dies on a
 * database error. */
int	admin_lookup(struct admin *, enum stmt s, const char *const *params,
	    struct first *f);
/* Run an INSERT ... RETURNING into f; dies naming what, or "dup already
 * exists" on a unique-key violation. */
void	admin_insert(struct admin *, enum stmt s, const char *const *params,
	    struct first *f, const char *what, const char *dup);

/* "90d", "12h", "30m", "3600s" → seconds (at most 10 years); -1. */
long long admin_duration(const char *s);

#endif
