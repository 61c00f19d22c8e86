/*
 * test_b64url: RFC 4648 §10 vectors in the URL-safe alphabet, the '-' and
 * '_' characters, and every shape of non-canonical or foreign input.
 */
#include <string.h>

#include "b64url.h"
#include "t.h"

struct vec {
	const char	*raw;
	size_t		 rawlen;
	const char	*enc;
};

#define V(raw, enc)	{ raw, sizeof(raw) - 1, enc }

static const struct vec vecs[] = {
	/* RFC 4648 §10, padding removed (RFC 7515 §2). */
	V("", ""),
	V("f", "Zg"),
	V("fo", "Zm8"),
	V("foo", "Zm9v"),
	V("foob", "Zm9vYg"),
	V("fooba", "Zm9vYmE"),
	V("foobar", "Zm9vYmFy"),
	/* 62 and 63 are '-' and '_' (RFC 4648 §5), where base64 has + and /. */
	V("\xfb\xff", "-_8"),
	V("\xfb\xef\xbe", "----"),
	V("\xff\xff\xff", "____"),
	V("\x00", "AA"),
	V("\x00\x00\x00", "AAAA"),
	V("\x03\xe0", "A-A"),
	/* RFC 7515 appendix C. */
	V("\x03\xec\xff\xe0\xc1", "A-z_4ME"),
	/* RFC 7515 §3.1 JOSE Header. */
	V("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}",
	    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"),
};

struct bad {
	const char	*name;
	const char	*enc;
};

static const struct bad bads[] = {
	{ "padding Zg==", "Zg==" },
	{ "padding Zm8=", "Zm8=" },
	{ "padding alone ====", "====" },
	{ "padding in the middle", "Zg==Zm9v" },
	{ "'+' from standard base64", "-+8" },
	{ "'/' from standard base64", "-_/" },
	{ "'+' in a full group", "Zm+v" },
	{ "space", "Zm 9v Zg" },
	{ "leading space", " Zm9vYm" },
	{ "trailing newline", "Zm9\n" },
	{ "CRLF inside", "Zm\r\n9v" },
	{ "tab", "Zm9v\tZm9" },
	{ "dot", "Zm9." },
	{ "len%4==1 (1)", "Z" },
	{ "len%4==1 (5)", "Zm9vY" },
	{ "len%4==1 (9)", "Zm9vYmFyZ" },
	{ "non-canonical Zh (Zg is canonical)", "Zh" },
	{ "non-canonical Zv", "Zv" },
	{ "non-canonical Zm9 (Zm8 is canonical)", "Zm9" },
	{ "non-canonical Zm_", "Zm_" },
	{ "non-canonical AB", "AB" },
	{ "non-canonical AAB", "AAB" },
	{ "high bit byte", "Zm\xc3\xa9" },
	{ "DEL", "Zm9\x7f" },
};

static void
roundtrip(void)
{
	unsigned char	 raw[256], back[256];
	char		 enc[512];
	size_t		 i;
	int		 n, ok = 1;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)i;
	for (i = 0; i <= sizeof(raw); i++) {
		n = b64url_encode(enc, sizeof(enc), raw, i);
		if (n != (int)B64URL_ENCLEN(i) || strlen(enc) != (size_t)n ||
		    strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
		    "rstuvwxyz0123456789-_") != (size_t)n) {
			ok = 0;
			break;
		}
		if (b64url_decode(back, sizeof(back), enc, n) != (int)i ||
		    memcmp(back, raw, i) != 0) {
			ok = 0;
			break;
		}
	}
	T_CHECK(ok, "b64url round trip of every length 0..256 (stopped at %zu)",
	    i);
}

int
main(void)
{
	unsigned char	 out[64];
	char		 enc[64];
	size_t		 i, n;
	int		 r;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		n = strlen(vecs[i].enc);
		r = b64url_encode(enc, sizeof(enc),
		    (const unsigned char *)vecs[i].raw, vecs[i].rawlen);
		T_CHECK(r == (int)n && strcmp(enc, vecs[i].enc) == 0,
		    "b64url encode \"%s\"", vecs[i].enc);
		T_CHECK(B64URL_ENCLEN(vecs[i].rawlen) == n,
		    "B64URL_ENCLEN(%zu) == %zu", vecs[i].rawlen, n);
		r = b64url_decode(out, sizeof(out), vecs[i].enc, n);
		T_CHECK(r == (int)vecs[i].rawlen &&
		    memcmp(out, vecs[i].raw, vecs[i].rawlen) == 0,
		    "b64url decode \"%s\"", vecs[i].enc);
	}

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		T_CHECK(b64url_decode(out, sizeof(out), bads[i].enc,
		    strlen(bads[i].enc)) == -1, "b64url rejects %s",
		    bads[i].name);

	/* The length bounds the read: NUL is just another bad byte. */
	T_CHECK(b64url_decode(out, sizeof(out), "Zm9v\0Zm9", 8) == -1,
	    "b64url rejects embedded NUL");
	T_CHECK(b64url_decode(out, sizeof(out), "Zm9vYmFy", 4) == 3 &&
	    memcmp(out, "foo", 3) == 0, "b64url decodes only len bytes");

	/* Destination sizes: exact fits, one short. */
	T_CHECK(b64url_encode(enc, 9, (const unsigned char *)"foobar", 6) == 8,
	    "b64url encode into exactly ENCLEN + 1");
	T_CHECK(b64url_encode(enc, 8, (const unsigned char *)"foobar", 6) == -1,
	    "b64url encode dst too small (no room for NUL)");
	T_CHECK(b64url_encode(enc, 0, (const unsigned char *)"", 0) == -1,
	    "b64url encode dstsz 0");
	T_CHECK(b64url_encode(enc, 1, (const unsigned char *)"", 0) == 0 &&
	    enc[0] == '\0', "b64url encode empty into 1 byte");
	T_CHECK(b64url_encode(enc, 3, (const unsigned char *)"f", 1) == 2,
	    "b64url encode \"f\" into 3 bytes");
	T_CHECK(b64url_encode(enc, 2, (const unsigned char *)"f", 1) == -1,
	    "b64url encode \"f\" into 2 bytes");
	T_CHECK(b64url_decode(out, 6, "Zm9vYmFy", 8) == 6,
	    "b64url decode into exactly 6");
	T_CHECK(b64url_decode(out, 5, "Zm9vYmFy", 8) == -1,
	    "b64url decode dst too small (full group)");
	T_CHECK(b64url_decode(out, 4, "Zm9vYmE", 7) == -1,
	    "b64url decode dst too small (partial group)");
	T_CHECK(b64url_decode(out, 0, "Zg", 2) == -1,
	    "b64url decode dstsz 0");
	T_CHECK(b64url_decode(NULL, 0, "", 0) == 0,
	    "b64url decode empty into nothing");

	roundtrip();
	return t_done();
}
