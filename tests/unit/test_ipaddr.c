/*
 * test_ipaddr: one spelling per address; everything that is not exactly
 * one address is refused; the limits' key is the address, or its /64.
 */
#include <string.h>

#include "ipaddr.h"
#include "t.h"

static const struct {
	const char	*in;
	const char	*want;		/* NULL: refused */
} rows[] = {
	{ "192.0.2.1", "192.0.2.1" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "2001:db8::1", "2001:db8::1" },
	{ "2001:DB8:0:0:0:0:0:1", "2001:db8::1" },	/* RFC 5952 */
	{ "2001:0db8:0000::0001", "2001:db8::1" },
	{ "::1", "::1" },
	{ "::", "::" },
	{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
	/* hostile */
	{ "", NULL },
	{ " 192.0.2.1", NULL },
	{ "192.0.2.1 ", NULL },
	{ "192.0.2.1\n", NULL },
	{ "192.0.2", NULL },
	{ "192.0.2.256", NULL },
	{ "192.0.2.1.5", NULL },
	{ "0x7f.0.0.1", NULL },
	{ "010.0.0.1", NULL },
	{ "192.0.2.1:80", NULL },
	{ "[2001:db8::1]", NULL },
	{ "2001:db8::1%eth0", NULL },
	{ "2001:db8:::1", NULL },
	{ "1:2:3:4:5:6:7:8:9", NULL },
	{ "localhost", NULL },
	{ "192.0.2.1/24", NULL },
	{ "1111111111111111111111111111111111111111111111111111", NULL },
};

/* The per-address limits' key. */
static const struct {
	const char	*in;
	const char	*want;		/* NULL: refused */
} keys[] = {
	{ "192.0.2.1", "192.0.2.1" },
	{ "::ffff:192.0.2.1", "192.0.2.1" },		/* the IPv4 client */
	{ "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64" },
	{ "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64" },
	{ "2001:DB8:0001:0002::1", "2001:db8:1:2::/64" },
	{ "2001:db8::1", "2001:db8::/64" },
	{ "::1", "::/64" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::/64" },
	{ "fe80::1%eth0", NULL },
	{ "2001:db8::/64", NULL },
	{ "", NULL },
	{ "192.0.2.1/32", NULL },
};

int
main(void)
{
	char	 out[IPADDR_MAX_BYTES];
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(out, 'x', sizeof(out));
		rc = ipaddr_canon(rows[i].in, strlen(rows[i].in), out);
		if (rows[i].want == NULL)
			T_CHECK(rc == -1, "\"%s\" refused", rows[i].in);
		else
			T_CHECK(rc == 0 && strcmp(out, rows[i].want) == 0,
			    "\"%s\" -> %s (got %d %.46s)", rows[i].in,
			    rows[i].want, rc, rc == 0 ? out : "");
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		memset(out, 'x', sizeof(out));
		rc = ipaddr_limit_key(keys[i].in, strlen(keys[i].in), out);
		if (keys[i].want == NULL)
			T_CHECK(rc == -1, "key of \"%s\" refused", keys[i].in);
		else
			T_CHECK(rc == 0 && strcmp(out, keys[i].want) == 0,
			    "key of \"%s\" -> %s (got %d %.46s)", keys[i].in,
			    keys[i].want, rc, rc == 0 ? out : "");
	}
	T_CHECK(ipaddr_canon("192.0.2.1\0junk", 14, out) == -1,
	    "embedded NUL refused");
	T_CHECK(ipaddr_canon("192.0.2.1junk", 9, out) == 0 &&
	    strcmp(out, "192.0.2.1") == 0, "only len bytes are read");
	return t_done();
}
