#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "api/http.h"
#include "base/error.h"
#include "base/log.h"

struct http_server {
        struct MHD_Daemon *daemon;
        struct api_ctx *ctx;
};

/* Per-connection request state while the body arrives. */
struct pending {
        char *body;
        size_t len, cap;
        bool started;
        bool too_large;
        bool path_has_nul; /* %00 in the raw path: the decoded one is cut there */
};

/* Sees the request's URI before it is decoded, so a %00 that would cut the
 * path short (and make /v2.0/networks/%00 the list) is known. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
        struct pending *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        for (const char *c = uri; *c && *c != '?'; c++)
                if (c[0] == '%' && c[1] == '0' && c[2] == '0')
                        p->path_has_nul = true;
        return p;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
        struct api_request *req = cls;
        if (req->n_query < API_MAX_QUERY) {
                req->query[req->n_query].key = key;
                req->query[req->n_query].value = value;
                req->n_query++;
        }
        return MHD_YES;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, const char *url,
                                     struct api_response *resp)
{
        size_t len = resp->body ? strlen(resp->body) : 0;
        struct MHD_Response *r = MHD_create_response_from_buffer(len, resp->body,
                                                                 MHD_RESPMEM_MUST_FREE);
        if (!r)
                return MHD_NO;
        resp->body = NULL; /* owned by MHD now */
        if (len && resp->content_type)
                MHD_add_response_header(r, "Content-Type", resp->content_type);
        if (resp->subject_token)
                MHD_add_response_header(r, "X-Subject-Token", resp->subject_token);
        MHD_add_response_header(r, "X-OpenStack-Request-ID", resp->request_id);
        if (strneq(url, "/v2.1", 5))
                MHD_add_response_header(r, "X-Compute-Request-Id", resp->request_id);
        if (resp->microversion[0]) {
                char v[40];
                snprintf(v, sizeof(v), "compute %s", resp->microversion);
                MHD_add_response_header(r, "OpenStack-API-Version", v);
                MHD_add_response_header(r, "X-OpenStack-Nova-API-Version", resp->microversion);
                MHD_add_response_header(r, "Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
        } else
                MHD_add_response_header(r, "Vary", "X-Auth-Token");
        enum MHD_Result ret = MHD_queue_response(conn, resp->status, r);
        MHD_destroy_response(r);
        return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
        struct http_server *s = cls;
        struct pending *p = *con_cls;
        if (!p || !p->started) {
                if (!p && !(p = calloc(1, sizeof(*p))))
                        return MHD_NO;
                *con_cls = p;
                p->started = true;
                /* A declared length over the limit is refused before a
                 * byte of the body is read. */
                const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                             "Content-Length");
                if (!cl || strtoull(cl, NULL, 10) <= s->ctx->max_body)
                        return MHD_YES;
                p->too_large = true;
        } else if (*upload_data_size) {
                size_t n = *upload_data_size;
                if (p->too_large || p->len + n > s->ctx->max_body) {
                        p->too_large = true;
                } else {
                        if (p->len + n + 1 > p->cap) {
                                size_t cap = (p->len + n + 1) * 2;
                                char *nb = realloc(p->body, cap);
                                if (!nb)
                                        return MHD_NO;
                                p->body = nb;
                                p->cap = cap;
                        }
                        memcpy(p->body + p->len, upload_data, n);
                        p->len += n;
                        p->body[p->len] = '\0';
                }
                *upload_data_size = 0;
                return MHD_YES;
        }

        struct api_request req = {
                .method = method,
                .path = url,
                .token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Auth-Token"),
                .subject_token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Subject-Token"),
                .host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"),
                .api_version = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                           "OpenStack-API-Version"),
                .nova_api_version = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                                "X-OpenStack-Nova-API-Version"),
                .body = p->body,
                .body_len = p->len,
                .path_has_nul = p->path_has_nul,
        };
        struct api_response resp = {0};
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &req);
        if (p->too_large) {
                api_request_id_new(&resp);
                if (strneq(url, "/v3", 3) || strneq(url, "/image", 6))
                        api_keystone_error(&resp, 413, "Request is too large.");
                else if (strneq(url, "/v2.1", 5))
                        nova_error(&resp, 413, "Request is too large.");
                else
                        api_neutron_error(&resp, 413, "HTTPRequestEntityTooLarge",
                                          "Request is too large: the body exceeds %zu bytes.",
                                          s->ctx->max_body);
        } else
                api_dispatch(s->ctx, &req, &resp);
        enum MHD_Result ret = send_response(conn, url, &resp);
        auth_context_done(&req.auth);
        api_response_done(&resp);
        return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
        struct pending *p = *con_cls;
        if (p) {
                free(p->body);
                free(p);
                *con_cls = NULL;
        }
}

int http_server_start(struct api_ctx *ctx, const char *host, unsigned port, unsigned threads,
                      struct http_server **ret)
{
        struct sockaddr_storage ss = {0};
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM};
        struct addrinfo *ai = NULL;
        char portbuf[8];
        snprintf(portbuf, sizeof(portbuf), "%u", port);
        if (getaddrinfo(host, portbuf, &hints, &ai) != 0 || !ai)
                return err_set(-EINVAL, "[DEFAULT] bind_host '%s' is not a numeric IP address", host);
        memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
        if (ai->ai_family == AF_INET6)
                flags |= MHD_USE_IPv6;
        freeaddrinfo(ai);

        struct http_server *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->ctx = ctx;
        s->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handle, s,
                                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                     MHD_OPTION_THREAD_POOL_SIZE, threads,
                                     MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                                     MHD_OPTION_URI_LOG_CALLBACK, uri_seen, s,
                                     MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                     MHD_OPTION_END);
        if (!s->daemon) {
                free(s);
                return err_set(-EADDRINUSE, "cannot listen on %s:%u (address in use or not "
                               "available); set [DEFAULT] bind_host/bind_port", host, port);
        }
        *ret = s;
        return 0;
}

void http_server_stop(struct http_server *s)
{
        if (!s)
                return;
        MHD_stop_daemon(s->daemon);
        free(s);
}
