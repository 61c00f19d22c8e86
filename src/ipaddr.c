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
ipaddr_client(const char *in, size_t len, unsigned char out[16])
{
	/* The /96 prefixes that carry an IPv4 client in their last 32 bits. */
	static const unsigned char v4in6[][12] = {
		{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff },	/* mapped */
		{ 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0 },	/* SIIT */
		{ 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 },	/* NAT64 */
	};
	size_t	 i;
	int	 af;

	if ((af = parse(in, len, out)) == -1)
		return -1;
	if (af == AF_INET)
		return 4;
	for (i = 0; i < sizeof(v4in6) / sizeof(v4in6[0]); i++)
		if (memcmp(out, v4in6[i], sizeof(v4in6[i])) == 0) {
			memmove(out, out + 12, 4);
			return 4;
		}
	return 6;
}

int
ipaddr_limit_key(const char *in, size_t len, char out[IPADDR_MAX_BYTES])
{
	unsigned char	 bin[16];
	size_t		 n;
	int		 v;

	if ((v = ipaddr_client(in, len, bin)) == -1)
		return -1;
	if (v == 4)
		return inet_ntop(AF_INET, bin, out, IPADDR_MAX_BYTES) ? 0 : -1;
	memset(bin + 8, 0, 8);
	if (inet_ntop(AF_INET6, bin, out, IPADDR_MAX_BYTES) == NULL ||
	    (n = strlen(out)) + 4 > IPADDR_MAX_BYTES - 1)
		return -1;
	memcpy(out + n, "/64", 4);
	return 0;
}
