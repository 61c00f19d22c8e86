/*
 * GET /portal/{slug}/...: the self-service portal of an organization
 * (docs/LOGIN.md, "The portal"). Static files embedded at build time
 * (portal/, src/portalfiles.h) and one document built per request:
 *
 *   /portal/{slug}              308 to /portal/{slug}/
 *   /portal/{slug}/             index.html (the portal app's redirect URI)
 *   /portal/{slug}/config.json  {issuer, client_id, org_name, org_slug}:
 *                                what the page needs to sign in, nothing
 *                                more (its scopes come with its token)
 *   /portal/{slug}/{file}       a file of portal/, by exact name
 *
 * The page and its config need an enabled organization of that slug (404
 * otherwise); the scripts and the style sheet are the same bytes for every
 * organization and are served without asking the database. A file is found
 * by comparing its whole name with the table's, so no path reaches the
 * disk. Every answer carries a Content-Security-Policy that allows this
 * origin's scripts, styles and fetches and nothing else, refuses framing,
 * and sends no Referer (the page is loaded with ?code=...).
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "handlers.h"
#include "http.h"
#include "jsonw.h"
#include "oauth_err.h"
#include "pathpat.h"
#include "portalfiles.h"
#include "store.h"

#define PORTAL_CSP	"default-src 'none'; script-src 'self'; " \
			"style-src 'self'; connect-src 'self'; img-src 'self'; " \
			"form-action 'self'; frame-ancestors 'none'; " \
			"base-uri 'none'"
#define PORTAL_CLIENT_BYTES	64
#define PORTAL_CONFIG_BYTES	(4 * CONFIG_STR_BYTES + 1024)

struct portal_org {
	int	 found;
	char	 name[CONFIG_STR_BYTES];
	char	 client_id[PORTAL_CLIENT_BYTES];
};

static int
org_row(void *arg, const char *const *cols, int ncols)
{
	struct portal_org	*o = arg;

	if (ncols != 2)
		return -1;
	if ((size_t)snprintf(o->name, sizeof(o->name), "%s", cols[0]) >=
	    sizeof(o->name) ||
	    (size_t)snprintf(o->client_id, sizeof(o->client_id), "%s",
	    cols[1]) >= sizeof(o->client_id))
		return -1;
	o->found = 1;
	return 0;
}

/* 1 found, 0 no such (enabled) organization, -1 database down. */
static int
org_get(struct app *a, const char *slug, struct portal_org *o)
{
	const char	*params[1];

	memset(o, 0, sizeof(*o));
	params[0] = slug;
	if (store_rows(a->db, STMT_PORTAL_GET, params, org_row, o) < 0)
		return -1;
	return o->found;
}

static void
common_headers(struct resp *p)
{
	http_resp_header(p, "Content-Security-Policy", PORTAL_CSP);
	http_resp_header(p, "X-Content-Type-Options", "nosniff");
	http_resp_header(p, "X-Frame-Options", "DENY");
	http_resp_header(p, "Referrer-Policy", "no-referrer");
	http_resp_header(p, "Cross-Origin-Opener-Policy", "same-origin");
	http_resp_header(p, "Cross-Origin-Resource-Policy", "same-origin");
}

/* An organization's slug (sql/001_core.sql: ^[a-z0-9][a-z0-9-]{0,62}$). */
static int
slug_valid(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= 63 && s[0] != '-' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static const struct portal_file *
file_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < portal_nfiles; i++)
		if (strcmp(portal_files[i].name, name) == 0)
			return &portal_files[i];
	return NULL;
}

static void
config_json(struct app *a, const struct portal_org *o, const char *slug,
    struct resp *p)
{
	char		 buf[PORTAL_CONFIG_BYTES];
	struct jsonw	 w;
	int		 n;

	jw_init(&w, buf, sizeof(buf));
	jw_str(&w, "issuer", a->cfg->issuer);
	jw_str(&w, "client_id", o->client_id);
	jw_str(&w, "org_name", o->name);
	jw_str(&w, "org_slug", slug);
	if ((n = jw_end(&w)) < 0) {
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		return;
	}
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", "no-store");
	http_resp_text(p, 200, buf, (size_t)n);
}

static void
file_send(struct req *r, const struct portal_file *f, struct resp *p)
{
	const char	*inm;

	http_resp_header(p, "Content-Type", f->type);
	http_resp_header(p, "ETag", f->etag);
	/* The page may come back with ?code=: keep no copy of it anywhere.
	 * The scripts and styles: revalidated on every load (ETag), so an
	 * upgrade never mixes two versions' modules. */
	http_resp_header(p, "Cache-Control", strcmp(f->name, "index.html") == 0 ?
	    "no-store" : "no-cache");
	inm = r->io->param(r->io->ctx, "HTTP_IF_NONE_MATCH");
	if (inm != NULL && strcmp(inm, f->etag) == 0 &&
	    strcmp(f->name, "index.html") != 0) {
		http_resp_text(p, 304, "", 0);
		return;
	}
	http_resp_text(p, 200, f->body, f->len);
}

void
h_portal(struct app *a, struct req *r, struct resp *p)
{
	struct pathpat_captures	 c;
	struct portal_org	 o;
	const struct portal_file *f = NULL;
	const char		*slug, *name;
	char			 path[HTTP_MAX_PATH_BYTES];
	char			 loc[HTTP_MAX_PATH_BYTES + 2];
	size_t			 len;
	int			 n;

	common_headers(p);
	snprintf(path, sizeof(path), "%s", r->path);
	len = strlen(path);
	if (len > 1 && path[len - 1] == '/') {
		path[len - 1] = '\0';
		if (!pathpat_match("/portal/{slug}", path, &c))
			goto notfound;
		name = "index.html";
	} else if (pathpat_match("/portal/{slug}/{file}", path, &c))
		name = pathpat_get(&c, "file");
	else if (pathpat_match("/portal/{slug}", path, &c) &&
	    slug_valid(pathpat_get(&c, "slug"))) {
		/* The slug is of [a-z0-9-]: safe in a header. */
		snprintf(loc, sizeof(loc), "%s/", path);
		http_resp_header(p, "Location", loc);
		http_resp_header(p, "Cache-Control", "no-store");
		http_resp_text(p, 308, "", 0);
		return;
	} else
		goto notfound;
	slug = pathpat_get(&c, "slug");
	if (!slug_valid(slug))
		goto notfound;
	if (strcmp(name, "config.json") != 0 &&
	    (f = file_find(name)) == NULL)
		goto notfound;
	if (f == NULL || strcmp(f->name, "index.html") == 0) {
		if ((n = org_get(a, slug, &o)) == -1) {
			oauth_err(p, OERR_UNAVAILABLE, NULL);
			return;
		}
		/* No portal application: the organization has no portal. */
		if (n == 0 || o.client_id[0] == '\0')
			goto notfound;
	}
	if (f == NULL)
		config_json(a, &o, slug, p);
	else
		file_send(r, f, p);
	return;
notfound:
	oauth_err(p, OERR_NOT_FOUND, NULL);
}
