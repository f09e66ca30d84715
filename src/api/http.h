/* The HTTP front of the API: libmicrohttpd with a thread pool, bounded
 * bodies (413), bounded connections (in all and per client address) and
 * idle time, framing checked (request-check.h: 400/501 in the service's
 * error form, connection closed), requests handed to api_dispatch(). */
#pragma once

#include "api/api.h"

struct http_server;

struct http_limits {
        unsigned threads;         /* [DEFAULT] api_workers */
        unsigned max_connections; /* [DEFAULT] max_connections: open at once, in all */
        unsigned per_ip;          /* [DEFAULT] max_connections_per_ip; 0 = no limit */
        unsigned idle_timeout;    /* [DEFAULT] client_socket_timeout, seconds; 0 = none */
};

int http_server_start(struct api_ctx *ctx, const char *host, unsigned port,
                      const struct http_limits *limits, struct http_server **ret);
void http_server_stop(struct http_server *s);
