/*
 * bstr: see bstr.h.
 */
#include <string.h>

#include "bstr.h"

int
bstr_copy(char *dst, size_t sz, const char *src)
{
	size_t	 n;

	if (src == NULL || sz == 0 || (n = strnlen(src, sz)) >= sz)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

int
bstr_copy_opt(char *dst, size_t sz, const char *src)
{
	return bstr_copy(dst, sz, src != NULL ? src : "");
}

void
bstr_trunc(char *dst, size_t sz, const char *src)
{
	size_t	 n;

	if (sz == 0)
		return;
	n = src != NULL ? strnlen(src, sz - 1) : 0;
	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}
