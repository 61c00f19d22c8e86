/*
 * The /platform/ operations: each row a method, a path and the adapter
 * over its operation (src/ops_*.c). A path not in the table is 404, a
 * known path with another method 405.
 */
#include <string.h>

#include "app.h"
#include "http.h"
#include "oauth_err.h"
#include "platform.h"

void
platform_dispatch(struct app *a, struct req *r, struct resp *p)
{
	(void)a;
	(void)r;
	oauth_err(p, OERR_NOT_FOUND, NULL);
}
