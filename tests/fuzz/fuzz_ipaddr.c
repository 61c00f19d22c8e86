/*
 * fuzz_ipaddr: any bytes; an accepted address's canonical text is itself
 * accepted and canonical (a fixed point), and never longer than the bound.
 */
#include <stdint.h>
#include <string.h>

#include "ipaddr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 a[IPADDR_MAX_BYTES], b[IPADDR_MAX_BYTES];

	if (ipaddr_canon((const char *)data, size, a) == -1)
		return 0;
	if (strlen(a) >= IPADDR_MAX_BYTES ||
	    ipaddr_canon(a, strlen(a), b) == -1 || strcmp(a, b) != 0)
		__builtin_trap();
	return 0;
}
