/*
 * ops_audit: see ops_audit.h. Rows come back page by page (at most
 * OPS_AUDIT_PAGE_ROWS per statement), so that a walk over millions of rows
 * holds one page at a time. A walk stops at the head row read before it:
 * rows written meanwhile are the next walk's.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "logesc.h"
#include "ops_audit.h"
#include "store.h"
#include "utf8.h"

/* The columns of STMT_AUDIT_LIST and STMT_AUDIT_ROWS. */
enum {
	C_ID, C_SEQ, C_AT, C_ORG, C_EVENT, C_DETAIL, C_ACTOR, C_SOURCE,
	C_RESOURCE, C_OUTCOME, C_PREV, C_HASH, C__N
};

static const int field_col[AUDITCHAIN__NFIELDS] = {
	[AUDITCHAIN_ORG] = C_ORG,
	[AUDITCHAIN_EVENT] = C_EVENT,
	[AUDITCHAIN_DETAIL] = C_DETAIL,
	[AUDITCHAIN_ACTOR] = C_ACTOR,
	[AUDITCHAIN_SOURCE] = C_SOURCE,
	[AUDITCHAIN_RESOURCE] = C_RESOURCE,
	[AUDITCHAIN_OUTCOME] = C_OUTCOME,
};

/* A decimal count of at most 18 digits; -1 otherwise. */
static long long
number(const char *s)
{
	long long	 v = 0;
	size_t		 i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A row of the statement into r and e; -1 when it is not one. */
static int
to_entry(const char *const *c, int n, struct auditchain_row *r,
    struct ops_audit_entry *e)
{
	int	 i;

	if (n != C__N || c[C_ID] == NULL || c[C_SEQ] == NULL || c[C_AT] == NULL)
		return -1;
	memset(r, 0, sizeof(*r));
	memset(e, 0, sizeof(*e));
	r->id = strtoll(c[C_ID], NULL, 10);
	r->seq = strtoll(c[C_SEQ], NULL, 10);
	r->at_us = strtoll(c[C_AT], NULL, 10);
	for (i = 0; i < AUDITCHAIN__NFIELDS; i++) {
		r->f[i] = c[field_col[i]] != NULL ? c[field_col[i]] : "";
		r->len[i] = strlen(r->f[i]);
	}
	r->has_hashes = c[C_PREV] != NULL && c[C_HASH] != NULL &&
	    auditchain_unhex(r->prev, c[C_PREV], strlen(c[C_PREV])) == 0 &&
	    auditchain_unhex(r->hash, c[C_HASH], strlen(c[C_HASH])) == 0;
	e->row = r;
	auditchain_time_format(e->at, r->at_us);
	if (r->has_hashes) {
		auditchain_hex(e->prev, r->prev);
		auditchain_hex(e->hash, r->hash);
	}
	return 0;
}

/* A filter: NULL or "" for none; bounded, valid UTF-8, no control byte. */
static int
filter_ok(const char *s)
{
	size_t	 i, n;

	if (s == NULL)
		return 1;
	if ((n = strlen(s)) >= OPS_AUDIT_FILTER_BYTES ||
	    !utf8_valid((const unsigned char *)s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* An optional time as the text PostgreSQL reads; NULL when none. */
static int
time_param(const char *s, char out[AUDITCHAIN_TIME_BYTES], const char **p)
{
	long long	 us;

	*p = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	if (auditchain_time_parse(s, strlen(s), &us) == -1 ||
	    auditchain_time_format(out, us) == -1)
		return -1;
	*p = out;
	return 0;
}

static const char *
empty_null(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* ------------------------------------------------------------------ list */

struct lister {
	const struct ops_audit_list	*rq;
	size_t				 n, limit;
	long long			 last_seq;
	int				 more, failed;
};

static int
list_row(void *arg, const char *const *c, int n)
{
	struct lister		*l = arg;
	struct auditchain_row	 r;
	struct ops_audit_entry	 e;

	/* The row after the page only says that there is a next page. */
	if (l->n == l->limit) {
		l->more = 1;
		return 0;
	}
	if (to_entry(c, n, &r, &e) == -1 || l->rq->row(l->rq->arg, &e) == -1) {
		l->failed = 1;
		return -1;
	}
	l->n++;
	l->last_seq = r.seq;
	return 0;
}

enum ops_err
ops_audit_list(const struct ops_ctx *x, const struct ops_audit_list *rq,
    struct ops_audit_listed *out, const char **field)
{
	struct lister	 l = { rq, 0, 0, 0, 0, 0 };
	char		 since[AUDITCHAIN_TIME_BYTES], until[AUDITCHAIN_TIME_BYTES];
	char		 lim[16];
	const char	*params[8];
	long long	 cursor = 0;
	int		 limit;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (!filter_ok(rq->action))
		*field = "action";
	else if (!filter_ok(rq->resource))
		*field = "resource";
	else if (!filter_ok(rq->actor))
		*field = "actor";
	else if (time_param(rq->since, since, &params[4]) == -1)
		*field = "since";
	else if (time_param(rq->until, until, &params[5]) == -1)
		*field = "until";
	else if (rq->cursor != NULL && *rq->cursor != '\0' &&
	    (cursor = number(rq->cursor)) < 1)
		*field = "cursor";
	else if (rq->limit < 0 || rq->limit > OPS_AUDIT_LIMIT_MAX)
		*field = "limit";
	if (*field != NULL)
		return OPS_INVALID;
	limit = rq->limit == 0 ? OPS_AUDIT_LIMIT_DEFAULT : rq->limit;
	l.limit = (size_t)limit;
	snprintf(lim, sizeof(lim), "%d", limit + 1);
	params[0] = x->org;
	params[1] = empty_null(rq->action);
	params[2] = empty_null(rq->resource);
	params[3] = empty_null(rq->actor);
	params[6] = cursor > 0 ? rq->cursor : NULL;
	params[7] = lim;
	if (store_rows(x->db, STMT_AUDIT_LIST, params, list_row, &l) == -1)
		return l.failed ? OPS_FAILED : OPS_UNAVAILABLE;
	out->n = l.n;
	if (l.more)
		snprintf(out->next_cursor, sizeof(out->next_cursor), "%lld",
		    l.last_seq);
	return OPS_OK;
}

/* ------------------------------------------------------------- the walk */

/* The organization's head row (audit_heads). */
struct head {
	long long	 seq;		/* -1: none */
	int		 malformed;
	unsigned char	 hash[AUDITCHAIN_HASH_BYTES];
};

static int
head_row(void *arg, const char *const *c, int n)
{
	struct head	*h = arg;

	if (n != 2 || c[0] == NULL || c[1] == NULL ||
	    auditchain_unhex(h->hash, c[1], strlen(c[1])) == -1) {
		h->malformed = 1;
		return 0;
	}
	h->seq = strtoll(c[0], NULL, 10);
	return 0;
}

static int
read_head(const struct ops_ctx *x, struct head *h)
{
	const char	*params[1] = { x->org };

	memset(h, 0, sizeof(*h));
	h->seq = -1;
	return store_rows(x->db, STMT_AUDIT_HEAD, params, head_row, h) == -1 ?
	    -1 : 0;
}

struct pager {
	const struct ops_ctx	*x;
	struct auditchain_walk	*w;		/* verify: judge each row */
	ops_audit_row_fn	 row;		/* export: hand each row out */
	void			*arg;
	long long		 after;		/* the last seq seen */
	long long		 rows;
	int			 stopped, failed;
};

static int
page_row(void *arg, const char *const *c, int n)
{
	struct pager		*p = arg;
	struct auditchain_row	 r;
	struct ops_audit_entry	 e;

	if (p->stopped)
		return 0;
	if (to_entry(c, n, &r, &e) == -1) {
		p->failed = 1;
		return -1;
	}
	p->after = r.seq;
	p->rows++;
	if (p->w != NULL && auditchain_walk_row(p->w, &r) == 1)
		p->stopped = 1;
	if (p->row != NULL && p->row(p->arg, &e) == -1) {
		p->failed = 1;
		return -1;
	}
	return 0;
}

/* Every row of the organization with seq <= upto (and at >= since), in
 * seq order, through page_row. */
static enum ops_err
walk_pages(struct pager *p, long long upto, const char *since)
{
	char		 after[24], up[24], lim[16];
	const char	*params[5] = { p->x->org, after, up, since, lim };
	int		 n;

	snprintf(up, sizeof(up), "%lld", upto);
	snprintf(lim, sizeof(lim), "%d", OPS_AUDIT_PAGE_ROWS);
	do {
		snprintf(after, sizeof(after), "%lld", p->after);
		n = store_rows(p->x->db, STMT_AUDIT_ROWS, params, page_row, p);
		if (n == -1)
			return p->failed ? OPS_FAILED : OPS_UNAVAILABLE;
	} while (n == OPS_AUDIT_PAGE_ROWS && !p->stopped && p->after < upto);
	return OPS_OK;
}

/* ---------------------------------------------------------------- verify */

enum ops_err
ops_audit_verify(const struct ops_ctx *x, const struct ops_audit_verify *rq,
    struct ops_audit_verified *out, const char **field)
{
	struct auditchain_walk	 w;
	struct pager		 p;
	struct head		 h;
	unsigned char		 given[AUDITCHAIN_HASH_BYTES];
	enum ops_err		 rc;

	memset(out, 0, sizeof(*out));
	*field = NULL;
	if (rq->head != NULL && auditchain_unhex(given, rq->head,
	    strlen(rq->head)) == -1) {
		*field = "head";
		return OPS_INVALID;
	}
	if (read_head(x, &h) == -1)
		return OPS_UNAVAILABLE;
	auditchain_walk_init(&w, rq->head != NULL ? given : NULL);
	memset(&p, 0, sizeof(p));
	p.x = x;
	p.w = &w;
	/* Without a head row there should be no row at all: read them all. */
	if ((rc = walk_pages(&p, h.seq >= 0 ? h.seq : LLONG_MAX, NULL)) !=
	    OPS_OK)
		return rc;
	if (w.verdict == AUDITCHAIN_OK && (h.malformed ||
	    (h.seq < 0 && w.rows > 0))) {
		w.verdict = AUDITCHAIN_CHANGED;
		w.bad_seq = w.last_seq;
		w.bad_id = w.last_id;
		snprintf(w.why, sizeof(w.why), "%s", h.malformed ?
		    "the organization's head row is malformed" :
		    "the organization has rows but no head row");
	}
	out->verdict = auditchain_walk_end(&w, h.seq, h.seq >= 0 ? h.hash :
	    NULL);
	out->rows = w.rows;
	out->bad_seq = w.bad_seq;
	out->bad_id = w.bad_id;
	memcpy(out->why, w.why, sizeof(out->why));
	if (out->verdict == AUDITCHAIN_OK) {
		out->head_seq = w.last_seq;
		auditchain_hex(out->head, w.last);
	}
	return OPS_OK;
}

/* ---------------------------------------------------------------- export */

enum ops_err
ops_audit_export(const struct ops_ctx *x, const struct ops_audit_export *rq,
    long long *rows, const char **field)
{
	struct pager	 p;
	struct head	 h;
	char		 since[AUDITCHAIN_TIME_BYTES];
	const char	*sp;
	enum ops_err	 rc;

	*rows = 0;
	*field = NULL;
	if (rq->since == NULL || *rq->since == '\0' ||
	    time_param(rq->since, since, &sp) == -1) {
		*field = "since";
		return OPS_INVALID;
	}
	if (read_head(x, &h) == -1)
		return OPS_UNAVAILABLE;
	if (h.seq <= 0)
		return OPS_OK;
	memset(&p, 0, sizeof(p));
	p.x = x;
	p.row = rq->row;
	p.arg = rq->arg;
	rc = walk_pages(&p, h.seq, sp);
	*rows = p.rows;
	return rc;
}

/* ----------------------------------------------------------------- heads */

static int
log_head(void *arg, const char *const *c, int n)
{
	char	 org[128], slug[128];

	(void)arg;
	if (n != 4 || c[0] == NULL || c[1] == NULL || c[2] == NULL ||
	    c[3] == NULL)
		return -1;
	logesc(org, sizeof(org), c[0], strlen(c[0]));
	logesc(slug, sizeof(slug), c[1], strlen(c[1]));
	log_info("audit head: org %s (%s) seq %s hash %s", org,
	    slug[0] != '\0' ? slug : "-", c[2], c[3]);
	return 0;
}

enum ops_err
ops_audit_log_heads(const struct ops_ctx *x)
{
	return store_rows(x->db, STMT_AUDIT_HEADS, NULL, log_head, NULL) == -1 ?
	    OPS_UNAVAILABLE : OPS_OK;
}

/* ------------------------------------------------------------------ JSON */

/* A JSON string of n bytes; bytes that are not UTF-8 (a database in
 * another encoding) become '?', so that a row is always shown. */
static json_t *
jstr(const char *s, size_t n)
{
	json_t	*j;
	char	*copy;
	size_t	 i;

	if ((j = json_stringn(s, n)) != NULL || n == 0)
		return j;
	if ((copy = malloc(n)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		copy[i] = (unsigned char)s[i] < 0x80 && s[i] != '\0' ? s[i] : '?';
	j = json_stringn(copy, n);
	free(copy);
	return j;
}

json_t *
ops_audit_entry_json(const struct ops_audit_entry *e)
{
	const struct auditchain_row	*r = e->row;
	json_t				*o;

	o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s?, "
	    "s:s?}",
	    "seq", (json_int_t)r->seq,
	    "at", e->at,
	    "org", jstr(r->f[AUDITCHAIN_ORG], r->len[AUDITCHAIN_ORG]),
	    "action", jstr(r->f[AUDITCHAIN_EVENT], r->len[AUDITCHAIN_EVENT]),
	    "resource", jstr(r->f[AUDITCHAIN_RESOURCE],
	    r->len[AUDITCHAIN_RESOURCE]),
	    "actor", jstr(r->f[AUDITCHAIN_ACTOR], r->len[AUDITCHAIN_ACTOR]),
	    "source", jstr(r->f[AUDITCHAIN_SOURCE], r->len[AUDITCHAIN_SOURCE]),
	    "outcome", jstr(r->f[AUDITCHAIN_OUTCOME], r->len[AUDITCHAIN_OUTCOME]),
	    "detail", jstr(r->f[AUDITCHAIN_DETAIL], r->len[AUDITCHAIN_DETAIL]),
	    "prev_hash", r->has_hashes ? e->prev : NULL,
	    "hash", r->has_hashes ? e->hash : NULL);
	return o;
}

json_t *
ops_audit_verified_json(const char *org, const char *slug,
    const struct ops_audit_verified *v)
{
	json_t	*o;
	int	 ok = v->verdict == AUDITCHAIN_OK;

	o = json_pack("{s:s, s:s?, s:b, s:s, s:I}", "org", org, "slug",
	    slug != NULL && slug[0] != '\0' ? slug : NULL, "ok", ok, "verdict",
	    auditchain_verdict_name(v->verdict), "rows", (json_int_t)v->rows);
	if (o == NULL)
		return NULL;
	if (ok ? json_object_set_new(o, "head_seq", json_integer(v->head_seq)) ||
	    json_object_set_new(o, "head", json_string(v->head)) :
	    json_object_set_new(o, "bad_seq", json_integer(v->bad_seq)) ||
	    json_object_set_new(o, "bad_id", v->bad_id ?
	    json_integer(v->bad_id) : json_null()) ||
	    json_object_set_new(o, "why", json_string(v->why))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
