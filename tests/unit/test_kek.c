/*
 * test_kek: AES-256-GCM seal and open of signing keys. Round trips of every
 * size class, then hostile blobs: wrong kek, wrong or moved aad, every bit
 * of a short blob flipped, every truncation, an extra byte, foreign version
 * bytes, swapped nonces, short output buffers. A refused open never leaves
 * plaintext in the output buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kek.h"
#include "secret.h"
#include "t.h"

#define MAXPT	65536
#define SENTINEL 0xa5

static unsigned char	 kek[KEK_KEY_BYTES];

static int
allzero(const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		if (*c++ != 0)
			return 0;
	return 1;
}

/*
 * After a refused open, every byte of out is either not written (the
 * sentinel) or wiped (zero): never a plaintext byte, which fill_pt() makes
 * neither.
 */
static int
no_plaintext(const unsigned char *out, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (out[i] != SENTINEL && out[i] != 0)
			return 0;
	return 1;
}

/* Plaintext whose bytes are never 0 nor the sentinel. */
static void
fill_pt(unsigned char *pt, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		pt[i] = (unsigned char)(1 + i % 97);
}

static void
check_roundtrip(void)
{
	static const size_t	 sizes[] = { 0, 1, 15, 16, 17, 32, 121, 1217,
	    4096, MAXPT };
	unsigned char		*pt, *blob, *out;
	size_t			 i, bl, ol;
	int			 rc;

	pt = malloc(MAXPT + 1);
	blob = malloc(MAXPT + 1 + KEK_OVERHEAD);
	out = malloc(MAXPT + 1);
	if (pt == NULL || blob == NULL || out == NULL) {
		T_CHECK(0, "malloc");
		goto out;
	}
	fill_pt(pt, MAXPT + 1);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		bl = ol = 0;
		rc = kek_seal(blob, sizes[i] + KEK_OVERHEAD, &bl, kek, "kid|ES256", 9,
		    pt, sizes[i]);
		T_CHECK(rc == 0 && bl == sizes[i] + KEK_OVERHEAD && blob[0] == 1,
		    "seal %zu bytes: length %zu, version 1", sizes[i],
		    sizes[i] + KEK_OVERHEAD);
		T_CHECK(sizes[i] < 16 || memmem(blob, bl, pt, 16) == NULL,
		    "seal %zu bytes: no plaintext run in the blob", sizes[i]);
		memset(out, SENTINEL, MAXPT + 1);
		rc = kek_open(out, sizes[i], &ol, kek, "kid|ES256", 9, blob, bl);
		T_CHECK(rc == 0 && ol == sizes[i] && memcmp(out, pt, ol) == 0 &&
		    out[sizes[i]] == SENTINEL, "open %zu bytes round trip, no "
		    "write past outsz", sizes[i]);
	}
	T_CHECK(kek_seal(blob, MAXPT + 1 + KEK_OVERHEAD, &bl, kek, "a", 1, pt,
	    MAXPT + 1) == -1, "seal over 65536 bytes -> -1");
	/* An open of a blob that claims more than 65536 bytes. */
	memset(blob, 0, MAXPT + 1 + KEK_OVERHEAD);
	blob[0] = 1;
	T_CHECK(kek_open(out, MAXPT + 1, &ol, kek, "a", 1, blob,
	    MAXPT + 1 + KEK_OVERHEAD) == -1, "open of a 65537-byte body -> -1");

	/* aad may be empty (NULL, 0), and then it must be empty again. */
	T_CHECK(kek_seal(blob, 64, &bl, kek, NULL, 0, pt, 16) == 0 &&
	    kek_open(out, 16, &ol, kek, NULL, 0, blob, bl) == 0 &&
	    memcmp(out, pt, 16) == 0, "empty aad round trip");
	memset(out, SENTINEL, 16);
	T_CHECK(kek_open(out, 16, &ol, kek, "x", 1, blob, bl) == -1 &&
	    no_plaintext(out, 16), "sealed without aad, opened with aad -> -1");
out:
	free(pt);
	free(blob);
	free(out);
}

static void
check_hostile(void)
{
	unsigned char	 pt[16], blob[16 + KEK_OVERHEAD + 1], bad[sizeof(blob)];
	unsigned char	 out[64], kek2[KEK_KEY_BYTES], blob2[sizeof(blob)];
	size_t		 bl, bl2, ol, i, bit;
	int		 ok, okw;
	static const char aad[] = "kid-1|ES256";

	fill_pt(pt, sizeof(pt));
	if (kek_seal(blob, sizeof(blob), &bl, kek, aad, sizeof(aad) - 1, pt,
	    sizeof(pt)) != 0 || bl != sizeof(pt) + KEK_OVERHEAD) {
		T_CHECK(0, "seal short blob");
		return;
	}

	/* Wrong kek: every single-bit change of the key. */
	ok = 1;
	for (bit = 0; bit < KEK_KEY_BYTES * 8; bit++) {
		memcpy(kek2, kek, sizeof(kek2));
		kek2[bit / 8] ^= (unsigned char)(1 << bit % 8);
		memset(out, SENTINEL, sizeof(out));
		if (kek_open(out, sizeof(out), &ol, kek2, aad, sizeof(aad) - 1,
		    blob, bl) != -1 || !no_plaintext(out, sizeof(out)))
			ok = 0;
	}
	T_CHECK(ok, "open with any one-bit-different kek -> -1, no plaintext");
	/* Decrypted bytes were written and then wiped: zeros, not garbage. */
	memcpy(kek2, kek, sizeof(kek2));
	kek2[0] ^= 1;
	memset(out, SENTINEL, sizeof(out));
	T_CHECK(kek_open(out, sizeof(out), &ol, kek2, aad, sizeof(aad) - 1,
	    blob, bl) == -1 && allzero(out, sizeof(pt)),
	    "refused open wipes the bytes it decrypted");

	/* Wrong aad: another kid, another alg, a prefix, one more byte. */
	{
		static const char *const aads[] = { "kid-2|ES256", "kid-1|RS256",
		    "kid-1|ES25", "kid-1|ES2566", "", "KID-1|ES256" };

		for (i = 0; i < sizeof(aads) / sizeof(aads[0]); i++) {
			memset(out, SENTINEL, sizeof(out));
			T_CHECK(kek_open(out, sizeof(out), &ol, kek, aads[i],
			    strlen(aads[i]), blob, bl) == -1 &&
			    no_plaintext(out, sizeof(out)),
			    "open with aad \"%s\" -> -1, no plaintext", aads[i]);
		}
	}

	/* Every bit of the blob flipped, one at a time. */
	for (i = 0; i < bl; i++) {
		ok = okw = 1;
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, blob, bl);
			bad[i] ^= (unsigned char)(1 << bit);
			memset(out, SENTINEL, sizeof(out));
			if (kek_open(out, sizeof(out), &ol, kek, aad,
			    sizeof(aad) - 1, bad, bl) != -1)
				ok = 0;
			if (!no_plaintext(out, sizeof(out)))
				okw = 0;
		}
		T_CHECK(ok && okw, "byte %zu (%s) with any bit flipped -> -1, "
		    "no plaintext", i, i == 0 ? "version" : i < 13 ? "nonce" :
		    i < bl - 16 ? "ciphertext" : "tag");
	}

	/* Every truncation, and one byte more. */
	ok = 1;
	for (i = 0; i < bl; i++) {
		memset(out, SENTINEL, sizeof(out));
		if (kek_open(out, sizeof(out), &ol, kek, aad, sizeof(aad) - 1,
		    blob, i) != -1 || !no_plaintext(out, sizeof(out)))
			ok = 0;
	}
	T_CHECK(ok, "every truncation 0..%zu -> -1, no plaintext", bl - 1);
	memcpy(bad, blob, bl);
	bad[bl] = 0;
	memset(out, SENTINEL, sizeof(out));
	T_CHECK(kek_open(out, sizeof(out), &ol, kek, aad, sizeof(aad) - 1, bad,
	    bl + 1) == -1 && no_plaintext(out, sizeof(out)),
	    "one byte appended -> -1");
	/* The tag moved: the last byte dropped from the ciphertext. */
	memcpy(bad, blob, bl);
	memmove(bad + bl - 17, bad + bl - 16, 16);
	T_CHECK(kek_open(out, sizeof(out), &ol, kek, aad, sizeof(aad) - 1, bad,
	    bl - 1) == -1, "ciphertext byte removed before the tag -> -1");

	/* Version bytes other than 1. */
	{
		static const unsigned char vers[] = { 0, 2, 3, 0x7f, 0x80, 0xff };

		for (i = 0; i < sizeof(vers); i++) {
			memcpy(bad, blob, bl);
			bad[0] = vers[i];
			memset(out, SENTINEL, sizeof(out));
			T_CHECK(kek_open(out, sizeof(out), &ol, kek, aad,
			    sizeof(aad) - 1, bad, bl) == -1 &&
			    no_plaintext(out, sizeof(out)),
			    "version byte %u -> -1", vers[i]);
		}
	}

	/* Output buffers one byte short. */
	memset(out, SENTINEL, sizeof(out));
	T_CHECK(kek_open(out, sizeof(pt) - 1, &ol, kek, aad, sizeof(aad) - 1,
	    blob, bl) == -1 && no_plaintext(out, sizeof(out)),
	    "open with outsz one short -> -1, no plaintext");
	T_CHECK(kek_open(out, 0, &ol, kek, aad, sizeof(aad) - 1, blob, bl) == -1,
	    "open with outsz 0 -> -1");
	T_CHECK(kek_seal(bad, sizeof(pt) + KEK_OVERHEAD - 1, &bl2, kek, aad,
	    sizeof(aad) - 1, pt, sizeof(pt)) == -1,
	    "seal with outsz one short -> -1");

	/* Two seals of one plaintext differ, in nonce and in ciphertext. */
	T_CHECK(kek_seal(blob2, sizeof(blob2), &bl2, kek, aad, sizeof(aad) - 1,
	    pt, sizeof(pt)) == 0 && bl2 == bl && memcmp(blob, blob2, bl) != 0 &&
	    memcmp(blob + 1, blob2 + 1, 12) != 0 &&
	    memcmp(blob + 13, blob2 + 13, sizeof(pt)) != 0,
	    "two seals of the same plaintext differ (random nonce)");
	/* Nonce of one blob with the body of the other. */
	memcpy(bad, blob, bl);
	memcpy(bad + 1, blob2 + 1, 12);
	memset(out, SENTINEL, sizeof(out));
	T_CHECK(kek_open(out, sizeof(out), &ol, kek, aad, sizeof(aad) - 1, bad,
	    bl) == -1 && no_plaintext(out, sizeof(out)),
	    "nonce swapped between two blobs -> -1");
	/* Tag of one blob with the body of the other. */
	memcpy(bad, blob, bl);
	memcpy(bad + bl - 16, blob2 + bl - 16, 16);
	T_CHECK(kek_open(out, sizeof(out), &ol, kek, aad, sizeof(aad) - 1, bad,
	    bl) == -1, "tag swapped between two blobs -> -1");
	/* Both still open. */
	T_CHECK(kek_open(out, sizeof(out), &ol, kek, aad, sizeof(aad) - 1, blob,
	    bl) == 0 && kek_open(out + 32, 32, &ol, kek, aad, sizeof(aad) - 1,
	    blob2, bl2) == 0 && memcmp(out, out + 32, 16) == 0 &&
	    memcmp(out, pt, 16) == 0, "both seals open to the same plaintext");
}

int
main(void)
{
	secret_random(kek, sizeof(kek));
	check_roundtrip();
	check_hostile();
	return t_done();
}
