/*
 * ipaddr: canonical IP address text, see ipaddr.h.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ipaddr.h"

/* in (len bytes) as an address: AF_INET or AF_INET6 in bin, or -1. */
static int
parse(const char *in, size_t len, unsigned char bin[16])
{
	char	 buf[IPADDR_MAX_BYTES];

	/* Bounded, NUL-free copy: inet_pton reads a C string. */
	if (len == 0 || len >= sizeof(buf) || memchr(in, '\0', len) != NULL)
		return -1;
	memcpy(buf, in, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, bin) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, buf, bin) == 1)
		return AF_INET6;
	return -1;
}

int
ipaddr_canon(const char *in, size_t len, char out[IPADDR_MAX_BYTES])
{
	unsigned char	 bin[16];
	int		 af;

	if ((af = parse(in, len, bin)) == -1)
		return -1;
	return inet_ntop(af, bin, out, IPADDR_MAX_BYTES) ? 0 : -1;
}

int
ipaddr_limit_key(const char *in, size_t len, char out[IPADDR_MAX_BYTES])
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0xff, 0xff };
	unsigned char	 bin[16];
	size_t		 n;
	int		 af;

	if ((af = parse(in, len, bin)) == -1)
		return -1;
	if (af == AF_INET)
		return inet_ntop(AF_INET, bin, out, IPADDR_MAX_BYTES) ? 0 : -1;
	if (memcmp(bin, v4mapped, sizeof(v4mapped)) == 0)
		return inet_ntop(AF_INET, bin + 12, out, IPADDR_MAX_BYTES) ?
		    0 : -1;
	memset(bin + 8, 0, 8);
	if (inet_ntop(AF_INET6, bin, out, IPADDR_MAX_BYTES) == NULL ||
	    (n = strlen(out)) + 4 > IPADDR_MAX_BYTES - 1)
		return -1;
	memcpy(out + n, "/64", 4);
	return 0;
}
