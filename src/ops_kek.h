/*
 * ops_kek: rotation of the key-encryption key, written once (jwtmint-admin
 * kek rotate is its adapter). A platform operation: an organization's
 * context gets OPS_NOT_FOUND; the audit row goes to OPS_PLATFORM_ORG.
 */
#ifndef JWTMINT_OPS_KEK_H
#define JWTMINT_OPS_KEK_H

#include <stddef.h>

#include "ops.h"

struct ops_kek_rotate {
	const unsigned char	*kek;		/* KEK_KEY_BYTES: the current one */
	const unsigned char	*new_kek;	/* KEK_KEY_BYTES */
};

struct ops_kek_rotated {
	size_t	 resealed;	/* signing keys sealed again */
};

/*
 * In one transaction, under the rotation lock (no housekeeper makes a key
 * meanwhile): every signing key, removed ones too, opened with kek and
 * sealed again under new_kek, and the KEK's check value replaced
 * (src/secretcheck.h), with the audit row "kek.rotate". From the commit on,
 * a host that starts with the old KEK refuses to; hosts running keep the
 * keys they have parsed (src/keyring.h) until they are restarted with the
 * new one. OPS_INVALID: new_kek is kek (field "new_kek"), or a key does not
 * open with kek (field "kek"); nothing is changed then.
 */
enum ops_err	ops_kek_rotate(const struct ops_ctx *,
		    const struct ops_kek_rotate *, struct ops_kek_rotated *out,
		    const char **field);

#endif
