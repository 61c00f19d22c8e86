/*
 * test_cookie: one cookie out of a Cookie header; a name sent twice or a
 * value too long is refused, never half-read.
 */
#include <string.h>

#include "cookie.h"
#include "t.h"

static const struct {
	const char	*hdr, *name;
	int		 want;
	const char	*val;
} rows[] = {
	{ "a=1; b=2", "b", 1, "2" },
	{ "a=1; b=2", "a", 1, "1" },
	{ "a=1;b=2", "b", 1, "2" },
	{ "a=1; b=2", "c", 0, "" },
	{ NULL, "a", 0, "" },
	{ "", "a", 0, "" },
	{ "ab=1; a=2", "a", 1, "2" },
	{ "a=1; a=2", "a", -1, "" },
	{ "A=1", "a", 0, "" },
	{ "a=\"x y\"", "a", 1, "x y" },
	{ "a=", "a", 1, "" },
	{ "a", "a", 0, "" },
	{ "a=1 ", "a", 1, "1" },
	{ "x=a=1", "a", 0, "" },
	{ "a=0123456789abcdef", "a", -1, "" },
	{ "__Host-s=v; s=w", "s", 1, "w" },
	{ "__Host-s=v; s=w", "__Host-s", 1, "v" },
};

int
main(void)
{
	char	out[16];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = cookie_find(rows[i].hdr, rows[i].name, out, sizeof(out));
		T_CHECK(rc == rows[i].want && strcmp(out, rows[i].val) == 0,
		    "cookie %s in \"%s\": %d \"%s\"", rows[i].name,
		    rows[i].hdr ? rows[i].hdr : "(none)", rc, out);
	}
	return t_done();
}
