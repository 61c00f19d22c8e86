/*
 * fuzz_redirecturi: registration and matching never crash, and what
 * validates for a type matches itself; no valid URI of a type other than
 * native or cli matches anything but itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redirecturi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 a[REDIRECTURI_MAX_BYTES + 2], b[REDIRECTURI_MAX_BYTES + 2];
	char		 o[REDIRECTURI_ORIGIN_BYTES];
	const char	*why;
	const uint8_t	*sep;
	size_t		 na, nb;
	int		 t;

	if (size < 1)
		return 0;
	t = data[0] % REDIRECTURI__MAX;
	data++;
	size--;
	/* Two URIs separated by a NUL byte. */
	sep = memchr(data, '\0', size);
	na = sep != NULL ? (size_t)(sep - data) : size;
	nb = sep != NULL ? size - na - 1 : 0;
	if (na > REDIRECTURI_MAX_BYTES + 1 || nb > REDIRECTURI_MAX_BYTES + 1)
		return 0;
	memcpy(a, data, na);
	a[na] = '\0';
	if (sep != NULL)
		memcpy(b, sep + 1, nb);
	b[nb] = '\0';

	if (redirecturi_valid(a, na, (enum redirecturi_type)t, &why) == 0) {
		if (!redirecturi_match(a, a, (enum redirecturi_type)t))
			abort();
		if ((t == REDIRECTURI_SPA || t == REDIRECTURI_PORTAL) &&
		    redirecturi_match(a, b, (enum redirecturi_type)t) &&
		    strcmp(a, b) != 0)
			abort();
		if (redirecturi_origin(a, o, sizeof(o)) == 0 &&
		    strncmp(a, o, strlen(o)) != 0 && strstr(a, ":443") == NULL)
			abort();
	}
	(void)redirecturi_match(a, b, REDIRECTURI_NATIVE);
	(void)redirecturi_origin(b, o, sizeof(o));
	return 0;
}
