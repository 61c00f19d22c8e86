/*
 * etag: the ETag of an editable admin resource is its version (a counter
 * every update bumps, sql/010_admin_api.sql): "v7". It names the version
 * of what an administrator sets; fields that move by themselves
 * (last_used_at, a status reached by time) are not part of it. If-Match
 * (RFC 9110 §13.1.1) is "*" or a list of entity-tags; W/ is accepted and
 * compared by its opaque part. Pure.
 */
#ifndef JWTMINT_ETAG_H
#define JWTMINT_ETAG_H

#include <stddef.h>

#define ETAG_BYTES	32

/* "\"v<version>\"" into out (ETAG_BYTES). */
void	etag_format(char *out, size_t outsz, long long version);

/*
 * Does If-Match value h allow version? 1 yes ("*", or one of its tags is
 * the version's), 0 no (412), -1 malformed (400).
 */
int	etag_match(const char *h, long long version);

#endif
