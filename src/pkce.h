/*
 * pkce: Proof Key for Code Exchange (RFC 7636), S256 only (RFC 9700
 * §2.1.1: "plain" is refused wherever a method is named). Pure: OpenSSL
 * only.
 */
#ifndef JWTMINT_PKCE_H
#define JWTMINT_PKCE_H

#include <stddef.h>

#define PKCE_CHALLENGE_LEN	43	/* base64url of SHA-256 */
#define PKCE_VERIFIER_MIN	43	/* RFC 7636 §4.1 */
#define PKCE_VERIFIER_MAX	128

/* 1 when s is an S256 challenge (43 base64url characters), else 0. */
int	pkce_challenge_valid(const char *s);

/* 1 when s is a code_verifier (43..128 of A-Z a-z 0-9 - . _ ~), else 0. */
int	pkce_verifier_valid(const char *s);

/* out = BASE64URL(SHA256(verifier)). Returns 0 or -1. */
int	pkce_s256(const char *verifier, char out[PKCE_CHALLENGE_LEN + 1]);

/*
 * 1 when verifier is valid and its S256 is challenge, compared in constant
 * time; else 0.
 */
int	pkce_check(const char *verifier, const char *challenge);

#endif
