/*
 * test_loginui: the language choice (ui_locales first, then the highest
 * q of Accept-Language among the shipped languages, English by default),
 * colours only as #rrggbb, and a page that shows hostile values escaped.
 */
#include <stdlib.h>
#include <string.h>

#include "loginui.h"
#include "t.h"

static const struct {
	const char	*ui, *al;
	int		 want;
} langs[] = {
	{ NULL, NULL, LOGINUI_EN },
	{ "fr", NULL, LOGINUI_FR },
	{ "de fr-CA en", NULL, LOGINUI_FR },
	{ "de", "fr", LOGINUI_FR },
	{ "en", "fr", LOGINUI_EN },
	{ NULL, "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5", LOGINUI_FR },
	{ NULL, "en;q=0.5, fr;q=0.8", LOGINUI_FR },
	{ NULL, "en, fr", LOGINUI_EN },
	{ NULL, "fr;q=0, en;q=0.1", LOGINUI_EN },
	{ NULL, "fr;q=0", LOGINUI_EN },
	{ NULL, "fr;q=2", LOGINUI_EN },
	{ NULL, "fr;q=0.12345", LOGINUI_EN },
	{ NULL, "FR", LOGINUI_FR },
	{ NULL, "de-DE,de;q=0.9", LOGINUI_EN },
	{ NULL, ",,;;q=,", LOGINUI_EN },
	{ NULL, "fra", LOGINUI_EN },
	{ "f", "f;q=1", LOGINUI_EN },
};

int
main(void)
{
	struct loginui_page	 pg = { 0 };
	const char		*cols[3] = { "#000000", "red;}body{x:y", "#ABCDEF" };
	char			*s;
	size_t			 i, len;

	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		T_CHECK((int)loginui_lang_pick(langs[i].ui, langs[i].al) ==
		    langs[i].want, "lang ui_locales=%s Accept-Language=%s",
		    langs[i].ui ? langs[i].ui : "-", langs[i].al ?
		    langs[i].al : "-");
	T_CHECK(loginui_lang_parse("fr") == LOGINUI_FR &&
	    loginui_lang_parse("xx") == -1 && loginui_lang_parse(NULL) == -1,
	    "lang parse");
	for (i = 0; i < LOGINUI__LANGS; i++) {
		int	 s2, all = 1;

		for (s2 = 0; s2 < LS__MAX; s2++)
			all &= loginui_str((enum loginui_lang)i,
			    (enum loginui_str)s2)[0] != '\0';
		T_CHECK(all, "every string translated in %s",
		    loginui_lang_code((enum loginui_lang)i));
	}

	T_CHECK(loginui_color_ok("#0a1b2c"), "colour ok");
	T_CHECK(!loginui_color_ok("#0A1B2C") && !loginui_color_ok("red") &&
	    !loginui_color_ok("#0a1b2") && !loginui_color_ok("#0a1b2c;") &&
	    !loginui_color_ok("#0a1b2g") && !loginui_color_ok(NULL) &&
	    !loginui_color_ok("#fff}a{"), "colours refused");
	s = loginui_css(cols, &len);
	T_CHECK(s != NULL && strstr(s, "--bg:#000000;") != NULL &&
	    strstr(s, "red") == NULL && strstr(s, "--fg:#1d2330;") != NULL &&
	    strstr(s, "#ABCDEF") == NULL && len == strlen(s),
	    "css: bad colours replaced by the defaults");
	free(s);

	pg.lang = LOGINUI_FR;
	pg.title = "<title>";
	pg.org_name = "Acme & \"Co\"";
	pg.css_href = "/login.css?org=org_x";
	pg.app_name = "<script>alert(1)</script>";
	pg.scope = "read:accounts <b>x</b>";
	pg.token = "tok\"en";
	pg.username = "a'b";
	pg.session_user = "<i>u</i>";
	pg.error = LS_WRONG;
	s = loginui_page(&pg, &len);
	T_CHECK(s != NULL && strstr(s, "<script") == NULL &&
	    strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL &&
	    strstr(s, "<li>&lt;b&gt;x&lt;/b&gt;</li>") != NULL &&
	    strstr(s, "<li>read:accounts</li>") != NULL &&
	    strstr(s, "value=\"tok&quot;en\"") != NULL &&
	    strstr(s, "value=\"a&#39;b\"") != NULL &&
	    strstr(s, "&lt;i&gt;u&lt;/i&gt;") != NULL &&
	    strstr(s, "Acme &amp; &quot;Co&quot;") != NULL &&
	    strstr(s, "<title>&lt;title&gt;</title>") != NULL &&
	    strstr(s, "lang=\"fr\"") != NULL &&
	    strstr(s, "Continuer en tant que") != NULL &&
	    strstr(s, "style=") == NULL && strstr(s, "<style") == NULL,
	    "page: every value escaped, French, no inline style");
	free(s);
	pg.app_name = NULL;
	pg.scope = "";
	pg.session_user = NULL;
	pg.error = -1;
	s = loginui_page(&pg, &len);
	T_CHECK(s != NULL && strstr(s, "(aucune autorisation)") != NULL &&
	    strstr(s, "Continuer") == NULL, "page without scope or session");
	free(s);
	s = loginui_error(LOGINUI_EN, LS_BAD_REDIRECT, NULL, &len);
	T_CHECK(s != NULL && strstr(s, "did not register") != NULL,
	    "error page");
	free(s);
	return t_done();
}
