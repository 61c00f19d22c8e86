/*
 * migrations: the files of sql/, embedded at build time by
 * scripts/embed-sql.sh, in file-name order. The table ends with a NULL name.
 */
#ifndef JWTMINT_MIGRATIONS_H
#define JWTMINT_MIGRATIONS_H

struct migration {
	const char	*name;
	const char	*sql;
};

extern const struct migration migrations[];

#endif
