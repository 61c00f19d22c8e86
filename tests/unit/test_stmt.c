/*
 * test_stmt: the tenant rule of src/stmt.h, proved over the whole statement
 * table by reading the SQL, not by finding the string "org_id" in it.
 *
 * A tokenizer drops comments and string literals (org_id there counts for
 * nothing), and a parser good enough for src/stmt.c splits a statement into
 * its blocks: every SELECT, UPDATE, DELETE and INSERT, CTE bodies and
 * subqueries included. In every block, every source that is a table of
 * tenant data (schema[]) must be tied to the organization, "anchored":
 *   - its org column compared with = to a parameter $n in the WHERE or in
 *     a join's ON, on the AND path (not under OR or NOT, not inside a CASE
 *     or a function's arguments, not part of a larger expression);
 *   - or = to an anchored source of the block: the same org column on both
 *     sides; its key = the anchored row's foreign key to its table; its
 *     foreign key = the anchored row's key; or its key or foreign key =
 *     a column of an anchored CTE (FROM/JOIN, or col IN (SELECT ... FROM
 *     the CTE)). EXISTS (...) ties no row and anchors nothing.
 * An INSERT into a table with an org column takes it from a parameter
 * (VALUES) or from a parameter or anchored org column of an anchored
 * SELECT; into refresh_tokens (whose organization is its family's), from an
 * anchored SELECT; ON CONFLICT DO UPDATE needs the org column in its target.
 * The statements that may break the rule are in exempt[], each with why;
 * an exemption no longer needed fails too. hostile[] tries the checker on
 * fake statements: org_id only in the select list, in a comment or a
 * string, under OR, in a function, ... each must be flagged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stmt.h"
#include "t.h"

#define MAX_TOKS	1024
#define MAX_BLOCKS	32
#define MAX_SRCS	8
#define MAX_PREDS	64
#define WORD_BYTES	64
#define WHY_BYTES	256

/* Tables of tenant data: org column, unique key, foreign keys to others. */
static const struct table {
	const char	*name;
	const char	*org;		/* NULL: the organization is its owner's */
	const char	*key;		/* a globally unique column, or NULL */
	struct { const char *col, *to; } fk[3];
} schema[] = {
	{ "orgs", "id", "id", { { NULL, NULL } } },
	{ "api_keys", "org_id", "id", { { NULL, NULL } } },
	{ "users", "org_id", "id", { { NULL, NULL } } },
	{ "roles", "org_id", NULL, { { NULL, NULL } } },
	{ "refresh_families", "org_id", "id",
	    { { "user_id", "users" }, { "key_id", "api_keys" },
	    { "client_id", "apps" } } },
	{ "refresh_tokens", NULL, "digest",
	    { { "family_id", "refresh_families" }, { NULL, NULL } } },
	{ "revoked_jtis", "org_id", NULL, { { NULL, NULL } } },
	{ "login_failures", "org_id", NULL, { { NULL, NULL } } },
	{ "audit", "org_id", "id", { { NULL, NULL } } },
	{ "audit_heads", "org_id", "org_id", { { NULL, NULL } } },
	{ "idempotency", "org_id", NULL, { { NULL, NULL } } },
	{ "apps", "org_id", "client_id", { { NULL, NULL } } },
	{ "sessions", "org_id", "id_hash", { { "user_id", "users" },
	    { NULL, NULL } } },
	{ "login_requests", "org_id", "token_hash", { { NULL, NULL } } },
	{ "login_templates", "org_id", "org_id", { { NULL, NULL } } },
	{ "auth_codes", "org_id", "code_hash",
	    { { "client_id", "apps" }, { "user_id", "users" } } },
	{ "key_usage", "org_id", NULL, { { NULL, NULL } } },
	{ "key_networks", "org_id", NULL, { { NULL, NULL } } },
	{ "usage_anomalies", "org_id", "id", { { NULL, NULL } } },
	{ "anomaly_outbox", NULL, "id",
	    { { "anomaly_id", "usage_anomalies" }, { NULL, NULL } } },
};

/* Tables that hold no tenant data. Any other name is an error. */
static const char *const plain[] = { "signing_keys", "schema_migrations",
    "ratelimit_counts", "secret_checks" };

/*
 * Statements allowed to break the rule, and why. block: the one block
 * allowed, as "KIND TABLE" ("update refresh_tokens"); NULL: any block.
 */
static const struct {
	enum stmt	 s;
	const char	*block;
	const char	*why;
	int		 used;
} exempt_init[] = {
	{ STMT_KEY_GET, NULL, "the lookup that finds the organization: by the "
	    "key id of the credential itself, returns its org_id", 0 },
	{ STMT_KEYS_TOUCH, NULL, "last_used_at of keys this worker "
	    "authenticated", 0 },
	{ STMT_REFRESH_ROTATE, NULL, "by the digest of a token whose "
	    "organization STMT_REFRESH_PEEK checked in the same request", 0 },
	{ STMT_REFRESH_PEEK_ROTATE, "update refresh_tokens", "rot: the token of digest "
	    "$1 that p, filtered on f.org_id = $2, has just found, rotated only "
	    "when ok (from p) has a row", 0 },
	{ STMT_REVOKED_JTIS, NULL, "the gate's whole deny list; every row is "
	    "matched with its org_id", 0 },
	{ STMT_REVOKED_PURGE, NULL, "deletes expired rows of every "
	    "organization", 0 },
	{ STMT_ORG_LIST, NULL, "jwtmint-admin only (platform operator)", 0 },
	{ STMT_USAGE_FLUSH, NULL, "the housekeeper writes the counts of every "
	    "organization's keys, each row with the organization the worker's "
	    "key cache gave (unnest of its arrays)", 0 },
	{ STMT_USAGE_PURGE, NULL, "rollup retention of every organization "
	    "(housekeeper)", 0 },
	{ STMT_ORG_GET, NULL, "jwtmint-admin only: resolves --org", 0 },
	{ STMT_PORTAL_GET, NULL, "the portal's public page: resolves the"
	    " slug of its path to what the page shows (name, client_id)", 0 },
	{ STMT_ORG_DISABLE, NULL, "jwtmint-admin only", 0 },
	{ STMT_ORG_CREATE, NULL, "jwtmint-admin only (platform "
	    "operator): the new organization's audit row takes its new id", 0 },
	{ STMT_ORG_ENABLE, NULL, "jwtmint-admin only (platform operator)", 0 },
	{ STMT_KEY_LIST, NULL, "jwtmint-admin only: every organization's keys "
	    "when --org is not given ($1 = '')", 0 },
	{ STMT_KEY_SET_FORWARDER, NULL, "jwtmint-admin only (key trust, "
	    "distrust)", 0 },
	{ STMT_KEY_GET_ORG, NULL, "jwtmint-admin only: resolves a key's org", 0 },
	{ STMT_KEY_REHASH, NULL, "a key this worker has just authenticated "
	    "(the row STMT_KEY_GET found by its id), hashed again under the "
	    "current pepper", 0 },
	{ STMT_PEPPER_LIST, NULL, "jwtmint-admin pepper list: how many keys "
	    "of every organization use each pepper (counts, no rows)", 0 },
	{ STMT_GRACE_END, NULL, "the housekeeper: rolled keys of every "
	    "organization whose grace ended, each audit row in its key's "
	    "organization", 0 },
	{ STMT_GRACE_NEXT, NULL, "the housekeeper: when the next grace of "
	    "any organization ends (one time, no rows)", 0 },
	{ STMT_AUDIT_HEADS, NULL, "the housekeeper logs every organization's "
	    "audit head (ops_audit_log_heads); no request reaches it", 0 },
	{ STMT_AUDIT_ORGS, NULL, "jwtmint-admin only: audit verify of every "
	    "organization (platform operator)", 0 },
	{ STMT_APP_GET, NULL, "the lookup that finds the organization of a "
	    "public client: by the client_id it presents, returns its org_id "
	    "(as STMT_KEY_GET does for a key)", 0 },
	{ STMT_APP_ALL, NULL, "a worker's appcache: every application's "
	    "state and the CORS origins of SPAs (a browser's Origin names no "
	    "organization; no row is handed to a client)", 0 },
	{ STMT_AUTHCODE_PURGE, NULL, "deletes the expired codes of every "
	    "organization (the housekeeper)", 0 },
	{ STMT_IDEM_PURGE, NULL, "deletes the answers of every organization "
	    "older than 24 hours (the housekeeper)", 0 },
	{ STMT_ANOMALY_DETECT, NULL, "the housekeeper: usage of every "
	    "organization's keys judged, each flag, audit row and outbox row "
	    "in its key's organization", 0 },
	{ STMT_HOOK_CLAIM, NULL, "the housekeeper: the webhook outbox of "
	    "every organization (the platform operator's webhook)", 0 },
	{ STMT_HOOK_DONE, NULL, "the housekeeper: one outbox row by id", 0 },
	{ STMT_HOOK_RETRY, NULL, "the housekeeper: one outbox row by id", 0 },
	{ STMT_HOOK_PURGE, NULL, "the housekeeper: delivered and failed "
	    "outbox rows of every organization, 30 days on", 0 },
	{ STMT_HOOK_NEXT, NULL, "the housekeeper: when the next outbox row "
	    "is due (one time, no rows)", 0 },
	{ STMT_LOGIN_REQ_TAKE, NULL, "the login form: by the digest of its "
	    "256-bit one-time token and of the browser's binding cookie; the "
	    "row names its organization", 0 },
	{ STMT_LOGIN_REQ_PURGE, NULL, "the housekeeper: expired login-page "
	    "tokens of every organization", 0 },
	{ STMT_SESSION_DELETE, NULL, "POST /logout: by the digest of the "
	    "browser's own 256-bit session id", 0 },
	{ STMT_SESSION_PURGE, NULL, "the housekeeper: expired sessions of "
	    "every organization", 0 },
	{ STMT_RATE_SYNC, NULL, "shared rate limits: rows of ratelimit_counts "
	    "are per host and key hash, no tenant data (its unnest() reads as a "
	    "table to this parser)", 0 },
};
#define NEXEMPT	(sizeof(exempt_init) / sizeof(exempt_init[0]))

/* Fake statements: the checker's own hostile rows. ok = 1: must pass. */
static const struct {
	const char	*sql;
	int		 ok;
} hostile[] = {
	{ "select name from users where org_id = $1", 1 },
	{ "select name from users u where u.id = $2 and u.org_id = $1::text", 1 },
	{ "select u.name from users u join roles r on r.org_id = u.org_id"
	    " and r.name = u.role where u.org_id = $1", 1 },
	{ "select name from users where id = $1 and org_id = $2 -- note", 1 },
	{ "with x as (select id from users where org_id = $1)"
	    " update refresh_families set revoked_at = now()"
	    " where user_id in (select id from x)", 1 },
	{ "insert into audit (org_id, event) values ($1, $2)", 1 },
	{ "insert into audit (org_id, event) select u.org_id, 'x' from users u"
	    " where u.org_id = $1", 1 },
	{ "select t.scope from refresh_tokens t join refresh_families f"
	    " on f.id = t.family_id where t.digest = $1 and f.org_id = $2", 1 },
	{ "select k.id from refresh_families f join api_keys k"
	    " on k.id = f.key_id where f.org_id = $1", 1 },
	{ "select org_id, name from users where id = $1", 0 },
	{ "select name from users where id = $1 -- and org_id = $2", 0 },
	{ "select name from users where id = $1 /* and org_id = $2 */", 0 },
	{ "select name from users where name = 'org_id = $2' and id = $1", 0 },
	{ "select name from users where name = 'it''s and org_id = $2'", 0 },
	{ "select name from users where name = $$ and org_id = $2 $$", 0 },
	{ "select name from users where id = $1 or org_id = $2", 0 },
	{ "select name from users where (org_id = $1 or true)", 0 },
	{ "select name from users where not org_id = $1", 0 },
	{ "select name from users where not (org_id = $1)", 0 },
	{ "select name from users where org_id = org_id", 0 },
	{ "select name from users where org_id <> $1", 0 },
	{ "select name from users where org_id = coalesce($1, org_id)", 0 },
	{ "select name from users where coalesce(org_id = $1, true)", 0 },
	{ "select name from users where org_id || '' = $1", 0 },
	{ "select name from users where case when org_id = $1 then true"
	    " else true end", 0 },
	{ "select u.name from users u, roles r where u.org_id = $1", 0 },
	{ "select u.name from users u join roles r on r.name = u.role"
	    " where u.org_id = $1", 0 },
	{ "select k.id from api_keys k join users u on u.org_id = k.org_id", 0 },
	{ "update users set org_id = $1 where id = $2", 0 },
	{ "select t.scope from refresh_tokens t join refresh_families f"
	    " on f.id = t.family_id where t.digest = $1", 0 },
	{ "select t.scope from refresh_tokens t join refresh_families f"
	    " on f.user_id = t.family_id where f.org_id = $1", 0 },
	{ "select k.id from refresh_families f join api_keys k"
	    " on k.id = f.user_id where f.org_id = $1", 0 },
	{ "insert into audit (org_id, event) select $1, 'x' from users", 0 },
	{ "insert into audit (org_id, event) select u.org_id, 'x' from users u"
	    " where u.id = $1", 0 },
	{ "delete from audit where detail = $1", 0 },
	{ "select (select name from users where id = $1) from orgs"
	    " where id = $2", 0 },
	{ "with x as (select id from users where org_id = $1)"
	    " update refresh_families set revoked_at = now()"
	    " where exists (select 1 from x)", 0 },
	{ "insert into audit (event, detail) values ($1, $2)", 0 },
	{ "insert into audit (org_id, event) values ('org_x', $1)", 0 },
	{ "insert into audit (org_id, event) values ($1, $2), ('org_x', $2)", 0 },
	{ "insert into audit (org_id, event) select org_id, event from audit", 0 },
	{ "insert into refresh_tokens (digest, family_id) values ($1, $2)", 0 },
	{ "insert into audit (org_id, event) default values", 0 },
	{ "insert into audit values ($1, $2, $3)", 0 },
	{ "insert into login_failures (org_id, kind) values ($1, 'u')"
	    " on conflict (kind) do update set kind = 'a'", 0 },
	{ "select name from secrets where org_id = $1", 0 },
	{ "select name from users where org_id = $1 and name = 'open", 0 },
};

enum tk { TK_WORD, TK_PARAM, TK_NUM, TK_STR, TK_OP, TK_LP, TK_RP, TK_COMMA,
	TK_SEMI };

struct tok {
	enum tk	 t;
	int	 depth;		/* parens around it (LP, RP: outside them) */
	char	 s[WORD_BYTES];
};

enum bkind { B_SELECT, B_INSERT, B_UPDATE, B_DELETE };

struct src {
	char			 name[WORD_BYTES];
	char			 alias[WORD_BYTES];
	const struct table	*table;	/* tenant data, or NULL */
	int			 cte;	/* its block when a CTE, else -1 */
	int			 sub;	/* a subquery in FROM */
	int			 anchored;
};

struct block {
	enum bkind	 kind;
	int		 start, end, depth, parent;
	int		 own[MAX_TOKS];	/* token index, or -(child block + 1) */
	int		 nown;
	struct src	 src[MAX_SRCS];
	int		 nsrc;
	int		 ok, filtered, tenant;
	char		 why[WHY_BYTES];
};

struct sql {
	struct tok	 tok[MAX_TOKS];
	int		 ntok;
	int		 owner[MAX_TOKS];
	struct block	 blk[MAX_BLOCKS];
	int		 nblk;
	struct { char name[WORD_BYTES]; int blk; } cte[MAX_BLOCKS];
	int		 ncte;
	char		 err[WHY_BYTES];
};

static struct sql	 Q;	/* large: static */

static const char *const clause_words[] = {
	"select", "from", "join", "on", "using", "where", "group", "order",
	"having", "limit", "offset", "returning", "set", "values", "into",
	"conflict", "do", "left", "right", "inner", "full", "cross", "natural",
	"window", "union", "except", "intersect", "insert", "update", "delete",
	"as", "lateral", "only",
};

static int
word_in(const char *w, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

static int
is_clause_word(const char *w)
{
	return word_in(w, clause_words, sizeof(clause_words) /
	    sizeof(clause_words[0]));
}

static void
fail(char *why, const char *fmt, ...)
{
	va_list	 ap;

	if (why[0] != '\0')
		return;		/* the first reason is enough */
	va_start(ap, fmt);
	vsnprintf(why, WHY_BYTES, fmt, ap);
	va_end(ap);
}

/* strlcpy to a WORD_BYTES buffer (snprintf within Q upsets -Wrestrict). */
static void
copy_word(char *dst, const char *src)
{
	size_t	 n = strlen(src);

	if (n >= WORD_BYTES)
		n = WORD_BYTES - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const struct table *
table_get(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (strcmp(schema[i].name, name) == 0)
			return &schema[i];
	return NULL;
}

static const char *
fk_to(const struct table *t, const char *col)
{
	size_t	 i;

	for (i = 0; t != NULL && i < 3; i++)
		if (t->fk[i].col != NULL && strcmp(t->fk[i].col, col) == 0)
			return t->fk[i].to;
	return NULL;
}

/* --- tokens ------------------------------------------------------------- */

static int
push(enum tk t, int depth, const char *s, size_t n)
{
	struct tok	*k;
	size_t		 i;

	if (Q.ntok == MAX_TOKS || n >= WORD_BYTES) {
		snprintf(Q.err, sizeof(Q.err), "token table full or token too long");
		return -1;
	}
	k = &Q.tok[Q.ntok++];
	k->t = t;
	k->depth = depth;
	for (i = 0; i < n; i++)
		k->s[i] = (t == TK_WORD && s[i] >= 'A' && s[i] <= 'Z') ?
		    (char)(s[i] - 'A' + 'a') : s[i];
	k->s[n] = '\0';
	return 0;
}

#define IDENT(c)	(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
			    (c) == '_' || ((c) >= '0' && (c) <= '9'))
#define DIGIT(c)	((c) >= '0' && (c) <= '9')

/*
 * Comments and string literals ('...' with '', $$...$$ and $tag$...$tag$)
 * become nothing and TK_STR; words keep their dots ("t.family_id", "p.*").
 * Returns -1 (Q.err) on what it cannot read.
 */
static int
tokenize(const char *p)
{
	const char	*q, *end;
	char		 tag[WORD_BYTES];
	int		 depth = 0, n;

	Q.ntok = 0;
	while (*p != '\0') {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			if ((end = strstr(p + 2, "*/")) == NULL)
				goto bad;
			p = end + 2;
		} else if (*p == '\'') {
			for (q = p + 1; *q != '\0'; q++)
				if (*q == '\'' && q[1] == '\'')
					q++;
				else if (*q == '\'')
					break;
			if (*q == '\0' || push(TK_STR, depth, "'", 1) == -1)
				goto bad;
			p = q + 1;
		} else if (*p == '$' && DIGIT(p[1])) {
			for (q = p + 1; DIGIT(*q); q++)
				;
			if (push(TK_PARAM, depth, p, (size_t)(q - p)) == -1)
				return -1;
			p = q;
		} else if (*p == '$') {
			for (q = p + 1; IDENT(*q) && !DIGIT(*q); q++)
				;
			if (*q != '$' || (n = (int)(q - p + 1)) >= WORD_BYTES)
				goto bad;
			snprintf(tag, sizeof(tag), "%.*s", n, p);
			if ((end = strstr(q + 1, tag)) == NULL ||
			    push(TK_STR, depth, "$", 1) == -1)
				goto bad;
			p = end + n;
		} else if (*p == '"') {
			if ((q = strchr(p + 1, '"')) == NULL ||
			    push(TK_WORD, depth, p + 1, (size_t)(q - p - 1)) == -1)
				goto bad;
			p = q + 1;
		} else if (IDENT(*p) && !DIGIT(*p)) {
			for (q = p; IDENT(*q) || (*q == '.' && (IDENT(q[1]) ||
			    q[1] == '*')) || (*q == '*' && q[-1] == '.'); q++)
				;
			if (push(TK_WORD, depth, p, (size_t)(q - p)) == -1)
				return -1;
			p = q;
		} else if (DIGIT(*p)) {
			for (q = p; DIGIT(*q) || *q == '.'; q++)
				;
			if (push(TK_NUM, depth, p, (size_t)(q - p)) == -1)
				return -1;
			p = q;
		} else if (*p == '(') {
			if (push(TK_LP, depth++, p++, 1) == -1)
				return -1;
		} else if (*p == ')') {
			if (--depth < 0 || push(TK_RP, depth, p++, 1) == -1)
				goto bad;
		} else if (*p == ',' || *p == ';') {
			if (push(*p == ',' ? TK_COMMA : TK_SEMI, depth, p, 1) == -1)
				return -1;
			p++;
		} else if (*p == '[' || *p == ']') {
			if (push(TK_OP, depth, p++, 1) == -1)
				return -1;
		} else if (strchr("+-*/<>=~!@#%^&|`?:", *p) != NULL) {
			for (q = p; *q != '\0' && strchr("+-*/<>=~!@#%^&|`?:", *q)
			    != NULL && !(q[0] == '-' && q[1] == '-') &&
			    !(q[0] == '/' && q[1] == '*'); q++)
				;
			if (push(TK_OP, depth, p, (size_t)(q - p)) == -1)
				return -1;
			p = q;
		} else
			goto bad;
	}
	if (depth != 0)
		goto bad;
	return 0;
bad:
	if (Q.err[0] == '\0')
		snprintf(Q.err, sizeof(Q.err), "cannot read the SQL near \"%.20s\"",
		    p);
	return -1;
}

static int
is_word(int i, const char *w)
{
	return i >= 0 && i < Q.ntok && Q.tok[i].t == TK_WORD &&
	    strcmp(Q.tok[i].s, w) == 0;
}

/* --- blocks ------------------------------------------------------------- */

static int
block_keyword(int i)
{
	if (Q.tok[i].t != TK_WORD)
		return -1;
	if (strcmp(Q.tok[i].s, "select") == 0)
		return B_SELECT;
	if (strcmp(Q.tok[i].s, "insert") == 0)
		return B_INSERT;
	if (strcmp(Q.tok[i].s, "update") == 0 && !is_word(i - 1, "do"))
		return B_UPDATE;
	if (strcmp(Q.tok[i].s, "delete") == 0)
		return B_DELETE;
	return -1;
}

static int
find_blocks(void)
{
	struct block	*b;
	int		 i, e, k, c;

	Q.nblk = Q.ncte = 0;
	for (i = 0; i < Q.ntok; i++) {
		if ((k = block_keyword(i)) == -1)
			continue;
		if (Q.nblk == MAX_BLOCKS) {
			snprintf(Q.err, sizeof(Q.err), "too many blocks");
			return -1;
		}
		b = &Q.blk[Q.nblk];
		memset(b, 0, sizeof(*b));
		b->kind = (enum bkind)k;
		b->start = i;
		b->depth = Q.tok[i].depth;
		for (e = i + 1; e < Q.ntok; e++)
			if ((Q.tok[e].t == TK_RP && Q.tok[e].depth < b->depth) ||
			    (Q.tok[e].t == TK_SEMI && Q.tok[e].depth == b->depth))
				break;
		b->end = e;
		/* name AS ( block: a CTE */
		if (i >= 3 && Q.tok[i - 1].t == TK_LP && is_word(i - 2, "as") &&
		    Q.tok[i - 3].t == TK_WORD) {
			copy_word(Q.cte[Q.ncte].name, Q.tok[i - 3].s);
			Q.cte[Q.ncte++].blk = Q.nblk;
		}
		Q.nblk++;
	}
	for (i = 0; i < Q.ntok; i++)
		Q.owner[i] = -1;
	for (k = 0; k < Q.nblk; k++)
		for (i = Q.blk[k].start; i < Q.blk[k].end; i++)
			Q.owner[i] = k;
	for (k = 0; k < Q.nblk; k++)
		Q.blk[k].parent = Q.blk[k].start > 0 ?
		    Q.owner[Q.blk[k].start - 1] : -1;
	/* Each block's own tokens, a child block standing as one entry. */
	for (k = 0; k < Q.nblk; k++) {
		b = &Q.blk[k];
		for (i = b->start; i < b->end; i++) {
			if (Q.owner[i] == k) {
				b->own[b->nown++] = i;
				continue;
			}
			for (c = Q.owner[i]; c != -1 && Q.blk[c].parent != k;
			    c = Q.blk[c].parent)
				;
			if (c == -1)
				continue;
			b->own[b->nown++] = -(c + 1);
			i = Q.blk[c].end - 1;
		}
	}
	return 0;
}

/* The token of own entry j of b, or NULL (child block, or out of range). */
static const struct tok *
own_tok(const struct block *b, int j)
{
	if (j < 0 || j >= b->nown || b->own[j] < 0)
		return NULL;
	return &Q.tok[b->own[j]];
}

static int
own_word(const struct block *b, int j, const char *w)
{
	const struct tok	*t = own_tok(b, j);

	return t != NULL && t->t == TK_WORD && strcmp(t->s, w) == 0;
}

static int
own_is(const struct block *b, int j, enum tk tt)
{
	const struct tok	*t = own_tok(b, j);

	return t != NULL && t->t == tt;
}

static int
own_child(const struct block *b, int j)
{
	return j >= 0 && j < b->nown && b->own[j] < 0 ? -b->own[j] - 1 : -1;
}

/* A clause keyword at the block's own level. */
static int
own_clause(const struct block *b, int j)
{
	const struct tok	*t = own_tok(b, j);

	return t != NULL && t->t == TK_WORD && t->depth == b->depth &&
	    is_clause_word(t->s);
}

/* The clause keyword that entry j is in ("where", "on", ...), or "". */
static const char *
clause_of(const struct block *b, int j)
{
	for (; j >= 0; j--)
		if (own_clause(b, j))
			return own_tok(b, j)->s;
	return "";
}

/* --- sources ------------------------------------------------------------ */

static int
add_source(struct block *b, const char *name, int sub, char *why)
{
	struct src	*s;
	int		 i;

	if (b->nsrc == MAX_SRCS) {
		fail(why, "too many sources");
		return -1;
	}
	s = &b->src[b->nsrc++];
	memset(s, 0, sizeof(*s));
	copy_word(s->name, name);
	s->cte = -1;
	s->sub = sub;
	if (sub)
		return 0;
	for (i = 0; i < Q.ncte; i++)
		if (strcmp(Q.cte[i].name, name) == 0) {
			s->cte = Q.cte[i].blk;
			return 0;
		}
	if ((s->table = table_get(name)) != NULL) {
		b->tenant = 1;
		return 0;
	}
	if (!word_in(name, plain, sizeof(plain) / sizeof(plain[0]))) {
		fail(why, "unknown table %s: add it to schema[] or plain[]", name);
		return -1;
	}
	return 0;
}

/* A source at own entry j: NAME or ( subquery ), then [AS] [alias]. */
static int
parse_source(struct block *b, int j, char *why)
{
	const struct tok	*t;

	if (own_is(b, j, TK_WORD) && !own_clause(b, j)) {
		if (add_source(b, own_tok(b, j)->s, 0, why) == -1)
			return -1;
		j++;
	} else if (own_is(b, j, TK_LP) && own_child(b, j + 1) != -1 &&
	    own_is(b, j + 2, TK_RP)) {
		if (add_source(b, "(subquery)", 1, why) == -1)
			return -1;
		j += 3;
	} else
		return j;
	if (own_word(b, j, "as"))
		j++;
	t = own_tok(b, j);
	if (t != NULL && t->t == TK_WORD && !own_clause(b, j) &&
	    strcmp(t->s, "set") != 0) {
		copy_word(b->src[b->nsrc - 1].alias, t->s);
		j++;
	}
	return j;
}

static int
parse_sources(struct block *b, char *why)
{
	int	 j;

	for (j = 0; j < b->nown; j++) {
		/* SELECT/UPDATE ... FROM, JOIN, UPDATE t, DELETE FROM t,
		 * INSERT INTO t: a source follows. */
		if (!own_clause(b, j) || !(own_word(b, j, "from") ||
		    own_word(b, j, "join") || (b->kind == B_UPDATE && j == 0) ||
		    (b->kind == B_INSERT && own_word(b, j, "into"))))
			continue;
		if ((j = parse_source(b, j + 1, why)) == -1)
			return -1;
		/* FROM a, b: more sources after commas. */
		while (own_is(b, j, TK_COMMA) && own_tok(b, j)->depth == b->depth)
			if ((j = parse_source(b, j + 1, why)) == -1)
				return -1;
		j--;
	}
	return 0;
}

/* The source a column reference names, or -1; *col gets the column. */
static int
resolve(const struct block *b, const char *ref, const char **col)
{
	const char	*dot = strrchr(ref, '.');
	size_t		 n;
	int		 i, found = -1, count = 0;

	if (dot == NULL) {
		*col = ref;
		for (i = 0; i < b->nsrc; i++)
			if (!b->src[i].sub) {
				found = i;
				count++;
			}
		return count == 1 ? found : -1;
	}
	*col = dot + 1;
	n = (size_t)(dot - ref);
	for (i = 0; i < b->nsrc; i++) {
		const char *a = b->src[i].alias[0] != '\0' ?
		    b->src[i].alias : b->src[i].name;
		if (strlen(a) == n && strncmp(a, ref, n) == 0)
			return i;
	}
	return -1;
}

/* --- predicates --------------------------------------------------------- */

/* Entry j ends an operand: after it, AND, ), a clause, or the end. */
static int
right_bound(const struct block *b, int j)
{
	while (own_is(b, j, TK_OP) && strcmp(own_tok(b, j)->s, "::") == 0 &&
	    own_is(b, j + 1, TK_WORD)) {
		j += 2;		/* a cast: $1::text, $1::text[] */
		while (own_is(b, j, TK_OP) && (strcmp(own_tok(b, j)->s, "[") == 0 ||
		    strcmp(own_tok(b, j)->s, "]") == 0))
			j++;
	}
	return j >= b->nown || own_word(b, j, "and") || own_is(b, j, TK_RP) ||
	    own_clause(b, j) || own_is(b, j, TK_SEMI);
}

/* Entry j, before an operand, starts a condition: WHERE, ON, AND, (. */
static int
left_bound(const struct block *b, int j)
{
	const struct tok	*t = own_tok(b, j);

	if (t == NULL)
		return 0;
	if (t->t == TK_LP)
		return 1;
	return t->t == TK_WORD && (strcmp(t->s, "and") == 0 ||
	    (t->depth == b->depth && (strcmp(t->s, "where") == 0 ||
	    strcmp(t->s, "on") == 0)));
}

/* Whether own entries lo..hi-1 hold the word "or" at depth level. */
static int
has_or(const struct block *b, int lo, int hi, int level)
{
	for (; lo < hi; lo++)
		if (own_word(b, lo, "or") && own_tok(b, lo)->depth == level)
			return 1;
	return 0;
}

/*
 * Whether the condition at entries lo..hi holds on the AND path of its
 * WHERE or ON: every parenthesis around it is a plain group (opened after
 * WHERE, ON, AND or another group: not a function's arguments, not
 * NOT (...)) with no OR of its own, and neither has the clause.
 */
static int
and_path(const struct block *b, int lo, int hi)
{
	const char	*cl = clause_of(b, lo);
	int		 level, open = lo, close = hi;

	if (strcmp(cl, "where") != 0 && strcmp(cl, "on") != 0)
		return 0;
	if (!left_bound(b, lo - 1) || !right_bound(b, hi + 1))
		return 0;
	for (level = own_tok(b, lo)->depth; level > b->depth; level--) {
		while (--open >= 0 && !(own_is(b, open, TK_LP) &&
		    own_tok(b, open)->depth == level - 1))
			;
		while (++close < b->nown && !(own_is(b, close, TK_RP) &&
		    own_tok(b, close)->depth == level - 1))
			;
		if (open < 0 || !left_bound(b, open - 1) ||
		    has_or(b, open + 1, close, level))
			return 0;
	}
	while (--open >= 0 && !own_clause(b, open))
		;
	while (++close < b->nown && !own_clause(b, close))
		;
	return !has_or(b, open + 1, close, b->depth);
}

struct pred {
	int	 a, b;		/* token of a column reference or $n; -1 */
	int	 in;		/* b is the child block of "a IN (...)" */
};

static int
preds(const struct block *b, struct pred *p, int max)
{
	const struct tok	*l, *r, *o;
	int			 j, n = 0;

	for (j = 1; j + 1 < b->nown && n < max; j++) {
		o = own_tok(b, j);
		l = own_tok(b, j - 1);
		if (o == NULL || l == NULL || (l->t != TK_WORD &&
		    l->t != TK_PARAM) || (l->t == TK_WORD && is_clause_word(l->s)))
			continue;
		if (o->t == TK_OP && strcmp(o->s, "=") == 0) {
			r = own_tok(b, j + 1);
			if (r == NULL || (r->t != TK_WORD && r->t != TK_PARAM) ||
			    (r->t == TK_WORD && is_clause_word(r->s)) ||
			    (l->t == TK_PARAM && r->t == TK_PARAM) ||
			    !and_path(b, j - 1, j + 1))
				continue;
			/* the column first: $1 = org_id as org_id = $1 */
			p[n].a = b->own[l->t == TK_PARAM ? j + 1 : j - 1];
			p[n].b = b->own[l->t == TK_PARAM ? j - 1 : j + 1];
			p[n++].in = 0;
		} else if (l->t == TK_WORD && o->t == TK_WORD &&
		    strcmp(o->s, "in") == 0 && own_is(b, j + 1, TK_LP) &&
		    own_child(b, j + 2) != -1 && own_is(b, j + 3, TK_RP) &&
		    and_path(b, j - 1, j + 3)) {
			p[n].a = b->own[j - 1];
			p[n].b = own_child(b, j + 2);
			p[n++].in = 1;
		}
	}
	return n;
}

static int
col_is(const char *col, const char *want)
{
	return want != NULL && strcmp(col, want) == 0;
}

/* Whether anchored source A (column ac) = source B (column bc) ties B. */
static int
ties(const struct src *a, const char *ac, const struct src *b, const char *bc)
{
	const struct table	*bt = b->table;
	const char		*to;

	if (bt == NULL)
		return 0;
	if (a->table != NULL && col_is(ac, a->table->org) && col_is(bc, bt->org))
		return 1;		/* the same organization */
	if (a->cte != -1)		/* a row of an anchored CTE */
		return col_is(bc, bt->key) || fk_to(bt, bc) != NULL;
	if (a->table == NULL)
		return 0;
	if (col_is(bc, bt->key) && (to = fk_to(a->table, ac)) != NULL &&
	    strcmp(to, bt->name) == 0)
		return 1;		/* the row A refers to */
	if ((to = fk_to(bt, bc)) != NULL && strcmp(to, a->table->name) == 0 &&
	    col_is(ac, a->table->key))
		return 1;		/* a row that refers to A */
	return 0;
}

static void
anchor(struct block *b)
{
	struct pred	 p[MAX_PREDS];
	struct src	*sa, *sb;
	const char	*ca, *cb;
	int		 n, i, ia, ib, changed;

	for (i = 0; i < b->nsrc; i++)
		b->src[i].anchored = b->src[i].cte != -1 &&
		    Q.blk[b->src[i].cte].filtered;
	n = preds(b, p, MAX_PREDS);
	do {
		changed = 0;
		for (i = 0; i < n; i++) {
			if ((ia = resolve(b, Q.tok[p[i].a].s, &ca)) == -1)
				continue;
			sa = &b->src[ia];
			if (p[i].in) {
				/* col IN (SELECT ... FROM an anchored CTE) */
				if (!sa->anchored && sa->table != NULL &&
				    Q.blk[p[i].b].filtered &&
				    (col_is(ca, sa->table->key) ||
				    col_is(ca, sa->table->org) ||
				    fk_to(sa->table, ca) != NULL))
					sa->anchored = changed = 1;
			} else if (Q.tok[p[i].b].t == TK_PARAM) {
				if (!sa->anchored && sa->table != NULL &&
				    col_is(ca, sa->table->org))
					sa->anchored = changed = 1;
			} else if ((ib = resolve(b, Q.tok[p[i].b].s, &cb)) != -1 &&
			    ib != ia) {
				sb = &b->src[ib];
				if (sa->anchored && !sb->anchored &&
				    ties(sa, ca, sb, cb))
					sb->anchored = changed = 1;
				else if (sb->anchored && !sa->anchored &&
				    ties(sb, cb, sa, ca))
					sa->anchored = changed = 1;
			}
		}
	} while (changed);
}

/* --- checks ------------------------------------------------------------- */

/* Entries of the comma-separated item idx in lo..hi at depth d. */
static int
item(const struct block *b, int lo, int hi, int d, int idx, int *from)
{
	int	 j, k = 0;

	*from = lo;
	for (j = lo; j < hi; j++)
		if (own_is(b, j, TK_COMMA) && own_tok(b, j)->depth == d) {
			if (k == idx)
				return j;
			k++;
			*from = j + 1;
		}
	return k == idx ? hi : -1;
}

/* Entries lo..hi-1 are one $n (maybe cast), or an anchored org column. */
static int
org_value(const struct block *b, int lo, int hi)
{
	const char	*col;
	int		 j = lo + 1, i;

	if (lo >= hi)
		return 0;
	if (j < hi) {		/* only a cast may follow: ::type or ::type[] */
		if (!own_is(b, j, TK_OP) || strcmp(own_tok(b, j)->s, "::") != 0 ||
		    !own_is(b, j + 1, TK_WORD))
			return 0;
		for (j += 2; j < hi && own_is(b, j, TK_OP) &&
		    (strcmp(own_tok(b, j)->s, "[") == 0 ||
		    strcmp(own_tok(b, j)->s, "]") == 0); j++)
			;
		if (j != hi)
			return 0;
	}
	if (own_is(b, lo, TK_PARAM))
		return 1;
	if (!own_is(b, lo, TK_WORD) || (i = resolve(b, own_tok(b, lo)->s,
	    &col)) == -1)
		return 0;
	return b->src[i].anchored && b->src[i].table != NULL &&
	    col_is(col, b->src[i].table->org);
}

static void
check_insert(struct block *b)
{
	const struct table	*t = NULL;
	struct block		*c;
	int			 j, k, lo, hi, pos = -1, n, from, end, tuple;
	int			 seen = 0;

	for (j = 0; j < b->nsrc; j++)
		if (b->src[j].table != NULL)
			t = b->src[j].table;
	if (t == NULL)
		return;		/* no tenant data */
	/* The column list after the table. */
	for (j = 0; j < b->nown && !own_is(b, j, TK_LP); j++)
		;
	if (t->org != NULL) {
		for (k = j + 1, n = 0; k < b->nown && !own_is(b, k, TK_RP); k++) {
			if (own_word(b, k, t->org))
				pos = n;
			if (own_is(b, k, TK_COMMA))
				n++;
		}
		if (pos == -1) {
			fail(b->why, "insert into %s without %s", t->name, t->org);
			return;
		}
	}
	for (j = 0; j < b->nown; j++) {
		if (own_word(b, j, "values")) {
			seen = 1;
			if (t->org == NULL || !own_is(b, j + 1, TK_LP)) {
				fail(b->why, "insert into %s from %sVALUES: its "
				    "organization is not tied", t->name,
				    own_word(b, j - 1, "default") ? "DEFAULT " : "");
				return;
			}
			/* ( ... ), ( ... ) */
			for (k = j + 1, tuple = 0; own_is(b, k, TK_LP); tuple++) {
				lo = k + 1;
				for (hi = lo; hi < b->nown && !(own_is(b, hi,
				    TK_RP) && own_tok(b, hi)->depth ==
				    b->depth); hi++)
					;
				end = item(b, lo, hi, b->depth + 1, pos, &from);
				if (end == -1 || !org_value(b, from, end)) {
					fail(b->why, "insert into %s: %s of row %d "
					    "is not a parameter", t->name, t->org,
					    tuple + 1);
					return;
				}
				k = hi + 1;
				if (!own_is(b, k, TK_COMMA))
					break;
				k++;
			}
		} else if (own_child(b, j) != -1 &&
		    Q.blk[own_child(b, j)].kind == B_SELECT) {
			c = &Q.blk[own_child(b, j)];
			seen = 1;
			if (!c->ok || (t->org == NULL && !c->filtered)) {
				fail(b->why, "insert into %s from a select not "
				    "tied to the organization", t->name);
				return;
			}
			if (t->org == NULL)
				continue;
			for (hi = 1; hi < c->nown && !own_clause(c, hi); hi++)
				;
			end = item(c, 1, hi, c->depth, pos, &from);
			if (end == -1 || !org_value(c, from, end)) {
				fail(b->why, "insert into %s: %s does not come "
				    "from a parameter", t->name, t->org);
				return;
			}
		} else if (own_word(b, j, "conflict")) {
			/* ON CONFLICT [( target )] DO UPDATE: the target must
			 * hold the org column, so that the row updated is one
			 * of the same organization. */
			n = 0;
			k = j + 1;
			if (own_is(b, k, TK_LP)) {
				for (k++; k < b->nown && !own_is(b, k, TK_RP); k++)
					if (t->org != NULL && own_word(b, k, t->org))
						n = 1;
				k++;
			}
			if (own_word(b, k, "do") && own_word(b, k + 1, "update") &&
			    t->org != NULL && !n) {
				fail(b->why, "insert into %s: on conflict without "
				    "%s in the target updates a row of any "
				    "organization", t->name, t->org);
				return;
			}
		}
	}
	if (!seen)
		fail(b->why, "insert into %s: neither VALUES nor a SELECT found",
		    t->name);
}

static void
check_block(struct block *b)
{
	int	 i;

	b->why[0] = '\0';
	if (parse_sources(b, b->why) == -1) {
		b->ok = 0;
		return;
	}
	anchor(b);
	if (b->kind == B_INSERT)
		check_insert(b);
	else
		for (i = 0; i < b->nsrc; i++)
			if (b->src[i].table != NULL && !b->src[i].anchored)
				fail(b->why, "%s %s%s%s is not tied to the "
				    "organization", b->kind == B_SELECT ? "select"
				    : b->kind == B_UPDATE ? "update" : "delete",
				    b->src[i].name, b->src[i].alias[0] ? " " : "",
				    b->src[i].alias);
	b->ok = b->why[0] == '\0';
	b->filtered = 0;
	if (b->ok && b->kind == B_INSERT)
		b->filtered = b->tenant;
	for (i = 0; b->ok && i < b->nsrc; i++)
		if (b->src[i].anchored)
			b->filtered = 1;
}

/* "KIND TABLE" of block b, its first tenant table not tied, for exempt[]. */
static const char *
block_name(const struct block *b)
{
	static const char *const kinds[] = { "select", "insert", "update",
	    "delete" };
	static char	 name[WORD_BYTES + 8];
	const char	*t = "";
	int		 i;

	for (i = b->nsrc - 1; i >= 0; i--)
		if (b->src[i].table != NULL && (!b->src[i].anchored || *t == '\0'))
			t = b->src[i].name;
	snprintf(name, sizeof(name), "%s %s", kinds[b->kind], t);
	return name;
}

/*
 * Check one statement. Returns 1 when it keeps the rule (or what breaks
 * it is exempt for statement s, -1 for none), 0 when not (why), and sets
 * *tenant when it touches tenant data.
 */
static int
check_sql(const char *sql, int s, int *used, int *tenant, char *why,
    int *exempted)
{
	struct block	*b;
	size_t		 x;
	int		 order[MAX_BLOCKS], i, j, k, t, ok = 1;

	memset(Q.err, 0, sizeof(Q.err));
	why[0] = '\0';
	*tenant = 0;
	*exempted = -1;
	if (tokenize(sql) == -1 || find_blocks() == -1) {
		fail(why, "%s", Q.err);
		return 0;
	}
	if (Q.nblk == 0) {
		fail(why, "no statement found");
		return 0;
	}
	/* Inner blocks and earlier CTEs first: by end, then latest start. */
	for (i = 0; i < Q.nblk; i++)
		order[i] = i;
	for (i = 1; i < Q.nblk; i++)
		for (j = i; j > 0; j--) {
			const struct block *p = &Q.blk[order[j - 1]],
			    *q = &Q.blk[order[j]];
			if (p->end < q->end || (p->end == q->end &&
			    p->start > q->start))
				break;
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (k = 0; k < Q.nblk; k++) {
		b = &Q.blk[order[k]];
		check_block(b);
		*tenant |= b->tenant;
		if (b->ok)
			continue;
		for (x = 0; x < NEXEMPT; x++)
			if ((int)exempt_init[x].s == s &&
			    (exempt_init[x].block == NULL ||
			    strcmp(exempt_init[x].block, block_name(b)) == 0)) {
				used[x] = 1;
				*exempted = (int)x;
				b->ok = b->filtered = 1;	/* tied, says why */
				break;
			}
		if (!b->ok && ok) {
			ok = 0;
			snprintf(why, WHY_BYTES, "%s", b->why);
		}
	}
	return ok;
}

int
main(void)
{
	const struct stmt_def	*d;
	char			 why[WHY_BYTES];
	int			 used[NEXEMPT];
	size_t			 i, x;
	int			 s, j, n, dollars, tenant, ok, ex;
	const char		*p;

	memset(used, 0, sizeof(used));
	/* The checker on its own hostile rows first. */
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		ok = check_sql(hostile[i].sql, -1, used, &tenant, why, &ex);
		T_CHECK(ok == hostile[i].ok, "checker: %s: \"%s\"%s%s",
		    hostile[i].ok ? "keeps the rule" : "flagged", hostile[i].sql,
		    why[0] ? ": " : "", why);
	}

	for (s = 0; s < STMT__MAX; s++) {
		d = stmt_get((enum stmt)s);
		T_CHECK(d->name != NULL && d->sql != NULL, "statement %d defined", s);
		if (d->name == NULL || d->sql == NULL)
			continue;
		ok = check_sql(d->sql, s, used, &tenant, why, &ex);
		if (!ok)
			T_CHECK(0, "%s: every block tied to the organization: %s",
			    d->name, why);
		else if (tenant && ex == -1)
			T_CHECK(1, "%s: every block tied to the organization",
			    d->name);
		else if (tenant && exempt_init[ex].block != NULL)
			T_CHECK(1, "%s: every block tied to the organization but "
			    "%s, exempt: %s", d->name, exempt_init[ex].block,
			    exempt_init[ex].why);
		else if (tenant)
			T_CHECK(1, "%s: exempt: %s", d->name, exempt_init[ex].why);
		/* nparams matches the highest $n used. */
		n = 0;
		for (p = d->sql; (p = strchr(p, '$')) != NULL; p++)
			if (p[1] >= '1' && p[1] <= '9') {
				dollars = p[1] - '0';
				if (p[2] >= '0' && p[2] <= '9')
					dollars = dollars * 10 + p[2] - '0';
				if (dollars > n)
					n = dollars;
			}
		T_CHECK(n == d->nparams, "%s: %d parameters declared, $%d used",
		    d->name, d->nparams, n);
		/* Names are unique: they are the prepared statements' names. */
		for (j = 0; j < s; j++)
			T_CHECK(strcmp(stmt_get((enum stmt)j)->name, d->name) != 0,
			    "%s named once", d->name);
	}
	for (x = 0; x < NEXEMPT; x++)
		T_CHECK(used[x], "exemption of %s%s%s still needed (%s)",
		    stmt_get(exempt_init[x].s)->name,
		    exempt_init[x].block ? ", " : "",
		    exempt_init[x].block ? exempt_init[x].block : "",
		    exempt_init[x].why);
	/* No statement text is assembled at run time: printf formats here
	 * would be a sign of it. */
	for (s = 0; s < STMT__MAX; s++) {
		d = stmt_get((enum stmt)s);
		if (d->sql != NULL)
			T_CHECK(strstr(d->sql, "%s") == NULL && strstr(d->sql,
			    "%d") == NULL, "%s has no format directives", d->name);
	}
	return t_done();
}
