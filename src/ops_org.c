/*
 * ops_org: see ops_org.h.
 */
#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "bstr.h"
#include "db.h"
#include "ops_org.h"
#include "utf8.h"

/* sql/001_core.sql: ^[a-z0-9][a-z0-9-]{0,62}$ */
static int
slug_valid(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n < OPS_ORG_SLUG_BYTES &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n &&
	    s[0] != '-';
}

/* 1..200 bytes of text to show (utf8_text). */
static int
name_valid(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n < OPS_ORG_NAME_BYTES &&
	    utf8_text((const unsigned char *)s, n) >= 0;
}

/*
 * Every write runs in a transaction of its own, even one statement: a
 * statement the client gave up on (a deadline, a dropped connection) can
 * then never commit later, so OPS_UNAVAILABLE always means nothing was
 * done.
 */
static enum ops_err
done(struct db *db, enum ops_err rc)
{
	if (rc != OPS_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == -1 ? OPS_UNAVAILABLE : OPS_OK;
}

static int
first_col(void *arg, const char *const *c, int n)
{
	struct ops_org	*o = arg;

	if (n < 1 || c[0] == NULL)
		return -1;
	return bstr_copy_opt(o->id, sizeof(o->id), c[0]);
}

static int
created_col(void *arg, const char *const *c, int n)
{
	struct ops_org	*o = arg;

	if (n < 1 || c[0] == NULL)
		return -1;
	return bstr_copy_opt(o->created_at, sizeof(o->created_at), c[0]);
}

enum ops_err
ops_org_create(const struct ops_ctx *x, const struct ops_org_create *rq,
    struct ops_org *out, const char **field)
{
	const char	*params[5];
	int		 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->slug == NULL || !slug_valid(rq->slug)) {
		*field = "slug";
		return OPS_INVALID;
	}
	if (rq->name == NULL || !name_valid(rq->name)) {
		*field = "name";
		return OPS_INVALID;
	}
	memcpy(out->id, "org_", 4);
	if (apikey_new_id(out->id + 4) == -1)
		return OPS_FAILED;
	snprintf(out->slug, sizeof(out->slug), "%s", rq->slug);
	snprintf(out->name, sizeof(out->name), "%s", rq->name);
	params[0] = out->id;
	params[1] = rq->slug;
	params[2] = rq->name;
	params[3] = x->actor;
	params[4] = x->source;
	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	n = store_rows(x->db, STMT_ORG_CREATE, params, created_col, out);
	if (n == 1)
		return done(x->db, OPS_OK);
	if (n < 0 && db_last_unique_violation(x->db)) {
		*field = "slug";
		return done(x->db, OPS_CONFLICT);
	}
	return done(x->db, n < 0 ? OPS_UNAVAILABLE : OPS_FAILED);
}

struct listing {
	const struct ops_org_list	*rq;
	struct ops_org			 o;
	int				 stopped;	/* by rq->row */
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct listing	*l = arg;

	memset(&l->o, 0, sizeof(l->o));
	if (n != 5 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL || bstr_copy_opt(l->o.id, sizeof(l->o.id), c[0]) == -1 ||
	    bstr_copy_opt(l->o.slug, sizeof(l->o.slug), c[1]) == -1 ||
	    bstr_copy_opt(l->o.name, sizeof(l->o.name), c[2]) == -1 ||
	    bstr_copy_opt(l->o.created_at, sizeof(l->o.created_at), c[3]) == -1 ||
	    bstr_copy_opt(l->o.disabled_at, sizeof(l->o.disabled_at), c[4]) == -1)
		return -1;
	if (l->rq->row(l->rq->arg, &l->o) == -1) {
		l->stopped = 1;
		return -1;
	}
	return 0;
}

enum ops_err
ops_org_list(const struct ops_ctx *x, const struct ops_org_list *rq,
    size_t *count, const char **field)
{
	struct listing	 l;
	int		 n;

	*field = NULL;
	*count = 0;
	l.rq = rq;
	l.stopped = 0;
	if ((n = store_rows(x->db, STMT_ORG_LIST, NULL, list_row, &l)) < 0)
		return l.stopped ? OPS_FAILED : OPS_UNAVAILABLE;
	*count = (size_t)n;
	return OPS_OK;
}

/* Disable or enable: the statement, or why it changed nothing. */
static enum ops_err
set_state(const struct ops_ctx *x, enum stmt s, const struct ops_org_slug *rq,
    struct ops_org *out, const char **field)
{
	const char	*params[3];
	int		 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->slug == NULL || !slug_valid(rq->slug)) {
		*field = "slug";
		return OPS_INVALID;
	}
	snprintf(out->slug, sizeof(out->slug), "%s", rq->slug);
	params[0] = rq->slug;
	params[1] = x->actor;
	params[2] = x->source;
	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	if ((n = store_rows(x->db, s, params, first_col, out)) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	if (n == 1)
		return done(x->db, OPS_OK);
	/* Nothing changed: no such organization, or already so. */
	if ((n = store_rows(x->db, STMT_ORG_GET, params, first_col, out)) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	return done(x->db, n == 0 ? OPS_NOT_FOUND : OPS_CONFLICT);
}

enum ops_err
ops_org_disable(const struct ops_ctx *x, const struct ops_org_slug *rq,
    struct ops_org *out, const char **field)
{
	return set_state(x, STMT_ORG_DISABLE, rq, out, field);
}

enum ops_err
ops_org_enable(const struct ops_ctx *x, const struct ops_org_slug *rq,
    struct ops_org *out, const char **field)
{
	return set_state(x, STMT_ORG_ENABLE, rq, out, field);
}
