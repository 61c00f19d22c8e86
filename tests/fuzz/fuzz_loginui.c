/*
 * fuzz_loginui: the language choice on arbitrary ui_locales and
 * Accept-Language bytes (split at the first NUL) always names a shipped
 * language, and a page built with those bytes as every shown value holds
 * no '<' that the page itself did not write (its tags are counted).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loginui.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
count(const char *s, char c)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loginui_page	 pg = { 0 };
	char			*a, *b, *page, *ref;
	size_t			 len, rlen;
	enum loginui_lang	 l;

	if ((a = malloc(size + 1)) == NULL)
		__builtin_trap();
	memcpy(a, data, size);
	a[size] = '\0';
	b = a + strlen(a) + (strlen(a) < size);
	l = loginui_lang_pick(a, b);
	if ((unsigned)l >= LOGINUI__LANGS)
		__builtin_trap();
	pg.lang = l;
	pg.token = "t";
	pg.error = -1;
	pg.app_name = pg.title = pg.org_name = pg.username = pg.session_user =
	    a;
	ref = loginui_page(&(struct loginui_page){ .lang = l, .token = "t",
	    .app_name = "x", .title = "x", .org_name = "x", .username = "x",
	    .session_user = "x", .error = -1 }, &rlen);
	page = loginui_page(&pg, &len);
	if (ref == NULL)
		__builtin_trap();
	if (page != NULL && (count(page, '<') != count(ref, '<') ||
	    count(page, '"') != count(ref, '"')))
		__builtin_trap();
	free(page);
	free(ref);
	free(a);
	return 0;
}
