/*
 * test_urlbuild: the redirect of an authorization answer keeps the
 * registered URI's query, encodes every value so that it stays one
 * parameter, and refuses what it cannot build whole; the CSP origin of a
 * redirect URI holds nothing a CSP list would misread.
 */
#include <string.h>

#include "t.h"
#include "urlbuild.h"

int
main(void)
{
	char		 dst[256];
	const char	*names[3] = { "code", "state", "iss" };
	const char	*vals[3] = { "abc_-", "x y&z=1#f?/", "https://id.example" };
	const char	*nostate[3] = { "abc", NULL, "https://i" };
	int		 n;

	n = urlbuild_redirect(dst, sizeof(dst), "https://app.example/cb",
	    names, vals, 3);
	T_CHECK(n > 0 && strcmp(dst, "https://app.example/cb?code=abc_-&"
	    "state=x%20y%26z%3D1%23f%3F%2F&iss=https%3A%2F%2Fid.example") == 0,
	    "urlbuild every value encoded: %s", dst);
	urlbuild_redirect(dst, sizeof(dst), "https://a/cb?x=1", names, nostate,
	    3);
	T_CHECK(strcmp(dst, "https://a/cb?x=1&code=abc&iss=https%3A%2F%2Fi") ==
	    0, "urlbuild an existing query kept, a NULL value skipped: %s",
	    dst);
	urlbuild_redirect(dst, sizeof(dst), "https://a/cb?", names, nostate, 3);
	T_CHECK(strcmp(dst, "https://a/cb?code=abc&iss=https%3A%2F%2Fi") == 0,
	    "urlbuild an empty query: %s", dst);
	urlbuild_redirect(dst, sizeof(dst), "com.example.app:/cb", names,
	    nostate, 1);
	T_CHECK(strcmp(dst, "com.example.app:/cb?code=abc") == 0,
	    "urlbuild private-use scheme: %s", dst);
	T_CHECK(urlbuild_redirect(dst, sizeof(dst), "https://a/cb#f", names,
	    vals, 3) == -1 && dst[0] == '\0', "urlbuild a fragment refused");
	T_CHECK(urlbuild_redirect(dst, 30, "https://app.example/cb", names,
	    vals, 3) == -1 && dst[0] == '\0', "urlbuild too long: refused "
	    "whole");
	T_CHECK(urlbuild_redirect(dst, sizeof(dst), "https://a/", names, vals,
	    0) == -1, "urlbuild no pair");
	vals[1] = "\xc3\xa9\n";
	urlbuild_redirect(dst, sizeof(dst), "https://a/", names, vals, 2);
	T_CHECK(strcmp(dst, "https://a/?code=abc_-&state=%C3%A9%0A") == 0,
	    "urlbuild UTF-8 and controls encoded: %s", dst);

	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https://App.Example:8443/cb?x")
	    > 0 && strcmp(dst, "https://app.example:8443") == 0,
	    "origin https with port, lower-cased: %s", dst);
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "HTTPS://A.Example:443/x")
	    > 0 && strcmp(dst, "https://a.example") == 0,
	    "origin: https default port left out, as a browser's Origin: %s",
	    dst);
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "http://127.0.0.1:80")
	    > 0 && strcmp(dst, "http://127.0.0.1") == 0,
	    "origin: http default port left out: %s", dst);
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "http://a.example:443/")
	    > 0 && strcmp(dst, "http://a.example:443") == 0,
	    "origin: 443 kept for http: %s", dst);
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https://a.example:4430/")
	    > 0 && strcmp(dst, "https://a.example:4430") == 0,
	    "origin: 4430 kept: %s", dst);
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https://[::1]:443/")
	    > 0 && strcmp(dst, "https://[::1]") == 0,
	    "origin: IPv6 default port left out: %s", dst);
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "http://h:80:80/") == -1,
	    "origin: two ports refused (fuzz_urlbuild)");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "http://h:8x/") == -1,
	    "origin: a port of digits only");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https://[::1]x/") == -1,
	    "origin: nothing but a port after an IPv6 literal");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "http://127.0.0.1:5000/cb")
	    > 0 && strcmp(dst, "http://127.0.0.1:5000") == 0, "origin loopback");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "http://[::1]:5000/cb")
	    > 0 && strcmp(dst, "http://[::1]:5000") == 0, "origin IPv6");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "com.example.app:/cb") > 0 &&
	    strcmp(dst, "com.example.app:") == 0, "origin private-use scheme");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https://a.example;"
	    "script-src *") == -1, "origin ';' refused");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https://a.example "
	    "https://evil") == -1, "origin space refused");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https://u@a.example/") ==
	    -1, "origin userinfo refused");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "https:///x") == -1,
	    "origin no host");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "/portal/x/") == -1,
	    "origin no scheme");
	T_CHECK(urlbuild_origin(dst, sizeof(dst), "1https://a/") == -1,
	    "origin scheme starts with a digit");
	T_CHECK(urlbuild_origin(dst, 10, "https://a.example/") == -1,
	    "origin does not fit");
	return t_done();
}
