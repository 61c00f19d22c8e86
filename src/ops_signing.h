/*
 * ops_signing: signing-key operations, written once; jwtmint-admin
 * (signing-key create, list, rotate, retire) and the housekeeper
 * (src/housekeeper.c: the schedule's steps) are adapters over them. They
 * are the platform operator's: a context whose org is an organization's id
 * gets OPS_NOT_FOUND (an organization sees no signing key), and their audit
 * rows go to the platform's pseudo-organization OPS_PLATFORM_ORG.
 *
 * States and schedule: src/rotation.h. Each operation is one statement
 * (one transaction) with its audit row; the signing_keys trigger tells
 * every worker (NOTIFY), which reloads its keys before its next request.
 */
#ifndef JWTMINT_OPS_SIGNING_H
#define JWTMINT_OPS_SIGNING_H

#include "jws.h"
#include "ops.h"

/* audit.org_id of platform operations (no organization: its own chain). */
#define OPS_PLATFORM_ORG	""

#define OPS_TIME_BYTES		32	/* RFC 3339 UTC, "" when unset */

/* One signing key as listed (never its private part). */
struct ops_signing_key {
	char	 kid[JWS_KID_BYTES];
	char	 alg[8];
	char	 state[8];		/* next, active, retired, removed */
	char	 created_at[OPS_TIME_BYTES];
	char	 activated_at[OPS_TIME_BYTES];
	char	 retired_at[OPS_TIME_BYTES];
	char	 removed_at[OPS_TIME_BYTES];
};

struct ops_signing_create {
	enum jws_alg		 alg;
	int			 next;	/* 1: published only; 0: signs now */
	const unsigned char	*kek;	/* KEK_KEY_BYTES: seals the private part */
};

struct ops_signing_created {
	char	 kid[JWS_KID_BYTES];
	char	 created_at[OPS_TIME_BYTES];
	char	 retired[JWS_KID_BYTES];	/* the active key it replaced, or "" */
};

/*
 * A new key of alg, its private part sealed under the KEK. next 0: it signs
 * at once and the algorithm's active key, if any, retires (it keeps
 * verifying until its tokens have expired); next 1: published only (the
 * schedule or `rotate` promotes it). OPS_CONFLICT: a next key of alg exists
 * already. Audit: signing_key.create.
 */
enum ops_err	ops_signing_create(const struct ops_ctx *,
		    const struct ops_signing_create *,
		    struct ops_signing_created *out, const char **field);

struct ops_signing_list {
	/* Called once per key, oldest first; returns 0, or -1 to stop. */
	int	(*row)(void *arg, const struct ops_signing_key *);
	void	*arg;
};

/* Every signing key, removed ones included. *count: how many. */
enum ops_err	ops_signing_list(const struct ops_ctx *,
		    const struct ops_signing_list *, size_t *count,
		    const char **field);

struct ops_signing_rotate {
	enum jws_alg		 alg;
	const unsigned char	*kek;	/* seals a key made now */
};

struct ops_signing_rotated {
	char	 kid[JWS_KID_BYTES];	/* the key that signs now */
	char	 retired[JWS_KID_BYTES];	/* the key it replaced, or "" */
	int	 created;		/* 1: made now (there was no next key) */
};

/*
 * Rotate now: the next key of alg signs (one is made when there is none)
 * and the active key retires. A next key published for less than the JWKS
 * max-age may be unknown to resource servers that cached the JWKS: the
 * schedule waits for it, this does not (the operator asked for now).
 * OPS_CONFLICT: a concurrent rotation won. Audit: signing_key.rotate.
 */
enum ops_err	ops_signing_rotate(const struct ops_ctx *,
		    const struct ops_signing_rotate *,
		    struct ops_signing_rotated *out, const char **field);

struct ops_signing_retire {
	const char	*kid;
};

struct ops_signing_retired {
	char	 kid[JWS_KID_BYTES];
	char	 replaced_by[JWS_KID_BYTES];	/* signs instead, or "" */
};

/*
 * Retire now (a compromised key): it stops signing and verifying at once
 * and leaves the JWKS. When it was the active key, the next key of its
 * algorithm signs instead, else the most recently retired one still
 * published, else none (/token answers 503 until one is made). The planned
 * way out of service is a rotation, whose old key keeps verifying.
 * OPS_NOT_FOUND: no such key still published. Audit: signing_key.retire.
 */
enum ops_err	ops_signing_retire(const struct ops_ctx *,
		    const struct ops_signing_retire *,
		    struct ops_signing_retired *out, const char **field);

/* The housekeeper's steps (src/rotation.h). */
struct ops_signing_promote {
	enum jws_alg	 alg;
	const char	*kid;		/* the next key */
	const char	*active;	/* the active key it replaces, or "" */
};

/*
 * Promote the next key kid, retiring active: done once or not at all
 * (OPS_CONFLICT: the keys are not in those states any more). Audit:
 * signing_key.rotate.
 */
enum ops_err	ops_signing_promote(const struct ops_ctx *,
		    const struct ops_signing_promote *,
		    struct ops_signing_rotated *out, const char **field);

struct ops_signing_remove {
	const char	*kid;
	int		 retain_sec;	/* retired at least this long ago */
};

/*
 * Remove a retired key from the JWKS once its last token has expired.
 * OPS_CONFLICT: not retired that long, or removed already. Audit:
 * signing_key.remove.
 */
enum ops_err	ops_signing_remove(const struct ops_ctx *,
		    const struct ops_signing_remove *, void *out,
		    const char **field);

/* 1 when kid has the form of a key id (jws.h: printable, no quote). */
int		ops_signing_kid_valid(const char *kid);

#endif
