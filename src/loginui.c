/*
 * loginui: see loginui.h.
 */
#include <stdlib.h>
#include <string.h>

#include "htmlesc.h"
#include "loginui.h"

/* The longest value the page shows (a scope list is 8 KiB at most). */
#define LOGINUI_MAX_VALUE	8192
#define LOGINUI_MAX_PAGE	65536

static const char *const strs[LOGINUI__LANGS][LS__MAX] = {
	[LOGINUI_EN] = {
		[LS_SIGN_IN] = "Sign in",
		[LS_ASKS] = "asks to sign you in with these permissions:",
		[LS_USERNAME] = "Username",
		[LS_PASSWORD] = "Password",
		[LS_CONTINUE_AS] = "Continue as",
		[LS_OTHER_ACCOUNT] = "Use another account",
		[LS_WRONG] = "Wrong username or password.",
		[LS_TOO_MANY] = "Too many failed attempts. Try again later.",
		[LS_EXPIRED] = "This form expired or was already used. "
		    "Please sign in again.",
		[LS_UNAVAILABLE] = "The service is unavailable. Try again "
		    "later.",
		[LS_ERROR_TITLE] = "Sign-in error",
		[LS_BAD_CLIENT] = "This application is unknown or disabled.",
		[LS_BAD_REDIRECT] = "This application asked to send you to an "
		    "address it did not register. You were not redirected.",
		[LS_BAD_REQUEST] = "The sign-in request is malformed.",
		[LS_SIGNED_OUT] = "You are signed out.",
		[LS_SIGN_OUT] = "Sign out",
		[LS_NO_SCOPE] = "(no permission)",
		[LS_TOO_FAST] = "Too many sign-in requests from your address. "
		    "Try again in a minute.",
	},
	[LOGINUI_FR] = {
		[LS_SIGN_IN] = "Connexion",
		[LS_ASKS] = "demande \xc3\xa0 vous connecter avec ces "
		    "autorisations\xc2\xa0:",
		[LS_USERNAME] = "Nom d\xe2\x80\x99utilisateur",
		[LS_PASSWORD] = "Mot de passe",
		[LS_CONTINUE_AS] = "Continuer en tant que",
		[LS_OTHER_ACCOUNT] = "Utiliser un autre compte",
		[LS_WRONG] = "Nom d\xe2\x80\x99utilisateur ou mot de passe "
		    "incorrect.",
		[LS_TOO_MANY] = "Trop de tentatives \xc3\xa9" "chou\xc3\xa9"
		    "es. R\xc3\xa9" "essayez plus tard.",
		[LS_EXPIRED] = "Ce formulaire a expir\xc3\xa9 ou a d\xc3\xa9"
		    "j\xc3\xa0 servi. Reconnectez-vous.",
		[LS_UNAVAILABLE] = "Le service est indisponible. "
		    "R\xc3\xa9" "essayez plus tard.",
		[LS_ERROR_TITLE] = "Erreur de connexion",
		[LS_BAD_CLIENT] = "Cette application est inconnue ou "
		    "d\xc3\xa9sactiv\xc3\xa9" "e.",
		[LS_BAD_REDIRECT] = "Cette application demande \xc3\xa0 vous "
		    "envoyer vers une adresse qu\xe2\x80\x99" "elle n\xe2\x80\x99"
		    "a pas enregistr\xc3\xa9" "e. Vous n\xe2\x80\x99" "avez pas "
		    "\xc3\xa9t\xc3\xa9 redirig\xc3\xa9.",
		[LS_BAD_REQUEST] = "La demande de connexion est invalide.",
		[LS_SIGNED_OUT] = "Vous \xc3\xaates d\xc3\xa9" "connect\xc3\xa9.",
		[LS_SIGN_OUT] = "Se d\xc3\xa9" "connecter",
		[LS_NO_SCOPE] = "(aucune autorisation)",
		[LS_TOO_FAST] = "Trop de demandes de connexion depuis votre "
		    "adresse. R\xc3\xa9" "essayez dans une minute.",
	},
};

static const char *const codes[LOGINUI__LANGS] = { "en", "fr" };

static const char *const default_colors[LOGINUI_COLORS] = {
	"#f4f5f7", "#1d2330", "#2a5bd7"
};

const char *
loginui_str(enum loginui_lang lang, enum loginui_str s)
{
	if ((unsigned)s >= LS__MAX)
		return "";
	if ((unsigned)lang >= LOGINUI__LANGS || strs[lang][s] == NULL)
		lang = LOGINUI_EN;
	return strs[lang][s];
}

const char *
loginui_lang_code(enum loginui_lang lang)
{
	return (unsigned)lang < LOGINUI__LANGS ? codes[lang] : codes[0];
}

/* The shipped language of the tag's primary subtag (len bytes), or -1. */
static int
tag_lang(const char *t, size_t len)
{
	size_t	 n = 0, i;

	while (n < len && t[n] != '-' && t[n] != '_')
		n++;
	if (n != 2)
		return -1;
	for (i = 0; i < LOGINUI__LANGS; i++)
		if ((t[0] | 0x20) == codes[i][0] && (t[1] | 0x20) == codes[i][1])
			return (int)i;
	return -1;
}

int
loginui_lang_parse(const char *code)
{
	return code != NULL && strlen(code) == 2 ? tag_lang(code, 2) : -1;
}

/* q=0.8 → 800, malformed → -1 (RFC 9110 §12.4.2 qvalue). */
static int
qvalue(const char *p, size_t len)
{
	int	 v = 0, scale = 100;
	size_t	 i;

	while (len > 0 && (*p == ' ' || *p == '\t'))
		p++, len--;
	if (len < 3 || (p[0] | 0x20) != 'q' || p[1] != '=')
		return -1;
	p += 2, len -= 2;
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0 || (p[0] != '0' && p[0] != '1'))
		return -1;
	v = (p[0] - '0') * 1000;
	if (len == 1)
		return v;
	if (p[1] != '.' || len > 5)
		return -1;
	for (i = 2; i < len; i++, scale /= 10) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v += (p[i] - '0') * scale;
	}
	return v > 1000 ? -1 : v;
}

enum loginui_lang
loginui_lang_pick(const char *ui_locales, const char *al)
{
	const char	*p, *semi;
	size_t		 n, tl;
	int		 l, q, best = LOGINUI_EN, bestq = 0;

	for (p = ui_locales; p != NULL && *p != '\0'; p += n) {
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n > 0 && (l = tag_lang(p, n)) >= 0)
			return (enum loginui_lang)l;
	}
	for (p = al; p != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		p += strspn(p, " \t");
		n = strcspn(p, ",");
		semi = memchr(p, ';', n);
		tl = semi != NULL ? (size_t)(semi - p) : n;
		while (tl > 0 && (p[tl - 1] == ' ' || p[tl - 1] == '\t'))
			tl--;
		q = semi == NULL ? 1000 : qvalue(semi + 1,
		    (size_t)(p + n - (semi + 1)));
		if (q <= bestq || (l = tag_lang(p, tl)) < 0)
			continue;
		best = l;
		bestq = q;
	}
	return (enum loginui_lang)best;
}

int
loginui_color_ok(const char *c)
{
	size_t	 i;

	if (c == NULL || strlen(c) != 7 || c[0] != '#')
		return 0;
	for (i = 1; i < 7; i++)
		if (!((c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' &&
		    c[i] <= 'f')))
			return 0;
	return 1;
}

/* A growing buffer; once err is set every append is a no-op. */
struct hb {
	char	*p;
	size_t	 len, cap;
	int	 err;
};

static void
raw(struct hb *b, const char *s)
{
	size_t	 n = strlen(s), cap;
	char	*np;

	if (b->err)
		return;
	if (b->len + n + 1 > LOGINUI_MAX_PAGE) {
		b->err = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->err = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* s, HTML-escaped (text or a quoted attribute value). */
static void
esc(struct hb *b, const char *s)
{
	char	*e;
	size_t	 n = s != NULL ? strnlen(s, LOGINUI_MAX_VALUE + 1) : 0;
	size_t	 el;

	if (n > LOGINUI_MAX_VALUE) {
		b->err = 1;
		return;
	}
	el = htmlesc_len(s, n) + 1;
	if ((e = malloc(el)) == NULL || htmlesc(e, el, s, n) == -1)
		b->err = 1;
	else
		raw(b, e);
	free(e);
}

static char *
finish(struct hb *b, size_t *len)
{
	if (b->err) {
		free(b->p);
		return NULL;
	}
	*len = b->len;
	return b->p;
}

static void
head(struct hb *b, enum loginui_lang lang, const char *title,
    const char *css_href)
{
	raw(b, "<!DOCTYPE html>\n<html lang=\"");
	raw(b, loginui_lang_code(lang));
	raw(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<title>");
	esc(b, title);
	raw(b, "</title>\n<link rel=\"stylesheet\" href=\"");
	esc(b, css_href != NULL ? css_href : "/login.css");
	raw(b, "\">\n</head>\n<body>\n<main class=\"card\">\n");
}

static void
tail(struct hb *b)
{
	raw(b, "</main>\n</body>\n</html>\n");
}

/* The hidden field every form of the page carries. */
static void
token_field(struct hb *b, const char *token)
{
	raw(b, "<input type=\"hidden\" name=\"request\" value=\"");
	esc(b, token);
	raw(b, "\">\n");
}

static void
scopes(struct hb *b, enum loginui_lang lang, const char *scope)
{
	const char	*p = scope != NULL ? scope : "";
	char		 tok[256];
	size_t		 n;
	int		 any = 0;

	raw(b, "<ul class=\"scopes\">\n");
	for (; *p != '\0'; p += n) {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		if (n >= sizeof(tok)) {
			b->err = 1;
			return;
		}
		memcpy(tok, p, n);
		tok[n] = '\0';
		raw(b, "<li>");
		esc(b, tok);
		raw(b, "</li>\n");
		any = 1;
	}
	if (!any) {
		raw(b, "<li>");
		raw(b, loginui_str(lang, LS_NO_SCOPE));
		raw(b, "</li>\n");
	}
	raw(b, "</ul>\n");
}

char *
loginui_page(const struct loginui_page *pg, size_t *len)
{
	struct hb	 b = { 0 };
	const char	*title = pg->title != NULL && pg->title[0] != '\0' ?
			    pg->title : loginui_str(pg->lang, LS_SIGN_IN);

	head(&b, pg->lang, title, pg->css_href);
	raw(&b, "<h1>");
	esc(&b, pg->org_name != NULL && pg->org_name[0] != '\0' ?
	    pg->org_name : title);
	raw(&b, "</h1>\n<p class=\"app\"><strong>");
	esc(&b, pg->app_name);
	raw(&b, "</strong> ");
	raw(&b, loginui_str(pg->lang, LS_ASKS));
	raw(&b, "</p>\n");
	scopes(&b, pg->lang, pg->scope);
	if (pg->error >= 0 && pg->error < LS__MAX) {
		raw(&b, "<p class=\"error\" role=\"alert\">");
		raw(&b, loginui_str(pg->lang, (enum loginui_str)pg->error));
		raw(&b, "</p>\n");
	}
	if (pg->session_user != NULL) {
		raw(&b, "<form method=\"post\" action=\"/authorize\" "
		    "class=\"continue\">\n");
		token_field(&b, pg->token);
		raw(&b, "<input type=\"hidden\" name=\"action\" "
		    "value=\"continue\">\n<button type=\"submit\" "
		    "autofocus>");
		raw(&b, loginui_str(pg->lang, LS_CONTINUE_AS));
		raw(&b, " ");
		esc(&b, pg->session_user);
		raw(&b, "</button>\n</form>\n<h2>");
		raw(&b, loginui_str(pg->lang, LS_OTHER_ACCOUNT));
		raw(&b, "</h2>\n");
	}
	raw(&b, "<form method=\"post\" action=\"/authorize\" "
	    "class=\"password\">\n");
	token_field(&b, pg->token);
	raw(&b, "<label for=\"username\">");
	raw(&b, loginui_str(pg->lang, LS_USERNAME));
	raw(&b, "</label>\n<input id=\"username\" name=\"username\" "
	    "autocomplete=\"username\" autocapitalize=\"none\" "
	    "spellcheck=\"false\" maxlength=\"64\" required");
	if (pg->username != NULL) {
		raw(&b, " value=\"");
		esc(&b, pg->username);
		raw(&b, "\"");
	}
	raw(&b, pg->session_user == NULL && pg->username == NULL ?
	    " autofocus>\n" : ">\n");
	raw(&b, "<label for=\"password\">");
	raw(&b, loginui_str(pg->lang, LS_PASSWORD));
	raw(&b, "</label>\n<input id=\"password\" name=\"password\" "
	    "type=\"password\" autocomplete=\"current-password\" required");
	raw(&b, pg->session_user == NULL && pg->username != NULL ?
	    " autofocus>\n" : ">\n");
	raw(&b, "<button type=\"submit\">");
	raw(&b, loginui_str(pg->lang, LS_SIGN_IN));
	raw(&b, "</button>\n</form>\n");
	tail(&b);
	return finish(&b, len);
}

char *
loginui_notice(enum loginui_lang lang, enum loginui_str title,
    enum loginui_str msg, const char *css_href, size_t *len)
{
	struct hb	 b = { 0 };

	head(&b, lang, loginui_str(lang, title), css_href);
	raw(&b, "<h1>");
	raw(&b, loginui_str(lang, title));
	raw(&b, title == LS_ERROR_TITLE ? "</h1>\n<p class=\"error\" "
	    "role=\"alert\">" : "</h1>\n<p role=\"status\">");
	raw(&b, loginui_str(lang, msg));
	raw(&b, "</p>\n");
	tail(&b);
	return finish(&b, len);
}

char *
loginui_error(enum loginui_lang lang, enum loginui_str msg,
    const char *css_href, size_t *len)
{
	return loginui_notice(lang, LS_ERROR_TITLE, msg, css_href, len);
}

char *
loginui_css(const char *const colors[LOGINUI_COLORS], size_t *len)
{
	static const char *const names[LOGINUI_COLORS] = { "--bg", "--fg",
	    "--accent" };
	struct hb	 b = { 0 };
	size_t		 i;

	raw(&b, ":root{");
	for (i = 0; i < LOGINUI_COLORS; i++) {
		raw(&b, names[i]);
		raw(&b, ":");
		raw(&b, colors != NULL && loginui_color_ok(colors[i]) ?
		    colors[i] : default_colors[i]);
		raw(&b, ";");
	}
	raw(&b, "}\n"
	    "*{box-sizing:border-box}\n"
	    "body{margin:0;min-height:100vh;display:flex;align-items:center;"
	    "justify-content:center;background:var(--bg);color:var(--fg);"
	    "font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif}\n"
	    ".card{width:100%;max-width:26rem;margin:1rem;padding:1.5rem;"
	    "background:#fff;border-radius:.5rem;"
	    "box-shadow:0 1px 4px rgba(0,0,0,.15)}\n"
	    "h1{font-size:1.4rem;margin:0 0 1rem}\n"
	    "h2{font-size:1rem;margin:1.5rem 0 .5rem}\n"
	    ".scopes{margin:.25rem 0 1rem;padding-left:1.25rem}\n"
	    ".scopes li{font-family:ui-monospace,monospace;font-size:.9rem}\n"
	    "label{display:block;margin:.75rem 0 .25rem;font-weight:600}\n"
	    "input{width:100%;padding:.5rem;font:inherit;"
	    "border:1px solid #8a8f99;border-radius:.25rem}\n"
	    "button{margin-top:1rem;width:100%;padding:.6rem;font:inherit;"
	    "font-weight:600;color:#fff;background:var(--accent);border:0;"
	    "border-radius:.25rem;cursor:pointer}\n"
	    "input:focus,button:focus{outline:3px solid var(--accent);"
	    "outline-offset:2px}\n"
	    ".error{padding:.5rem .75rem;border-left:4px solid #b3261e;"
	    "background:#fdecea;color:#5f1410}\n");
	return finish(&b, len);
}
