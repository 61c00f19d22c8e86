/*
 * GET /admin/openapi.json: the OpenAPI 3.1 document of the admin and
 * platform APIs (docs/openapi.json, embedded at build time). It describes
 * and holds nothing of any organization, so it needs no credential.
 */
#include "adminapi.h"
#include "http.h"
#include "openapi.h"

void
h_admin_openapi(struct adminapi *x)
{
	http_resp_header(x->p, "Content-Type", "application/json");
	http_resp_header(x->p, "Cache-Control", "no-store");
	http_resp_text(x->p, 200, openapi_json, openapi_json_len);
}
