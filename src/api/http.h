/* The HTTP front of the API: libmicrohttpd with a thread pool, bounded
 * bodies (413), requests handed to api_dispatch(). */
#pragma once

#include "api/api.h"

struct http_server;

int http_server_start(struct api_ctx *ctx, const char *host, unsigned port, unsigned threads,
                      struct http_server **ret);
void http_server_stop(struct http_server *s);
