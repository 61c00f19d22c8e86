/*
 * GET and POST /authorize: the authorization endpoint (RFC 6749 §4.1,
 * PKCE S256 only as RFC 9700 §2.1.1 asks, RFC 9207 iss) and its hosted
 * login page (docs/LOGIN.md).
 *
 * GET validates the request in the order that keeps redirects safe:
 * client_id and redirect_uri first (an unknown application or a redirect
 * URI it did not register gets an error page, never a redirect: no open
 * redirector), then everything else, whose errors go back to the
 * validated redirect URI with state and iss. A valid request is stored
 * server-side under a one-time token (login_requests); the page's forms
 * carry only that token, good once, for LOGIN_FORM_TTL_SEC, and only from
 * the browser it was shown to (its "login" cookie, loginweb.h).
 *
 * POST takes the token (single use), then either checks the password
 * (pwcheck: the password grant's own check) and starts a session, or, for
 * "Continue as", reads the browser's session of the same organization.
 * Then the code: granted = requested ∩ the application's scopes ∩ the
 * user's permissions, bound to the request (authcode_create), and a 302 to
 * redirect_uri?code=…&state=…&iss=….
 *
 * A session skips the password; public clients (spa, native, cli) still
 * get one click every time, since any local program can use a native
 * client's loopback redirect (RFC 8252 §8.6). The portal is first-party:
 * its one redirect URI is jwtmint's own origin (registered by jwtmint,
 * never by a customer), so within a session it gets its code without a
 * page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "authcode.h"
#include "bstr.h"
#include "config.h"
#include "form.h"
#include "handlers.h"
#include "http.h"
#include "ipaddr.h"
#include "issue.h"
#include "log.h"
#include "loginui.h"
#include "loginweb.h"
#include "pkce.h"
#include "pwcheck.h"
#include "ratelimit.h"
#include "redirecturi.h"
#include "perm.h"
#include "scope.h"
#include "store_app.h"
#include "store_login.h"
#include "store_user.h"
#include "urlbuild.h"

#define LOGIN_FORM_TTL_SEC	600	/* one rendering of the page */
#define LOGIN_MAX_QUERY_BYTES	16384

/* Everything one answer needs, built up as the request is read. */
struct authz {
	struct app		*a;
	struct req		*r;
	struct resp		*p;
	enum loginui_lang	 lang;
	struct store_app	 app;
	struct store_login_req	 lr;	/* the validated request */
	char			 browser[LOGINWEB_SECRET_LEN + 1];
	char			 browser_hex[LOGINWEB_HEX_LEN + 1];
	int			 has_browser;
	char			 session[LOGINWEB_SECRET_LEN + 1];
	char			 session_hex[LOGINWEB_HEX_LEN + 1];
	int			 has_session;
};

/*
 * RFC 6749 §4.1.2.1: an error to the validated redirect URI, with state
 * and iss (RFC 9207).
 */
static void
redirect_error(struct authz *z, const char *error)
{
	const char	*names[3] = { "error", "state", "iss" };
	const char	*vals[3] = { error, z->lr.has_state ? z->lr.state :
			    NULL, z->a->cfg->issuer };
	char		 loc[URLBUILD_MAX_BYTES];

	if (urlbuild_redirect(loc, sizeof(loc), z->lr.redirect_uri, names,
	    vals, 3) == -1) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_REQUEST);
		return;
	}
	http_resp_text(z->p, 302, "", 0);
	http_resp_header(z->p, "Location", loc);
	http_resp_header(z->p, "Cache-Control", "no-store");
	http_resp_header(z->p, "Referrer-Policy", "no-referrer");
}

/*
 * RFC 8707 §2: the resource of the authorization request, checked here
 * (invalid_target at the authorization endpoint, not only at /token): one
 * of the audiences jwtmint issues, the configured ones or the admin API's
 * ("{issuer}/admin", the portal's); may this client and user have it is
 * /token's question (issue_audience). 1: kept in z->lr.
 */
static int
resource_set(struct authz *z, const char *res)
{
	size_t	 i;

	/* Every audience jwtmint issues (the configured ones and the admin
	 * API's): /token decides at the exchange which the client may get. */
	for (i = 0; z->a->all_audv[i] != NULL; i++)
		if (z->a->all_audv[i][0] != '\0' &&
		    strcmp(res, z->a->all_audv[i]) == 0)
			return bstr_copy_opt(z->lr.resource, sizeof(z->lr.resource),
			    res) == 0;
	return 0;
}

/* The client address the failure counters and the page's rate count:
 * the web server's only, an IPv6 one by its /64 (ipaddr_limit_key). */
static const char *
client_addr(const struct req *r, char ip[IPADDR_MAX_BYTES])
{
	if (r->remote_addr != NULL && ipaddr_limit_key(r->remote_addr,
	    strlen(r->remote_addr), ip) == 0)
		return ip;
	return "-";
}

/*
 * The per-address bound of stored login requests: login_page_rate_per_min
 * a minute, counted in the rate-limit table the keys' limits use (its
 * keys are key ids; an address is "authorize:" and its canonical text,
 * the key of the login failure counters). 1: go on; 0: the 429 (or 503
 * when the table could not be mapped: never unbounded) was sent.
 */
static int
page_allowed(struct authz *z)
{
	char	 ip[IPADDR_MAX_BYTES];
	char	 key[sizeof("authorize:") + IPADDR_MAX_BYTES];
	char	 ra[16];
	int	 per_min = z->a->cfg->login_page_rate_per_min, retry;

	if (per_min <= 0)
		return 1;
	if (z->a->ratelimit == NULL) {
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		return 0;
	}
	snprintf(key, sizeof(key), "authorize:%s", client_addr(z->r, ip));
	if (ratelimit_hit(z->a->ratelimit, key, 0, (uint32_t)per_min,
	    (uint64_t)time(NULL), &retry))
		return 1;
	loginweb_error(z->p, 429, z->lang, LS_TOO_FAST);
	snprintf(ra, sizeof(ra), "%d", retry);
	http_resp_header(z->p, "Retry-After", ra);
	return 0;
}

/*
 * The code for username (signed in now or by the session session_hex),
 * and the redirect that carries it.
 */
static void
issue_code(struct authz *z, const char *username, const char *session_hex)
{
	struct store_login	 l;
	struct scope_set	 effective, requested, granted;
	struct authcode_new	 nc = { 0 };
	const char		*names[3] = { "code", "state", "iss" };
	const char		*vals[3];
	char			 ip[IPADDR_MAX_BYTES];
	char			 scope[SCOPE_MAX_STRING_BYTES];
	char			 code[AUTHCODE_LEN + 1];
	char			 sid[4 + 32 + 1];
	char			 loc[URLBUILD_MAX_BYTES];
	int			 rc;

	code[0] = '\0';
	rc = store_login_lookup(z->a->db, z->app.org_id, username,
	    client_addr(z->r, ip), z->a->cfg->login_window_sec, &l);
	secret_wipe(l.phc, sizeof(l.phc));
	if (rc == -1) {
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		return;
	}
	if (!l.found || l.user.disabled) {
		redirect_error(z, "access_denied");
		return;
	}
	/* granted = requested ∩ application ∩ the user's permissions */
	if (scope_parse(&requested, z->lr.scope, strlen(z->lr.scope)) == -1) {
		redirect_error(z, "invalid_scope");
		return;
	}
	issue_app_scopes(&effective, z->app.type == REDIRECTURI_PORTAL,
	    &z->app.scopes, &requested, &l.user);
	scope_intersect(&granted, &requested, &effective);
	if (granted.n == 0 || scope_format(&granted, scope, sizeof(scope)) <= 0) {
		redirect_error(z, "access_denied");
		return;
	}
	snprintf(sid, sizeof(sid), "ses_%.32s", session_hex);
	nc.org_id = z->app.org_id;
	nc.client_id = z->app.client_id;
	nc.user_id = l.user.id;
	nc.redirect_uri = z->lr.redirect_uri;
	nc.code_challenge = z->lr.code_challenge;
	nc.scope = scope;
	nc.resource = z->lr.resource[0] != '\0' ? z->lr.resource : NULL;
	nc.session_id = sid;
	nc.absolute_sec = z->a->cfg->refresh_absolute_sec;
	nc.idle_sec = z->a->cfg->refresh_idle_sec;
	nc.generation = l.user.generation;
	nc.app_version = z->app.version;
	nc.pepper = z->a->cfg->pepper;
	nc.pepperlen = z->a->cfg->pepperlen;
	nc.pepper_id = z->a->cfg->pepper_id;
	if ((rc = authcode_create(z->a->db, &nc, code)) != 1) {
		redirect_error(z, rc == 0 ? "access_denied" : "server_error");
		return;
	}
	vals[0] = code;
	vals[1] = z->lr.has_state ? z->lr.state : NULL;
	vals[2] = z->a->cfg->issuer;
	if (urlbuild_redirect(loc, sizeof(loc), z->lr.redirect_uri, names,
	    vals, 3) == -1) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_REQUEST);
		goto out;
	}
	http_resp_text(z->p, 302, "", 0);
	http_resp_header(z->p, "Location", loc);
	http_resp_header(z->p, "Cache-Control", "no-store");
	http_resp_header(z->p, "Referrer-Policy", "no-referrer");
	/* The Location holds the code: wiped with the response. */
	z->p->secret = 1;
out:
	secret_wipe(code, sizeof(code));
	secret_wipe(loc, sizeof(loc));
}

/*
 * The login page for the request in z->lr: a new one-time token bound to
 * this browser, the organization's template, error (an enum loginui_str,
 * or -1), session_user for "Continue as".
 */
static void
render(struct authz *z, int status, int error, const char *username,
    const char *session_user)
{
	struct store_login_req_new	 n;
	struct store_login_tpl		 tpl;
	struct loginui_page		 pg = { 0 };
	char				 token[LOGINWEB_SECRET_LEN + 1];
	char				 token_hex[LOGINWEB_HEX_LEN + 1];
	char				 css[128];
	char				 origin[REDIRECTURI_MAX_BYTES + 1];
	char				*body;
	size_t				 len = 0;
	int				 rc;

	/* Before anything is stored. */
	if (!page_allowed(z))
		return;
	if (!z->has_browser) {
		if (loginweb_secret(z->browser, z->browser_hex) == -1) {
			loginweb_error(z->p, 500, z->lang, LS_UNAVAILABLE);
			return;
		}
		z->has_browser = 1;
	}
	if (loginweb_secret(token, token_hex) == -1) {
		loginweb_error(z->p, 500, z->lang, LS_UNAVAILABLE);
		return;
	}
	n.org_id = z->app.org_id;
	n.client_id = z->app.client_id;
	n.redirect_uri = z->lr.redirect_uri;
	n.scope = z->lr.scope;
	n.state = z->lr.has_state ? z->lr.state : NULL;
	n.code_challenge = z->lr.code_challenge;
	n.locale = loginui_lang_code(z->lang);
	n.resource = z->lr.resource[0] != '\0' ? z->lr.resource : NULL;
	if (store_login_req_create(z->a->db, token_hex, z->browser_hex, &n,
	    LOGIN_FORM_TTL_SEC) == -1 ||
	    (rc = store_login_template(z->a->db, z->app.org_id, &tpl)) == -1) {
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		return;
	}
	if (rc == 0)
		memset(&tpl, 0, sizeof(tpl));
	snprintf(css, sizeof(css), "/login.css?org=%s", z->app.org_id);
	pg.lang = z->lang;
	pg.title = tpl.title;
	pg.org_name = tpl.org_name[0] != '\0' ? tpl.org_name : tpl.org;
	pg.css_href = css;
	pg.app_name = z->app.name;
	pg.scope = z->lr.scope;
	pg.token = token;
	pg.username = username;
	pg.session_user = session_user;
	pg.error = error;
	body = loginui_page(&pg, &len);
	/* Browsers apply form-action to the redirect after the POST. */
	loginweb_page(z->p, status, body, len, urlbuild_origin(origin,
	    sizeof(origin), z->lr.redirect_uri) > 0 ? origin : NULL);
	if (loginweb_set_cookie(z->p, z->a, LOGINWEB_LOGIN, z->browser,
	    z->a->cfg->session_ttl_sec) == -1)
		log_warnx("authorize: the login cookie did not fit");
	secret_wipe(token, sizeof(token));
}

/* The session's user in the application's organization, or 0. */
static int
session_user(struct authz *z, char username[STORE_LOGIN_ID_BYTES])
{
	char	 uid[STORE_LOGIN_ID_BYTES];

	if (!z->has_session)
		return 0;
	return store_session_get(z->a->db, z->session_hex, z->app.org_id, uid,
	    username);
}

static void
read_cookies(struct authz *z)
{
	z->has_browser = loginweb_cookie(z->a, z->r, LOGINWEB_LOGIN,
	    z->browser, z->browser_hex);
	z->has_session = loginweb_cookie(z->a, z->r, LOGINWEB_SESSION,
	    z->session, z->session_hex);
}

/* The application of client_id, enabled: 1, or 0 with the page sent. */
static int
load_app(struct authz *z, const char *client_id)
{
	int	 rc;

	if (client_id == NULL || !store_app_id_valid(client_id)) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_CLIENT);
		return 0;
	}
	if ((rc = store_app_get(z->a->db, client_id, &z->app)) == -1) {
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		return 0;
	}
	if (rc == 0 || z->app.disabled) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_CLIENT);
		return 0;
	}
	snprintf(z->r->client_id, sizeof(z->r->client_id), "%s", client_id);
	snprintf(z->r->org_id, sizeof(z->r->org_id), "%s", z->app.org_id);
	return 1;
}

static void
authorize_get(struct authz *z)
{
	struct form		 f = { 0 };
	struct scope_set	 req;
	const char		*qs = loginweb_header(z->r, "QUERY_STRING");
	const char		*ru, *state, *scope, *rt, *cc, *ccm, *res;
	char			 username[STORE_LOGIN_ID_BYTES];
	int			 rc;

	z->lang = loginui_lang_pick(NULL, loginweb_header(z->r,
	    "HTTP_ACCEPT_LANGUAGE"));
	/* Duplicated parameters, bad escapes, control bytes: no redirect,
	 * since which redirect_uri would it be. */
	if (qs == NULL || strlen(qs) > LOGIN_MAX_QUERY_BYTES ||
	    form_parse(&f, qs, strlen(qs)) != FORM_OK) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_REQUEST);
		goto out;
	}
	z->lang = loginui_lang_pick(form_get(&f, "ui_locales"),
	    loginweb_header(z->r, "HTTP_ACCEPT_LANGUAGE"));
	if (!load_app(z, form_get(&f, "client_id")))
		goto out;
	/* RFC 9700 §4.1.3: exact match, and required (no default). */
	ru = form_get(&f, "redirect_uri");
	if (ru == NULL || strlen(ru) > REDIRECTURI_MAX_BYTES ||
	    !store_app_redirect_ok(&z->app, z->a->cfg->issuer, ru) ||
	    bstr_copy_opt(z->lr.redirect_uri, sizeof(z->lr.redirect_uri), ru) == -1) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_REDIRECT);
		goto out;
	}
	/* From here on errors go back to the validated redirect URI. */
	if ((state = form_get(&f, "state")) != NULL) {
		if (bstr_copy_opt(z->lr.state, sizeof(z->lr.state), state) == -1) {
			redirect_error(z, "invalid_request");
			goto out;
		}
		z->lr.has_state = 1;
	}
	rt = form_get(&f, "response_type");
	cc = form_get(&f, "code_challenge");
	ccm = form_get(&f, "code_challenge_method");
	if (rt == NULL) {
		redirect_error(z, "invalid_request");
		goto out;
	}
	if (strcmp(rt, "code") != 0) {
		redirect_error(z, "unsupported_response_type");
		goto out;
	}
	/* RFC 9700 §2.1.1: PKCE S256 always; "plain" never. */
	if (cc == NULL || ccm == NULL || strcmp(ccm, "S256") != 0 ||
	    !pkce_challenge_valid(cc)) {
		redirect_error(z, "invalid_request");
		goto out;
	}
	snprintf(z->lr.code_challenge, sizeof(z->lr.code_challenge), "%s", cc);
	/* The application's bound (perm_app_ask): the portal has none. */
	scope = form_get(&f, "scope");
	if (perm_app_ask(&req, z->app.type == REDIRECTURI_PORTAL,
	    &z->app.scopes, scope, z->a->cfg->scopes_supported) == -1) {
		redirect_error(z, "invalid_scope");
		goto out;
	}
	if (req.n == 0 || scope_format(&req, z->lr.scope,
	    sizeof(z->lr.scope)) <= 0) {
		redirect_error(z, "invalid_scope");
		goto out;
	}
	if ((res = form_get(&f, "resource")) != NULL && !resource_set(z, res)) {
		redirect_error(z, "invalid_target");
		goto out;
	}

	read_cookies(z);
	if ((rc = session_user(z, username)) == -1) {
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		goto out;
	}
	if (rc == 1 && z->app.type == REDIRECTURI_PORTAL)
		issue_code(z, username, z->session_hex);
	else
		render(z, 200, -1, NULL, rc == 1 ? username : NULL);
out:
	form_free(&f);
}

static void
authorize_post(struct authz *z)
{
	struct store_login	 l;
	enum form_err		 fe;
	enum pwcheck_res	 pr;
	const char		*token, *action, *user, *pw;
	char			 token_hex[LOGINWEB_HEX_LEN + 1];
	char			 username[STORE_LOGIN_ID_BYTES];
	char			 uname[USERNAME_MAX_BYTES + 1];
	char			 actor[4 + STORE_APP_ID_BYTES];
	char			 ip[IPADDR_MAX_BYTES];
	char			 ra[16];
	int			 rc, retry_after, lang;

	z->lang = loginui_lang_pick(NULL, loginweb_header(z->r,
	    "HTTP_ACCEPT_LANGUAGE"));
	if (!http_req_content_type_is(z->r,
	    "application/x-www-form-urlencoded") ||
	    http_req_form(z->r, (size_t)z->a->cfg->max_body_bytes, &fe) != 0) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_REQUEST);
		return;
	}
	/* The one-time token, from the browser it was shown to, once. */
	read_cookies(z);
	token = form_get(&z->r->form, "request");
	if (token == NULL || strlen(token) != LOGINWEB_SECRET_LEN ||
	    !z->has_browser || loginweb_digest(token, token_hex) == -1) {
		loginweb_error(z->p, 400, z->lang, LS_EXPIRED);
		return;
	}
	if ((rc = store_login_req_take(z->a->db, token_hex, z->browser_hex,
	    &z->lr)) == -1) {
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		return;
	}
	if (rc == 0) {
		loginweb_error(z->p, 400, z->lang, LS_EXPIRED);
		return;
	}
	if ((lang = loginui_lang_parse(z->lr.locale)) >= 0)
		z->lang = (enum loginui_lang)lang;
	if (!load_app(z, z->lr.client_id))
		return;
	if (strcmp(z->app.org_id, z->lr.org_id) != 0) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_CLIENT);
		return;
	}
	/* Still registered: an operator who removed the URI (a lost
	 * domain) sends no code there from pages already open. */
	if (!store_app_redirect_ok(&z->app, z->a->cfg->issuer,
	    z->lr.redirect_uri)) {
		loginweb_error(z->p, 400, z->lang, LS_BAD_REDIRECT);
		return;
	}

	action = form_get(&z->r->form, "action");
	if (action != NULL && strcmp(action, "continue") == 0) {
		if ((rc = session_user(z, username)) == -1)
			loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		else if (rc == 0)	/* ended meanwhile: the password */
			render(z, 200, LS_EXPIRED, NULL, NULL);
		else
			issue_code(z, username, z->session_hex);
		return;
	}

	user = form_get(&z->r->form, "username");
	pw = form_get(&z->r->form, "password");
	if (user == NULL || pw == NULL || user[0] == '\0') {
		render(z, 200, LS_WRONG, NULL, NULL);
		return;
	}
	snprintf(actor, sizeof(actor), "app:%s", z->app.client_id);
	pr = pwcheck(&z->a->grants, z->app.org_id, user, pw,
	    client_addr(z->r, ip), actor, uname, &l, &retry_after);
	switch (pr) {
	case PWCHECK_OK:
		break;
	case PWCHECK_WRONG:
		render(z, 200, LS_WRONG, strcmp(uname, "-") != 0 ? uname :
		    NULL, NULL);
		return;
	case PWCHECK_TOO_MANY:
		render(z, 429, LS_TOO_MANY, NULL, NULL);
		snprintf(ra, sizeof(ra), "%d", retry_after);
		http_resp_header(z->p, "Retry-After", ra);
		return;
	case PWCHECK_UNAVAILABLE:
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		return;
	}
	if (l.user_failures > 0 &&
	    store_login_reset(z->a->db, z->app.org_id, uname) == -1)
		log_warnx("authorize: counter of %s not reset", l.user.id);
	/* A new session on every sign-in (no fixation of an old id); the
	 * browser's old one ends. */
	if (z->has_session && store_session_delete(z->a->db,
	    z->session_hex) == -1)
		log_warnx("authorize: an old session was not deleted");
	if (loginweb_secret(z->session, z->session_hex) == -1 ||
	    store_session_create(z->a->db, z->session_hex, z->app.org_id,
	    l.user.id, l.user.generation, z->a->cfg->session_ttl_sec) == -1) {
		loginweb_error(z->p, 503, z->lang, LS_UNAVAILABLE);
		return;
	}
	issue_code(z, uname, z->session_hex);
	if (loginweb_set_cookie(z->p, z->a, LOGINWEB_SESSION, z->session,
	    z->a->cfg->session_ttl_sec) == -1)
		log_warnx("authorize: the session cookie did not fit");
}

void
h_authorize(struct app *a, struct req *r, struct resp *p)
{
	struct authz	*z;

	/* Large (a request's URIs and scopes): on the heap, not the stack. */
	if ((z = calloc(1, sizeof(*z))) == NULL) {
		http_resp_body(p, 500, NULL, 0);
		return;
	}
	z->a = a;
	z->r = r;
	z->p = p;
	if (!loginweb_usable(a)) {
		log_warnx("authorize: the issuer is neither https nor a "
		    "loopback http address: no login page");
		loginweb_error(p, 503, LOGINUI_EN, LS_UNAVAILABLE);
	} else if (r->method == HTTP_POST)
		authorize_post(z);
	else
		authorize_get(z);
	secret_wipe(z, sizeof(*z));
	free(z);
}
