/*
 * form: application/x-www-form-urlencoded bodies (WHATWG URL §5, RFC 6749
 * appendix B) decoded into a bounded list of name/value pairs.
 *
 * Invariants: every name and value is percent-decoded ('+' is a space; a
 * '%' not followed by two hex digits is an error), NUL-terminated, valid
 * UTF-8 with no control byte (U+0000-U+001F and U+007F, raw or encoded, are
 * rejected; tab and newline included), at most FORM_MAX_PARAM_BYTES long
 * after decoding (the caller bounds the raw body); there are at most
 * FORM_MAX_PARAMS pairs; no two names are equal byte for byte after decoding
 * (RFC 6749 §3.2: "parameters MUST NOT be included more than once").
 * Empty pairs ("a=1&&b=2", trailing '&') are skipped. A pair with no '=' is
 * a name with an empty value.
 * Pure: no I/O. The struct owns its memory: all names and values share one
 * allocation, which form_free() wipes and frees (values may be secrets);
 * never free or keep a name or value past form_free().
 */
#ifndef JWTMINT_FORM_H
#define JWTMINT_FORM_H

#include <stddef.h>

#define FORM_MAX_PARAMS		32
#define FORM_MAX_PARAM_BYTES	8192

enum form_err {
	FORM_OK = 0,
	FORM_ERR_ESCAPE,	/* bad %xx escape */
	FORM_ERR_NUL,		/* NUL or other control byte */
	FORM_ERR_UTF8,		/* invalid UTF-8 after decoding */
	FORM_ERR_DUP,		/* a name appears twice */
	FORM_ERR_TOO_MANY,	/* more than FORM_MAX_PARAMS pairs */
	FORM_ERR_TOO_LONG,	/* a name or value over FORM_MAX_PARAM_BYTES */
	FORM_ERR_EMPTY_NAME,	/* "=value" */
	FORM_ERR_NOMEM
};

struct form_param {
	char	*name;
	char	*value;
	size_t	 valuelen;
};

struct form {
	struct form_param	 params[FORM_MAX_PARAMS];
	size_t			 n;
};

/*
 * Parse len bytes of body into f (which need not be initialised).
 * Returns FORM_OK, or an error code with f left empty (nothing to free,
 * though form_free() is still safe).
 */
enum form_err	 form_parse(struct form *f, const char *body, size_t len);

/* The value of name, or NULL when absent. Borrowed from f. */
const char	*form_get(const struct form *f, const char *name);

/* Wipe and free every name and value; f is empty afterwards. */
void		 form_free(struct form *f);

/* A short constant description of an error, for error_description. */
const char	*form_strerror(enum form_err);

#endif
