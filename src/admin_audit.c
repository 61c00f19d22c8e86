/*
 * admin_audit: jwtmint-admin audit (list, verify, export), adapters over
 * ops_audit (the operations behind GET /admin/audit[/verify] too).
 *
 *   list    one organization's trail, newest first, a page at a time
 *           (--cursor: the previous page's next cursor);
 *   verify  walk the chain of one organization (--org) or of every one,
 *           exit 1 naming the first bad row, print the head when good;
 *   export  rows since T as JSON lines for a SIEM, per organization in
 *           seq order, of one organization or of every one;
 *   heads   every organization's head to the log (stderr), as the
 *           housekeeper writes it.
 *
 * Text output escapes control bytes (a field may hold anything a writer
 * put there); --json output is JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "logesc.h"
#include "ops_audit.h"
#include "store.h"
#include "admin.h"

#define ORGS_MAX	100000	/* organizations one verify or export walks */

/* What to print one field as in a table: escaped, bounded. */
static const char *
esc(char *buf, size_t bufsz, const char *s, size_t n)
{
	logesc(buf, bufsz, s, n);
	return buf[0] != '\0' ? buf : "-";
}

static void
fail(struct admin *a, enum ops_err rc, const char *field, const char *what)
{
	char	 why[128];

	switch (rc) {
	case OPS_INVALID:
		snprintf(why, sizeof(why), "audit %s: --%s is malformed", what,
		    field != NULL ? field : "?");
		admin_usage(why);
		break;
	case OPS_UNAVAILABLE:
		admin_die(a, "%s", "database error");
		break;
	default:
		admin_die(a, "audit %s failed", what);
		break;
	}
}

/* ------------------------------------------------------------------ list */

struct out {
	struct admin	*a;
	json_t		*arr;		/* --json */
};

static int
print_entry(void *arg, const struct ops_audit_entry *e)
{
	struct out			*w = arg;
	const struct auditchain_row	*r = e->row;
	char				 b[7][512];
	json_t				*o;

	if (w->arr != NULL) {
		if ((o = ops_audit_entry_json(e)) == NULL)
			return -1;
		return json_array_append_new(w->arr, o);
	}
	printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r->seq, e->at,
	    esc(b[0], sizeof(b[0]), r->f[AUDITCHAIN_EVENT],
	    r->len[AUDITCHAIN_EVENT]),
	    esc(b[1], sizeof(b[1]), r->f[AUDITCHAIN_RESOURCE],
	    r->len[AUDITCHAIN_RESOURCE]),
	    esc(b[2], sizeof(b[2]), r->f[AUDITCHAIN_ACTOR],
	    r->len[AUDITCHAIN_ACTOR]),
	    esc(b[3], sizeof(b[3]), r->f[AUDITCHAIN_SOURCE],
	    r->len[AUDITCHAIN_SOURCE]),
	    esc(b[4], sizeof(b[4]), r->f[AUDITCHAIN_OUTCOME],
	    r->len[AUDITCHAIN_OUTCOME]),
	    esc(b[5], sizeof(b[5]), r->f[AUDITCHAIN_DETAIL],
	    r->len[AUDITCHAIN_DETAIL]));
	return 0;
}

static int
audit_list(struct admin *a, const struct opts *o)
{
	struct ops_audit_list	 rq;
	struct ops_audit_listed	 out;
	struct ops_ctx		 x;
	struct org		 org;
	struct out		 w = { a, NULL };
	const char		*lim = admin_opt(o, "limit"), *field;
	char			*end;
	long			 n = 0;
	enum ops_err		 rc;

	memset(&rq, 0, sizeof(rq));
	if (lim != NULL) {
		n = strtol(lim, &end, 10);
		if (*lim < '0' || *lim > '9' || *end != '\0' || n < 1 ||
		    n > OPS_AUDIT_LIMIT_MAX)
			admin_usage("--limit: 1 to 500");
	}
	rq.limit = (int)n;
	rq.action = admin_opt(o, "action");
	rq.resource = admin_opt(o, "resource");
	rq.actor = admin_opt(o, "actor");
	rq.since = admin_opt(o, "since");
	rq.until = admin_opt(o, "until");
	rq.cursor = admin_opt(o, "cursor");
	rq.row = print_entry;
	rq.arg = &w;
	admin_org_lookup(a, admin_opt(o, "org"), &org);
	admin_ops_ctx(a, org.id, &x);
	if (a->json && (w.arr = json_array()) == NULL)
		admin_die(a, "%s", "out of memory");
	if (!a->json)
		printf("seq\tat\taction\tresource\tactor\tsource\toutcome\t"
		    "detail\n");
	if ((rc = ops_audit_list(&x, &rq, &out, &field)) != OPS_OK) {
		json_decref(w.arr);
		fail(a, rc, field, "list");
	}
	if (a->json)
		admin_print_json(a, json_pack("{s:o, s:s?}", "entries", w.arr,
		    "next_cursor", out.next_cursor[0] ? out.next_cursor : NULL));
	else if (out.next_cursor[0] != '\0')
		fprintf(stderr, "jwtmint-admin: more rows: --cursor %s\n",
		    out.next_cursor);
	return 0;
}

/* --------------------------------------------------- every organization */

struct orgs {
	char	(*id)[STORE_ORG_ID_BYTES];
	char	(*slug)[STORE_ORG_ID_BYTES];
	size_t	 n, cap;
};

static int
org_row(void *arg, const char *const *c, int n)
{
	struct orgs	*l = arg;
	void		*p;

	if (n < 2 || c[0] == NULL || strlen(c[0]) >= STORE_ORG_ID_BYTES ||
	    l->n == ORGS_MAX)
		return -1;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		if ((p = reallocarray(l->id, l->cap, sizeof(*l->id))) == NULL)
			return -1;
		l->id = p;
		if ((p = reallocarray(l->slug, l->cap, sizeof(*l->slug))) == NULL)
			return -1;
		l->slug = p;
	}
	snprintf(l->id[l->n], sizeof(l->id[0]), "%s", c[0]);
	snprintf(l->slug[l->n], sizeof(l->slug[0]), "%s", c[1] ? c[1] : "");
	l->n++;
	return 0;
}

/* The organizations of --org (one) or every one that has a trail (s:
 * STMT_AUDIT_ORGS or STMT_AUDIT_HEADS, id and slug first). */
static void
orgs_of(struct admin *a, const struct opts *o, enum stmt s, struct orgs *l)
{
	struct org	 org;
	const char	*slug = admin_opt(o, "org");

	memset(l, 0, sizeof(*l));
	if (slug != NULL) {
		admin_org_lookup(a, slug, &org);
		if (org_row(l, (const char *const[]){ org.id, slug }, 2) == -1)
			admin_die(a, "%s", "out of memory");
		return;
	}
	if (store_rows(a->db, s, NULL, org_row, l) == -1) {
		free(l->id);
		free(l->slug);
		admin_die(a, "%s", "database error (or too many organizations)");
	}
}

static void
orgs_free(struct orgs *l)
{
	free(l->id);
	free(l->slug);
}

/* ---------------------------------------------------------------- verify */

static int
audit_verify(struct admin *a, const struct opts *o)
{
	struct ops_audit_verify		 rq;
	struct ops_audit_verified	 v;
	struct ops_ctx			 x;
	struct orgs			 l;
	json_t				*arr = NULL, *one;
	const char			*field;
	enum ops_err			 rc;
	size_t				 i;
	int				 bad = 0;

	rq.head = admin_opt(o, "head");
	if (rq.head != NULL && admin_opt(o, "org") == NULL)
		admin_usage("audit verify --head HASH needs --org SLUG (a head "
		    "is one organization's)");
	orgs_of(a, o, STMT_AUDIT_ORGS, &l);
	if (a->json && (arr = json_array()) == NULL)
		admin_die(a, "%s", "out of memory");
	for (i = 0; i < l.n; i++) {
		admin_ops_ctx(a, l.id[i], &x);
		if ((rc = ops_audit_verify(&x, &rq, &v, &field)) != OPS_OK) {
			json_decref(arr);
			orgs_free(&l);
			fail(a, rc, field, "verify");
		}
		bad |= v.verdict != AUDITCHAIN_OK;
		if (a->json) {
			if ((one = ops_audit_verified_json(l.id[i], l.slug[i], &v)) == NULL ||
			    json_array_append_new(arr, one) == -1)
				admin_die(a, "%s", "out of memory");
		} else if (v.verdict == AUDITCHAIN_OK)
			printf("%s%s%s%s: ok, %lld row%s; head seq %lld hash %s\n",
			    l.id[i], l.slug[i][0] ? " (" : "", l.slug[i],
			    l.slug[i][0] ? ")" : "", v.rows, v.rows == 1 ? "" : "s",
			    v.head_seq, v.head);
		else
			printf("%s%s%s%s: %s at seq %lld%s: %s\n", l.id[i],
			    l.slug[i][0] ? " (" : "", l.slug[i],
			    l.slug[i][0] ? ")" : "",
			    auditchain_verdict_name(v.verdict), v.bad_seq,
			    v.bad_id ? "" : " (missing)", v.why);
		if (!a->json && v.verdict != AUDITCHAIN_OK && v.bad_id != 0)
			printf("  the row: id %lld\n", v.bad_id);
	}
	if (a->json) {
		/* One organization: its object, as GET /admin/audit/verify. */
		if (admin_opt(o, "org") != NULL) {
			one = json_incref(json_array_get(arr, 0));
			json_decref(arr);
			arr = one;
		}
		admin_print_json(a, arr);
	} else if (l.n == 0)
		printf("no audit trail yet\n");
	orgs_free(&l);
	if (bad) {
		fprintf(stderr, "jwtmint-admin: the audit trail does not "
		    "verify\n");
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- export */

static int
export_line(void *arg, const struct ops_audit_entry *e)
{
	json_t	*o;
	char	*s;
	int	 rc;

	(void)arg;
	if ((o = ops_audit_entry_json(e)) == NULL)
		return -1;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		return -1;
	rc = puts(s) == EOF ? -1 : 0;
	free(s);
	return rc;
}

static int
audit_export(struct admin *a, const struct opts *o)
{
	struct ops_audit_export	 rq;
	struct ops_ctx		 x;
	struct orgs		 l;
	const char		*field;
	long long		 rows;
	enum ops_err		 rc;
	size_t			 i;
	long long		 us;

	rq.since = admin_opt(o, "since");
	if (rq.since == NULL)
		admin_usage("audit export needs --since T");
	if (auditchain_time_parse(rq.since, strlen(rq.since), &us) == -1)
		admin_usage("--since: RFC 3339 (2024-05-01T00:00:00Z), a date "
		    "or Unix seconds");
	rq.row = export_line;
	rq.arg = NULL;
	orgs_of(a, o, STMT_AUDIT_HEADS, &l);
	for (i = 0; i < l.n; i++) {
		admin_ops_ctx(a, l.id[i], &x);
		if ((rc = ops_audit_export(&x, &rq, &rows, &field)) != OPS_OK) {
			orgs_free(&l);
			fail(a, rc, field, "export");
		}
	}
	orgs_free(&l);
	if (fflush(stdout) == EOF)
		admin_die(a, "%s", "cannot write the export");
	return 0;
}

/* ----------------------------------------------------------------- heads */

/* What the housekeeper does every few minutes, at once: for a cron job
 * where no housekeeper runs, or to see the lines it writes. */
static int
audit_heads(struct admin *a, const struct opts *o)
{
	struct ops_ctx	 x;

	(void)o;
	admin_ops_ctx(a, "", &x);
	if (ops_audit_log_heads(&x) != OPS_OK)
		admin_die(a, "%s", "database error");
	return 0;
}

static const struct admin_cmd cmds[] = {
	{ "audit", "list", "org action resource actor since until limit cursor "
	    "json",
	    "  audit list [--org SLUG] [--action A] [--resource R] [--actor X]\n"
	    "             [--since T] [--until T] [--limit N] [--cursor C] "
	    "[--json]\n"
	    "             (newest first; T: 2024-05-01T00:00:00Z, a date or "
	    "Unix seconds)\n", audit_list },
	{ "audit", "verify", "org head json",
	    "  audit verify [--org SLUG [--head HASH]] [--json]  (every "
	    "organization\n"
	    "             without --org; exit 1 naming the first bad row)\n",
	    audit_verify },
	{ "audit", "export", "since org",
	    "  audit export --since T [--org SLUG]   (JSON lines, for a SIEM)\n",
	    audit_export },
	{ "audit", "heads", "",
	    "  audit heads   (every organization's head to the log, as the "
	    "housekeeper does)\n", audit_heads },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct admin_cmd *
admin_audit_cmds(void)
{
	return cmds;
}
