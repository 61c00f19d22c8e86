/*
 * ops_user: see ops_user.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "bstr.h"
#include "db.h"
#include "ops_role.h"
#include "ops_user.h"
#include "secret.h"
#include "store.h"

#define DETAIL_BYTES	200	/* an audit row's summary */
#define DETAIL_LIST	60	/* of a scope or account list in it */

/* The user and its role's permissions (STMT_USER_GET). */
struct current {
	struct ops_user	 u;
	struct ops_role	 r;	/* scopes, all_accounts, read_only */
};

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

/* The canonical form of a scope or account list of at most max bytes. */
static int
canonical(const char *in, char *out, size_t outsz, size_t max)
{
	struct scope_set	 ss;
	int			 n;

	if (scope_parse(&ss, in, strlen(in)) == -1 ||
	    (n = scope_format(&ss, out, outsz)) < 0 || (size_t)n > max)
		return -1;
	return 0;
}

/* USER_COLS of stmt.c. */
static int
user_row(void *arg, const char *const *c, int n)
{
	struct ops_user	*u = arg;

	memset(u, 0, sizeof(*u));
	if (n < 9 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL || c[4] == NULL || c[5] == NULL || c[7] == NULL ||
	    c[8] == NULL || bstr_copy_opt(u->id, sizeof(u->id), c[0]) == -1 ||
	    bstr_copy_opt(u->username, sizeof(u->username), c[1]) == -1 ||
	    bstr_copy_opt(u->role, sizeof(u->role), c[2]) == -1 ||
	    bstr_copy_opt(u->scopes, sizeof(u->scopes), c[3]) == -1 ||
	    bstr_copy_opt(u->accounts, sizeof(u->accounts), c[4]) == -1 ||
	    bstr_copy_opt(u->created_at, sizeof(u->created_at), c[5]) == -1 ||
	    bstr_copy_opt(u->disabled_at, sizeof(u->disabled_at), c[6]) == -1)
		return -1;
	u->created_usec = strtoll(c[7], NULL, 10);
	u->version = strtoll(c[8], NULL, 10);
	return 0;
}

/* USER_COLS and the role's scopes, all_accounts, read_only. */
static int
current_row(void *arg, const char *const *c, int n)
{
	struct current	*cur = arg;

	if (n != 12 || user_row(&cur->u, c, n) == -1 || c[9] == NULL ||
	    c[10] == NULL || c[11] == NULL)
		return -1;
	memset(&cur->r, 0, sizeof(cur->r));
	if (bstr_copy_opt(cur->r.name, sizeof(cur->r.name), cur->u.role) == -1 ||
	    bstr_copy_opt(cur->r.scopes, sizeof(cur->r.scopes), c[9]) == -1)
		return -1;
	cur->r.all_accounts = c[10][0] == 't';
	cur->r.read_only = c[11][0] == 't';
	return 0;
}

/* The user of a normalised username: -1 / 0 / 1. */
static int
current(const struct ops_ctx *x, const char *uname, struct current *cur)
{
	const char	*params[2] = { x->org, uname };

	return store_rows(x->db, STMT_USER_GET, params, current_row, cur);
}

/* Scope sets of a user's permissions, and the holder made of them. */
struct perms {
	struct scope_set	 patterns, extra, accounts;
	struct perm_holder	 h;
};

static int
perms(struct perms *p, const struct ops_role *r, const char *scopes,
    const char *accounts)
{
	if (scope_parse(&p->patterns, r->scopes, strlen(r->scopes)) == -1 ||
	    scope_parse(&p->extra, scopes, strlen(scopes)) == -1 ||
	    scope_parse(&p->accounts, accounts, strlen(accounts)) == -1)
		return -1;
	p->h.patterns = &p->patterns;
	p->h.extra = &p->extra;
	p->h.read_only = r->read_only;
	p->h.all_accounts = r->all_accounts;
	p->h.accounts = &p->accounts;
	return 0;
}

/* Which part of a takes it beyond held: "role", "scopes" or "accounts". */
static const char *
beyond(const struct perms *a, const struct perm_holder *held)
{
	struct perm_holder	 part;

	part = a->h;
	part.extra = NULL;
	part.accounts = NULL;
	part.all_accounts = 0;
	if (!perm_within(&part, held) || (a->h.all_accounts &&
	    !held->all_accounts))
		return "role";
	part = a->h;
	part.patterns = NULL;
	part.accounts = NULL;
	part.all_accounts = 0;
	if (!perm_within(&part, held))
		return "scopes";
	return "accounts";
}

/* Begin, take the organization's lock, read the user; rc on failure
 * (rolled back). */
static enum ops_err
begin_with(const struct ops_ctx *x, const char *uname, struct current *cur)
{
	const char	*params[1] = { x->org };
	int		 n;

	if (db_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	if (store_rows(x->db, STMT_OPS_LOCK_ORG, params, NULL, NULL) < 0 ||
	    (n = current(x, uname, cur)) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	if (n == 0)
		return done(x->db, OPS_NOT_FOUND);
	return OPS_OK;
}

/* "a b c" cut to DETAIL_LIST bytes, "..." when cut; "-" when empty. */
static void
short_list(char *out, size_t outsz, const char *s)
{
	if (*s == '\0')
		snprintf(out, outsz, "-");
	else if (strlen(s) <= DETAIL_LIST)
		snprintf(out, outsz, "%s", s);
	else
		snprintf(out, outsz, "%.*s...", DETAIL_LIST - 3, s);
}

/* "; name a -> b" for what changed, within detail. */
static void
changed(char *detail, size_t sz, const char *name, const char *from,
    const char *to)
{
	char	 a[DETAIL_LIST + 1], b[DETAIL_LIST + 1];
	size_t	 len = strlen(detail);

	if (strcmp(from, to) == 0 || len >= sz - 1)
		return;
	short_list(a, sizeof(a), from);
	short_list(b, sizeof(b), to);
	snprintf(detail + len, sz - len, "%s%s %s -> %s", len ? "; " : "",
	    name, a, b);
}

static int
password_ok(const char *pw)
{
	size_t	 n;

	if (pw == NULL)
		return 0;
	n = strlen(pw);
	return n >= PASSWORD_MIN_BYTES && n <= PASSWORD_MAX_BYTES;
}

enum ops_err
ops_user_create(const struct ops_ctx *x, const struct ops_user_create *rq,
    struct ops_user *out, const char **field)
{
	struct ops_role_name	 rn;
	struct ops_role		 role;
	struct perms		 p;
	char			 uname[USERNAME_MAX_BYTES + 1];
	char			 id[4 + APIKEY_ID_LEN + 1];
	char			 scopes[OPS_SCOPES_MAX_BYTES + 1];
	char			 accounts[STORE_ACCOUNTS_BYTES];
	char			 phc[PASSWORD_HASH_BYTES], detail[DETAIL_BYTES];
	char			 a[DETAIL_LIST + 1], b[DETAIL_LIST + 1];
	const char		*params[10];
	enum ops_err		 rc;
	int			 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->username == NULL || username_normalize(rq->username,
	    strlen(rq->username), uname) == -1)
		*field = "username";
	else if (rq->role == NULL || !perm_role_name_valid(rq->role))
		*field = "role";
	else if (canonical(rq->scopes ? rq->scopes : "", scopes,
	    sizeof(scopes), OPS_SCOPES_MAX_BYTES) == -1)
		*field = "scopes";
	else if (canonical(rq->accounts ? rq->accounts : "", accounts,
	    sizeof(accounts), sizeof(accounts) - 1) == -1)
		*field = "accounts";
	else if (!password_ok(rq->password) || rq->pw == NULL)
		*field = "password";
	if (*field != NULL)
		return OPS_INVALID;

	/* Argon2id before the transaction: no lock is held while it runs. */
	if (password_hash(rq->pw, rq->password, strlen(rq->password),
	    phc) == -1)
		return OPS_FAILED;
	memcpy(id, "usr_", 4);
	if (apikey_new_id(id + 4) == -1) {
		rc = OPS_FAILED;
		goto out;
	}
	if (db_begin(x->db) == -1) {
		rc = OPS_UNAVAILABLE;
		goto out;
	}
	params[0] = x->org;
	if (store_rows(x->db, STMT_OPS_LOCK_ORG, params, NULL, NULL) < 0) {
		rc = done(x->db, OPS_UNAVAILABLE);
		goto out;
	}
	rn.name = rq->role;
	if ((rc = ops_role_get(x, &rn, &role, field)) != OPS_OK) {
		if (rc == OPS_NOT_FOUND) {
			*field = "role";
			rc = OPS_INVALID;
		}
		rc = done(x->db, rc);
		goto out;
	}
	if (perms(&p, &role, scopes, accounts) == -1) {
		rc = done(x->db, OPS_FAILED);
		goto out;
	}
	if (rq->held != NULL && !perm_within(&p.h, rq->held)) {
		*field = beyond(&p, rq->held);
		rc = done(x->db, OPS_FORBIDDEN);
		goto out;
	}
	short_list(a, sizeof(a), scopes);
	short_list(b, sizeof(b), accounts);
	snprintf(detail, sizeof(detail), "role %s; scopes %s; accounts %s",
	    rq->role, a, b);
	params[0] = id;
	params[1] = x->org;
	params[2] = uname;
	params[3] = phc;
	params[4] = rq->role;
	params[5] = scopes;
	params[6] = accounts;
	params[7] = detail;
	params[8] = x->actor;
	params[9] = x->source;
	n = store_rows(x->db, STMT_USER_CREATE, params, user_row, out);
	if (n == 1)
		rc = done(x->db, OPS_OK);
	else if (n < 0 && db_last_unique_violation(x->db)) {
		*field = "username";
		rc = done(x->db, OPS_CONFLICT);
	} else
		rc = done(x->db, n < 0 ? OPS_UNAVAILABLE : OPS_FAILED);
out:
	secret_wipe(phc, sizeof(phc));
	return rc;
}

struct listing {
	const struct ops_user_list	*rq;
	struct ops_user			 u;
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
	if (user_row(&l->u, c, n) == -1)
		return -1;
	if (l->rq->row(l->rq->arg, &l->u) == -1) {
		l->stopped = 1;
		return -1;
	}
	l->page->n++;
	return 0;
}

/* A user id: "usr_" and 16 of a-z2-7 (apikey.h's alphabet). */
static int
user_id_valid(const char *s)
{
	return strncmp(s, "usr_", 4) == 0 && apikey_id_valid(s + 4,
	    strlen(s + 4));
}

enum ops_err
ops_user_list(const struct ops_ctx *x, const struct ops_user_list *rq,
    struct ops_page *out, const char **field)
{
	struct listing		 l;
	char			 usec[24], lim[16];
	const char		*params[4];

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->limit < 1 || rq->limit > OPS_LIST_MAX) {
		*field = "limit";
		return OPS_INVALID;
	}
	if (rq->after_usec < 0 || (rq->after_id != NULL &&
	    !user_id_valid(rq->after_id))) {
		*field = "cursor";
		return OPS_INVALID;
	}
	snprintf(usec, sizeof(usec), "%lld", rq->after_id ? rq->after_usec :
	    -1);
	snprintf(lim, sizeof(lim), "%d", rq->limit + 1);
	params[0] = x->org;
	params[1] = usec;
	params[2] = rq->after_id ? rq->after_id : "";
	params[3] = lim;
	l.rq = rq;
	l.page = out;
	l.stopped = 0;
	if (store_rows(x->db, STMT_USER_LIST, params, list_row, &l) < 0)
		return l.stopped ? OPS_FAILED : OPS_UNAVAILABLE;
	return OPS_OK;
}

enum ops_err
ops_user_get(const struct ops_ctx *x, const struct ops_user_name *rq,
    struct ops_user *out, const char **field)
{
	struct current		 cur;
	char			 uname[USERNAME_MAX_BYTES + 1];
	int			 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->username == NULL || username_normalize(rq->username,
	    strlen(rq->username), uname) == -1) {
		*field = "username";
		return OPS_INVALID;
	}
	if ((n = current(x, uname, &cur)) < 0)
		return OPS_UNAVAILABLE;
	if (n == 0)
		return OPS_NOT_FOUND;
	*out = cur.u;
	return OPS_OK;
}

enum ops_err
ops_user_update(const struct ops_ctx *x, const struct ops_user_update *rq,
    struct ops_user_updated *out, const char **field)
{
	struct current		 cur;
	struct perms		 op, np;
	struct ops_role_name	 rn;
	struct ops_role		 role;
	char			 uname[USERNAME_MAX_BYTES + 1];
	char			 scopes[OPS_SCOPES_MAX_BYTES + 1];
	char			 accounts[STORE_ACCOUNTS_BYTES];
	char			 detail[DETAIL_BYTES], ver[24];
	const char		*params[10];
	enum ops_err		 rc;
	int			 cut, n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->username == NULL || username_normalize(rq->username,
	    strlen(rq->username), uname) == -1)
		*field = "username";
	else if (rq->role != NULL && !perm_role_name_valid(rq->role))
		*field = "role";
	else if (rq->scopes != NULL && canonical(rq->scopes, scopes,
	    sizeof(scopes), OPS_SCOPES_MAX_BYTES) == -1)
		*field = "scopes";
	else if (rq->accounts != NULL && canonical(rq->accounts, accounts,
	    sizeof(accounts), sizeof(accounts) - 1) == -1)
		*field = "accounts";
	else if (rq->if_version < 0)
		*field = "version";
	if (*field != NULL)
		return OPS_INVALID;

	if ((rc = begin_with(x, uname, &cur)) != OPS_OK)
		return rc;
	if (rq->if_version != 0 && rq->if_version != cur.u.version) {
		*field = "version";
		return done(x->db, OPS_CONFLICT);
	}
	if (rq->scopes == NULL)
		memcpy(scopes, cur.u.scopes, sizeof(scopes));
	if (rq->accounts == NULL && bstr_copy_opt(accounts, sizeof(accounts),
	    cur.u.accounts) == -1)
		return done(x->db, OPS_FAILED);
	role = cur.r;
	if (rq->role != NULL && strcmp(rq->role, cur.u.role) != 0) {
		rn.name = rq->role;
		if ((rc = ops_role_get(x, &rn, &role, field)) != OPS_OK) {
			if (rc == OPS_NOT_FOUND) {
				*field = "role";
				rc = OPS_INVALID;
			}
			return done(x->db, rc);
		}
	}
	if (perms(&op, &cur.r, cur.u.scopes, cur.u.accounts) == -1 ||
	    perms(&np, &role, scopes, accounts) == -1)
		return done(x->db, OPS_FAILED);
	/* Nobody changes a user who holds more than itself, nor gives more. */
	if (rq->held != NULL && !perm_within(&op.h, rq->held)) {
		*field = "username";
		return done(x->db, OPS_FORBIDDEN);
	}
	if (rq->held != NULL && !perm_within(&np.h, rq->held)) {
		*field = beyond(&np, rq->held);
		return done(x->db, OPS_FORBIDDEN);
	}
	cut = !perm_within(&op.h, &np.h);

	detail[0] = '\0';
	changed(detail, sizeof(detail), "role", cur.u.role, role.name);
	changed(detail, sizeof(detail), "scopes", cur.u.scopes, scopes);
	changed(detail, sizeof(detail), "accounts", cur.u.accounts, accounts);
	if (detail[0] == '\0')
		snprintf(detail, sizeof(detail), "unchanged");
	if (cut && strlen(detail) + 40 < sizeof(detail))
		strncat(detail, "; narrower: every token ended",
		    sizeof(detail) - strlen(detail) - 1);
	snprintf(ver, sizeof(ver), "%lld", cur.u.version);
	params[0] = x->org;
	params[1] = cur.u.id;
	params[2] = role.name;
	params[3] = scopes;
	params[4] = accounts;
	params[5] = cut ? "true" : "false";
	params[6] = ver;
	params[7] = detail;
	params[8] = x->actor;
	params[9] = x->source;
	if ((n = store_rows(x->db, STMT_USER_UPDATE, params, user_row,
	    &out->user)) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	out->cut_off = cut;
	/* Under the organization's lock the version cannot have moved. */
	return done(x->db, n == 1 ? OPS_OK : OPS_FAILED);
}

/*
 * Password, disable, enable: a statement on a user the caller may act on
 * (within held), in the transaction begin_with opened. 0 rows: already so.
 */
static enum ops_err
act(const struct ops_ctx *x, enum stmt s, const char *username,
    const char *phc, const struct perm_holder *held, struct ops_user *out,
    const char **field)
{
	struct current		 cur;
	struct perms		 p;
	char			 uname[USERNAME_MAX_BYTES + 1];
	const char		*params[5];
	enum ops_err		 rc;
	int			 n, i = 0;

	memset(out, 0, sizeof(*out));
	if (username == NULL || username_normalize(username, strlen(username),
	    uname) == -1) {
		*field = "username";
		return OPS_INVALID;
	}
	if ((rc = begin_with(x, uname, &cur)) != OPS_OK)
		return rc;
	if (perms(&p, &cur.r, cur.u.scopes, cur.u.accounts) == -1)
		return done(x->db, OPS_FAILED);
	if (held != NULL && !perm_within(&p.h, held)) {
		*field = "username";
		return done(x->db, OPS_FORBIDDEN);
	}
	params[i++] = x->org;
	params[i++] = uname;
	if (phc != NULL)
		params[i++] = phc;
	params[i++] = x->actor;
	params[i++] = x->source;
	if ((n = store_rows(x->db, s, params, user_row, out)) < 0)
		return done(x->db, OPS_UNAVAILABLE);
	return done(x->db, n == 1 ? OPS_OK : OPS_CONFLICT);
}

enum ops_err
ops_user_set_password(const struct ops_ctx *x,
    const struct ops_user_password *rq, struct ops_user *out,
    const char **field)
{
	char		 phc[PASSWORD_HASH_BYTES];
	enum ops_err	 rc;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->username == NULL) {
		*field = "username";
		return OPS_INVALID;
	}
	if (!password_ok(rq->password) || rq->pw == NULL) {
		*field = "password";
		return OPS_INVALID;
	}
	if (password_hash(rq->pw, rq->password, strlen(rq->password),
	    phc) == -1)
		return OPS_FAILED;
	rc = act(x, STMT_USER_PASSWD, rq->username, phc, rq->held, out, field);
	secret_wipe(phc, sizeof(phc));
	return rc;
}

enum ops_err
ops_user_disable(const struct ops_ctx *x, const struct ops_user_name *rq,
    struct ops_user *out, const char **field)
{
	*field = NULL;
	return act(x, STMT_USER_DISABLE, rq->username, NULL, rq->held, out,
	    field);
}

enum ops_err
ops_user_enable(const struct ops_ctx *x, const struct ops_user_name *rq,
    struct ops_user *out, const char **field)
{
	*field = NULL;
	return act(x, STMT_USER_ENABLE, rq->username, NULL, rq->held, out,
	    field);
}

static int
holds_row(void *arg, const char *const *c, int n)
{
	struct ops_user_holds	*o = arg;
	int			 i;

	for (i = 0; i < 5; i++)
		if (n != 5 || c[i] == NULL)
			return -1;
	if (scope_parse(&o->patterns, c[0], strlen(c[0])) == -1 ||
	    scope_parse(&o->extra, c[3], strlen(c[3])) == -1 ||
	    scope_parse(&o->accounts, c[4], strlen(c[4])) == -1)
		return -1;
	o->h.patterns = &o->patterns;
	o->h.extra = &o->extra;
	o->h.accounts = &o->accounts;
	o->h.all_accounts = c[1][0] == 't';
	o->h.read_only = c[2][0] == 't';
	return 0;
}

enum ops_err
ops_user_holds(const struct ops_ctx *x, const struct ops_user_id *rq,
    struct ops_user_holds *out, const char **field)
{
	const char	*params[2];
	int		 n;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->id == NULL || !user_id_valid(rq->id)) {
		*field = "id";
		return OPS_INVALID;
	}
	params[0] = x->org;
	params[1] = rq->id;
	if ((n = store_rows(x->db, STMT_USER_HOLDS, params, holds_row,
	    out)) < 0)
		return OPS_UNAVAILABLE;
	return n == 0 ? OPS_NOT_FOUND : OPS_OK;
}
