/*
 * keyring: the signing keys of one worker, decrypted and parsed once (at
 * start and again only when the database says they changed), plus the JWKS
 * document serialised once from them.
 *
 * It holds every published key (next, active and retired: src/rotation.h),
 * all of which verify; the active key of an algorithm alone signs. A reload
 * keeps the keys it has parsed already (a kid names its key material: an
 * RFC 7638 thumbprint, or a random name for HS256) without unsealing them
 * again, so a host still on the previous key-encryption key after
 * `jwtmint-admin kek rotate` keeps serving until it is restarted.
 */
#ifndef JWTMINT_KEYRING_H
#define JWTMINT_KEYRING_H

#include <stddef.h>

#include "jws.h"

#define KEYRING_MAX_KEYS	32

struct config;
struct db;

struct keyring {
	struct jws_key	 keys[KEYRING_MAX_KEYS];	/* newest first */
	unsigned char	 signs[KEYRING_MAX_KEYS];	/* 1: the active key */
	size_t		 n;
	char		*jwks;		/* {"keys":[...]} public keys only */
	size_t		 jwkslen;
	int		 loaded;	/* 1 after a successful load */
};

/*
 * Replace the keys with those published in the database. Returns 0, or -1
 * on a database error (the old keys stay in place). Keys that fail to
 * decrypt are logged and skipped.
 */
int			 keyring_load(struct keyring *, struct db *,
			    const struct config *);

/* The active (signing) key of alg, or NULL. */
const struct jws_key	*keyring_signer(const struct keyring *, enum jws_alg);

void			 keyring_free(struct keyring *);

#endif
