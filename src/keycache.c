/*
 * keycache: direct-mapped cache of API-key rows. An entry holds the row
 * without its parsed scope set (8 KiB): the canonical scope string is
 * parsed again on a hit, which keeps a worker's cache under 100 KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "keycache.h"
#include "log.h"
#include "metrics.h"
#include "secret.h"

struct keycache_entry {
	char		 id[APIKEY_ID_LEN + 1];
	time_t		 loaded;
	char		 org_id[STORE_ORG_ID_BYTES];
	enum apikey_env	 env;
	unsigned char	 salt[APIKEY_SALT_BYTES];
	unsigned char	 hash[32];
	long long	 expires_at;
	int		 revoked, org_disabled;
	unsigned	 grants;
	int		 rate_per_sec, rate_per_min;
	int		 trusted_forwarder;
	int		 pepper_id;
	int		 disabled, keep_tokens;
	char		*scopes;	/* canonical string */
};

static unsigned
slot_of(const char *id)
{
	unsigned	 h = 2166136261u;	/* FNV-1a */

	while (*id != '\0')
		h = (h ^ (unsigned char)*id++) * 16777619u;
	return h % KEYCACHE_SLOTS;
}

static void
drop(struct keycache_entry *e)
{
	free(e->scopes);
	secret_wipe(e, sizeof(*e));
}

int
keycache_init(struct keycache *kc, int ttl_sec)
{
	memset(kc, 0, sizeof(*kc));
	kc->ttl_sec = ttl_sec;
	kc->last_flush = time(NULL);
	if ((kc->slots = calloc(KEYCACHE_SLOTS, sizeof(*kc->slots))) == NULL)
		return -1;
	return 0;
}

void
keycache_clear(struct keycache *kc)
{
	size_t	 i;

	for (i = 0; kc->slots != NULL && i < KEYCACHE_SLOTS; i++)
		if (kc->slots[i].id[0] != '\0')
			drop(&kc->slots[i]);
}

void
keycache_free(struct keycache *kc)
{
	keycache_clear(kc);
	free(kc->slots);
	kc->slots = NULL;
}

int
keycache_get(struct keycache *kc, struct db *db, const char *id,
    struct store_key *out)
{
	struct keycache_entry	*e = &kc->slots[slot_of(id)];
	char			 buf[SCOPE_MAX_STRING_BYTES];
	time_t			 now = time(NULL);
	int			 rc;

	if (kc->ttl_sec > 0 && strcmp(e->id, id) == 0 &&
	    now - e->loaded < kc->ttl_sec) {
		memcpy(out->org_id, e->org_id, sizeof(out->org_id));
		out->env = e->env;
		memcpy(out->salt, e->salt, sizeof(out->salt));
		memcpy(out->hash, e->hash, sizeof(out->hash));
		out->expires_at = e->expires_at;
		out->revoked = e->revoked;
		out->org_disabled = e->org_disabled;
		out->grants = e->grants;
		out->rate_per_sec = e->rate_per_sec;
		out->rate_per_min = e->rate_per_min;
		out->trusted_forwarder = e->trusted_forwarder;
		out->pepper_id = e->pepper_id;
		out->disabled = e->disabled;
		out->keep_tokens = e->keep_tokens;
		if (scope_parse(&out->scopes, e->scopes, strlen(e->scopes)) == 0) {
			kc->hits++;
			metrics_cache(MCACHE_KEY, 1);
			return 1;
		}
	}
	kc->misses++;
	metrics_cache(MCACHE_KEY, 0);
	if ((rc = store_key_get(db, id, out)) != 1 || kc->ttl_sec == 0)
		return rc;
	if (scope_format(&out->scopes, buf, sizeof(buf)) < 0)
		return rc;
	if (e->id[0] != '\0')
		drop(e);
	if ((e->scopes = strdup(buf)) == NULL)
		return rc;
	memcpy(e->id, id, APIKEY_ID_LEN + 1);
	e->loaded = now;
	memcpy(e->org_id, out->org_id, sizeof(e->org_id));
	e->env = out->env;
	memcpy(e->salt, out->salt, sizeof(e->salt));
	memcpy(e->hash, out->hash, sizeof(e->hash));
	e->expires_at = out->expires_at;
	e->revoked = out->revoked;
	e->org_disabled = out->org_disabled;
	e->grants = out->grants;
	e->rate_per_sec = out->rate_per_sec;
	e->rate_per_min = out->rate_per_min;
	e->trusted_forwarder = out->trusted_forwarder;
	e->pepper_id = out->pepper_id;
	e->disabled = out->disabled;
	e->keep_tokens = out->keep_tokens;
	return rc;
}

void
keycache_rehashed(struct keycache *kc, const char *id,
    const unsigned char hash[32], int new_id, int old_id)
{
	struct keycache_entry	*e = &kc->slots[slot_of(id)];
	struct keycache_rehash	*r;
	size_t			 i;

	if (strcmp(e->id, id) == 0 && e->pepper_id == old_id) {
		memcpy(e->hash, hash, sizeof(e->hash));
		e->pepper_id = new_id;
	}
	for (i = 0; i < kc->nrehash; i++)
		if (strcmp(kc->rehash[i].id, id) == 0)
			return;
	if (kc->nrehash == KEYCACHE_REHASH_BATCH)
		return;
	r = &kc->rehash[kc->nrehash++];
	snprintf(r->id, sizeof(r->id), "%s", id);
	memcpy(r->hash, hash, sizeof(r->hash));
	r->pepper_id = new_id;
	r->old_pepper_id = old_id;
}

void
keycache_flush_rehash(struct keycache *kc, struct db *db)
{
	struct keycache_rehash	*r;
	size_t			 i;
	int			 n;

	for (i = 0; i < kc->nrehash; i++) {
		r = &kc->rehash[i];
		if ((n = store_key_rehash(db, r->id, r->hash, r->pepper_id,
		    r->old_pepper_id)) == -1)
			log_warnx("key %s: not re-hashed under pepper %d this "
			    "time (its next use tries again)", r->id,
			    r->pepper_id);
		else if (n == 1)
			log_info("key %s re-hashed from pepper %d to pepper %d",
			    r->id, r->old_pepper_id, r->pepper_id);
	}
	secret_wipe(kc->rehash, sizeof(kc->rehash));
	kc->nrehash = 0;
}

void
keycache_touch(struct keycache *kc, const char *id)
{
	size_t	 i;

	for (i = 0; i < kc->ntouched; i++)
		if (strcmp(kc->touched[i], id) == 0)
			return;
	if (kc->ntouched < KEYCACHE_TOUCH_BATCH)
		snprintf(kc->touched[kc->ntouched++], APIKEY_ID_LEN + 1, "%s",
		    id);
}

void
keycache_flush_touched(struct keycache *kc, struct db *db, int every_sec,
    int force)
{
	time_t	 now;

	if (kc->ntouched == 0)
		return;
	now = time(NULL);
	if (!force && kc->ntouched < KEYCACHE_TOUCH_BATCH &&
	    now - kc->last_flush < every_sec)
		return;
	if (store_keys_touch(db, (const char (*)[APIKEY_ID_LEN + 1])kc->touched,
	    kc->ntouched) == -1)
		log_warnx("last_used_at: batch of %zu keys not written",
		    kc->ntouched);
	kc->ntouched = 0;
	kc->last_flush = now;
}
