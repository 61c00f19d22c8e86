/*
 * GET /admin/openapi.json: the OpenAPI 3.1 document of the admin API
 * (docs/openapi.json, embedded at build time: src/openapi.h). Public, as
 * the API's shape is no secret; every endpoint it describes authenticates.
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
