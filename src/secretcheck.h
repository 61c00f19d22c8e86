/*
 * secretcheck: every host must hold the same key-encryption key and the
 * same pepper of each pepper id. The database keeps a check value of each
 * (table secret_checks, sql/011_signing.sql), never the secret: HMAC-SHA-256
 * keyed with the secret over a fixed label naming its kind. The first host
 * or jwtmint-admin that holds a secret writes its check value; any later one
 * whose secret gives another value is told so and refuses to start (a host
 * with the wrong KEK would seal new signing keys nobody else can open; one
 * with the wrong pepper would hash keys nobody else can verify).
 */
#ifndef JWTMINT_SECRETCHECK_H
#define JWTMINT_SECRETCHECK_H

#include <stddef.h>

#include "secret.h"

struct config;
struct db;

#define SECRETCHECK_MSG_BYTES	512

/*
 * The check value of a secret of kind "kek" or "pepper", in hex (65
 * bytes). Returns 0 or -1.
 */
int	secretcheck_value(char hex[2 * SECRET_DIGEST_BYTES + 1],
	    const char *kind, const unsigned char *secret, size_t len);

/*
 * Check the KEK and every pepper of c (current and old) against the
 * database, writing the check values not written yet. Returns 1 when all
 * match; 0 when one does not, with msg saying which and what to do; -1 when
 * the database could not be asked (down, or before sql/011_signing.sql).
 */
int	secretcheck_verify(struct db *, const struct config *c, char *msg,
	    size_t msgsz);

/*
 * secretcheck_verify on a connection of its own, closed before returning:
 * what a start and a reload of `jwtmint` check. Same returns.
 */
int	secretcheck_config(const struct config *c, char *msg, size_t msgsz);

#endif
