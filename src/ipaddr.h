/*
 * ipaddr: the one spelling of an IP address, for the login failure
 * counters (a client address is their key, so two spellings of one
 * address must not count apart). Pure: inet_pton/inet_ntop only.
 */
#ifndef JWTMINT_IPADDR_H
#define JWTMINT_IPADDR_H

#include <stddef.h>

#define IPADDR_MAX_BYTES	46	/* INET6_ADDRSTRLEN */

/*
 * Parse len bytes of in, a dotted-quad IPv4 or an RFC 4291 IPv6 address
 * (no zone, no brackets, no port, no surrounding space), into its
 * canonical text (inet_ntop; RFC 5952 for IPv6) in out. Returns 0, or -1
 * when in is not exactly one address.
 */
int	ipaddr_canon(const char *in, size_t len, char out[IPADDR_MAX_BYTES]);

#endif
