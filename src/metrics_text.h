/*
 * metrics_text: the Prometheus text exposition format 0.0.4 of the host's
 * counters (metrics.h): a HELP and a TYPE line per family, label values
 * escaped (backslash, double quote, newline), histograms with cumulative
 * buckets ending in le="+Inf", then _sum and _count. Pure: it formats
 * what it is given.
 */
#ifndef JWTMINT_METRICS_TEXT_H
#define JWTMINT_METRICS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

#define METRICS_TEXT_MAX_BYTES	(1u << 20)	/* a scrape's body at most */
#define METRICS_TEXT_MAX_KEYS	64

/* A signing key as the scraping worker holds it. */
struct metrics_key_info {
	const char	*kid;
	const char	*alg;
	const char	*state;		/* "active" or "verify" */
};

/* What the shared counters do not hold. */
struct metrics_info {
	const char			*version;
	const struct metrics_key_info	*keys;
	size_t				 nkeys;
	uint64_t			 usage_dropped;
};

/*
 * The exposition of sums and info: a malloc'd NUL-terminated string the
 * caller frees, its length in *len. Returns 0, or -1 (out of memory,
 * over METRICS_TEXT_MAX_BYTES).
 */
int	 metrics_text(const struct metrics_sums *, const struct metrics_info *,
	    char **out, size_t *len);

/*
 * A label value escaped for the format into dst (NUL-terminated).
 * Returns 0, or -1 when it does not fit (dst is then "").
 */
int	 metrics_text_label(char *dst, size_t dstsz, const char *value);

#endif
