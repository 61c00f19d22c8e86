/*
 * test_redirecturi: registration rules and exact matching of redirect URIs
 * (src/redirecturi.h), hostile rows first.
 */
#include <string.h>

#include "redirecturi.h"
#include "t.h"

#define S	REDIRECTURI_SPA
#define N	REDIRECTURI_NATIVE
#define C	REDIRECTURI_CLI

static const struct {
	const char		*uri;
	enum redirecturi_type	 t;
	int			 ok;
} valid[] = {
	/* hostile */
	{ "", S, -1 },
	{ "https://app.example.com/cb#frag", S, -1 },
	{ "https://app.example.com/cb#", S, -1 },
	{ "https://*.example.com/cb", S, -1 },
	{ "https://app.example.com/*", S, -1 },
	{ "https://user@app.example.com/cb", S, -1 },
	{ "https://user:pw@app.example.com/cb", S, -1 },
	{ "https://app.example.com@evil.example/cb", S, -1 },
	{ "http://app.example.com/cb", S, -1 },
	{ "http://127.0.0.1:8080/cb", S, -1 },
	{ "javascript:alert(1)", N, -1 },
	{ "javascript://%0aalert(1)", N, -1 },
	{ "data:text/html,x", N, -1 },
	{ "file:///etc/passwd", N, -1 },
	{ "HTTPS://app.example.com/cb", S, -1 },
	{ "https://App.Example.com/cb", S, -1 },
	{ "https://app.example.com", S, -1 },
	{ "https://app.example.com?x=1", S, -1 },
	{ "https://app.example.com/a b", S, -1 },
	{ "https://app.example.com/a\tb", S, -1 },
	{ "https://app.example.com/\xc3\xa9", S, -1 },
	{ "https://app.example.com/%zz", S, -1 },
	{ "https://app.example.com/%4", S, -1 },
	{ "https://app.example.com/a/../b", S, -1 },
	{ "https://app.example.com/a/./b", S, -1 },
	{ "https://app.example.com/a/%2e%2E/b", S, -1 },
	{ "https://app.example.com/a/.%2e", S, -1 },
	{ "https://app.example.com/..", S, -1 },
	{ "https://app.example.com\\@evil.example/", S, -1 },
	{ "https://app.example.com:0/cb", S, -1 },
	{ "https://app.example.com:65536/cb", S, -1 },
	{ "https://app.example.com:0443/cb", S, -1 },
	{ "https://app.example.com:/cb", S, -1 },
	{ "https://app.example.com:x/cb", S, -1 },
	{ "https:///cb", S, -1 },
	{ "https:/app.example.com/cb", S, -1 },
	{ "https://-app.example.com/cb", S, -1 },
	{ "https://app..example.com/cb", S, -1 },
	{ "https://[::1]/cb", S, -1 },
	{ "https://localhost/cb", S, -1 },
	{ "http://localhost:8080/cb", N, -1 },
	{ "http://127.0.0.2:8080/cb", N, -1 },
	{ "http://127.0.0.1.evil.example/cb", N, -1 },
	{ "http://[::2]:8080/cb", N, -1 },
	{ "http://[::1:8080/cb", N, -1 },
	{ "http://127.0.0.1:8080", N, -1 },
	{ "com.example.app://callback", N, -1 },
	{ "myapp:/callback", N, -1 },
	{ "com.example.app:callback", N, -1 },
	{ "com.example.app:/callback", S, -1 },
	{ "com.example.app:/callback", C, -1 },
	{ "Com.example.app:/callback", N, -1 },
	{ "https://app.example.com/<script>", S, -1 },
	/* good */
	{ "https://app.example.com/cb", S, 0 },
	{ "https://app.example.com/", S, 0 },
	{ "https://app.example.com:8443/cb?x=1&y=%20", S, 0 },
	{ "https://app.example.com/a.b/c..d/", S, 0 },
	{ "https://app.example.com/cb", N, 0 },
	{ "http://127.0.0.1:8080/cb", N, 0 },
	{ "http://127.0.0.1/cb", C, 0 },
	{ "http://[::1]:53682/callback", C, 0 },
	{ "com.example.app:/callback", N, 0 },
	{ "com.example.app:/oauth2redirect/example-provider", N, 0 },
};

static const struct {
	const char		*reg;
	const char		*pres;
	enum redirecturi_type	 t;
	int			 ok;
} match[] = {
	/* hostile */
	{ "https://app.example.com/cb", "https://evil.example/cb", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com:8443/cb", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com/cb/x", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com/c", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com/cb?x=1", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com/cb#x", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com/CB", S, 0 },
	{ "https://app.example.com/cb", "https://APP.example.com/cb", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com/%63b", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com/cb/", S, 0 },
	{ "https://app.example.com/cb", "https://u@app.example.com/cb", S, 0 },
	{ "https://app.example.com/cb", "https://app.example.com.evil.example/cb", S, 0 },
	{ "https://app.example.com/cb", "http://app.example.com/cb", S, 0 },
	{ "https://app.example.com/cb", "", S, 0 },
	{ "https://app.example.com:8443/cb", "https://app.example.com:9443/cb", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:9090/cb", S, 0 },
	{ "http://127.0.0.1:8080/cb", "http://[::1]:8080/cb", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:9090/cb/x", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:9090/cb?x", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://u@127.0.0.1:9090/cb", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:0/cb", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:99999/cb", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://localhost:8080/cb", N, 0 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:8080/cb#f", N, 0 },
	{ "com.example.app:/cb", "com.example.app:/cb/", N, 0 },
	{ "com.example.app:/cb", "com.example.evil:/cb", N, 0 },
	/* good */
	{ "https://app.example.com/cb", "https://app.example.com/cb", S, 1 },
	{ "https://app.example.com/cb?a=1", "https://app.example.com/cb?a=1", S, 1 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:8080/cb", N, 1 },
	{ "http://127.0.0.1:8080/cb", "http://127.0.0.1:53682/cb", N, 1 },
	{ "http://127.0.0.1/cb", "http://127.0.0.1:53682/cb", C, 1 },
	{ "http://[::1]/cb", "http://[::1]:1/cb", C, 1 },
	{ "com.example.app:/cb", "com.example.app:/cb", N, 1 },
};

static const struct {
	const char	*uri;
	const char	*origin;	/* NULL: none */
} origins[] = {
	{ "http://127.0.0.1:8080/cb", NULL },
	{ "com.example.app:/cb", NULL },
	{ "https://u@a.example/cb", NULL },
	{ "https://app.example.com/cb", "https://app.example.com" },
	{ "https://app.example.com:443/cb", "https://app.example.com" },
	{ "https://app.example.com:8443/cb?x", "https://app.example.com:8443" },
};

int
main(void)
{
	char		 buf[REDIRECTURI_ORIGIN_BYTES];
	const char	*why;
	size_t		 i;
	int		 rc;
	char		 longuri[REDIRECTURI_MAX_BYTES + 64];

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		why = NULL;
		rc = redirecturi_valid(valid[i].uri, strlen(valid[i].uri),
		    valid[i].t, &why);
		T_CHECK(rc == valid[i].ok && (rc == 0 || why != NULL),
		    "valid %s \"%s\" -> %d (%s)", redirecturi_type_name(valid[i].t),
		    valid[i].uri, rc, rc ? why : "ok");
	}
	/* A NUL inside, and the length bound. */
	T_CHECK(redirecturi_valid("https://a.example/\0x", 20, S, &why) == -1,
	    "embedded NUL refused");
	memcpy(longuri, "https://a.example/", 18);
	memset(longuri + 18, 'a', sizeof(longuri) - 19);
	longuri[sizeof(longuri) - 1] = '\0';
	T_CHECK(redirecturi_valid(longuri, strlen(longuri), S, &why) == -1,
	    "over %d bytes refused", REDIRECTURI_MAX_BYTES);
	longuri[REDIRECTURI_MAX_BYTES] = '\0';
	T_CHECK(redirecturi_valid(longuri, strlen(longuri), S, &why) == 0,
	    "%d bytes accepted", REDIRECTURI_MAX_BYTES);

	for (i = 0; i < sizeof(match) / sizeof(match[0]); i++)
		T_CHECK(redirecturi_match(match[i].reg, match[i].pres,
		    match[i].t) == match[i].ok, "match %s \"%s\" ~ \"%s\" = %d",
		    redirecturi_type_name(match[i].t), match[i].reg,
		    match[i].pres, match[i].ok);
	T_CHECK(redirecturi_match(NULL, "https://a.example/", S) == 0,
	    "NULL registered never matches");

	for (i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
		rc = redirecturi_origin(origins[i].uri, buf, sizeof(buf));
		T_CHECK(origins[i].origin == NULL ? rc == -1 :
		    rc == 0 && strcmp(buf, origins[i].origin) == 0,
		    "origin of %s", origins[i].uri);
	}
	T_CHECK(redirecturi_origin("https://app.example.com/cb", buf, 10) == -1,
	    "origin: small buffer refused");

	T_CHECK(redirecturi_resolve("https://id.example/", "/portal/acme/", buf,
	    sizeof(buf)) == 0 && strcmp(buf,
	    "https://id.example/portal/acme/") == 0, "resolve a portal path");
	T_CHECK(redirecturi_resolve("https://id.example", "https://a.example/cb",
	    buf, sizeof(buf)) == 0 && strcmp(buf, "https://a.example/cb") == 0,
	    "resolve leaves a URI");
	T_CHECK(redirecturi_resolve("https://id.example", "/p/", buf, 8) == -1,
	    "resolve: small buffer refused");
	T_CHECK(redirecturi_type_from_name("spa") == REDIRECTURI_SPA &&
	    redirecturi_type_from_name("portal") == REDIRECTURI_PORTAL &&
	    redirecturi_type_from_name("web") == -1, "type names");
	return t_done();
}
