/*
 * refresh: opaque refresh tokens (RFC 6749 §1.5, RFC 9700 §4.14).
 *
 *   jmr_<43 characters: base64url of 256 random bits>
 *
 * Only SHA-256 of the whole string is stored. The successor of a token (what
 * a refresh returns) is derived, not random: HMAC-SHA-256(successor key,
 * token). A client that lost the response and retries within the grace
 * window (HMAC over "successor:" || token, to keep the use apart from any
 * other) is therefore answered with the same successor without any secret
 * being kept in the clear; after the window the same presentation is reuse.
 * The successor key is derived from the pepper, so every host derives the
 * same successor.
 * A code's exchange (authcode.h) returns the token chosen when the code was
 * made: its 256 bits are kept with the code masked,
 *
 *   mask = bits XOR HMAC-SHA-256(pepper, REFRESH_CODE_LABEL || code)
 *
 * so that only the one who presents the code, and only while its row keeps
 * the mask (the exchange that consumes the code clears it), recovers it:
 * neither the database (a replica, a backup, the WAL, a statement log) nor
 * a code seen in a URL, nor both together, give the token without the
 * pepper, which is never in the database.
 * Pure: OpenSSL only.
 */
#ifndef JWTMINT_REFRESH_H
#define JWTMINT_REFRESH_H

#include <stddef.h>

#define REFRESH_PREFIX		"jmr_"
#define REFRESH_LEN		47	/* 4 + 43 */
#define REFRESH_DIGEST_BYTES	32
#define REFRESH_MASK_HEX	64	/* the mask as lower-case hex */
#define REFRESH_CODE_LABEL	"jwtmint refresh mask:"

/* A fresh token into out. Returns 0 or -1. */
int	refresh_generate(char out[REFRESH_LEN + 1]);

/* 1 when s (len bytes) has the form of a refresh token, else 0. */
int	refresh_valid(const char *s, size_t len);

/* out = SHA-256 of the token string. Returns 0 or -1. */
int	refresh_digest(const char *tok, unsigned char out[REFRESH_DIGEST_BYTES]);

/* The digest as the lower-case hex the statements take. Returns 0 or -1. */
int	refresh_digest_hex(const char *tok,
	    char hex[2 * REFRESH_DIGEST_BYTES + 1]);

/* The successor of tok under key. Returns 0 or -1. */
int	refresh_successor(const char *tok, const unsigned char *key,
	    size_t keylen, char out[REFRESH_LEN + 1]);

/*
 * The mask of token tok for code (a string of at most 64 bytes) under
 * pepper (keylen > 0) into hex. Returns 0, or -1 (tok malformed, code too
 * long, no key: hex is "").
 */
int	refresh_code_mask(const char *tok, const char *code,
	    const unsigned char *pepper, size_t keylen,
	    char hex[REFRESH_MASK_HEX + 1]);

/*
 * The token masked by hex (REFRESH_MASK_HEX hex digits, either case) for
 * code under pepper into out. Returns 0, or -1 (out is "").
 */
int	refresh_code_unmask(const char *hex, const char *code,
	    const unsigned char *pepper, size_t keylen,
	    char out[REFRESH_LEN + 1]);

#endif
