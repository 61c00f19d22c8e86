/*
 * etag: the ETag of an editable admin resource is its version (a counter
 * every update bumps, sql/010_admin_api.sql): "v7". It names the version
 * of what an administrator sets; fields that move by themselves
 * (last_used_at, a status reached by time) are not part of it. If-Match
 * (RFC 9110 §13.1.1) is "*" or one entity-tag; W/ is accepted and
 * compared by its opaque part (an update names the one version it saw). Pure.
 */
#ifndef JWTMINT_ETAG_H
#define JWTMINT_ETAG_H

#include <stddef.h>

#define ETAG_BYTES	32

/* "\"v<version>\"" into out (ETAG_BYTES). */
void	etag_format(char *out, size_t outsz, long long version);

/*
 * Read an If-Match value (one entity-tag, W/ accepted, or "*"). Returns 0
 * for "*" (any version will do; *version = 0), 1 for one entity-tag with
 * *version its version (-1 when it is no tag of ours: it never matches),
 * -1 when malformed or a list of several tags (400).
 */
int	etag_if_match(const char *h, long long *version);

#endif
