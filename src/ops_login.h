/*
 * ops_login: the login page's template of an organization (title, the
 * organization's name as shown, three colours), read and set as an
 * administrative operation (validate, write, audit "login.template", one
 * transaction). Colours are "#rrggbb" in lower case, never anything else,
 * so a template cannot inject CSS; text is shown HTML-escaped.
 */
#ifndef JWTMINT_OPS_LOGIN_H
#define JWTMINT_OPS_LOGIN_H

#include "ops.h"
#include "store_login.h"

/* A change: NULL leaves a field as it is. */
struct ops_login_tpl_set {
	const char	*title;
	const char	*org_name;
	const char	*colors[3];	/* bg, fg, accent */
	long long	 if_version;	/* 0: any; else the version the change
					   must find (If-Match; a template
					   never set is version 1) */
};

/* The template of the caller's organization (defaults where unset). */
enum ops_err	ops_login_tpl_get(const struct ops_ctx *,
		    struct store_login_tpl *out);
/*
 * Apply a change; *field names the bad one on OPS_INVALID ("title",
 * "org-name", "bg", "fg", "accent"); OPS_CONFLICT with *field "version"
 * when if_version is not the template's (nothing changed).
 */
enum ops_err	ops_login_tpl_set(const struct ops_ctx *,
		    const struct ops_login_tpl_set *, struct store_login_tpl *out,
		    const char **field);

#endif
