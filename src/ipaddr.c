/*
 * ipaddr: canonical IP address text, see ipaddr.h.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ipaddr.h"

int
ipaddr_canon(const char *in, size_t len, char out[IPADDR_MAX_BYTES])
{
	unsigned char	 bin[16];
	char		 buf[IPADDR_MAX_BYTES];

	/* Bounded, NUL-free copy: inet_pton reads a C string. */
	if (len == 0 || len >= sizeof(buf) || memchr(in, '\0', len) != NULL)
		return -1;
	memcpy(buf, in, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, bin) == 1)
		return inet_ntop(AF_INET, bin, out, IPADDR_MAX_BYTES) ? 0 : -1;
	if (inet_pton(AF_INET6, buf, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, IPADDR_MAX_BYTES) ? 0 : -1;
	return -1;
}
