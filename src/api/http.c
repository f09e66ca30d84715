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
#include "base/strbuf.h"

struct http_server {
        struct MHD_Daemon *daemon;
        struct api_ctx *ctx;
};

/* Per-connection request state while the body arrives. */
struct pending {
        char *body;
        size_t len, cap;
        bool too_large;
};

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

/* A body in pieces: what is left of the current piece, then the stream's
 * next ones, each only as MHD asks for it. */
struct piecewise {
        struct strbuf piece;
        size_t off;
        struct api_stream stream;
        bool last;
};

static void piecewise_free(void *cls)
{
        struct piecewise *p = cls;
        strbuf_done(&p->piece);
        if (p->stream.free)
                p->stream.free(p->stream.state);
        free(p);
}

static ssize_t piecewise_read(void *cls, uint64_t pos, char *buf, size_t max)
{
        struct piecewise *p = cls;
        while (p->off >= p->piece.len) {
                if (p->last)
                        return MHD_CONTENT_READER_END_OF_STREAM;
                strbuf_reset(&p->piece);
                p->off = 0;
                int r = p->stream.next(p->stream.state, &p->piece);
                if (r < 0) {
                        log_error("a streamed response failed: %s", err_msg(r));
                        return MHD_CONTENT_READER_END_WITH_ERROR;
                }
                p->last = r == 0;
        }
        size_t n = p->piece.len - p->off;
        if (n > max)
                n = max;
        memcpy(buf, p->piece.buf + p->off, n);
        p->off += n;
        return (ssize_t)n;
}

static struct MHD_Response *piecewise_response(struct api_response *resp)
{
        struct piecewise *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->piece = (struct strbuf)STRBUF_INIT;
        if (resp->body && strbuf_append(&p->piece, resp->body) < 0) {
                free(p);
                return NULL;
        }
        struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
                                                                   piecewise_read, p,
                                                                   piecewise_free);
        if (!r) {
                piecewise_free(p);
                return NULL;
        }
        p->stream = resp->stream; /* owned by the response now */
        resp->stream = (struct api_stream){0};
        free(resp->body);
        resp->body = NULL;
        return r;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct api_response *resp)
{
        size_t len = resp->body ? strlen(resp->body) : 0;
        struct MHD_Response *r;
        if (resp->stream.next) {
                len = 1; /* a body follows */
                r = piecewise_response(resp);
        } else {
                r = MHD_create_response_from_buffer(len, resp->body, MHD_RESPMEM_MUST_FREE);
                if (r)
                        resp->body = NULL; /* owned by MHD now */
        }
        if (!r)
                return MHD_NO;
        if (len && resp->content_type)
                MHD_add_response_header(r, "Content-Type", resp->content_type);
        if (resp->subject_token)
                MHD_add_response_header(r, "X-Subject-Token", resp->subject_token);
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
        if (!p) {
                p = calloc(1, sizeof(*p));
                if (!p)
                        return MHD_NO;
                *con_cls = p;
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
                .may_stream = true,
        };
        struct api_response resp = {0};
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &req);
        if (p->too_large) {
                enum api_service svc = api_service_of_path(url);
                if (svc == API_IDENTITY || svc == API_IMAGE)
                        api_keystone_error(&resp, 413, "Request is too large.");
                else if (svc == API_COMPUTE)
                        nova_error(&resp, 413, "Request is too large.");
                else
                        api_neutron_error(&resp, 413, "HTTPRequestEntityTooLarge",
                                          "Request is too large: the body exceeds %zu bytes.",
                                          s->ctx->max_body);
        } else
                api_dispatch(s->ctx, &req, &resp);
        log_debug("%s %s -> %u", method, url, resp.status);
        enum MHD_Result ret = send_response(conn, &resp);
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
