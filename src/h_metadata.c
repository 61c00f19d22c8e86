/*
 * GET /.well-known/oauth-authorization-server (RFC 8414 §3): the document
 * app_new() built once from the configuration.
 */
#include <stdio.h>

#include "app.h"
#include "config.h"
#include "handlers.h"
#include "http.h"
#include "oauth_err.h"

void
h_metadata(struct app *a, struct req *r, struct resp *p)
{
	char	 cc[64];

	(void)r;
	if (http_resp_text(p, 200, a->metadata, a->metadatalen) == -1) {
		oauth_err(p, OERR_SERVER_ERROR, NULL);
		return;
	}
	snprintf(cc, sizeof(cc), "public, max-age=%d", a->cfg->jwks_max_age_sec);
	http_resp_header(p, "Content-Type", "application/json");
	http_resp_header(p, "Cache-Control", cc);
}
