/*
 * hookpost: one signed POST of the anomaly webhook, HTTP/1.1 over TCP,
 * TLS (OpenSSL, the system's trust store, the host name verified) for
 * https. Bounded: one deadline over resolution, connection, handshake,
 * request and status line; at most HOOKPOST_READ_BYTES of the answer are
 * read, and only its status line is judged. No redirect is ever followed
 * (a 3xx is a failure like any other non-2xx). Plain http goes only to
 * loopback addresses unless the operator allowed it (every address the
 * name resolves to is checked before connecting).
 */
#ifndef JWTMINT_HOOKPOST_H
#define JWTMINT_HOOKPOST_H

#include <stddef.h>

#include "webhook.h"

#define HOOKPOST_READ_BYTES	1024
#define HOOKPOST_WHY_BYTES	128

/*
 * POST body (bodylen bytes, JSON) to u with the X-Jwtmint-Signature
 * header sig, within timeout_ms. Returns the answer's status (100..599),
 * or -1 with why (HOOKPOST_WHY_BYTES) saying what failed.
 */
int	hookpost_send(const struct webhook_url *u, int allow_remote_http,
	    const char *sig, const char *body, size_t bodylen, int timeout_ms,
	    char *why);

#endif
