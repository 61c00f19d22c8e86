/*
 * loginui: what the hosted login page shows, as bytes: its translated
 * strings (one table per shipped language, English the default), the
 * choice of language (ui_locales, then Accept-Language), the page, the
 * error page and the style sheet. Pure: the handler (h_authorize.c) hands
 * in values it read and validated; every value that came from a client or
 * from an administrator goes through htmlesc, and colours are written only
 * when they are "#rrggbb" (loginui_color_ok), so neither can add markup or
 * CSS. No script, no resource of another origin, no inline style (the
 * page's CSP: style-src 'self').
 */
#ifndef JWTMINT_LOGINUI_H
#define JWTMINT_LOGINUI_H

#include <stddef.h>

enum loginui_lang {
	LOGINUI_EN,
	LOGINUI_FR,
	LOGINUI__LANGS
};

enum loginui_str {
	LS_SIGN_IN,		/* page title and button */
	LS_ASKS,		/* "asks to sign you in with these permissions:" */
	LS_USERNAME,
	LS_PASSWORD,
	LS_CONTINUE_AS,		/* "Continue as" USER */
	LS_OTHER_ACCOUNT,	/* "Use another account" */
	LS_WRONG,		/* wrong username or password */
	LS_TOO_MANY,		/* too many failed attempts */
	LS_EXPIRED,		/* the form expired or was already used */
	LS_UNAVAILABLE,		/* try again later */
	LS_ERROR_TITLE,
	LS_BAD_CLIENT,		/* unknown or disabled application */
	LS_BAD_REDIRECT,	/* redirect URI not registered */
	LS_BAD_REQUEST,		/* malformed authorization request */
	LS_SIGNED_OUT,
	LS_SIGN_OUT,
	LS_NO_SCOPE,		/* "(no permission)" */
	LS_TOO_FAST,		/* too many requests from this address */
	LS__MAX
};

#define LOGINUI_COLORS	3	/* background, text, accent */

struct loginui_page {
	enum loginui_lang	 lang;
	const char		*title;		/* "" → LS_SIGN_IN */
	const char		*org_name;
	const char		*css_href;	/* "/login.css?org=org_…" */
	const char		*app_name;
	const char		*scope;		/* space-separated */
	const char		*token;		/* the form's anti-forgery token */
	const char		*username;	/* prefilled, or NULL */
	const char		*session_user;	/* "Continue as", or NULL */
	int			 error;		/* enum loginui_str, or -1 */
};

/* The string s in lang (English when lang is out of range). */
const char	*loginui_str(enum loginui_lang lang, enum loginui_str s);

/* "en", "fr". */
const char	*loginui_lang_code(enum loginui_lang lang);
/* The language of a two-letter code, or -1. */
int		 loginui_lang_parse(const char *code);

/*
 * The language to show: the first of ui_locales (OpenID Connect, space-
 * separated BCP 47 tags in order of preference) that is shipped, else the
 * shipped one of highest q in Accept-Language (RFC 9110 §12.5.4; ties:
 * the earlier), else English. Either may be NULL; malformed items are
 * skipped.
 */
enum loginui_lang loginui_lang_pick(const char *ui_locales,
		    const char *accept_language);

/* 1 when c is "#rrggbb" in lower-case hex. */
int		 loginui_color_ok(const char *c);

/*
 * The page, the error page (title LS_ERROR_TITLE, message msg) or the
 * style sheet (colours[i] must pass loginui_color_ok: others are replaced
 * by the defaults): malloc'd, NUL-terminated, *len set; NULL on
 * allocation failure or a value too long.
 */
char		*loginui_page(const struct loginui_page *, size_t *len);
char		*loginui_error(enum loginui_lang, enum loginui_str msg,
		    const char *css_href, size_t *len);
/* The same with another title (LS_SIGN_OUT: "You are signed out"). */
char		*loginui_notice(enum loginui_lang, enum loginui_str title,
		    enum loginui_str msg, const char *css_href, size_t *len);
char		*loginui_css(const char *const colors[LOGINUI_COLORS],
		    size_t *len);

#endif
