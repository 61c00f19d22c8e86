/*
 * keyring: the signing keys of one worker, decrypted and parsed once (at
 * start and again only when the database says they changed), plus the JWKS
 * document serialised once from them.
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
	size_t		 n;
	char		*jwks;		/* {"keys":[...]} public keys only */
	size_t		 jwkslen;
	int		 loaded;	/* 1 after a successful load */
};

/*
 * Replace the keys with those active in the database. Returns 0, or -1 on a
 * database error (the old keys stay in place). Keys that fail to decrypt
 * are logged and skipped.
 */
int			 keyring_load(struct keyring *, struct db *,
			    const struct config *);

/* The newest key of alg, or NULL. */
const struct jws_key	*keyring_signer(const struct keyring *, enum jws_alg);

void			 keyring_free(struct keyring *);

#endif
