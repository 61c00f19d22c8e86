/*
 * htmlesc: untrusted text (an application's name, scopes, a username, a
 * template's title) made safe inside HTML text and inside a double- or
 * single-quoted attribute value (HTML §13.1.2.3, OWASP XSS rule #1/#2).
 *
 * '&' '<' '>' '"' '\'' become &amp; &lt; &gt; &quot; &#39;; a control byte
 * (U+0000-U+001F but tab, newline; U+007F) becomes U+FFFD as &#xfffd;, so
 * nothing in the result can open a tag, close an attribute or start an
 * entity of the input's choosing. Every other byte is copied (the caller
 * hands valid UTF-8). Pure.
 */
#ifndef JWTMINT_HTMLESC_H
#define JWTMINT_HTMLESC_H

#include <stddef.h>

/* The longest expansion of one input byte ("&#xfffd;"). */
#define HTMLESC_MAX_RATIO	8

/*
 * Escape n bytes of src into dst (dstsz bytes, NUL-terminated). Returns
 * the length written, or -1 when it does not fit (dst is then "" when
 * dstsz > 0): never a cut entity, never a partial value.
 */
int	htmlesc(char *dst, size_t dstsz, const char *src, size_t n);

/* The length htmlesc would write for these n bytes. */
size_t	htmlesc_len(const char *src, size_t n);

#endif
