/*
 * jsonw: a compact JSON writer into a caller's fixed buffer, for the
 * documents on the hot path (token claims, token responses). Pure. Strings
 * must be valid UTF-8 without NUL; they are escaped per RFC 8259 §7 (quote,
 * backslash and every control byte), so no value can leave its string.
 * Errors are sticky: the first overflow, invalid string or nesting mistake
 * makes jw_end() return -1, and the buffer holds no usable document.
 */
#ifndef JWTMINT_JSONW_H
#define JWTMINT_JSONW_H

#include <stddef.h>

#define JW_MAX_DEPTH	8

struct jsonw {
	char		*buf;
	size_t		 size;
	size_t		 len;
	int		 err;
	int		 depth;
	int		 first[JW_MAX_DEPTH];	/* no member written yet */
	char		 close[JW_MAX_DEPTH];	/* '}' or ']' */
};

/* Start a document in buf[size]: the top level is one object. */
void	jw_init(struct jsonw *, char *buf, size_t size);

/* Members of the current object: key, then value. */
void	jw_str(struct jsonw *, const char *key, const char *val);
void	jw_strn(struct jsonw *, const char *key, const char *val, size_t n);
void	jw_int(struct jsonw *, const char *key, long long val);
/* val / 1000 with three decimals ("1.234" for 1234; val >= 0). */
void	jw_fixed3(struct jsonw *, const char *key, long long val);
/* A nested object or array as the value of key (NULL key inside arrays). */
void	jw_obj(struct jsonw *, const char *key);
void	jw_arr(struct jsonw *, const char *key);
/* Close the innermost open object or array. */
void	jw_close(struct jsonw *);

/*
 * Close the top-level object and NUL-terminate. Returns the document's
 * length, or -1 after any error (the buffer then starts with a NUL).
 */
int	jw_end(struct jsonw *);

#endif
