/*
 * fuzz_webhook: webhook_url_parse and webhook_status on arbitrary bytes.
 * A parsed URL must keep the invariants of webhook.h (scheme port, host
 * charset and bounds, path beginning with "/", printable, NUL-terminated),
 * and parsing its own rebuilt form must give the same URL back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "webhook.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct webhook_url	 u, v;
	char			 again[WEBHOOK_URL_MAX_BYTES + 64];
	size_t			 i, n;
	int			 st;

	st = webhook_status((const char *)data, size);
	if (st != -1 && (st < 100 || st > 599))
		__builtin_trap();
	if (webhook_url_parse((const char *)data, size, &u) == -1)
		return 0;
	if (u.port < 1 || u.port > 65535 || u.path[0] != '/' ||
	    (n = strlen(u.host)) == 0 || n >= WEBHOOK_HOST_BYTES ||
	    strlen(u.path) >= WEBHOOK_PATH_BYTES)
		__builtin_trap();
	for (i = 0; u.path[i] != '\0'; i++)
		if ((unsigned char)u.path[i] <= 0x20 ||
		    (unsigned char)u.path[i] >= 0x7f || u.path[i] == '#')
			__builtin_trap();
	snprintf(again, sizeof(again), strchr(u.host, ':') ? "%s://[%s]:%d%s" :
	    "%s://%s:%d%s", u.tls ? "https" : "http", u.host, u.port, u.path);
	if (strlen(again) > WEBHOOK_URL_MAX_BYTES)
		return 0;	/* the explicit port made it longer */
	if (webhook_url_parse(again, strlen(again), &v) == -1 ||
	    memcmp(&u, &v, sizeof(u)) != 0)
		__builtin_trap();
	return 0;
}
