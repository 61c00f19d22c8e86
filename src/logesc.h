/*
 * logesc: make untrusted bytes safe for one log line.
 * Bytes below 0x20, 0x7f, '\\', '"' and every byte >= 0x80 become \xhh
 * (two lower-case hex digits), so a line can never be split or forged and
 * stays ASCII; printable ASCII is copied. Output is truncated to fit, whole
 * escapes only, and always NUL-terminated; a truncated result ends in "..."
 * (an input that itself ends in "..." looks the same). Pure.
 */
#ifndef JWTMINT_LOGESC_H
#define JWTMINT_LOGESC_H

#include <stddef.h>

/*
 * Escape n bytes of src into dst (size dstsz >= 4; with 1..3 a result that
 * does not fit is "", with 0 nothing is written). Returns dst.
 */
char	*logesc(char *dst, size_t dstsz, const char *src, size_t n);

#endif
