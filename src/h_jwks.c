/*
 * GET /.well-known/jwks.json (RFC 7517 §5): the public signing keys, serialised
 * once per key change by the keyring.
 */
#include <stdio.h>

#include "app.h"
#include "config.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"

void
h_jwks(struct app *a, struct req *r, struct resp *p)
{
	char	 cc[64];

	(void)r;
	if (!a->keyring.loaded) {
		oauth_err(p, OERR_UNAVAILABLE, NULL);
		return;
	}
	if (http_resp_text(p, 200, a->keyring.jwks, a->keyring.jwkslen) == -1) {
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		return;
	}
	snprintf(cc, sizeof(cc), "public, max-age=%d", a->cfg->jwks_max_age_sec);
	http_resp_header(p, "Content-Type", "application/jwk-set+json");
	http_resp_header(p, "Cache-Control", cc);
}
