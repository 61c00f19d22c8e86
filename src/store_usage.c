/*
 * store_usage: see store_usage.h. The counts travel as PostgreSQL array
 * literals (text[] and bigint[]), every text element quoted and escaped,
 * so that the whole flush is one statement with eight parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "log.h"
#include "store.h"
#include "store_usage.h"

/* A growing array literal: "{" elements "}". */
struct arr {
	char	*s;
	size_t	 len, cap;
	int	 n;		/* elements */
	int	 bad;		/* out of memory */
};

static void
put(struct arr *a, const char *s, size_t n)
{
	char	*p;
	size_t	 cap;

	if (a->bad)
		return;
	if (a->len + n + 2 > a->cap) {
		cap = a->cap ? a->cap : 256;
		while (a->len + n + 2 > cap)
			cap *= 2;
		if ((p = realloc(a->s, cap)) == NULL) {
			a->bad = 1;
			return;
		}
		a->s = p;
		a->cap = cap;
	}
	memcpy(a->s + a->len, s, n);
	a->len += n;
	a->s[a->len] = '\0';
}

static void
sep(struct arr *a)
{
	put(a, a->n++ ? "," : "{", 1);
}

/* One text element: double-quoted, '"' and '\' escaped. */
static void
text(struct arr *a, const char *s)
{
	sep(a);
	put(a, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			put(a, "\\", 1);
		put(a, s, 1);
	}
	put(a, "\"", 1);
}

static void
num(struct arr *a, unsigned long long v)
{
	char	 b[24];

	sep(a);
	put(a, b, (size_t)snprintf(b, sizeof(b), "%llu", v));
}

static const char *
end(struct arr *a)
{
	if (a->n == 0)
		put(a, "{", 1);
	put(a, "}", 1);
	return a->bad ? NULL : a->s;
}

int
store_usage_flush(struct db *db, const struct usage_slot *v, size_t n)
{
	struct arr	 c[8];
	const char	*params[8];
	char		 net[USAGE_NET_BYTES];
	PGresult	*res;
	size_t		 i, k;
	int		 ep, oc, rc = -1;

	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		for (ep = 1; ep < USAGE_EP__MAX; ep++)
			for (oc = 0; oc < USAGE_OUT__MAX; oc++) {
				if (v[i].n[ep][oc] == 0)
					continue;
				text(&c[0], v[i].key);
				text(&c[1], v[i].org);
				text(&c[2], usage_endpoint_name(ep));
				text(&c[3], usage_outcome_name(oc));
				num(&c[4], (unsigned long long)v[i].n[ep][oc]);
			}
		for (k = 0; k < USAGE_NETS; k++) {
			if (v[i].nets[k].state != 2 || usage_net_format(
			    &v[i].nets[k], net, sizeof(net)) == -1)
				continue;
			text(&c[5], v[i].key);
			text(&c[6], v[i].org);
			text(&c[7], net);
		}
	}
	for (k = 0; k < 8; k++)
		if ((params[k] = end(&c[k])) == NULL) {
			log_warnx("usage: out of memory for a flush");
			goto out;
		}
	if ((res = db_exec(db, STMT_USAGE_FLUSH, params)) == NULL)
		goto out;
	PQclear(res);
	rc = 0;
out:
	for (k = 0; k < 8; k++)
		free(c[k].s);
	return rc;
}

static int
two_counts(void *arg, const char *const *col, int ncols)
{
	long long	*n = arg;

	if (ncols != 2 || col[0] == NULL || col[1] == NULL)
		return -1;
	*n = strtoll(col[0], NULL, 10) + strtoll(col[1], NULL, 10);
	return 0;
}

static int
locked_row(void *arg, const char *const *col, int ncols)
{
	if (ncols != 1 || col[0] == NULL)
		return -1;
	*(int *)arg = col[0][0] == 't';
	return 0;
}

long long
store_usage_purge(struct db *db, long long minute_sec, long long hour_sec,
    long long day_sec)
{
	char		 m[24], h[24], d[24];
	const char	*params[3] = { m, h, d };
	long long	 n = 0;
	int		 locked = 0;

	snprintf(m, sizeof(m), "%lld", minute_sec);
	snprintf(h, sizeof(h), "%lld", hour_sec);
	snprintf(d, sizeof(d), "%lld", day_sec);
	if (store_begin(db) == -1)
		return -1;
	if (store_rows(db, STMT_USAGE_LOCK, NULL, locked_row, &locked) != 1)
		goto fail;
	if (!locked) {
		store_rollback(db);
		return 0;	/* another host's housekeeper purges */
	}
	if (store_rows(db, STMT_USAGE_PURGE, params, two_counts, &n) != 1)
		goto fail;
	if (store_commit(db) == -1)
		return -1;
	return n;
fail:
	store_rollback(db);
	return -1;
}
