/*
 * ops_role: see ops_role.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bstr.h"
#include "db.h"
#include "ops_role.h"
#include "store.h"

#define DETAIL_BYTES	200	/* an audit row's summary */
#define DETAIL_SCOPES	60	/* of a scope list in it */

/* A write's end: commit when rc is OPS_OK, else roll back (ops_org.c). */
static enum ops_err
done(struct db *db, enum ops_err rc)
{
	if (rc != OPS_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) == -1 ? OPS_UNAVAILABLE : OPS_OK;
}

/* The canonical form of a scope list into out (OPS_SCOPES_MAX_BYTES + 1). */
static int
canonical(const char *in, char *out, size_t outsz)
{
	struct scope_set	 ss;
	int			 n;

	if (scope_parse(&ss, in, strlen(in)) == -1 ||
	    (n = scope_format(&ss, out, outsz)) < 0 ||
	    n > OPS_SCOPES_MAX_BYTES)
		return -1;
	return 0;
}

/* ROLE_COLS of stmt.c. */
static int
role_row(void *arg, const char *const *c, int n)
{
	struct ops_role	*r = arg;

	memset(r, 0, sizeof(*r));
	if (n < 7 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL || c[4] == NULL || c[5] == NULL || c[6] == NULL ||
	    bstr_copy(r->name, sizeof(r->name), c[0]) == -1 ||
	    bstr_copy(r->scopes, sizeof(r->scopes), c[1]) == -1 ||
	    bstr_copy(r->created_at, sizeof(r->created_at), c[4]) == -1)
		return -1;
	r->all_accounts = c[2][0] == 't';
	r->read_only = c[3][0] == 't';
	r->created_usec = strtoll(c[5], NULL, 10);
	r->version = strtoll(c[6], NULL, 10);
	return 0;
}

static int
updated_row(void *arg, const char *const *c, int n)
{
	struct ops_role_updated	*u = arg;

	if (n != 8 || c[7] == NULL || role_row(&u->role, c, n) == -1)
		return -1;
	u->users_cut_off = strtoll(c[7], NULL, 10);
	return 0;
}

/* What a role may give: its patterns, its flags, no accounts of its own. */
static void
holder(struct perm_holder *h, const struct scope_set *patterns, int all,
    int ro)
{
	memset(h, 0, sizeof(*h));
	h->patterns = patterns;
	h->all_accounts = all;
	h->read_only = ro;
}

/* "a b c" cut to DETAIL_SCOPES bytes, "..." when cut. */
static void
short_scopes(char *out, size_t outsz, const char *s)
{
	if (strlen(s) <= DETAIL_SCOPES)
		snprintf(out, outsz, "%s", s);
	else
		snprintf(out, outsz, "%.*s...", DETAIL_SCOPES - 3, s);
}

enum ops_err
ops_role_create(const struct ops_ctx *x, const struct ops_role_create *rq,
    struct ops_role *out, const char **field)
{
	struct scope_set	 ss;
	struct perm_holder	 h;
	char			 scopes[OPS_SCOPES_MAX_BYTES + 1];
	char			 detail[DETAIL_BYTES], sh[DETAIL_SCOPES + 1];
	const char		*params[8];
	int			 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->name == NULL || !perm_role_name_valid(rq->name)) {
		*field = "name";
		return OPS_INVALID;
	}
	if (rq->scopes == NULL ||
	    canonical(rq->scopes, scopes, sizeof(scopes)) == -1 ||
	    scope_parse(&ss, scopes, strlen(scopes)) == -1) {
		*field = "scopes";
		return OPS_INVALID;
	}
	holder(&h, &ss, rq->all_accounts != 0, rq->read_only != 0);
	if (rq->held != NULL && !perm_within(&h, rq->held)) {
		*field = rq->all_accounts && !rq->held->all_accounts ?
		    "all_accounts" : "scopes";
		return OPS_FORBIDDEN;
	}
	short_scopes(sh, sizeof(sh), scopes);
	snprintf(detail, sizeof(detail), "scopes %s%s%s", sh,
	    rq->all_accounts ? "; all accounts" : "",
	    rq->read_only ? "; read-only" : "");
	params[0] = x->org;
	params[1] = rq->name;
	params[2] = scopes;
	params[3] = rq->all_accounts ? "true" : "false";
	params[4] = rq->read_only ? "true" : "false";
	params[5] = detail;
	params[6] = x->actor;
	params[7] = x->source;
	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	n = store_rows(x->db, STMT_ROLE_CREATE, params, role_row, out);
	if (n == 1)
		return done(x->db, OPS_OK);
	if (n < 0 && db_last_unique_violation(x->db)) {
		*field = "name";
		return done(x->db, OPS_CONFLICT);
	}
	return done(x->db, n < 0 ? OPS_UNAVAILABLE : OPS_FAILED);
}

struct listing {
	const struct ops_role_list	*rq;
	struct ops_role			 r;
	struct ops_page			*page;
	int				 stopped;
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct listing	*l = arg;

	if (l->page->n == (size_t)l->rq->limit) {
		l->page->more = 1;	/* the one row past the page */
		return 0;
	}
	if (role_row(&l->r, c, n) == -1)
		return -1;
	if (l->rq->row(l->rq->arg, &l->r) == -1) {
		l->stopped = 1;
		return -1;
	}
	l->page->n++;
	return 0;
}

enum ops_err
ops_role_list(const struct ops_ctx *x, const struct ops_role_list *rq,
    struct ops_page *out, const char **field)
{
	struct listing	 l;
	char		 usec[24], lim[16];
	const char	*params[4];

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->limit < 1 || rq->limit > OPS_LIST_MAX) {
		*field = "limit";
		return OPS_INVALID;
	}
	if (rq->after_usec < 0 || (rq->after_name != NULL &&
	    !perm_role_name_valid(rq->after_name))) {
		*field = "cursor";
		return OPS_INVALID;
	}
	snprintf(usec, sizeof(usec), "%lld", rq->after_name ? rq->after_usec :
	    -1);
	snprintf(lim, sizeof(lim), "%d", rq->limit + 1);
	params[0] = x->org;
	params[1] = usec;
	params[2] = rq->after_name ? rq->after_name : "";
	params[3] = lim;
	l.rq = rq;
	l.page = out;
	l.stopped = 0;
	if (store_rows(x->db, STMT_ROLE_LIST, params, list_row, &l) < 0)
		return l.stopped ? OPS_FAILED : OPS_UNAVAILABLE;
	return OPS_OK;
}

enum ops_err
ops_role_get(const struct ops_ctx *x, const struct ops_role_name *rq,
    struct ops_role *out, const char **field)
{
	const char	*params[2];
	int		 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->name == NULL || !perm_role_name_valid(rq->name)) {
		*field = "name";
		return OPS_INVALID;
	}
	params[0] = x->org;
	params[1] = rq->name;
	if ((n = store_rows(x->db, STMT_ROLE_GET, params, role_row, out)) < 0)
		return OPS_UNAVAILABLE;
	return n == 0 ? OPS_NOT_FOUND : OPS_OK;
}

/* "; name a -> b" for what changed, within detail. */
static void
changed(char *detail, size_t sz, const char *name, const char *from,
    const char *to)
{
	size_t	 len = strlen(detail);

	if (strcmp(from, to) == 0 || len >= sz - 1)
		return;
	snprintf(detail + len, sz - len, "%s%s %s -> %s", len ? "; " : "",
	    name, from, to);
}

enum ops_err
ops_role_update(const struct ops_ctx *x, const struct ops_role_update *rq,
    struct ops_role_updated *out, const char **field)
{
	struct ops_role_name	 nm;
	struct ops_role		 old;
	struct scope_set	 os, ns;
	struct perm_holder	 oh, nh;
	char			 scopes[OPS_SCOPES_MAX_BYTES + 1];
	char			 detail[DETAIL_BYTES], a[DETAIL_SCOPES + 1];
	char			 b[DETAIL_SCOPES + 1], ver[24];
	const char		*params[10];
	int			 all, ro, cut, n;
	enum ops_err		 rc;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->name == NULL || !perm_role_name_valid(rq->name)) {
		*field = "name";
		return OPS_INVALID;
	}
	if (rq->scopes != NULL &&
	    canonical(rq->scopes, scopes, sizeof(scopes)) == -1) {
		*field = "scopes";
		return OPS_INVALID;
	}
	if (rq->all_accounts < -1 || rq->all_accounts > 1) {
		*field = "all_accounts";
		return OPS_INVALID;
	}
	if (rq->read_only < -1 || rq->read_only > 1) {
		*field = "read_only";
		return OPS_INVALID;
	}
	if (rq->if_version < 0) {
		*field = "version";
		return OPS_INVALID;
	}

	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	params[0] = x->org;
	if (store_rows(x->db, STMT_OPS_LOCK_ORG, params, NULL, NULL) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	nm.name = rq->name;
	if ((rc = ops_role_get(x, &nm, &old, field)) != OPS_OK)
		return done(x->db, rc);
	if (rq->if_version != 0 && rq->if_version != old.version) {
		*field = "version";
		return done(x->db, OPS_CONFLICT);
	}
	if (rq->scopes == NULL)
		memcpy(scopes, old.scopes, sizeof(scopes));
	all = rq->all_accounts == -1 ? old.all_accounts : rq->all_accounts;
	ro = rq->read_only == -1 ? old.read_only : rq->read_only;
	if (scope_parse(&os, old.scopes, strlen(old.scopes)) == -1 ||
	    scope_parse(&ns, scopes, strlen(scopes)) == -1)
		return done(x->db, OPS_FAILED);
	holder(&oh, &os, old.all_accounts, old.read_only);
	holder(&nh, &ns, all, ro);
	/* Nobody changes a role beyond what it holds, before or after. */
	if (rq->held != NULL && (!perm_within(&oh, rq->held) ||
	    !perm_within(&nh, rq->held))) {
		*field = all && !rq->held->all_accounts ? "all_accounts" :
		    "scopes";
		return done(x->db, OPS_FORBIDDEN);
	}
	cut = !perm_within(&oh, &nh);

	detail[0] = '\0';
	short_scopes(a, sizeof(a), old.scopes);
	short_scopes(b, sizeof(b), scopes);
	changed(detail, sizeof(detail), "scopes", a, b);
	changed(detail, sizeof(detail), "all_accounts", old.all_accounts ?
	    "true" : "false", all ? "true" : "false");
	changed(detail, sizeof(detail), "read_only", old.read_only ? "true" :
	    "false", ro ? "true" : "false");
	if (detail[0] == '\0')
		snprintf(detail, sizeof(detail), "unchanged");
	snprintf(ver, sizeof(ver), "%lld", old.version);
	params[1] = rq->name;
	params[2] = scopes;
	params[3] = all ? "true" : "false";
	params[4] = ro ? "true" : "false";
	params[5] = ver;
	params[6] = cut ? "true" : "false";
	params[7] = detail;
	params[8] = x->actor;
	params[9] = x->source;
	if ((n = store_rows(x->db, STMT_ROLE_UPDATE, params, updated_row,
	    out)) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	/* Under the organization's lock the version cannot have moved. */
	return done(x->db, n == 1 ? OPS_OK : OPS_FAILED);
}
