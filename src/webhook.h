/*
 * webhook: the pure parts of the anomaly webhook (src/hookpost.c sends
 * it): the URL the platform operator configures, the signature of a
 * delivery, the retry schedule, and the status line of the answer.
 *
 * Invariants: a parsed URL is http or https, a host of at most
 * WEBHOOK_HOST_BYTES - 1 bytes (a DNS name, a dotted IPv4 address or a
 * bracketed IPv6 address), a port 1..65535, and a path of printable ASCII
 * beginning with "/"; no userinfo, no fragment. Nothing here does I/O.
 */
#ifndef JWTMINT_WEBHOOK_H
#define JWTMINT_WEBHOOK_H

#include <stddef.h>

#define WEBHOOK_URL_MAX_BYTES	1024
#define WEBHOOK_HOST_BYTES	256
#define WEBHOOK_PATH_BYTES	1024
#define WEBHOOK_SECRET_MAX	256
#define WEBHOOK_SIG_HEX		65	/* 64 hex digits and NUL */
/* "t=<20 digits>,v1=<64 hex>" and NUL */
#define WEBHOOK_SIG_HEADER_BYTES	96

struct webhook_url {
	int	 tls;				/* https */
	char	 host[WEBHOOK_HOST_BYTES];	/* IPv6 without brackets */
	int	 port;
	char	 path[WEBHOOK_PATH_BYTES];	/* path and query */
};

/* Parse len bytes of s. Returns 0, or -1 when it is not such a URL. */
int	webhook_url_parse(const char *s, size_t len, struct webhook_url *out);

/*
 * The X-Jwtmint-Signature header value of body sent at t (Unix seconds):
 * "t=<t>,v1=<hex HMAC-SHA-256(secret, t "." body)>" into out
 * (WEBHOOK_SIG_HEADER_BYTES). Returns 0 or -1.
 */
int	webhook_sign(const unsigned char *secret, size_t secretlen,
	    long long t, const char *body, size_t bodylen, char *out);

/*
 * Seconds to wait after the attempt-th failed attempt (1, 2, ...): base,
 * then doubling, at most cap. Never below 1.
 */
int	webhook_backoff_sec(int attempt, int base, int cap);

/*
 * The status of an HTTP/1.x status line at the start of buf (len bytes:
 * "HTTP/1.1 204 No Content\r\n"). Returns 100..599, or -1 when buf does
 * not start with a whole, well-formed status line.
 */
int	webhook_status(const char *buf, size_t len);

#endif
