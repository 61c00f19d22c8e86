/*
 * reqid: the request id of one request, named in its log line and its
 * X-Request-Id answer header.
 *
 * The id comes from the web server (the FastCGI parameter
 * JWTMINT_REQUEST_ID, which the shipped configurations set from nginx's
 * $request_id or Apache's UNIQUE_ID), never from a client header: a request
 * header reaches jwtmint as HTTP_*, so no client can name that parameter.
 * A value is taken only when it is 1..REQID_MAX_BYTES bytes of
 * [A-Za-z0-9._-] and sent once; anything else is replaced by a generated
 * id. Generated ids are 32 lower-case hex digits (128 bits) from a
 * per-process xoshiro256** seeded from the kernel's CSPRNG: unique, cheap,
 * and not secret (they are printed in logs and headers). Pure.
 */
#ifndef JWTMINT_REQID_H
#define JWTMINT_REQID_H

#include <stddef.h>
#include <stdint.h>

#define REQID_MAX_BYTES		64	/* an id taken from the web server */
#define REQID_GEN_BYTES		32	/* a generated id: 128 bits in hex */
#define REQID_BUF_BYTES		(REQID_MAX_BYTES + 1)

struct reqid_gen {
	uint64_t	 s[4];
};

/* 1 when the n bytes of s are an acceptable id, else 0. */
int	reqid_valid(const char *s, size_t n);

/*
 * Seed from 32 bytes (secret_random in the caller; any value works, an
 * all-zero one is replaced by a fixed non-zero state).
 */
void	reqid_seed(struct reqid_gen *, const unsigned char seed[32]);

/* The next generated id into out (REQID_GEN_BYTES + NUL). */
void	reqid_next(struct reqid_gen *, char out[REQID_BUF_BYTES]);

/*
 * The id of a request: param (the web server's value, NULL when absent)
 * when it is valid and was sent exactly once (count), else a generated
 * one. Returns 1 when param was taken, 0 when generated.
 */
int	reqid_pick(struct reqid_gen *, const char *param, int count,
	    char out[REQID_BUF_BYTES]);

#endif
