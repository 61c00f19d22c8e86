/*
 * fuzz_config: config_parse on arbitrary text, with no environment and with
 * a fixed one. It returns 0 or -1; on -1 err is NUL-terminated inside
 * CONFIG_ERR_BYTES and not empty; on 0 every integer is inside its
 * key's range, every string field is NUL-terminated inside its field, the
 * algorithm is one of three and the issuer an http(s) URL without a
 * trailing slash. A violated invariant traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define IN(v, lo, hi)	((v) >= (lo) && (v) <= (hi))
#define TERM(f)		(memchr((f), '\0', sizeof(f)) != NULL)

static const char *
fixed_env(const char *name)
{
	if (strcmp(name, "JWTMINT_DATABASE_URL") == 0)
		return "host=/tmp";
	if (strcmp(name, "JWTMINT_WORKERS") == 0)
		return "4";
	return NULL;
}

static void
check(const struct config *c, int rc, const char *err)
{
	size_t	 n;

	if (rc != 0 && rc != -1)
		__builtin_trap();
	if (rc == -1) {
		if (memchr(err, '\0', CONFIG_ERR_BYTES) == NULL ||
		    err[0] == '\0')
			__builtin_trap();
		return;
	}
	if (!TERM(c->source) || !TERM(c->database_url) ||
	    !TERM(c->database_password_file) || !TERM(c->kek_file) ||
	    !TERM(c->pepper_file) || !TERM(c->issuer) || !TERM(c->audiences) ||
	    !TERM(c->signing_alg) || !TERM(c->scopes_supported) ||
	    !TERM(c->default_org) || !TERM(c->listen) || !TERM(c->verify_algs))
		__builtin_trap();
	if (c->database_url[0] == '\0' || c->audiences[0] == '\0')
		__builtin_trap();
	if (strcmp(c->signing_alg, "ES256") != 0 &&
	    strcmp(c->signing_alg, "RS256") != 0 &&
	    strcmp(c->signing_alg, "HS256") != 0)
		__builtin_trap();
	n = strlen(c->issuer);
	if ((strncmp(c->issuer, "https://", 8) != 0 &&
	    strncmp(c->issuer, "http://", 7) != 0) || c->issuer[n - 1] == '/')
		__builtin_trap();
	if (!IN(c->database_timeout_ms, 100, 60000) ||
	    !IN(c->access_ttl_sec, 60, 3600) ||
	    !IN(c->max_body_bytes, 256, 1048576) ||
	    !IN(c->jwks_max_age_sec, 0, 86400) || !IN(c->workers, 1, 256) ||
	    !IN(c->last_used_flush_sec, 1, 3600))
		__builtin_trap();
	if (c->pepperlen != 0 || c->database_password[0] != '\0')
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 c;
	char			 err[CONFIG_ERR_BYTES];
	int			 rc;

	memset(err, 'E', sizeof(err));
	rc = config_parse(&c, "fuzz.conf", (const char *)data, size, NULL, err);
	check(&c, rc, err);
	memset(err, 'E', sizeof(err));
	rc = config_parse(&c, "fuzz.conf", (const char *)data, size, fixed_env,
	    err);
	check(&c, rc, err);
	if (rc == 0 && c.workers != 4)
		__builtin_trap();
	return 0;
}
