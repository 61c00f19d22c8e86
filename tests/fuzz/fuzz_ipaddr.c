/*
 * fuzz_ipaddr: any bytes; an accepted address's canonical text is itself
 * accepted and canonical (a fixed point), and never longer than the bound;
 * the limits' key is there exactly when the address is, and is the same
 * for the input and its canonical text.
 */
#include <stdint.h>
#include <string.h>

#include "ipaddr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 a[IPADDR_MAX_BYTES], b[IPADDR_MAX_BYTES];
	char	 k[IPADDR_MAX_BYTES], k2[IPADDR_MAX_BYTES];
	int	 rk;

	rk = ipaddr_limit_key((const char *)data, size, k);
	if (ipaddr_canon((const char *)data, size, a) == -1) {
		if (rk != -1)
			__builtin_trap();
		return 0;
	}
	if (strlen(a) >= IPADDR_MAX_BYTES ||
	    ipaddr_canon(a, strlen(a), b) == -1 || strcmp(a, b) != 0)
		__builtin_trap();
	if (rk == -1 || strlen(k) >= IPADDR_MAX_BYTES ||
	    ipaddr_limit_key(a, strlen(a), k2) == -1 || strcmp(k, k2) != 0)
		__builtin_trap();
	return 0;
}
