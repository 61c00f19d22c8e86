/*
 * /platform/: the platform operator's HTTP surface, served only on the
 * platform listener (platform_listen), never on the public one: the worker
 * marks a request by the socket it arrived on (route.c keeps the two route
 * tables apart), so nothing a client or a web server sends can reach it
 * from the public side.
 *
 * Every request presents the platform credential (platform_credential_file)
 * as Authorization: Bearer; it is compared as a SHA-256 digest, in constant
 * time. Prometheus presents it the same way (credentials_file).
 */
#include <string.h>
#include <strings.h>

#include "app.h"
#include "config.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"
#include "platform.h"
#include "secret.h"

int
platform_auth(const struct config *cfg, const struct req *r)
{
	unsigned char	 d[SECRET_DIGEST_BYTES];
	const char	*h = r->authorization;
	int		 ok;

	if (!r->platform || !cfg->has_platform || h == NULL ||
	    strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) == 0 ||
	    strlen(h + 7) > CONFIG_PLATFORM_CRED_MAX ||
	    secret_sha256(d, h + 7, strlen(h + 7)) == -1)
		return 0;
	ok = secret_equal(d, cfg->platform_digest, sizeof(d));
	secret_wipe(d, sizeof(d));
	return ok;
}

void
h_platform(struct app *a, struct req *r, struct resp *p)
{
	platform_dispatch(a, r, p);
}
