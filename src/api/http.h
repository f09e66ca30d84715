/* The HTTP front of the API: libmicrohttpd with a thread pool, bounded
 * bodies (413), bounded connections (in all and per client address), idle
 * time and time to send a request, framing checked (request-check.h: 400/501 in the service's
 * error form, connection closed), requests handed to api_dispatch(). */
#pragma once

#include "api/api.h"

struct http_server;

struct http_limits {
        unsigned threads;         /* [DEFAULT] api_workers */
        unsigned max_connections; /* [DEFAULT] max_connections: open at once, in all */
        unsigned per_ip;          /* [DEFAULT] max_connections_per_ip; 0 = no limit */
        unsigned idle_timeout;    /* [DEFAULT] client_socket_timeout, seconds; 0 = none */
        /* [DEFAULT] client_request_timeout, seconds; 0 = none: a request's
         * line, headers and body must have arrived this long after the
         * connection opened or its previous answer was sent, or the
         * connection is cut (a slowloris holds no slot for long). */
        unsigned request_timeout;
        /* Threads of their own for logins (POST /v3/auth/tokens), whose
         * password check takes a core for tens of ms: the connection is
         * suspended meanwhile, so no other request waits behind one on
         * its pool thread. 0 = logins run on the pool threads. */
        unsigned login_threads;
};

int http_server_start(struct api_ctx *ctx, const char *host, unsigned port,
                      const struct http_limits *limits, struct http_server **ret);
void http_server_stop(struct http_server *s);
/* The port listened on (the one the kernel chose when started with 0). */
unsigned http_server_port(const struct http_server *s);
