/*
 * ops_key: see ops_key.h. Every value is checked here before the database
 * sees it (its constraints are the second line); every write is one
 * statement with its audit row, or, for an update, which reads before it
 * writes, one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bstr.h"
#include "db.h"
#include "granttype.h"
#include "jreq.h"
#include "ops_key.h"
#include "secret.h"
#include "secretcheck.h"
#include "store.h"
#include "utf8.h"

const char OPS_KEY_WIDER[] = "scopes exceed what the caller holds";

static const char *const statuses[] = { "active", "expiring", "expired",
    "disabled", "revoked" };

#define VIEW_COLS	19

/* One KEY_VIEW row (stmt.c) into a view. */
static int
fill(struct ops_key_view *v, const char *const *c, int n)
{
	if (n != VIEW_COLS || c[0] == NULL || c[2] == NULL || c[17] == NULL ||
	    c[18] == NULL)
		return -1;
	memset(v, 0, sizeof(*v));
	bstr_trunc(v->id, sizeof(v->id), c[0]);
	bstr_trunc(v->name, sizeof(v->name), c[1]);
	bstr_trunc(v->env, sizeof(v->env), c[2]);
	snprintf(v->start, sizeof(v->start), "jmk_%s_%s", v->env, v->id);
	bstr_trunc(v->scopes, sizeof(v->scopes), c[3]);
	bstr_trunc(v->grants, sizeof(v->grants), c[4]);
	v->rate_per_sec = c[5] ? atoi(c[5]) : -1;
	v->rate_per_min = c[6] ? atoi(c[6]) : -1;
	bstr_trunc(v->meta, sizeof(v->meta), c[7] ? c[7] : "{}");
	bstr_trunc(v->created_at, sizeof(v->created_at), c[8]);
	bstr_trunc(v->last_used_at, sizeof(v->last_used_at), c[9]);
	bstr_trunc(v->expires_at, sizeof(v->expires_at), c[10]);
	bstr_trunc(v->disabled_at, sizeof(v->disabled_at), c[11]);
	bstr_trunc(v->revoked_at, sizeof(v->revoked_at), c[12]);
	bstr_trunc(v->status, sizeof(v->status), c[13]);
	bstr_trunc(v->rolled_from, sizeof(v->rolled_from), c[14]);
	bstr_trunc(v->rolled_to, sizeof(v->rolled_to), c[15]);
	v->trusted_forwarder = c[16] != NULL && c[16][0] == 't';
	v->version = strtoll(c[17], NULL, 10);
	v->created_usec = strtoll(c[18], NULL, 10);
	return 0;
}

/* "a b c" → ["a","b","c"] */
static json_t *
words(const char *s)
{
	json_t	*a = json_array();
	size_t	 n;

	while (a != NULL && *s != '\0') {
		s += strspn(s, " ");
		if ((n = strcspn(s, " ")) == 0)
			break;
		json_array_append_new(a, json_stringn(s, n));
		s += n;
	}
	return a;
}

static json_t *
or_null(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

json_t *
ops_key_view_json(const struct ops_key_view *v)
{
	json_t	*meta;

	if ((meta = json_loads(v->meta, 0, NULL)) == NULL)
		meta = json_object();
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s,"
	    " s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:b}",
	    "id", v->id, "start", v->start, "name", v->name, "env", v->env,
	    "scopes", words(v->scopes), "grants", words(v->grants),
	    "rate_per_sec", v->rate_per_sec < 0 ? json_null() :
	    json_integer(v->rate_per_sec),
	    "rate_per_min", v->rate_per_min < 0 ? json_null() :
	    json_integer(v->rate_per_min),
	    "meta", meta, "created_at", v->created_at,
	    "last_used_at", or_null(v->last_used_at),
	    "expires_at", or_null(v->expires_at),
	    "disabled_at", or_null(v->disabled_at),
	    "status", v->status,
	    "rolled_from", or_null(v->rolled_from),
	    "rolled_to", or_null(v->rolled_to),
	    "revoked_at", or_null(v->revoked_at),
	    "version", json_integer(v->version),
	    "trusted_forwarder", v->trusted_forwarder);
}

static int
view_row(void *arg, const char *const *c, int n)
{
	return fill(arg, c, n);
}

/* Text to show (utf8_text: no control or direction character). */
static int
no_ctl(const char *s)
{
	return utf8_text((const unsigned char *)s, strlen(s)) >= 0;
}

static int
name_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= OPS_KEY_NAME_BYTES && no_ctl(s);
}

/* Canonical scopes of s into out; -1 when malformed. */
static int
scopes_canon(const char *s, struct scope_set *ss, char *out, size_t outsz)
{
	return scope_parse(ss, s, strlen(s)) == -1 ||
	    scope_format(ss, out, outsz) < 0 ? -1 : 0;
}

/* Canonical grants of s into out (the mask in *mask); -1 when malformed. */
static int
grants_canon(const char *s, unsigned *mask, char *out, size_t outsz)
{
	return (*mask = granttype_parse_list(s)) == 0 ||
	    granttype_format(*mask, out, outsz) == -1 ? -1 : 0;
}

enum ops_err
ops_key_create(const struct ops_ctx *x, const struct ops_key_create *rq,
    struct ops_key_created *out, const char **field)
{
	struct scope_set	 ss;
	struct apikey		 k;
	unsigned char		 salt[APIKEY_SALT_BYTES], h[32];
	char			 salthex[2 * APIKEY_SALT_BYTES + 1], hhex[65];
	char			 scopes[SCOPE_MAX_STRING_BYTES], grants[256];
	char			 meta[OPS_KEY_META_BYTES + 1], why[JREQ_WHY_BYTES];
	char			 secs[24], rps[16], rpm[16];
	char			 pcheck[2 * SECRET_DIGEST_BYTES + 1];
	const char		*params[16];
	enum ops_err		 rc = OPS_FAILED;
	unsigned		 mask;
	int			 env = APIKEY_ENV_LIVE, n;

	memset(out, 0, sizeof(*out));
	memset(&k, 0, sizeof(k));
	*field = NULL;
	if (rq->name == NULL || !name_ok(rq->name))
		*field = "name";
	else if (rq->scopes == NULL || scopes_canon(rq->scopes, &ss, scopes,
	    sizeof(scopes)) == -1)
		*field = "scopes";
	else if (rq->limit != NULL && !scope_subset(&ss, rq->limit->scopes))
		*field = OPS_KEY_WIDER;
	else if (rq->env != NULL && (env = apikey_env_parse(rq->env)) < 0)
		*field = "env";
	else if (grants_canon(rq->grants != NULL ? rq->grants :
	    "client_credentials", &mask, grants, sizeof(grants)) == -1)
		*field = "grants";
	else if (rq->limit != NULL && (mask & ~rq->limit->grants) != 0)
		*field = OPS_KEY_WIDER;
	else if (rq->expires_in < 0 || rq->expires_in > OPS_KEY_MAX_EXPIRES_SEC)
		*field = "expires_in";
	else if (rq->rate_per_sec < -1 || rq->rate_per_sec > OPS_KEY_MAX_RATE)
		*field = "rate_per_sec";
	else if (rq->rate_per_min < -1 || rq->rate_per_min > OPS_KEY_MAX_RATE)
		*field = "rate_per_min";
	else if (jreq_meta_text(rq->meta != NULL ? rq->meta : "{}", meta,
	    sizeof(meta), why) == -1)
		*field = "meta";
	if (*field != NULL)
		return OPS_INVALID;
	if (rq->limit != NULL && !rq->limit->all_accounts) {
		*field = "accounts";
		return OPS_FORBIDDEN;
	}

	if (apikey_generate(&k, (enum apikey_env)env, out->key,
	    sizeof(out->key)) == -1 || secret_random(salt, sizeof(salt)) == -1 ||
	    apikey_hash(h, x->pepper, x->pepperlen, k.id, salt, k.secret) == -1 ||
	    secretcheck_value(pcheck, "pepper", x->pepper, x->pepperlen) == -1)
		goto out;
	secret_hex(salthex, salt, sizeof(salt));
	secret_hex(hhex, h, sizeof(h));
	snprintf(secs, sizeof(secs), "%lld", rq->expires_in);
	snprintf(rps, sizeof(rps), "%d", rq->rate_per_sec);
	snprintf(rpm, sizeof(rpm), "%d", rq->rate_per_min);
	params[0] = k.id;
	params[1] = x->org;
	params[2] = rq->name;
	params[3] = apikey_env_name(k.env);
	params[4] = salthex;
	params[5] = hhex;
	params[6] = scopes;
	params[7] = secs;
	params[8] = grants;
	params[9] = rps;
	params[10] = rpm;
	params[11] = meta;
	params[12] = rq->trusted_forwarder ? "true" : "false";
	params[13] = x->actor != NULL ? x->actor : "";
	params[14] = x->source != NULL ? x->source : "";
	params[15] = pcheck;	/* its pepper's id (src/secretcheck.h) */
	n = store_rows(x->db, STMT_KEY_CREATE, params, view_row, &out->view);
	if (n < 0)
		rc = db_last_unique_violation(x->db) ? OPS_FAILED :
		    OPS_UNAVAILABLE;
	else if (n == 0)
		rc = OPS_CONFLICT;	/* the organization is disabled */
	else
		rc = OPS_OK;
out:
	apikey_wipe(&k);
	secret_wipe(h, sizeof(h));
	secret_wipe(hhex, sizeof(hhex));
	if (rc != OPS_OK)
		secret_wipe(out->key, sizeof(out->key));
	return rc;
}

struct listing {
	struct ops_key_view	 v;
	ops_key_row_fn		 fn;
	void			*arg;
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct listing	*l = arg;

	if (fill(&l->v, c, n) == -1)
		return -1;
	return l->fn(l->arg, &l->v);
}

enum ops_err
ops_key_list(const struct ops_ctx *x, const struct ops_key_list *rq,
    ops_key_row_fn fn, void *arg, int *n, const char **field)
{
	struct listing		 l;
	char			 within[24], after[24], lim[16];
	const char		*params[8];
	size_t			 i;

	*n = 0;
	*field = NULL;
	if (rq->env != NULL && apikey_env_parse(rq->env) < 0)
		*field = "env";
	if (rq->status != NULL) {
		for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (strcmp(rq->status, statuses[i]) == 0)
				break;
		if (i == sizeof(statuses) / sizeof(statuses[0]))
			*field = "status";
	}
	if (rq->name_prefix != NULL && (strlen(rq->name_prefix) >
	    OPS_KEY_NAME_BYTES || !no_ctl(rq->name_prefix)))
		*field = "name_prefix";
	if (rq->expiring_within < 0 ||
	    rq->expiring_within > OPS_KEY_MAX_EXPIRES_SEC)
		*field = "expiring_within";
	if (rq->limit < 1 || rq->limit > 1000 || (rq->has_after &&
	    (rq->after_usec < 0 || rq->after_id == NULL)))
		*field = "cursor";
	if (*field != NULL)
		return OPS_INVALID;
	snprintf(within, sizeof(within), "%lld", rq->expiring_within);
	snprintf(after, sizeof(after), "%lld", rq->has_after ? rq->after_usec :
	    -1);
	snprintf(lim, sizeof(lim), "%d", rq->limit);
	params[0] = x->org;
	params[1] = rq->env != NULL ? rq->env : "";
	params[2] = rq->status != NULL ? rq->status : "";
	params[3] = rq->name_prefix != NULL ? rq->name_prefix : "";
	params[4] = within;
	params[5] = after;
	params[6] = rq->has_after ? rq->after_id : "";
	params[7] = lim;
	l.fn = fn;
	l.arg = arg;
	if (rq->env == NULL && rq->status == NULL && rq->name_prefix == NULL &&
	    rq->expiring_within == 0) {
		/* No filter: the statement whose plan stops at the page. */
		params[1] = after;
		params[2] = params[6];
		params[3] = lim;
		*n = store_rows(x->db, STMT_KEY_PAGE_ALL, params, list_row, &l);
	} else
		*n = store_rows(x->db, STMT_KEY_PAGE, params, list_row, &l);
	if (*n < 0) {
		*n = 0;
		return OPS_UNAVAILABLE;
	}
	return OPS_OK;
}

enum ops_err
ops_key_get(const struct ops_ctx *x, const struct ops_key_get *rq,
    struct ops_key_view *out, const char **field)
{
	const char	*params[2];
	int		 n;

	*field = NULL;
	if (rq->id == NULL || !apikey_id_valid(rq->id, strlen(rq->id))) {
		*field = "id";
		return OPS_INVALID;
	}
	params[0] = x->org;
	params[1] = rq->id;
	if ((n = store_rows(x->db, STMT_KEY_VIEW, params, view_row, out)) < 0)
		return OPS_UNAVAILABLE;
	return n == 0 ? OPS_NOT_FOUND : OPS_OK;
}

/* The row an update decides on (STMT_KEY_PEEK). */
struct peek {
	long long	 version;
	char		 scopes[SCOPE_MAX_STRING_BYTES];
	char		 grants[256];
	long long	 expires;	/* Unix seconds, 0: never */
};

static int
peek_row(void *arg, const char *const *c, int n)
{
	struct peek	*k = arg;

	if (n != 4 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL)
		return -1;
	k->version = strtoll(c[0], NULL, 10);
	bstr_trunc(k->scopes, sizeof(k->scopes), c[1]);
	bstr_trunc(k->grants, sizeof(k->grants), c[2]);
	k->expires = strtoll(c[3], NULL, 10);
	return 0;
}

/*
 * May a limited caller touch a key holding scopes and grants? OPS_OK, or
 * OPS_FORBIDDEN with *field "key" (one that holds more than the caller).
 */
static enum ops_err
within(const struct ops_key_limit *l, const char *scopes, const char *grants,
    const char **field)
{
	struct scope_set	 ss;
	unsigned		 mask;

	if (l == NULL)
		return OPS_OK;
	if (scope_parse(&ss, scopes, strlen(scopes)) == -1 ||
	    !scope_subset(&ss, l->scopes) ||
	    ((mask = granttype_parse_list(grants)) & ~l->grants) != 0) {
		*field = "key";
		return OPS_FORBIDDEN;
	}
	return OPS_OK;
}

/* Append name to the audit summary of an update. */
static void
changed(char *detail, size_t sz, const char *name)
{
	size_t	 n = strlen(detail);

	snprintf(detail + n, sz - n, "%s%s", n ? " " : "", name);
}

enum ops_err
ops_key_update(const struct ops_ctx *x, const struct ops_key_update *rq,
    struct ops_key_view *out, const char **field)
{
	struct scope_set	 now_ss, new_ss;
	struct peek		 k;
	char			 scopes[SCOPE_MAX_STRING_BYTES], grants[256];
	char			 meta[OPS_KEY_META_BYTES + 1], why[JREQ_WHY_BYTES];
	char			 ver[24], rps[16], rpm[16], secs[24];
	char			 detail[128] = "";
	const char		*params[17], *event = "key.update";
	enum ops_err		 rc;
	unsigned		 now_mask, new_mask = 0;
	int			 n;

	*field = NULL;
	if (rq->id == NULL || !apikey_id_valid(rq->id, strlen(rq->id)))
		*field = "id";
	else if (rq->name != NULL && !name_ok(rq->name))
		*field = "name";
	else if (rq->meta != NULL && jreq_meta_text(rq->meta, meta,
	    sizeof(meta), why) == -1)
		*field = "meta";
	else if (rq->set_rate_per_sec && (rq->rate_per_sec < -1 ||
	    rq->rate_per_sec > OPS_KEY_MAX_RATE))
		*field = "rate_per_sec";
	else if (rq->set_rate_per_min && (rq->rate_per_min < -1 ||
	    rq->rate_per_min > OPS_KEY_MAX_RATE))
		*field = "rate_per_min";
	else if (rq->disabled < -1 || rq->disabled > 1)
		*field = "disabled";
	else if (rq->expires_in < 0 || rq->expires_in > OPS_KEY_MAX_EXPIRES_SEC)
		*field = "expires_in";
	else if (rq->scopes != NULL && scopes_canon(rq->scopes, &new_ss, scopes,
	    sizeof(scopes)) == -1)
		*field = "scopes";
	else if (rq->grants != NULL && grants_canon(rq->grants, &new_mask,
	    grants, sizeof(grants)) == -1)
		*field = "grants";
	if (*field != NULL)
		return OPS_INVALID;

	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	params[0] = x->org;
	params[1] = rq->id;
	memset(&k, 0, sizeof(k));
	if ((n = store_rows(x->db, STMT_KEY_PEEK, params, peek_row, &k)) <= 0) {
		rc = n == 0 ? OPS_NOT_FOUND : OPS_UNAVAILABLE;
		goto fail;
	}
	if ((rc = within(rq->limit, k.scopes, k.grants, field)) != OPS_OK)
		goto fail;
	if (rq->if_version != 0 && rq->if_version != k.version) {
		*field = "version";
		rc = OPS_CONFLICT;
		goto fail;
	}
	/* Only narrower: a key never gains what it did not have. */
	rc = OPS_INVALID;
	if (rq->scopes != NULL && (scope_parse(&now_ss, k.scopes,
	    strlen(k.scopes)) == -1 || !scope_subset(&new_ss, &now_ss))) {
		*field = "scopes may only be narrowed (a subset of the key's)";
		goto fail;
	}
	if (rq->grants != NULL && ((now_mask = granttype_parse_list(k.grants)) ==
	    0 || (new_mask & ~now_mask) != 0)) {
		*field = "grants may only be narrowed (a subset of the key's)";
		goto fail;
	}
	if (rq->expires_in > 0 && k.expires != 0 &&
	    (long long)time(NULL) + rq->expires_in > k.expires) {
		*field = "expires_in may only bring the expiry earlier";
		goto fail;
	}

	if (rq->name != NULL)
		changed(detail, sizeof(detail), "name");
	if (rq->meta != NULL)
		changed(detail, sizeof(detail), "meta");
	if (rq->set_rate_per_sec)
		changed(detail, sizeof(detail), "rate_per_sec");
	if (rq->set_rate_per_min)
		changed(detail, sizeof(detail), "rate_per_min");
	if (rq->expires_in > 0)
		changed(detail, sizeof(detail), "expires_at");
	if (rq->scopes != NULL)
		changed(detail, sizeof(detail), "scopes");
	if (rq->grants != NULL)
		changed(detail, sizeof(detail), "grants");
	if (rq->disabled != -1) {
		if (detail[0] == '\0')
			event = rq->disabled ? "key.disable" : "key.enable";
		changed(detail, sizeof(detail), rq->disabled ? "disabled" :
		    "enabled");
	}
	snprintf(ver, sizeof(ver), "%lld", rq->if_version);
	snprintf(rps, sizeof(rps), "%d", rq->rate_per_sec);
	snprintf(rpm, sizeof(rpm), "%d", rq->rate_per_min);
	snprintf(secs, sizeof(secs), "%lld", rq->expires_in);
	params[2] = ver;
	params[3] = rq->name;
	params[4] = rq->meta != NULL ? meta : NULL;
	params[5] = rq->set_rate_per_sec ? "true" : "false";
	params[6] = rps;
	params[7] = rq->set_rate_per_min ? "true" : "false";
	params[8] = rpm;
	params[9] = rq->disabled == 1 ? "disable" : rq->disabled == 0 ?
	    "enable" : NULL;
	params[10] = rq->expires_in > 0 ? secs : NULL;
	params[11] = rq->scopes != NULL ? scopes : NULL;
	params[12] = rq->grants != NULL ? grants : NULL;
	params[13] = event;
	params[14] = detail[0] != '\0' ? detail : "nothing";
	params[15] = x->actor != NULL ? x->actor : "";
	params[16] = x->source != NULL ? x->source : "";
	if ((n = store_rows(x->db, STMT_KEY_UPDATE, params, view_row, out)) < 0) {
		rc = OPS_UNAVAILABLE;
		goto fail;
	}
	if (n == 0) {
		/* Under the row lock only the expiry's guard can refuse. */
		*field = "expires_in may only bring the expiry earlier";
		goto fail;
	}
	if (db_commit(x->db) == -1)
		return OPS_UNAVAILABLE;
	return OPS_OK;
fail:
	db_rollback(x->db);
	return rc;
}

static enum ops_err
set_disabled(const struct ops_ctx *x, const struct ops_key_get *rq,
    int disabled, struct ops_key_view *out, const char **field)
{
	struct ops_key_update	 u;

	memset(&u, 0, sizeof(u));
	u.id = rq->id;
	u.disabled = disabled;
	u.limit = rq->limit;
	return ops_key_update(x, &u, out, field);
}

enum ops_err
ops_key_disable(const struct ops_ctx *x, const struct ops_key_get *rq,
    struct ops_key_view *out, const char **field)
{
	return set_disabled(x, rq, 1, out, field);
}

enum ops_err
ops_key_enable(const struct ops_ctx *x, const struct ops_key_get *rq,
    struct ops_key_view *out, const char **field)
{
	return set_disabled(x, rq, 0, out, field);
}

enum ops_err
ops_key_revoke(const struct ops_ctx *x, const struct ops_key_get *rq,
    struct ops_key_view *out, const char **field)
{
	struct peek	 k;
	const char	*params[4];
	enum ops_err	 rc;
	int		 n;

	*field = NULL;
	if (rq->id == NULL || !apikey_id_valid(rq->id, strlen(rq->id))) {
		*field = "id";
		return OPS_INVALID;
	}
	params[0] = x->org;
	params[1] = rq->id;
	params[2] = x->actor != NULL ? x->actor : "";
	params[3] = x->source != NULL ? x->source : "";
	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	/* A limited caller revokes only a key within what it holds (the
	 * row locked meanwhile). */
	memset(&k, 0, sizeof(k));
	if (rq->limit != NULL) {
		if ((n = store_rows(x->db, STMT_KEY_PEEK, params, peek_row,
		    &k)) <= 0) {
			rc = n == 0 ? OPS_NOT_FOUND : OPS_UNAVAILABLE;
			goto fail;
		}
		if ((rc = within(rq->limit, k.scopes, k.grants, field)) != OPS_OK)
			goto fail;
	}
	if ((n = store_rows(x->db, STMT_KEY_REVOKE_OP, params, view_row,
	    out)) < 0) {
		rc = OPS_UNAVAILABLE;
		goto fail;
	}
	if (n == 0) {
		rc = OPS_NOT_FOUND;
		goto fail;
	}
	return db_commit(x->db) == 0 ? OPS_OK : OPS_UNAVAILABLE;
fail:
	db_rollback(x->db);
	return rc;
}

/* The roll's peek: environment, rollable, scopes, grants, forwarder. */
struct roll_peek {
	int		 env;
	int		 rollable;
	char		 scopes[SCOPE_MAX_STRING_BYTES];
	char		 grants[256];
	int		 forwarder;
};

static int
roll_row(void *arg, const char *const *c, int n)
{
	struct roll_peek	*st = arg;

	if (n != 5 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL || c[4] == NULL)
		return -1;
	st->env = apikey_env_parse(c[0]);
	st->rollable = c[1][0] == 't';
	bstr_trunc(st->scopes, sizeof(st->scopes), c[2]);
	bstr_trunc(st->grants, sizeof(st->grants), c[3]);
	st->forwarder = c[4][0] == 't';
	return 0;
}

enum ops_err
ops_key_roll(const struct ops_ctx *x, const struct ops_key_roll *rq,
    struct ops_key_rolled *out, const char **field)
{
	struct scope_set	 ss;
	struct roll_peek	 st;
	struct apikey		 k;
	unsigned char		 salt[APIKEY_SALT_BYTES], h[32];
	char			 salthex[2 * APIKEY_SALT_BYTES + 1], hhex[65];
	char			 pcheck[2 * SECRET_DIGEST_BYTES + 1];
	const char		*params[2];
	enum ops_err		 rc = OPS_FAILED;
	int			 n;

	memset(out, 0, sizeof(*out));
	memset(&k, 0, sizeof(k));
	*field = NULL;
	if (rq->id == NULL || !apikey_id_valid(rq->id, strlen(rq->id))) {
		*field = "id";
		return OPS_INVALID;
	}
	if (rq->grace_sec < 0 || rq->grace_sec > OPS_ROLL_MAX_GRACE_SEC) {
		*field = "grace";
		return OPS_INVALID;
	}
	params[0] = rq->id;
	params[1] = x->org;
	memset(&st, 0, sizeof(st));
	if ((n = store_rows(x->db, STMT_KEY_ROLL_PEEK, params, roll_row,
	    &st)) < 0)
		return OPS_UNAVAILABLE;
	if (n == 0)
		return OPS_NOT_FOUND;
	if (st.env < 0)
		return OPS_FAILED;
	/* A new secret for scopes or grants the caller lacks would be a
	 * way up; a key reaches every account; a trusted forwarder is the
	 * platform operator's to hand out. */
	if (rq->limit != NULL) {
		if (scope_parse(&ss, st.scopes, strlen(st.scopes)) == -1 ||
		    !scope_subset(&ss, rq->limit->scopes) ||
		    (granttype_parse_list(st.grants) & ~rq->limit->grants) != 0) {
			*field = OPS_KEY_WIDER;
			return OPS_INVALID;
		}
		if (!rq->limit->all_accounts) {
			*field = "accounts";
			return OPS_FORBIDDEN;
		}
		if (st.forwarder) {
			*field = "trusted_forwarder";
			return OPS_FORBIDDEN;
		}
	}
	if (!st.rollable)
		return OPS_CONFLICT;

	/* The new key, of the old one's environment. */
	if (apikey_generate(&k, (enum apikey_env)st.env, out->key,
	    sizeof(out->key)) == -1 || secret_random(salt, sizeof(salt)) == -1 ||
	    apikey_hash(h, x->pepper, x->pepperlen, k.id, salt, k.secret) == -1 ||
	    secretcheck_value(pcheck, "pepper", x->pepper, x->pepperlen) == -1)
		goto out;
	secret_hex(salthex, salt, sizeof(salt));
	secret_hex(hhex, h, sizeof(h));
	n = store_key_roll(x->db, rq->id, x->org, k.id, salthex, hhex,
	    rq->grace_sec, rq->revoke_tokens || rq->grace_sec == 0,
	    x->actor != NULL ? x->actor : "", x->source != NULL ? x->source : "",
	    pcheck, out->created_at, out->expires_at, out->old_ends_at,
	    sizeof(out->created_at));
	if (n == -1)
		rc = OPS_UNAVAILABLE;
	else if (n == 0)
		rc = OPS_CONFLICT;	/* a concurrent roll or revoke won */
	else {
		memcpy(out->id, k.id, sizeof(out->id));
		rc = OPS_OK;
	}
out:
	apikey_wipe(&k);
	secret_wipe(h, sizeof(h));
	secret_wipe(hhex, sizeof(hhex));
	if (rc != OPS_OK)
		secret_wipe(out->key, sizeof(out->key));
	return rc;
}
