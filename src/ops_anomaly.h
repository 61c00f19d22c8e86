/*
 * ops_anomaly: the flags of unusual usage of the caller's organization's
 * keys (src/usage_anomaly.h writes them), listed once for both adapters:
 * GET /admin/usage/anomalies (src/h_admin_anomalies.c) and jwtmint-admin
 * key usage --anomalies (src/admin_anomaly.c). Reads only.
 */
#ifndef JWTMINT_OPS_ANOMALY_H
#define JWTMINT_OPS_ANOMALY_H

#include <jansson.h>

#include "ops.h"

#define OPS_ANOMALY_LIMIT_DEFAULT	50
#define OPS_ANOMALY_LIMIT_MAX		500
#define OPS_ANOMALY_KEY_BYTES		65	/* a key id and NUL */
#define OPS_ANOMALY_CURSOR_BYTES	24	/* a decimal id */

/* One flag (strings borrowed for the call only). */
struct ops_anomaly {
	long long	 id;
	const char	*key_id, *kind, *hour, *detail, *created_at;
	long long	 observed, baseline;
};

typedef int	(*ops_anomaly_fn)(void *arg, const struct ops_anomaly *);

/*
 * Newest first. Filters (NULL or "": any): key (an id), kind ("volume",
 * "refusals", "network"), since: a duration back from now ("7d", "24h",
 * duration.h) or an RFC 3339 time, flags written at or after it. cursor:
 * the previous page's next_cursor. limit 0: 50; at most 500. OPS_INVALID
 * names "key", "kind", "since", "cursor" or "limit".
 */
struct ops_anomaly_list {
	const char	*key, *kind, *since, *cursor;
	int		 limit;
	ops_anomaly_fn	 row;
	void		*arg;
};
struct ops_anomaly_listed {
	size_t		 n;
	char		 next_cursor[OPS_ANOMALY_CURSOR_BYTES];	/* "": no more */
};
enum ops_err	ops_anomaly_list(const struct ops_ctx *,
		    const struct ops_anomaly_list *, struct ops_anomaly_listed *,
		    const char **field);

/* A flag as JSON (id, key, kind, hour, observed, baseline, detail,
 * created_at); the caller owns it. NULL on allocation failure. */
json_t		*ops_anomaly_json(const struct ops_anomaly *);

#endif
