#include <arpa/inet.h>
#include <errno.h>
#include <float.h>
#include <stddef.h>
#include <pthread.h>
#include <time.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "api/awaiting.h"
#include "api/compute.h"
#include "api/http.h"
#include "api/request-check.h"
#include "api/watch.h"
#include "base/error.h"
#include "base/log.h"
#include "base/strbuf.h"

/* An open connection as the request deadline sees it. */
struct conn_slot {
        struct awaiting wait; /* in http_server.awaited while a request is awaited or arriving */
        int fd;
};

static struct conn_slot *slot_of(struct awaiting *a)
{
        return (struct conn_slot *)((char *)a - offsetof(struct conn_slot, wait));
}

struct http_server {
        struct MHD_Daemon *daemon;
        struct api_ctx *ctx;
        struct watch_registry *watch;
        /* Parked requests not answered yet: stopping waits for them. */
        pthread_mutex_t parked_lock;
        pthread_cond_t parked_done;
        unsigned parked;
        /* The request deadline (http_limits.request_timeout): every open
         * connection, and a thread that cuts those whose request has not
         * fully arrived in time.  libmicrohttpd's own timeout only sees
         * silence, which a sender of one byte now and then never is. */
        pthread_mutex_t slots_lock;
        pthread_cond_t reaper_wake;
        struct awaiting_queue awaited;
        unsigned request_timeout;
        bool stopping;
        bool reaper_running;
        pthread_t reaper;
        /* Logins queued for their own threads (http_limits.login_threads). */
        pthread_mutex_t login_lock;
        pthread_cond_t login_wake;
        struct login_job *login_head, **login_tail;
        pthread_t *login_threads;
        unsigned n_login_threads;
        bool login_stop;
};

static void *reaper_main(void *userdata)
{
        struct http_server *s = userdata;
        pthread_mutex_lock(&s->slots_lock);
        while (!s->stopping) {
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_sec += 1;
                pthread_cond_timedwait(&s->reaper_wake, &s->slots_lock, &until);
                double now = watch_now();
                unsigned cut = 0;
                struct awaiting *late;
                while ((late = awaiting_take_late(&s->awaited, now, s->request_timeout))) {
                        /* The fd is still open: the slot left the queue
                         * (under this lock) before MHD closes it.  MHD
                         * sees the end and closes. */
                        shutdown(slot_of(late)->fd, SHUT_RDWR);
                        cut++;
                }
                if (cut)
                        log_info("closed %u connection%s whose request did not arrive within "
                                 "%u s ([DEFAULT] client_request_timeout)", cut,
                                 cut == 1 ? "" : "s", s->request_timeout);
        }
        pthread_mutex_unlock(&s->slots_lock);
        return NULL;
}

static void connection_event(void *cls, struct MHD_Connection *conn, void **socket_context,
                             enum MHD_ConnectionNotificationCode toe)
{
        struct http_server *s = cls;
        struct conn_slot *c = *socket_context;
        if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
                const union MHD_ConnectionInfo *info =
                        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
                if (!info || !(c = calloc(1, sizeof(*c))))
                        return; /* not timed: the idle timeout still applies */
                c->fd = info->connect_fd;
                pthread_mutex_lock(&s->slots_lock);
                awaiting_push(&s->awaited, &c->wait, watch_now());
                pthread_mutex_unlock(&s->slots_lock);
                *socket_context = c;
        } else if (c) {
                pthread_mutex_lock(&s->slots_lock);
                awaiting_remove(&s->awaited, &c->wait);
                pthread_mutex_unlock(&s->slots_lock);
                free(c);
                *socket_context = NULL;
        }
}

/* awaited: a request is awaited (the previous one is done) or, false, has
 * fully arrived and is the server's to answer. */
static void request_awaited(struct http_server *s, struct MHD_Connection *conn, bool awaited)
{
        const union MHD_ConnectionInfo *info =
                MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        struct conn_slot *c = info ? info->socket_context : NULL;
        if (!c)
                return;
        pthread_mutex_lock(&s->slots_lock);
        if (awaited)
                awaiting_push(&s->awaited, &c->wait, watch_now());
        else
                awaiting_remove(&s->awaited, &c->wait);
        pthread_mutex_unlock(&s->slots_lock);
}

/* Per-connection request state while the body arrives. */
struct pending {
        char *body;
        size_t len, cap;
        bool started;
        bool too_large;
        unsigned refused;  /* framing or version refused: the status (400/501/505) */
        const char *refused_msg;
        double deadline; /* parked (watch.h): when it must be answered */
        bool counted;    /* in http_server.parked */
        bool path_has_nul; /* %00 in the raw path: the decoded one is cut there */
        struct api_response *answered; /* a login answered on a login thread, or a
                                        * parked request's answer for its deadline */
        struct api_response *parked;   /* parked: the answer for its deadline */
        struct MHD_Connection *conn;   /* parked: the connection to resume */
};

/* A login suspended on its pool thread, dispatched on a login thread.  The
 * request's strings stay the connection's until it is resumed and
 * answered. */
struct login_job {
        struct login_job *next;
        struct MHD_Connection *conn;
        struct pending *p;
        struct api_request req;
        char client[INET6_ADDRSTRLEN]; /* req.client's copy (the pool thread's is on its stack) */
};

static void *login_main(void *userdata)
{
        struct http_server *s = userdata;
        pthread_mutex_lock(&s->login_lock);
        for (;;) {
                struct login_job *j = s->login_head;
                if (!j) {
                        if (s->login_stop)
                                break;
                        pthread_cond_wait(&s->login_wake, &s->login_lock);
                        continue;
                }
                s->login_head = j->next;
                if (!s->login_head)
                        s->login_tail = &s->login_head;
                pthread_mutex_unlock(&s->login_lock);
                struct api_response *resp = calloc(1, sizeof(*resp));
                if (resp)
                        api_dispatch(s->ctx, &j->req, resp);
                auth_context_done(&j->req.auth);
                j->p->answered = resp; /* NULL: the connection is closed */
                MHD_resume_connection(j->conn);
                free(j);
                pthread_mutex_lock(&s->login_lock);
        }
        pthread_mutex_unlock(&s->login_lock);
        return NULL;
}

static bool login_offloaded(const struct http_server *s, const char *method, const char *url)
{
        return s->n_login_threads && streq(method, "POST") && streq(url, "/v3/auth/tokens");
}

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
        /* The first piece is the body as it is (no copy of it). */
        strbuf_adopt(&p->piece, resp->body);
        resp->body = NULL;
        struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
                                                                   piecewise_read, p,
                                                                   piecewise_free);
        if (!r) {
                piecewise_free(p);
                return NULL;
        }
        p->stream = resp->stream; /* owned by the response now */
        resp->stream = (struct api_stream){0};
        return r;
}

static enum MHD_Result count_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
        framing_add(cls, key, value);
        return MHD_YES;
}

/* An error of the front itself (framing, size) in the error form of the
 * service the path belongs to. */
static void front_error(struct api_response *resp, const char *url, unsigned status,
                        const char *msg)
{
        api_request_id_new(resp);
        enum api_service svc = api_service_of_path(url);
        if (svc == API_IDENTITY || svc == API_IMAGE)
                api_keystone_error(resp, status, "%s", msg);
        else if (svc == API_COMPUTE)
                nova_error(resp, status, "%s", msg);
        else
                api_neutron_error(resp, status,
                                  status == 413   ? "HTTPRequestEntityTooLarge"
                                  : status == 501 ? "HTTPNotImplemented"
                                  : status == 505 ? "HTTPVersionNotSupported"
                                                  : "HTTPBadRequest",
                                  "%s", msg);
}

/* close: the request's framing cannot be trusted, so neither can what
 * follows it on the connection. */
static enum MHD_Result send_response(struct MHD_Connection *conn, const char *url,
                                     struct api_response *resp, bool close)
{
        size_t len = 1; /* a streamed body follows */
        struct MHD_Response *r;
        if (resp->stream.next) {
                r = piecewise_response(resp);
        } else {
                len = resp->body ? strlen(resp->body) : 0;
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
        if (close)
                MHD_add_response_header(r, "Connection", "close");
        if (resp->retry_after) {
                char ra[16];
                snprintf(ra, sizeof(ra), "%u", resp->retry_after);
                MHD_add_response_header(r, "Retry-After", ra);
        }
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

/* The watch registry's resume: a woken request is dispatched again, one
 * whose deadline came is answered what its handler left for it.  The
 * connection is suspended, so nothing else touches p. */
static void resume_parked(void *cookie, bool woken, void *userdata)
{
        struct pending *p = cookie;
        if (!woken) {
                p->answered = p->parked;
                p->parked = NULL;
        }
        MHD_resume_connection(p->conn);
}

/* The watch registry's check: the identity stamp now, for parked requests
 * whose token's stamp was left to their deadline. */
static int identity_stamp_now(int64_t *ret, void *userdata)
{
        struct http_server *s = userdata;
        return api_identity_stamp(s->ctx, ret);
}

static void response_freep(struct api_response **resp)
{
        if (*resp) {
                api_response_done(*resp);
                free(*resp);
                *resp = NULL;
        }
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
                /* Framing that two parsers could read two ways never gets
                 * here: libmicrohttpd refuses it (MHD_OPTION_CLIENT_DISCIPLINE_LVL).
                 * What it lets through and vfnet does not want (a Host
                 * whose bytes would end up in links, a version other than
                 * 1.0/1.1) is refused before any body is read, and the
                 * connection closed. */
                struct framing f = {0};
                MHD_get_connection_values(conn, MHD_HEADER_KIND, count_field, &f);
                p->refused = framing_verdict(&f, &p->refused_msg);
                /* libmicrohttpd 1.0 answers HTTP/1.2 to 1.9 as 1.1 (RFC 9112
                 * allows it); vfnet speaks 1.0 and 1.1 only and says so. */
                if (!p->refused && !streq(version, MHD_HTTP_VERSION_1_1) &&
                    !streq(version, MHD_HTTP_VERSION_1_0)) {
                        p->refused = 505;
                        p->refused_msg = "Only HTTP/1.0 and HTTP/1.1 are supported.";
                }
                if (p->refused) {
                        request_awaited(s, conn, false);
                        struct api_response resp = {0};
                        front_error(&resp, url, p->refused, p->refused_msg);
                        /* Not the path: it is the sender's bytes. */
                        log_info("refused a request's framing: %u %s", p->refused,
                                 p->refused_msg);
                        enum MHD_Result ret = send_response(conn, url, &resp, true);
                        api_response_done(&resp);
                        return ret;
                }
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
                } else if (!p->refused) {
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

        request_awaited(s, conn, false);
        if (p->answered && !p->refused && !p->too_large) {
                /* Answered elsewhere: a login on a login thread, or a parked
                 * request whose deadline came. */
                struct api_response resp = *p->answered;
                free(p->answered);
                p->answered = NULL;
                enum MHD_Result ret = send_response(conn, url, &resp, false);
                api_response_done(&resp);
                return ret;
        }
        char client[INET6_ADDRSTRLEN] = "";
        const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
                const struct sockaddr *sa = ci->client_addr;
                if (sa->sa_family == AF_INET)
                        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, client,
                                  sizeof(client));
                else if (sa->sa_family == AF_INET6)
                        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, client,
                                  sizeof(client));
        }
        struct api_request req = {
                .client = client[0] ? client : NULL,
                .method = method,
                .path = url,
                .token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Auth-Token"),
                .subject_token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Subject-Token"),
                .host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"),
                .content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                            "Content-Type"),
                .api_version = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                           "OpenStack-API-Version"),
                .nova_api_version = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                                "X-OpenStack-Nova-API-Version"),
                .body = p->body,
                .body_len = p->len,
                .path_has_nul = p->path_has_nul,
                .may_stream = true,
        };
        struct api_response resp = {0};
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &req);
        if (p->refused)
                return MHD_YES; /* answered on the first call; the connection closes */
        if (p->too_large) {
                char msg[96];
                snprintf(msg, sizeof(msg), "Request is too large: the body exceeds %zu bytes.",
                         s->ctx->max_body);
                front_error(&resp, url, 413, msg);
        } else if (login_offloaded(s, method, url)) {
                struct login_job *j = calloc(1, sizeof(*j));
                if (!j)
                        return MHD_NO;
                *j = (struct login_job){.conn = conn, .p = p, .req = req};
                if (req.client) {
                        snprintf(j->client, sizeof(j->client), "%s", req.client);
                        j->req.client = j->client;
                }
                /* Suspended first, so the resume cannot come before it. */
                MHD_suspend_connection(conn);
                pthread_mutex_lock(&s->login_lock);
                *s->login_tail = j;
                s->login_tail = &j->next;
                pthread_cond_signal(&s->login_wake);
                pthread_mutex_unlock(&s->login_lock);
                return MHD_YES;
        } else {
                response_freep(&p->parked); /* woken: it looks again */
                bool again = false;
                req.wait_deadline = p->deadline;
                api_dispatch(s->ctx, &req, &resp);
                if (resp.park_host)
                        p->parked = malloc(sizeof(*p->parked));
                if (resp.park_host && p->parked) {
                        const char *host = resp.park_host;
                        /* Suspended first, so a resume from another thread
                         * cannot come before it. */
                        MHD_suspend_connection(conn);
                        p->deadline = resp.park_deadline;
                        p->conn = conn;
                        resp.park_host = NULL; /* the path's, gone once answered */
                        *p->parked = resp;
                        resp = (struct api_response){0};
                        struct watch_stamp stamp = {p->parked->park_stamp};
                        int r = watch_park(s->watch, host, p->deadline, p->parked->park_seq,
                                           p->parked->park_verify ? &stamp : NULL, p);
                        if (r >= 0) {
                                if (!p->counted) {
                                        p->counted = true;
                                        pthread_mutex_lock(&s->parked_lock);
                                        s->parked++;
                                        pthread_mutex_unlock(&s->parked_lock);
                                }
                                auth_context_done(&req.auth);
                                api_response_done(&resp);
                                return MHD_YES;
                        }
                        /* Not parked (stopping, no memory): answer now with
                         * what there is, unless its token's check was left
                         * to the park. */
                        MHD_resume_connection(conn);
                        resp = *p->parked;
                        free(p->parked);
                        p->parked = NULL;
                        again = resp.park_verify;
                }
                if (resp.park_host || again) { /* not parked: look again, now */
                        auth_context_done(&req.auth);
                        api_response_done(&resp);
                        req.wait_deadline = DBL_MIN;
                        api_dispatch(s->ctx, &req, &resp);
                }
        }
        enum MHD_Result ret = send_response(conn, url, &resp, false);
        auth_context_done(&req.auth);
        api_response_done(&resp);
        return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
        struct http_server *s = cls;
        struct pending *p = *con_cls;
        request_awaited(s, conn, true); /* the next one, on a kept connection */
        if (p) {
                if (p->counted) {
                        pthread_mutex_lock(&s->parked_lock);
                        if (--s->parked == 0)
                                pthread_cond_broadcast(&s->parked_done);
                        pthread_mutex_unlock(&s->parked_lock);
                }
                response_freep(&p->answered);
                response_freep(&p->parked);
                free(p->body);
                free(p);
                *con_cls = NULL;
        }
}

int http_server_start(struct api_ctx *ctx, const char *host, unsigned port,
                      const struct http_limits *limits, struct http_server **ret)
{
        struct sockaddr_storage ss = {0};
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM};
        struct addrinfo *ai = NULL;
        char portbuf[8];
        snprintf(portbuf, sizeof(portbuf), "%u", port);
        if (getaddrinfo(host, portbuf, &hints, &ai) != 0 || !ai)
                return err_set(-EINVAL, "[DEFAULT] bind_host '%s' is not a numeric IP address", host);
        memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                         MHD_ALLOW_SUSPEND_RESUME;
        if (ai->ai_family == AF_INET6)
                flags |= MHD_USE_IPv6;
        freeaddrinfo(ai);

        struct http_server *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->ctx = ctx;
        s->request_timeout = limits->request_timeout;
        pthread_mutex_init(&s->parked_lock, NULL);
        pthread_cond_init(&s->parked_done, NULL);
        pthread_mutex_init(&s->slots_lock, NULL);
        pthread_cond_init(&s->reaper_wake, NULL);
        pthread_mutex_init(&s->login_lock, NULL);
        pthread_cond_init(&s->login_wake, NULL);
        s->login_tail = &s->login_head;
        int r = watch_registry_new(resume_parked, identity_stamp_now, s, &s->watch);
        if (r < 0) {
                free(s);
                return r;
        }
        ctx->watch = s->watch;
        store_set_change_hook(ctx->store, watch_wake, s->watch);
        s->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handle, s,
                                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                     MHD_OPTION_THREAD_POOL_SIZE, limits->threads,
                                     MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                                     MHD_OPTION_URI_LOG_CALLBACK, uri_seen, s,
                                     /* Idle connections (nothing read or
                                      * written for this long) are closed;
                                      * suspended ones (parked watches) are
                                      * not timed. */
                                     MHD_OPTION_CONNECTION_TIMEOUT, limits->idle_timeout,
                                     MHD_OPTION_CONNECTION_LIMIT, limits->max_connections,
                                     MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits->per_ip,
                                     MHD_OPTION_NOTIFY_CONNECTION, connection_event, s,
                                     /* Strict parsing: bad, repeated or
                                      * conflicting Content-Length,
                                      * Transfer-Encoding with it or with a
                                      * coding other than chunked, Host
                                      * missing (1.1) or repeated are refused
                                      * with 400/501 and the connection
                                      * closed, before the handler sees the
                                      * request (docs/server.md). */
                                     MHD_OPTION_CLIENT_DISCIPLINE_LVL, (int)1,
                                     /* A %00 in the path: 1.0 refuses it
                                      * by default (400, no service form).
                                      * The path is handed on cut at the
                                      * NUL, as 0.9.75 did, and uri_seen()
                                      * notes it, so the services answer
                                      * 404 in their own form as the real
                                      * ones do. */
                                     MHD_OPTION_ALLOW_BIN_ZERO_IN_URI_PATH, (int)2,
                                     MHD_OPTION_END);
        if (!s->daemon) {
                store_set_change_hook(ctx->store, NULL, NULL);
                ctx->watch = NULL;
                watch_registry_free(s->watch);
                free(s);
                return err_set(-EADDRINUSE, "cannot listen on %s:%u (address in use or not "
                               "available); set [DEFAULT] bind_host/bind_port", host, port);
        }
        if (s->request_timeout)
                s->reaper_running = pthread_create(&s->reaper, NULL, reaper_main, s) == 0;
        s->login_threads = calloc(limits->login_threads ? limits->login_threads : 1,
                                  sizeof(pthread_t));
        for (unsigned i = 0; s->login_threads && i < limits->login_threads; i++) {
                if (pthread_create(&s->login_threads[i], NULL, login_main, s) != 0)
                        break;
                s->n_login_threads++;
        }
        *ret = s;
        return 0;
}

void http_server_stop(struct http_server *s)
{
        if (!s)
                return;
        store_set_change_hook(s->ctx->store, NULL, NULL);
        /* Parked requests are answered before the daemon stops: it must not
         * stop with suspended connections. */
        watch_registry_stop(s->watch);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 5;
        pthread_mutex_lock(&s->parked_lock);
        while (s->parked > 0)
                if (pthread_cond_timedwait(&s->parked_done, &s->parked_lock, &until) != 0)
                        break;
        pthread_mutex_unlock(&s->parked_lock);
        /* Queued logins are answered (their connections resumed) before
         * the daemon stops. */
        pthread_mutex_lock(&s->login_lock);
        s->login_stop = true;
        pthread_cond_broadcast(&s->login_wake);
        pthread_mutex_unlock(&s->login_lock);
        for (unsigned i = 0; i < s->n_login_threads; i++)
                pthread_join(s->login_threads[i], NULL);
        free(s->login_threads);
        if (s->reaper_running) {
                pthread_mutex_lock(&s->slots_lock);
                s->stopping = true;
                pthread_cond_signal(&s->reaper_wake);
                pthread_mutex_unlock(&s->slots_lock);
                pthread_join(s->reaper, NULL);
        }
        MHD_stop_daemon(s->daemon);
        s->ctx->watch = NULL;
        watch_registry_free(s->watch);
        pthread_cond_destroy(&s->parked_done);
        pthread_mutex_destroy(&s->parked_lock);
        pthread_cond_destroy(&s->reaper_wake);
        pthread_mutex_destroy(&s->slots_lock);
        pthread_cond_destroy(&s->login_wake);
        pthread_mutex_destroy(&s->login_lock);
        free(s);
}

unsigned http_server_port(const struct http_server *s)
{
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon,
                                                               MHD_DAEMON_INFO_BIND_PORT);
        return info ? info->port : 0;
}
