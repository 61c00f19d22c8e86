/*
 * test_webhook: the anomaly webhook's pure parts (src/webhook.h): the URL
 * grammar (hostile rows first), the signature against a vector computed
 * with Python's hmac module, the retry schedule, the status line.
 */
#include <string.h>

#include "t.h"
#include "webhook.h"

static const struct {
	const char	*url;
	int		 ok, tls, port;
	const char	*host, *path;
} urls[] = {
	{ "", 0, 0, 0, NULL, NULL },
	{ "ftp://example.com/", 0, 0, 0, NULL, NULL },
	{ "http://", 0, 0, 0, NULL, NULL },
	{ "https://", 0, 0, 0, NULL, NULL },
	{ "http:///x", 0, 0, 0, NULL, NULL },
	{ "http://user:pw@example.com/", 0, 0, 0, NULL, NULL },
	{ "http://example.com@evil.test/", 0, 0, 0, NULL, NULL },
	{ "http://exa mple.com/", 0, 0, 0, NULL, NULL },
	{ "http://example.com/a b", 0, 0, 0, NULL, NULL },
	{ "http://example.com/#frag", 0, 0, 0, NULL, NULL },
	{ "http://example.com\\@evil/", 0, 0, 0, NULL, NULL },
	{ "http://example.com:0/", 0, 0, 0, NULL, NULL },
	{ "http://example.com:65536/", 0, 0, 0, NULL, NULL },
	{ "http://example.com:/", 0, 0, 0, NULL, NULL },
	{ "http://example.com:8a/", 0, 0, 0, NULL, NULL },
	{ "http://example.com:1234567/", 0, 0, 0, NULL, NULL },
	{ "http://-a.example/", 0, 0, 0, NULL, NULL },
	{ "http://a-.example/", 0, 0, 0, NULL, NULL },
	{ "http://a..b/", 0, 0, 0, NULL, NULL },
	{ "http://.a/", 0, 0, 0, NULL, NULL },
	{ "http://a./", 0, 0, 0, NULL, NULL },
	{ "http://[::1/", 0, 0, 0, NULL, NULL },
	{ "http://[zz::1]/", 0, 0, 0, NULL, NULL },
	{ "http://[]/", 0, 0, 0, NULL, NULL },
	{ "http://[::1]x/", 0, 0, 0, NULL, NULL },
	{ "http://a_b.example/", 0, 0, 0, NULL, NULL },
	{ "http://example.com/\x01", 0, 0, 0, NULL, NULL },
	{ "http://example.com/\xc3\xa9", 0, 0, 0, NULL, NULL },
	{ "HTTP://example.com/", 0, 0, 0, NULL, NULL },
	{ "http://example.com", 1, 0, 80, "example.com", "/" },
	{ "https://hooks.example.com/jwtmint?x=1", 1, 1, 443,
	    "hooks.example.com", "/jwtmint?x=1" },
	{ "http://127.0.0.1:8099/hook", 1, 0, 8099, "127.0.0.1", "/hook" },
	{ "http://[::1]:9/h", 1, 0, 9, "::1", "/h" },
	{ "https://[2001:db8::1]/", 1, 1, 443, "2001:db8::1", "/" },
	{ "http://example.com?q", 1, 0, 80, "example.com", "/?q" },
	{ "http://localhost:65535/", 1, 0, 65535, "localhost", "/" },
};

int
main(void)
{
	struct webhook_url	 u;
	char			 sig[WEBHOOK_SIG_HEADER_BYTES], big[2048];
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		rc = webhook_url_parse(urls[i].url, strlen(urls[i].url), &u);
		T_CHECK((rc == 0) == urls[i].ok, "url %zu parses: %d", i,
		    urls[i].ok);
		if (rc == 0 && urls[i].ok)
			T_CHECK(u.tls == urls[i].tls && u.port == urls[i].port &&
			    strcmp(u.host, urls[i].host) == 0 &&
			    strcmp(u.path, urls[i].path) == 0,
			    "url %zu: %d %s %d %s", i, u.tls, u.host, u.port,
			    u.path);
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "http://x/", 9);
	T_CHECK(webhook_url_parse(big, 1025, &u) == -1, "url over 1024 bytes");
	T_CHECK(webhook_url_parse("http://x/ab", 9, &u) == 0 &&
	    strcmp(u.path, "/") == 0, "url: only len bytes read");

	/* python3 -c 'import hmac,hashlib;print(hmac.new(b"s3cret",
	 *   b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest())' */
	T_CHECK(webhook_sign((const unsigned char *)"s3cret", 6, 1700000000,
	    "{\"a\":1}", 7, sig) == 0 && strcmp(sig, "t=1700000000,v1="
	    "1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940") == 0, "signature vector: %s", sig);
	T_CHECK(webhook_sign((const unsigned char *)"", 0, 1, "", 0, sig) == -1,
	    "signature: an empty secret is refused");
	T_CHECK(webhook_sign((const unsigned char *)"k", 1, -1, "", 0, sig) == -1,
	    "signature: a negative time is refused");

	T_CHECK(webhook_backoff_sec(1, 30, 3600) == 30, "backoff 1");
	T_CHECK(webhook_backoff_sec(2, 30, 3600) == 60, "backoff 2");
	T_CHECK(webhook_backoff_sec(5, 30, 3600) == 480, "backoff 5");
	T_CHECK(webhook_backoff_sec(8, 30, 3600) == 3600, "backoff 8 capped");
	T_CHECK(webhook_backoff_sec(1000000, 30, 3600) == 3600,
	    "backoff: a huge attempt stays capped");
	T_CHECK(webhook_backoff_sec(0, 0, 0) == 1, "backoff: at least 1 s");
	T_CHECK(webhook_backoff_sec(3, 1, 60) == 4, "backoff base 1");

	T_CHECK(webhook_status("HTTP/1.1 204 No Content\r\n", 25) == 204,
	    "status 204");
	T_CHECK(webhook_status("HTTP/1.0 302 Found\r\n", 20) == 302,
	    "status 302");
	T_CHECK(webhook_status("HTTP/1.1 200\r\n", 14) == 200,
	    "status without a reason");
	T_CHECK(webhook_status("HTTP/1.1 200 OK", 15) == -1,
	    "status: no line end yet");
	T_CHECK(webhook_status("HTTP/2 200 OK\r\n", 15) == -1, "status: HTTP/2");
	T_CHECK(webhook_status("HTTP/1.1 099 x\r\n", 16) == -1, "status 099");
	T_CHECK(webhook_status("HTTP/1.1 600 x\r\n", 16) == -1, "status 600");
	T_CHECK(webhook_status("HTTP/1.1 2x0 x\r\n", 16) == -1, "status 2x0");
	T_CHECK(webhook_status("HTTP/1.1 2000 x\r\n", 17) == -1, "status 2000");
	T_CHECK(webhook_status("", 0) == -1, "status: empty");
	return t_done();
}
