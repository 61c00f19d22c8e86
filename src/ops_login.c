/*
 * ops_login: see ops_login.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loginui.h"
#include "ops_login.h"
#include "store.h"
#include "utf8.h"

#define TPL_MAX_CHARS	200	/* sql/016_login.sql */

static const char *const defaults[3] = { "#f4f5f7", "#1d2330", "#2a5bd7" };

static int
tpl_row(void *arg, const char *const *c, int n)
{
	struct store_login_tpl	*t = arg;
	char			*end;
	size_t			 i;

	memset(t, 0, sizeof(*t));
	if (n != 6)
		return -1;
	for (i = 0; i < 6; i++)
		if (c[i] == NULL)
			return -1;
	if (strlen(c[0]) >= sizeof(t->title) ||
	    strlen(c[1]) >= sizeof(t->org_name))
		return -1;
	snprintf(t->title, sizeof(t->title), "%s", c[0]);
	snprintf(t->org_name, sizeof(t->org_name), "%s", c[1]);
	for (i = 0; i < 3; i++)
		snprintf(t->colors[i], sizeof(t->colors[i]), "%s", c[2 + i]);
	t->version = strtoll(c[5], &end, 10);
	return *end == '\0' && t->version >= 1 ? 0 : -1;
}

enum ops_err
ops_login_tpl_get(const struct ops_ctx *x, struct store_login_tpl *out)
{
	size_t	 i;
	int	 rc;

	if ((rc = store_login_template(x->db, x->org, out)) == -1)
		return OPS_UNAVAILABLE;
	if (rc == 0)
		return OPS_NOT_FOUND;
	for (i = 0; i < 3; i++)
		if (out->colors[i][0] == '\0')
			snprintf(out->colors[i], sizeof(out->colors[i]), "%s",
			    defaults[i]);
	return OPS_OK;
}

/* Text shown on the page (utf8_text: no control or direction
 * character), at most TPL_MAX_CHARS characters. */
static int
text_ok(const char *s)
{
	long	 chars = utf8_text((const unsigned char *)s, strlen(s));

	return chars >= 0 && chars <= TPL_MAX_CHARS;
}

enum ops_err
ops_login_tpl_set(const struct ops_ctx *x, const struct ops_login_tpl_set *rq,
    struct store_login_tpl *out, const char **field)
{
	static const char *const names[3] = { "bg", "fg", "accent" };
	struct store_login_tpl	 cur;
	const char		*params[9];
	char			 ver[24];
	enum ops_err		 e;
	size_t			 i;
	int			 n;

	*field = "";
	if (rq->title != NULL && !text_ok(rq->title)) {
		*field = "title";
		return OPS_INVALID;
	}
	if (rq->org_name != NULL && !text_ok(rq->org_name)) {
		*field = "org-name";
		return OPS_INVALID;
	}
	for (i = 0; i < 3; i++)
		if (rq->colors[i] != NULL && !loginui_color_ok(rq->colors[i])) {
			*field = names[i];
			return OPS_INVALID;
		}
	if (store_begin(x->db) == -1)
		return OPS_UNAVAILABLE;
	if ((e = ops_login_tpl_get(x, &cur)) != OPS_OK) {
		store_rollback(x->db);
		/* The organization itself is gone: nothing to set. */
		return e;
	}
	params[0] = x->org;
	params[1] = rq->title != NULL ? rq->title : cur.title;
	params[2] = rq->org_name != NULL ? rq->org_name : cur.org_name;
	for (i = 0; i < 3; i++)
		params[3 + i] = rq->colors[i] != NULL ? rq->colors[i] :
		    cur.colors[i];
	params[6] = x->actor;
	params[7] = x->source;
	snprintf(ver, sizeof(ver), "%lld", rq->if_version);
	params[8] = ver;
	n = store_rows(x->db, STMT_LOGIN_TEMPLATE_SET, params, tpl_row, out);
	if (n != 1) {
		store_rollback(x->db);
		if (n == 0 && rq->if_version != 0) {
			*field = "version";
			return OPS_CONFLICT;
		}
		return n == -1 ? OPS_UNAVAILABLE : OPS_FAILED;
	}
	memcpy(out->org, cur.org, sizeof(out->org));
	return store_commit(x->db) == -1 ? OPS_UNAVAILABLE : OPS_OK;
}
