/* Routing, authentication and the OpenStack error bodies. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/compute.h"
#include "api/request-check.h"
#include "api/route-index.h"
#include "base/error.h"
#include "base/log.h"
#include "identitysvc/auth.h"
#include "identity/token.h"

const struct api_route *const api_route_tables[] = {
        api_identity_routes, api_network_routes,  api_subnet_routes,    api_port_routes,
        api_secgroup_routes, api_agent_routes,    api_extension_routes, api_nova_routes,
        api_nova_extension_routes, api_compute_host_routes, api_hypervisor_routes,
        api_flavor_routes, api_flavor_access_routes, api_server_routes, api_server_action_routes,
        api_image_routes, api_aggregate_routes, api_host_feed_routes, api_quota_routes,
        api_quota_set_routes, NULL,
};

void api_response_done(struct api_response *resp)
{
        if (resp->stream.free)
                resp->stream.free(resp->stream.state);
        free(resp->body);
        free(resp->subject_token);
        *resp = (struct api_response){0};
}

void api_reply_raw(struct api_response *resp, unsigned status, char *body)
{
        free(resp->body);
        resp->status = status;
        resp->body = body;
        resp->content_type = "application/json";
}

void api_reply_json(struct api_response *resp, unsigned status, json_t *body)
{
        char *s = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(body);
        if (!s) {
                resp->status = 500;
                free(resp->body);
                resp->body = strdup("{\"error\": {\"code\": 500, \"title\": \"Internal Server "
                                    "Error\", \"message\": \"out of memory\"}}");
                resp->content_type = "application/json";
                return;
        }
        api_reply_raw(resp, status, s);
}

void api_reply_empty(struct api_response *resp, unsigned status)
{
        free(resp->body);
        resp->body = NULL;
        resp->status = status;
        resp->content_type = NULL;
}

int api_neutron_error(struct api_response *resp, unsigned status, const char *type,
                      const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        api_reply_json(resp, status,
                       json_pack("{s:{s:s,s:s,s:s}}", "NeutronError", "type", type, "message", msg,
                                 "detail", ""));
        return -EINVAL;
}

static const char *http_title(unsigned status)
{
        switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 413: return "Request Entity Too Large";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        default: return "Internal Server Error";
        }
}

int api_keystone_error(struct api_response *resp, unsigned status, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        api_reply_json(resp, status,
                       json_pack("{s:{s:i,s:s,s:s}}", "error", "code", (int)status, "title",
                                 http_title(status), "message", msg));
        return -EINVAL;
}

int api_store_error(struct api_response *resp, enum api_service svc, int r)
{
        bool busy = r == -EBUSY;
        /* The message was recorded for this request (api_dispatch clears
         * it first), yet may name objects of others: the log has it. */
        if (busy)
                log_warning("busy: %s", err_msg(r));
        else
                log_error("internal error: %s", err_msg(r));
        if (svc == API_IDENTITY || svc == API_IMAGE)
                return busy ? api_keystone_error(resp, 503, "The service is temporarily "
                                                 "unavailable; retry the request.")
                            : api_keystone_error(resp, 500, "An unexpected error prevented the "
                                                 "server from fulfilling your request.");
        if (svc == API_COMPUTE)
                return busy ? nova_error(resp, 503, "The service is temporarily unavailable; "
                                         "retry the request.")
                            : nova_error(resp, 500, "Unexpected API Error. Please report this "
                                         "with the request id and the server's log.");
        return busy ? api_neutron_error(resp, 503, "ServiceUnavailable",
                                        "The server is busy; retry the request.")
                    : api_neutron_error(resp, 500, "HTTPInternalServerError",
                                        "Request Failed: internal server error while "
                                        "processing your request.");
}

void api_request_id_new(struct api_response *resp)
{
        char uuid[37];
        if (resp->request_id[0])
                return;
        stream_uuid(uuid);
        snprintf(resp->request_id, sizeof(resp->request_id), "req-%s", uuid);
}

const char *api_query_get(const struct api_request *req, const char *key)
{
        for (size_t i = 0; i < req->n_query; i++)
                if (streq(req->query[i].key, key))
                        return req->query[i].value ? req->query[i].value : "";
        return NULL;
}

json_t *api_parse_body(struct api_request *req, struct api_response *resp, enum api_service svc)
{
        json_error_t e;
        json_t *j = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &e);
        if (!j) {
                if (svc == API_IDENTITY)
                        api_keystone_error(resp, 400, "Malformed JSON in request body at line "
                                           "%d, column %d (byte %d): %s", e.line, e.column,
                                           e.position, e.text);
                else
                        api_neutron_error(resp, 400, "HTTPBadRequest",
                                          "Malformed JSON in request body at line %d, column "
                                          "%d (byte %d): %s", e.line, e.column, e.position,
                                          e.text);
                return NULL;
        }
        if (!json_is_object(j)) {
                json_decref(j);
                if (svc == API_IDENTITY)
                        api_keystone_error(resp, 400, "The request body must be a JSON object.");
                else
                        api_neutron_error(resp, 400, "HTTPBadRequest",
                                          "The request body must be a JSON object.");
                return NULL;
        }
        return j;
}

/* Matches path against pattern; "{}" takes one non-empty segment.  A
 * trailing slash on the path is accepted. */
static bool match(const char *pattern, const char *path, const char **params, char *buf,
                  size_t buflen)
{
        size_t n_params = 0, used = 0;
        const char *p = pattern, *s = path;
        while (*p) {
                if (p[0] == '{' && p[1] == '}') {
                        const char *end = strchr(s, '/');
                        size_t len = end ? (size_t)(end - s) : strlen(s);
                        if (len == 0 || used + len + 1 > buflen || n_params >= API_MAX_PARAMS)
                                return false;
                        memcpy(buf + used, s, len);
                        buf[used + len] = '\0';
                        params[n_params++] = buf + used;
                        used += len + 1;
                        s += len;
                        p += 2;
                        continue;
                }
                if (*p != *s)
                        return false;
                p++;
                s++;
        }
        return *s == '\0' || (s[0] == '/' && s[1] == '\0');
}

/* Whether r's pattern matches req's path; when its method is also method,
 * *found is r and req's params are the path's. */
static bool try_route(const struct api_route *r, struct api_request *req, const char *method,
                      char *buf, size_t buflen, const struct api_route **found)
{
        const char *params[API_MAX_PARAMS] = {0};
        if (!match(r->pattern, req->path, params, buf, buflen))
                return false;
        if (streq(r->method, method)) {
                *found = r;
                memcpy(req->params, params, sizeof(params));
        }
        return true;
}

static struct route_index *route_index;

static void route_index_build(void)
{
        /* Without it (no memory) every route is tried, as route_index
         * does when a path has too many candidates. */
        if (route_index_new(api_route_tables, &route_index) < 0)
                route_index = NULL;
}

/* The routes path may match, in the tables' order (route-index.h). */
static size_t routes_for(const char *path, const struct api_route **out)
{
        static pthread_once_t built = PTHREAD_ONCE_INIT;
        pthread_once(&built, route_index_build);
        return route_index ? route_index_candidates(route_index, path, out) : SIZE_MAX;
}

/* The network endpoint's own root, as devstack's Neutron has it, so that
 * GET on it answers Neutron's version list where "/" is Keystone's. */
#define NET_PREFIX "/networking"

/* The compute endpoint's own root, as devstack's Nova has it: GET on it
 * is Nova's version list, and the API lives below it as at "/v2.1". */
#define COMPUTE_PREFIX "/compute"

/* The path below prefix when path is under it, else NULL. */
static const char *below_prefix(const char *path, const char *prefix)
{
        size_t n = strlen(prefix);
        if (!strneq(path, prefix, n) || (path[n] != '\0' && path[n] != '/'))
                return NULL;
        return path + n;
}

static const char *below_net_prefix(const char *path)
{
        return below_prefix(path, NET_PREFIX);
}

enum api_service api_service_of_path(const char *path)
{
        if (below_net_prefix(path))
                return API_NETWORK;
        if (below_prefix(path, COMPUTE_PREFIX))
                return API_COMPUTE;
        if (strneq(path, "/v2.1", 5))
                return API_COMPUTE;
        if (strneq(path, "/image", 6))
                return API_IMAGE;
        return strneq(path, "/v3", 3) || streq(path, "/") ? API_IDENTITY : API_NETWORK;
}

int api_authenticate(struct api_ctx *ctx, const char *token, struct auth_context *ret)
{
        return identity_authenticate(ctx->store, ctx->tokens, token, ctx->now(), ret);
}

int api_identity_stamp(struct api_ctx *ctx, int64_t *ret)
{
        return store_stamp_read(ctx->store, IDENTITY_STAMP, ret);
}

void api_park_unread(struct api_ctx *ctx, struct api_response *resp)
{
        resp->park_verify = store_stamp_take(ctx->store, &resp->park_stamp);
}

static void unauthorized(struct api_response *resp)
{
        api_keystone_error(resp, 401, "The request you have made requires authentication.");
}

/* The request's token into req->auth; false with the answer made when it
 * is refused or cannot be checked.  deferred: a cached decision's stamp
 * is left to the request's first transaction (store_stamp_settle() after
 * the handler tells whether it held). */
static bool authenticate(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         enum api_service svc, bool deferred)
{
        int r = !req->token ? -EACCES
                : deferred ? identity_authenticate_deferred(ctx->store, ctx->tokens, req->token,
                                                            ctx->now(), &req->auth)
                           : api_authenticate(ctx, req->token, &req->auth);
        /* A store that cannot answer is not a bad token. */
        if (r < 0 && r != -EACCES) {
                api_store_error(resp, svc, r);
                return false;
        }
        if (r < 0) {
                if (svc == API_COMPUTE)
                        nova_error(resp, 401, "The request you have made requires "
                                   "authentication.");
                else
                        unauthorized(resp);
                return false;
        }
        return true;
}

/* After the handler of a request whose token was taken from the cache on
 * trust: true when that held; false when the identity changed under it,
 * and then nothing the handler made is kept (its transactions failed
 * before doing anything) and the answer is dropped, to be made again. */
static bool authentication_held(struct api_ctx *ctx, struct api_request *req,
                                struct api_response *resp, enum api_service svc)
{
        int r = store_stamp_settle(ctx->store);
        if (r >= 0)
                return true;
        char request_id[sizeof(resp->request_id)], microversion[sizeof(resp->microversion)];
        memcpy(request_id, resp->request_id, sizeof(request_id));
        memcpy(microversion, resp->microversion, sizeof(microversion));
        api_response_done(resp);
        memcpy(resp->request_id, request_id, sizeof(request_id));
        memcpy(resp->microversion, microversion, sizeof(microversion));
        auth_context_done(&req->auth);
        req->auth = (struct auth_context){0};
        err_clear();
        if (r != -ESTALE) {
                /* Not known to have held: nothing of it may go out. */
                api_store_error(resp, svc, r);
                return true;
        }
        return false;
}

/* Ids (and every other path segment) are printable ASCII: Keystone's hex
 * ids, UUIDs, Nova's flavor ids and host names.  Anything else — invalid
 * UTF-8, control bytes — names nothing, and must not reach a lookup or an
 * error message (JSON cannot carry invalid UTF-8). */
static bool path_valid(const struct api_request *req)
{
        if (req->path_has_nul)
                return false;
        for (const unsigned char *p = (const unsigned char *)req->path; *p; p++)
                if (*p < 0x20 || *p > 0x7e)
                        return false;
        return true;
}

/* Keystone refuses a body it is told is not JSON (no Content-Type, or an
 * empty one, is read as JSON), before it looks at the token. */
static bool identity_content_type_ok(const struct api_request *req, struct api_response *resp)
{
        char type[128];
        if (!req->body_len || !req->content_type || !req->content_type[0])
                return true;
        if (media_type_parse(req->content_type, type, sizeof(type)) && media_type_is_json(type))
                return true;
        api_keystone_error(resp, 400, "Expecting to find application/json in Content-Type "
                           "header. The server could not comply with the request since it is "
                           "either malformed or otherwise incorrect. The client is assumed to "
                           "be in error.");
        return false;
}

/* Nova reads JSON (and text/plain, what some servers default to) and
 * refuses any other declared type, body or not; Glance takes image data
 * only as application/octet-stream. */
static bool content_type_ok(const struct api_route *found, const struct api_request *req,
                            struct api_response *resp)
{
        char type[128];
        bool parsed = req->content_type &&
                      media_type_parse(req->content_type, type, sizeof(type));
        if (found->service == API_COMPUTE) {
                if (!req->content_type || !req->content_type[0] ||
                    (parsed && (streq(type, "text/plain") || streq(type, "application/json") ||
                                streq(type, "application/vnd.openstack.compute+json"))))
                        return true;
                nova_error(resp, 415, "Unsupported Content-Type");
                return false;
        }
        if (found->service == API_IMAGE && streq(found->method, "PUT") &&
            streq(found->pattern, "/image/v2/images/{}/file")) {
                if (parsed && streq(type, "application/octet-stream"))
                        return true;
                api_keystone_error(resp, 415, "Invalid content type %s",
                                   parsed ? type : req->content_type ? "(malformed)" : "None");
                return false;
        }
        return true;
}

/* GET on the network endpoint's root: Neutron's version list. */
static void network_versions(struct api_request *req, struct api_response *resp)
{
        char href[400];
        snprintf(href, sizeof(href), "http://%s%s/v2.0/", req->host ? req->host : "localhost",
                 NET_PREFIX);
        api_reply_json(resp, 200,
                       json_pack("{s:[{s:s,s:s,s:[{s:s,s:s}]}]}", "versions", "id", "v2.0",
                                 "status", "CURRENT", "links", "href", href, "rel", "self"));
}

static void route(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        static _Thread_local char parambuf[1024];
        const char *below = below_net_prefix(req->path);
        req->net_prefix = "";
        if (below) {
                if (!below[0] || streq(below, "/")) {
                        if (streq(req->method, "GET") || streq(req->method, "HEAD"))
                                network_versions(req, resp);
                        else
                                api_neutron_error(resp, 405, "HTTPMethodNotAllowed",
                                                  "The method %s is not allowed for %s.",
                                                  req->method, req->path);
                        return;
                }
                /* Only the network API lives there, and the compute
                 * calls of vfnet-agent, which reaches the server through
                 * the network endpoint the catalog gave it. */
                if (api_service_of_path(below) != API_NETWORK &&
                    !strneq(below, "/v2.1/vfnet/", strlen("/v2.1/vfnet/"))) {
                        api_neutron_error(resp, 404, "HTTPNotFound",
                                          "The resource could not be found.");
                        return;
                }
                req->path = below;
                req->net_prefix = NET_PREFIX;
        }
        /* Below the compute root: the API at "/v2.1" as it is served
         * at the top (the root and its version documents are routes of
         * their own). */
        below = below_prefix(req->path, COMPUTE_PREFIX);
        req->compute_prefix = "";
        if (below && strneq(below, "/v2.1", 5) && (below[5] == '\0' || below[5] == '/')) {
                req->path = below;
                req->compute_prefix = COMPUTE_PREFIX;
        }
        const char *method = streq(req->method, "HEAD") ? "GET" : req->method;
        const struct api_route *found = NULL;
        bool path_known = false, valid = path_valid(req);

        const struct api_route *candidates[ROUTE_INDEX_MAX_CANDIDATES];
        size_t n = valid ? routes_for(req->path, candidates) : 0;
        if (n != SIZE_MAX)
                for (size_t i = 0; i < n && !found; i++)
                        path_known |= try_route(candidates[i], req, method, parambuf,
                                                sizeof(parambuf), &found);
        else
                for (const struct api_route *const *t = api_route_tables; *t && !found; t++)
                        for (const struct api_route *r = *t; r->pattern && !found; r++)
                                path_known |= try_route(r, req, method, parambuf,
                                                        sizeof(parambuf), &found);

        enum api_service svc = found ? found->service : api_service_of_path(req->path);
        if (svc == API_COMPUTE && nova_negotiate(req, resp) < 0)
                return;
        if (!found && (svc == API_COMPUTE || svc == API_IMAGE)) {
                compute_route_error(svc, resp, path_known, req);
                return;
        }
        if (!found) {
                if (path_known) {
                        if (svc == API_IDENTITY)
                                api_keystone_error(resp, 405, "The method %s is not allowed for "
                                                   "%s.", req->method, req->path);
                        else
                                api_neutron_error(resp, 405, "HTTPMethodNotAllowed",
                                                  "The method %s is not allowed for %s.",
                                                  req->method, req->path);
                } else if (svc == API_IDENTITY)
                        api_keystone_error(resp, 404, "The resource could not be found.");
                else
                        api_neutron_error(resp, 404, "HTTPNotFound",
                                          "The resource could not be found.");
                return;
        }
        /* The resource a request is about: the last id in its path. */
        const char *resource = NULL;
        for (size_t i = 0; i < API_MAX_PARAMS && req->params[i]; i++)
                resource = req->params[i];
        if (svc == API_IDENTITY && !identity_content_type_ok(req, resp))
                return;
        bool token = found->auth == API_AUTH_TOKEN;
        if (token && !authenticate(ctx, req, resp, svc, true))
                return;
        if (!content_type_ok(found, req, resp)) {
                /* A token that no longer holds is refused first. */
                if (token && !authentication_held(ctx, req, resp, svc) &&
                    authenticate(ctx, req, resp, svc, false))
                        content_type_ok(found, req, resp);
                return;
        }
        log_set_context("%s project=%s resource=%s", resp->request_id,
                        req->auth.project_id ?: "-", resource ?: "-");
        found->handler(ctx, req, resp);
        if (token && !authentication_held(ctx, req, resp, svc)) {
                /* Once more, the token checked against the store first. */
                if (!authenticate(ctx, req, resp, svc, false))
                        return;
                log_set_context("%s project=%s resource=%s", resp->request_id,
                                req->auth.project_id ?: "-", resource ?: "-");
                found->handler(ctx, req, resp);
        }
        if (resp->status == 0)
                api_reply_empty(resp, 204);
}

void api_dispatch(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        /* Nothing an earlier request on this thread recorded may reach this
         * one's answer. */
        err_clear();
        api_request_id_new(resp);
        log_set_context("%s", resp->request_id);
        route(ctx, req, resp);
        log_debug("%s %s -> %u", req->method, req->path, resp->status);
        log_clear_context();
        err_clear();
}
