/*
 * store_usage: the usage flush and the rollup retention (sql/013_usage.sql,
 * src/usage.h), for the housekeeper. Convention of store.h: -1 is always
 * "the database failed".
 */
#ifndef JWTMINT_STORE_USAGE_H
#define JWTMINT_STORE_USAGE_H

#include <stddef.h>

#include "usage.h"

struct db;

/*
 * Write the counts and networks of n drained slots in one statement
 * (STMT_USAGE_FLUSH): every count into its minute, hour and day rows.
 * Returns 0, or -1 (nothing was written: the caller keeps the counts).
 */
int	store_usage_flush(struct db *, const struct usage_slot *, size_t n);

/*
 * Purge rollups past their retention (seconds; day 0: for ever) under the
 * advisory lock of the purge, in one transaction. Returns the rows
 * deleted, 0 also when another host holds the lock, or -1.
 */
long long store_usage_purge(struct db *, long long minute_sec,
	    long long hour_sec, long long day_sec);

#endif
