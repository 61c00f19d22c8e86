/*
 * duration: "0", "3600s", "30m", "24h", "7d" — a count and one unit — as
 * seconds. The one spelling of a duration for the admin API's bodies
 * (expires_in, grace) and query (expiring_within). Pure.
 */
#ifndef JWTMINT_DURATION_H
#define JWTMINT_DURATION_H

#include <stddef.h>

/* The longest duration anything takes: ten years. */
#define DURATION_MAX_SEC	(10LL * 366 * 86400)

/*
 * Parse len bytes of s. "0" alone is zero; otherwise 1..9 digits and one
 * of s, m, h, d. Returns the seconds (0..DURATION_MAX_SEC), or -1 when
 * malformed or over the maximum.
 */
long long	duration_parse(const char *s, size_t len);

#endif
