/*
 * basicauth: the HTTP Basic credentials of an OAuth client (RFC 7617 §2,
 * RFC 6749 §2.3.1):
 *   Authorization: Basic base64(urlenc(client_id) ":" urlenc(client_secret))
 *
 * Strict: the scheme name is matched without regard to case and followed by
 * at least one space; the rest is standard or url-safe base64 (trailing
 * '=' ignored, canonical final group, no whitespace or other byte inside:
 * secret_b64decode); the decoded text is 1..BASICAUTH_MAX_BYTES - 1 bytes
 * with no NUL and a ':' (the first one splits id from secret), and each
 * part is form-urlencoded: '+' is a space, a '%' needs two hex digits, and
 * no part decodes to a control byte or invalid UTF-8 (form.h). Either part
 * may be empty; the caller decides what an empty id or secret means.
 * Pure: no I/O. The caller's id and secret buffers hold a secret: wipe them.
 */
#ifndef JWTMINT_BASICAUTH_H
#define JWTMINT_BASICAUTH_H

#include <stddef.h>

#define BASICAUTH_MAX_BYTES	512	/* decoded credentials, and each part */

/*
 * Split the Authorization value h into id (idsz bytes) and secret (secsz
 * bytes), both NUL-terminated. Returns 1 when h is Basic and well formed,
 * 0 when h is another scheme (id and secret untouched), -1 when Basic but
 * malformed (id and secret hold nothing usable: the caller wipes them).
 */
int	basicauth_parse(const char *h, char *id, size_t idsz, char *secret,
	    size_t secsz);

#endif
