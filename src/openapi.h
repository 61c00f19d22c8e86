/*
 * openapi: docs/openapi.json, the OpenAPI 3.1 document of the admin and
 * platform APIs, embedded at build time (scripts/embed-file.sh) and served
 * at GET /admin/openapi.json. make test validates the file with an
 * independent validator and walks it against the route tables and the
 * integration tests (tests/openapi/).
 */
#ifndef JWTMINT_OPENAPI_H
#define JWTMINT_OPENAPI_H

#include <stddef.h>

extern const char	openapi_json[];
extern const size_t	openapi_json_len;

#endif
