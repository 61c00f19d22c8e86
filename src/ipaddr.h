/*
 * ipaddr: the one spelling of an IP address, for the login failure
 * counters (a client address is their key, so two spellings of one
 * address must not count apart), and the key those counters use. Pure:
 * inet_pton/inet_ntop only.
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

/*
 * The key of per-address limits (login failures, the login page's rate)
 * for the same input: an IPv4 address (an IPv4-mapped IPv6 one included)
 * is itself; an IPv6 address is its /64, "2001:db8:1:2::/64", since one
 * client usually holds a whole /64 (RFC 6177) and could step through it
 * address by address. Returns 0, or -1 as ipaddr_canon.
 */
int	ipaddr_limit_key(const char *in, size_t len, char out[IPADDR_MAX_BYTES]);

#endif
