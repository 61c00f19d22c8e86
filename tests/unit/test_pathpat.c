/*
 * test_pathpat: route patterns of the admin API, hostile paths first.
 */
#include <string.h>

#include "pathpat.h"
#include "t.h"

static const struct {
	const char	*pat, *path;
	int		 want;
	const char	*cap;		/* the first capture when matched */
} rows[] = {
	{ "/admin/keys/{id}", "/admin/keys/", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys//", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/abc/", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/..", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/.", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/a%2Fb", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/a b", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/a\nb", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/\xc3\xa9", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keysx/abc", 0, NULL },
	{ "/admin/keys/{id}", "admin/keys/abc", 0, NULL },
	{ "/admin/keys/{id}", "/admin/keys/abc/roll", 0, NULL },
	{ "/admin/keys", "/admin/keys/", 0, NULL },
	{ "/admin/keys", "/admin/key", 0, NULL },
	{ "/admin/keys", "/admin/keyss", 0, NULL },
	{ "/admin/keys", "//admin/keys", 0, NULL },
	{ "/admin/keys", "/admin/keys", 1, NULL },
	{ "/admin/keys/{id}", "/admin/keys/abcdefghijklmnop", 1,
	    "abcdefghijklmnop" },
	{ "/admin/keys/{id}/roll", "/admin/keys/abc/roll", 1, "abc" },
	{ "/admin/keys/{id}/roll", "/admin/keys/abc/rolls", 0, NULL },
	{ "/admin/users/{username}", "/admin/users/a.b+c@x-y_z", 1,
	    "a.b+c@x-y_z" },
	{ "/admin/users/{username}", "/admin/users/...", 1, "..." },
	{ "/a/{x}/{y}/{z}", "/a/1/2/3", 0, NULL },
};

int
main(void)
{
	struct pathpat_captures	 c;
	char			 longseg[PATHPAT_MAX_SEG_BYTES + 32];
	size_t			 i;
	int			 m;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		m = pathpat_match(rows[i].pat, rows[i].path, &c);
		T_CHECK(m == rows[i].want && (m == 0 ? c.n == 0 :
		    rows[i].cap == NULL || (c.n >= 1 &&
		    strcmp(c.value[0], rows[i].cap) == 0)),
		    "%s ~ %s: %d", rows[i].pat, rows[i].path, rows[i].want);
	}
	m = pathpat_match("/r/{a}/x/{b}", "/r/one/x/two", &c);
	T_CHECK(m == 1 && c.n == 2 && strcmp(pathpat_get(&c, "a"), "one") == 0 &&
	    strcmp(pathpat_get(&c, "b"), "two") == 0 &&
	    pathpat_get(&c, "c") == NULL, "two captures by name");

	memcpy(longseg, "/k/", 3);
	memset(longseg + 3, 'a', PATHPAT_MAX_SEG_BYTES);
	longseg[3 + PATHPAT_MAX_SEG_BYTES] = '\0';
	T_CHECK(pathpat_match("/k/{id}", longseg, &c) == 1,
	    "a segment of %d bytes", PATHPAT_MAX_SEG_BYTES);
	longseg[3 + PATHPAT_MAX_SEG_BYTES] = 'a';
	longseg[4 + PATHPAT_MAX_SEG_BYTES] = '\0';
	T_CHECK(pathpat_match("/k/{id}", longseg, &c) == 0,
	    "a segment of %d bytes", PATHPAT_MAX_SEG_BYTES + 1);
	return t_done();
}
