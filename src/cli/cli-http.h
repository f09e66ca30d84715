/* What the CLI asks a running vfnet-server: one authenticated GET of a
 * JSON document (libcurl). */
#pragma once

#include <jansson.h>

/* GET url with X-Auth-Token: token (may be NULL).  A non-2xx answer fails
 * with the server's message. */
int cli_http_get_json(const char *url, const char *token, json_t **ret);
