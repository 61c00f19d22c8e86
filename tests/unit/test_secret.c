/*
 * test_secret: SHA-256 and HMAC-SHA-256 against published vectors (FIPS
 * 180-2, RFC 4231), the two-part HMAC split every way, constant-time
 * equality, the base64 decoder of configured secrets (both alphabets,
 * optional padding, hostile bytes) and secret files (first line only,
 * trailing whitespace, size limit, missing file, buffer wiped on failure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "secret.h"
#include "t.h"

static void
unhex(unsigned char *out, const char *hex)
{
	unsigned int	 b;

	for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
		sscanf(hex, "%2x", &b);
		*out++ = (unsigned char)b;
	}
}

static int
allzero(const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		if (*c++ != 0)
			return 0;
	return 1;
}

/* --- SHA-256 ------------------------------------------------------------- */

struct sha_vec {
	const char	*name;
	const char	*msg;
	const char	*hex;
};

static const struct sha_vec shas[] = {
	{ "FIPS 180-2 \"abc\"", "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "empty string", "",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "FIPS 180-2 two blocks",
	  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

static void
check_sha256(void)
{
	unsigned char	 got[SECRET_DIGEST_BYTES], want[SECRET_DIGEST_BYTES];
	size_t		 i;

	for (i = 0; i < sizeof(shas) / sizeof(shas[0]); i++) {
		unhex(want, shas[i].hex);
		memset(got, 0, sizeof(got));
		T_CHECK(secret_sha256(got, shas[i].msg, strlen(shas[i].msg)) == 0 &&
		    memcmp(got, want, sizeof(want)) == 0, "sha256 %s", shas[i].name);
	}
}

/* --- HMAC-SHA-256 -------------------------------------------------------- */

struct hmac_vec {
	const char	*name;
	const char	*keyhex;
	const char	*datahex;	/* NULL: data is text */
	const char	*data;
	const char	*hex;
};

#define AA20	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define AA131	AA20 AA20 AA20 AA20 AA20 AA20 "aaaaaaaaaaaaaaaaaaaaaa"

static const struct hmac_vec hmacs[] = {
	{ "RFC 4231 test case 1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  NULL, "Hi There",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 test case 2", "4a656665" /* "Jefe" */,
	  NULL, "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 test case 3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddd", NULL,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	/* Keys longer than SHA-256's 64-byte block are hashed first. */
	{ "RFC 4231 test case 6", AA131, NULL,
	  "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 test case 7", AA131, NULL,
	  "This is a test using a larger than block-size key and a larger "
	  "than block-size data. The key needs to be hashed before being used "
	  "by the HMAC algorithm.",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

static void
check_hmac(void)
{
	unsigned char	 key[160], data[160], got[32], want[32], other[32];
	size_t		 i, keylen, datalen, split;
	int		 ok;

	for (i = 0; i < sizeof(hmacs) / sizeof(hmacs[0]); i++) {
		keylen = strlen(hmacs[i].keyhex) / 2;
		unhex(key, hmacs[i].keyhex);
		if (hmacs[i].datahex != NULL) {
			datalen = strlen(hmacs[i].datahex) / 2;
			unhex(data, hmacs[i].datahex);
		} else {
			datalen = strlen(hmacs[i].data);
			memcpy(data, hmacs[i].data, datalen);
		}
		unhex(want, hmacs[i].hex);

		T_CHECK(secret_hmac(got, key, keylen, data, datalen, NULL, 0) == 0 &&
		    memcmp(got, want, 32) == 0, "hmac %s (a only, b NULL)",
		    hmacs[i].name);
		/* Every split of the message into a || b gives the same MAC. */
		ok = 1;
		for (split = 0; split <= datalen; split++) {
			memset(got, 0, sizeof(got));
			if (secret_hmac(got, key, keylen, data, split,
			    data + split, datalen - split) != 0 ||
			    memcmp(got, want, 32) != 0)
				ok = 0;
		}
		T_CHECK(ok, "hmac %s: all %zu splits of a || b agree",
		    hmacs[i].name, datalen + 1);
		/* Empty a, everything in b. */
		T_CHECK(secret_hmac(got, key, keylen, "", 0, data, datalen) == 0 &&
		    memcmp(got, want, 32) == 0, "hmac %s: a empty", hmacs[i].name);
		/* One bit of the key changes the MAC. */
		key[0] ^= 1;
		T_CHECK(secret_hmac(other, key, keylen, data, datalen, NULL, 0) == 0 &&
		    memcmp(other, want, 32) != 0, "hmac %s: key bit flipped differs",
		    hmacs[i].name);
		key[0] ^= 1;
	}
	/* b with bn 0 is ignored even when not NULL. */
	unhex(want, hmacs[1].hex);
	T_CHECK(secret_hmac(got, "Jefe", 4, "what do ya want for nothing?", 28,
	    "junk", 0) == 0 && memcmp(got, want, 32) == 0,
	    "hmac b ignored when bn == 0");
	/* Empty key is valid HMAC (RFC 2104 pads it). */
	T_CHECK(secret_hmac(got, "", 0, "x", 1, NULL, 0) == 0 &&
	    secret_hmac(other, "\0", 1, "x", 1, NULL, 0) == 0 &&
	    memcmp(got, other, 32) == 0,
	    "hmac empty key equals one zero byte (RFC 2104 padding)");
}

/* --- equal, wipe, random ------------------------------------------------- */

static void
check_equal_wipe_random(void)
{
	unsigned char	 a[32], b[32], r1[64], r2[64];
	size_t		 i;
	int		 ok;

	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	T_CHECK(secret_equal(a, b, sizeof(a)) == 1, "equal: same bytes");
	T_CHECK(secret_equal(a, b, 0) == 1, "equal: zero length");
	ok = 1;
	for (i = 0; i < sizeof(b); i++) {
		b[i] ^= 0x80;
		if (secret_equal(a, b, sizeof(a)) != 0)
			ok = 0;
		b[i] ^= 0x80;
	}
	T_CHECK(ok, "equal: one flipped bit at every position differs");
	b[31] ^= 1;
	T_CHECK(secret_equal(a, b, 31) == 1, "equal: only n bytes compared");

	secret_wipe(a, sizeof(a));
	T_CHECK(allzero(a, sizeof(a)), "wipe zeroes");
	secret_wipe(NULL, 10);
	secret_wipe(b, 0);
	T_CHECK(b[0] == 0x5a, "wipe NULL and zero length are no-ops");

	memset(r1, 0, sizeof(r1));
	memset(r2, 0, sizeof(r2));
	T_CHECK(secret_random(r1, sizeof(r1)) == 0 &&
	    secret_random(r2, sizeof(r2)) == 0 && memcmp(r1, r2, 64) != 0 &&
	    !allzero(r1, 64), "random: two draws differ");
	T_CHECK(secret_random(r1, 0) == 0, "random: zero bytes");
}

/* --- base64 -------------------------------------------------------------- */

struct b64_row {
	const char	*name;
	const char	*in;
	int		 want;		/* length or -1 */
	const char	*out;		/* expected bytes when want >= 0 */
	size_t		 dstsz;		/* 0: 64 */
};

static const struct b64_row b64s[] = {
	{ "empty", "", 0, "", 0 },
	{ "Zg== padded", "Zg==", 1, "f", 0 },
	{ "Zg unpadded", "Zg", 1, "f", 0 },
	{ "Zg= one pad", "Zg=", 1, "f", 0 },
	{ "Zm8=", "Zm8=", 2, "fo", 0 },
	{ "Zm9v", "Zm9v", 3, "foo", 0 },
	{ "Zm9vYmFy", "Zm9vYmFy", 6, "foobar", 0 },
	{ "std alphabet +/", "+/+/", 3, "\xfb\xff\xbf", 0 },
	{ "url alphabet -_", "-_-_", 3, "\xfb\xff\xbf", 0 },
	{ "url alphabet unpadded", "-_8", 2, "\xfb\xff", 0 },
	{ "AAAA zeros", "AAAA", 3, "\0\0\0", 0 },
	{ "fits exactly", "Zm9vYmFy", 6, "foobar", 6 },
	/* Hostile. */
	{ "one char", "Z", -1, NULL, 0 },
	{ "five chars", "Zm9vY", -1, NULL, 0 },
	{ "bad char !", "Zm9v!", -1, NULL, 0 },
	{ "space inside", "Zm 9v", -1, NULL, 0 },
	{ "leading space", " Zm9v", -1, NULL, 0 },
	{ "trailing newline", "Zm9v\n", -1, NULL, 0 },
	{ "CR", "Zm9v\r", -1, NULL, 0 },
	{ "padding in the middle", "Zg==Zm9v", -1, NULL, 0 },
	{ "'=' inside group", "Z=g=", -1, NULL, 0 },
	{ "dot", "Zm9.", -1, NULL, 0 },
	{ "high byte", "Zm9\xc3\xa9", -1, NULL, 0 },
	{ "DEL", "Zm9\x7f", -1, NULL, 0 },
	{ "dst too small", "Zm9vYmFy", -1, NULL, 5 },
	{ "dst of zero", "Zg", -1, NULL, 0xffff },	/* 0xffff: dstsz 0 */
};

static void
check_b64(void)
{
	unsigned char	 dst[64];
	size_t		 i, dstsz;
	int		 n, ok;

	for (i = 0; i < sizeof(b64s) / sizeof(b64s[0]); i++) {
		dstsz = b64s[i].dstsz == 0 ? sizeof(dst) :
		    b64s[i].dstsz == 0xffff ? 0 : b64s[i].dstsz;
		memset(dst, 0xee, sizeof(dst));
		n = secret_b64decode(dst, dstsz, b64s[i].in, strlen(b64s[i].in));
		ok = n == b64s[i].want;
		if (ok && n > 0)
			ok = memcmp(dst, b64s[i].out, (size_t)n) == 0;
		if (ok && (size_t)(n < 0 ? 0 : n) < sizeof(dst) && dstsz < sizeof(dst))
			ok = dst[dstsz] == 0xee;	/* no write past dstsz */
		T_CHECK(ok, "b64decode %s -> %d (got %d)", b64s[i].name,
		    b64s[i].want, n);
	}
	/* len bounds the read: "Zm9v!" with len 4. */
	T_CHECK(secret_b64decode(dst, sizeof(dst), "Zm9v!", 4) == 3 &&
	    memcmp(dst, "foo", 3) == 0, "b64decode reads only len chars");
	/* 32 random bytes, as a kek is written: round trip via OpenSSL. */
	{
		unsigned char	 raw[32];
		char		 enc[64];
		int		 el;

		secret_random(raw, sizeof(raw));
		el = EVP_EncodeBlock((unsigned char *)enc, raw, sizeof(raw));
		T_CHECK(el == 44 && secret_b64decode(dst, sizeof(dst), enc,
		    (size_t)el) == 32 && memcmp(dst, raw, 32) == 0,
		    "b64decode of OpenSSL EVP_EncodeBlock output (32 bytes)");
	}
}

/* --- secret files -------------------------------------------------------- */

static char	 tmpdir[] = "/tmp/test_secret.XXXXXX";

static const char *
write_tmp(const char *name, const char *data, size_t len)
{
	static char	 path[256];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "w")) == NULL)
		return path;
	fwrite(data, 1, len, f);
	fclose(f);
	return path;
}

struct file_row {
	const char	*name;
	const char	*data;
	size_t		 len;
	size_t		 bufsz;
	int		 want;
	const char	*out;
};

#define FR(name, lit, bufsz, want, out)	\
	{ name, lit, sizeof(lit) - 1, bufsz, want, out }

static const struct file_row files[] = {
	FR("one line with LF", "c2VjcmV0\n", 64, 8, "c2VjcmV0"),
	FR("no newline", "c2VjcmV0", 64, 8, "c2VjcmV0"),
	FR("CRLF", "c2VjcmV0\r\n", 64, 8, "c2VjcmV0"),
	FR("trailing spaces and tabs", "abc \t \t\n", 64, 3, "abc"),
	FR("trailing spaces, no newline", "abc   ", 64, 3, "abc"),
	FR("first line only", "first\nsecond\nthird\n", 64, 5, "first"),
	FR("leading space kept", "  abc\n", 64, 5, "  abc"),
	FR("inner space kept", "a b\n", 64, 3, "a b"),
	FR("empty file", "", 64, 0, ""),
	FR("only a newline", "\n", 64, 0, ""),
	FR("only whitespace", " \t \n", 64, 0, ""),
	FR("exactly bufsz - 1 bytes", "1234567", 8, 7, "1234567"),
	/* Hostile. */
	FR("bufsz bytes: too long", "12345678", 8, -1, NULL),
	FR("far too long", "0123456789012345678901234567890123456789", 8, -1, NULL),
	FR("bufsz 1", "a", 1, -1, NULL),
	FR("bufsz 0", "a", 0, -1, NULL),
};

static void
check_files(void)
{
	char		 buf[64];
	const char	*path;
	size_t		 i;
	int		 n, ok;

	if (mkdtemp(tmpdir) == NULL) {
		T_CHECK(0, "mkdtemp");
		return;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path = write_tmp("f", files[i].data, files[i].len);
		memset(buf, 'Z', sizeof(buf));
		n = secret_read_file(path, buf, files[i].bufsz);
		ok = n == files[i].want;
		if (ok && n >= 0)
			ok = strcmp(buf, files[i].out) == 0;
		if (ok && n < 0 && files[i].bufsz >= 2)
			ok = allzero(buf, files[i].bufsz);	/* wiped */
		T_CHECK(ok, "read_file %s -> %d (got %d)", files[i].name,
		    files[i].want, n);
		unlink(path);
	}
	snprintf(buf, sizeof(buf), "%s/missing", tmpdir);
	T_CHECK(secret_read_file(buf, buf, sizeof(buf)) == -1,
	    "read_file missing file -> -1");
	T_CHECK(secret_read_file(tmpdir, buf, sizeof(buf)) == -1 &&
	    allzero(buf, sizeof(buf)), "read_file a directory -> -1, wiped");
	rmdir(tmpdir);
}

/*
 * secret_hmac against OpenSSL's own HMAC (EVP_Q_mac), an independent
 * implementation: every key length 0..200 (below, at and above the 64-byte
 * block) with messages of 0..300 bytes, and the same key twice in a row
 * (the digest context is reused between calls).
 */
static void
check_hmac_vs_openssl(void)
{
	unsigned char	 key[200], msg[300], got[32], want[32];
	size_t		 kl, ml, wl;
	int		 ok = 1, n = 0;

	for (kl = 0; kl < sizeof(key); kl++)
		key[kl] = (unsigned char)(kl * 7 + 1);
	for (ml = 0; ml < sizeof(msg); ml++)
		msg[ml] = (unsigned char)(ml * 13 + 5);
	for (kl = 0; kl <= sizeof(key); kl++) {
		ml = (kl * 37) % (sizeof(msg) + 1);
		if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, kl, msg, ml,
		    want, sizeof(want), &wl) == NULL || wl != 32) {
			ok = 0;
			break;
		}
		if (secret_hmac(got, key, kl, msg, ml / 2, msg + ml / 2,
		    ml - ml / 2) != 0 || memcmp(got, want, 32) != 0 ||
		    secret_hmac(got, key, kl, msg, ml, NULL, 0) != 0 ||
		    memcmp(got, want, 32) != 0)
			ok = 0;
		n++;
	}
	T_CHECK(ok && n == 201, "hmac equals OpenSSL's HMAC for key lengths "
	    "0..200 (%d keys)", n);
}

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/*
 * secret_unique: 20,000 ids of 16 bytes (over 300 pool refills) all
 * distinct; and after fork() the child's next id differs from the
 * parent's (a pool copied into the child would hand out the same bytes).
 */
static void
check_unique(void)
{
	static unsigned char	 ids[20000][16];
	unsigned char		 mine[16], child[16];
	size_t			 i;
	int			 ok = 1, fd[2], st;
	pid_t			 pid;

	for (i = 0; i < 20000; i++)
		if (secret_unique(ids[i], 16) != 0)
			ok = 0;
	qsort(ids, 20000, 16, cmp16);
	for (i = 1; i < 20000; i++)
		if (memcmp(ids[i - 1], ids[i], 16) == 0)
			ok = 0;
	T_CHECK(ok, "unique: 20000 ids, all distinct");

	secret_unique(mine, 16);	/* the pool is partly used */
	if (pipe(fd) != 0 || (pid = fork()) == -1) {
		T_CHECK(0, "unique: fork");
		return;
	}
	if (pid == 0) {
		close(fd[0]);
		if (secret_unique(child, 16) != 0 ||
		    write(fd[1], child, 16) != 16)
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	memset(child, 0, sizeof(child));
	ok = read(fd[0], child, 16) == 16;
	close(fd[0]);
	waitpid(pid, &st, 0);
	T_CHECK(ok && secret_unique(mine, 16) == 0 &&
	    memcmp(mine, child, 16) != 0, "unique: a forked child draws "
	    "other bytes than its parent");
	T_CHECK(secret_unique(ids, 2000) == 0, "unique: more than the pool "
	    "at once");
}

int
main(void)
{
	check_unique();
	check_hmac_vs_openssl();
	check_sha256();
	check_hmac();
	check_equal_wipe_random();
	check_b64();
	check_files();
	return t_done();
}
