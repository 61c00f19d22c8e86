/*
 * keyring: load, unseal and parse the published signing keys; publish the
 * JWKS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "jwk.h"
#include "keyring.h"
#include "kek.h"
#include "log.h"
#include "secret.h"
#include "store.h"

struct loading {
	struct keyring		*kr;		/* the new ring */
	struct keyring		*old;		/* the ring in use */
	unsigned char		 taken[KEYRING_MAX_KEYS];	/* of old */
	int			 from[KEYRING_MAX_KEYS];	/* of kr: old's
								   index, or -1 */
	const struct config	*cfg;
	json_t			*jwks;
};

/* The key kid of alg in the ring in use, not taken yet: its index or -1. */
static int
loaded(struct loading *l, const char *kid, int alg)
{
	size_t	 i;

	for (i = 0; i < l->old->n; i++)
		if (!l->taken[i] && (int)l->old->keys[i].alg == alg &&
		    strcmp(l->old->keys[i].kid, kid) == 0)
			return (int)i;
	return -1;
}

static int
one_key(void *arg, const char *const *cols, int ncols)
{
	struct loading	*l = arg;
	struct keyring	*kr = l->kr;
	unsigned char	 sealed[JWS_MAX_PRIV_BYTES + KEK_OVERHEAD];
	unsigned char	 priv[JWS_MAX_PRIV_BYTES];
	char		 aad[128];
	size_t		 plen = 0;
	int		 alg, n;
	json_t		*jwk;

	if (ncols != 4 || cols[0] == NULL || cols[1] == NULL || cols[2] == NULL ||
	    cols[3] == NULL)
		return -1;
	if (kr->n == KEYRING_MAX_KEYS) {
		log_warnx("keyring: more than %d published signing keys; retire "
		    "old ones", KEYRING_MAX_KEYS);
		return 0;
	}
	if ((alg = jws_alg_parse(cols[1])) < 0)
		return 0;
	kr->signs[kr->n] = cols[3][0] == 't';
	if ((l->from[kr->n] = loaded(l, cols[0], alg)) >= 0) {
		/* Parsed already: the same material, shared until the swap. */
		kr->keys[kr->n] = l->old->keys[l->from[kr->n]];
		l->taken[l->from[kr->n]] = 1;
		goto publish;
	}
	snprintf(aad, sizeof(aad), "%s:%s", cols[0], cols[1]);
	if ((n = store_unhex(sealed, sizeof(sealed), cols[2])) < 0 ||
	    kek_open(priv, sizeof(priv), &plen, l->cfg->kek, aad, strlen(aad),
	    sealed, (size_t)n) == -1) {
		log_warnx("keyring: signing key %s does not decrypt with this "
		    "kek; skipped", cols[0]);
		return 0;
	}
	n = jws_key_load(&kr->keys[kr->n], (enum jws_alg)alg, cols[0], priv,
	    plen);
	secret_wipe(priv, sizeof(priv));
	if (n == -1) {
		log_warnx("keyring: signing key %s does not parse; skipped",
		    cols[0]);
		return 0;
	}
publish:
	if (alg != JWS_HS256) {
		/* RFC 7517: public keys only; symmetric keys never appear. */
		jwk = jwk_public(kr->keys[kr->n].pkey, cols[0], cols[1]);
		if (jwk == NULL || json_array_append_new(l->jwks, jwk) == -1) {
			/* Release only what was parsed here. */
			if (l->from[kr->n] >= 0)
				l->taken[l->from[kr->n]] = 0;
			else
				jws_key_free(&kr->keys[kr->n]);
			memset(&kr->keys[kr->n], 0, sizeof(kr->keys[kr->n]));
			return -1;
		}
	}
	kr->n++;
	return 0;
}

static void
clear(struct keyring *kr)
{
	size_t	 i;

	for (i = 0; i < kr->n; i++)
		jws_key_free(&kr->keys[i]);
	kr->n = 0;
	free(kr->jwks);
	kr->jwks = NULL;
	kr->jwkslen = 0;
}

/*
 * Free the keys of the new ring that were parsed for it (a failed load):
 * those taken from the ring in use stay its.
 */
static void
clear_fresh(struct loading *l)
{
	size_t	 i;

	for (i = 0; i < l->kr->n; i++)
		if (l->from[i] < 0)
			jws_key_free(&l->kr->keys[i]);
	l->kr->n = 0;
	free(l->kr->jwks);
	l->kr->jwks = NULL;
}

int
keyring_load(struct keyring *kr, struct db *db, const struct config *cfg)
{
	struct keyring	 fresh;
	struct loading	 l;
	json_t		*doc;
	char		*s;
	size_t		 i;
	int		 rc = -1;

	memset(&fresh, 0, sizeof(fresh));
	memset(&l, 0, sizeof(l));
	l.kr = &fresh;
	l.old = kr;
	l.cfg = cfg;
	if ((l.jwks = json_array()) == NULL)
		return -1;
	if (store_rows(db, STMT_SIGNING_KEYS, NULL, one_key, &l) == -1)
		goto out;
	doc = json_pack("{s:O}", "keys", l.jwks);
	s = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (s == NULL)
		goto out;
	fresh.jwks = s;
	fresh.jwkslen = strlen(s);
	fresh.loaded = 1;
	/* The swap: the keys taken over change hands, the rest go. */
	for (i = 0; i < kr->n; i++)
		if (!l.taken[i])
			jws_key_free(&kr->keys[i]);
	free(kr->jwks);
	*kr = fresh;
	memset(&fresh, 0, sizeof(fresh));
	rc = 0;
out:
	clear_fresh(&l);
	json_decref(l.jwks);
	return rc;
}

const struct jws_key *
keyring_signer(const struct keyring *kr, enum jws_alg alg)
{
	size_t	 i;

	for (i = 0; i < kr->n; i++)
		if (kr->keys[i].alg == alg && kr->signs[i])
			return &kr->keys[i];
	return NULL;
}

void
keyring_free(struct keyring *kr)
{
	clear(kr);
	kr->loaded = 0;
}
