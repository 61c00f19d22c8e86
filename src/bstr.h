/*
 * bstr: bounded copies of C strings into fixed buffers, the three ways the
 * code needs them. Pure.
 */
#ifndef JWTMINT_BSTR_H
#define JWTMINT_BSTR_H

#include <stddef.h>

/*
 * Copy src whole into dst (sz bytes, terminator included): 0; -1, dst
 * unchanged, when src is NULL or does not fit (a value that must be
 * there and must fit: a database column, a validated field).
 */
int	bstr_copy(char *dst, size_t sz, const char *src);

/* The same, a NULL src being "" (an optional field). */
int	bstr_copy_opt(char *dst, size_t sz, const char *src);

/*
 * As much of src (NULL: "") as fits in dst, always terminated (sz >= 1):
 * for what is only shown or logged, where a cut value is better than none.
 */
void	bstr_trunc(char *dst, size_t sz, const char *src);

#endif
