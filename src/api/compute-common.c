/* What every compute and image file shares (compute.h): Nova's error
 * bodies, microversion negotiation, 404/405 for unknown compute paths,
 * request bodies and links. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "api/neutron.h"
#include "base/error.h"

static const char *fault_key(unsigned status)
{
        switch (status) {
        case 400: return "badRequest";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "itemNotFound";
        case 405: return "badMethod";
        case 409: return "conflictingRequest";
        case 413: return "overLimit";
        case 415: return "badMediaType";
        case 501: return "notImplemented";
        case 503: return "serviceUnavailable";
        default: return "computeFault";
        }
}

int nova_error(struct api_response *resp, unsigned status, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        api_reply_json(resp, status,
                       json_pack("{s:{s:i,s:s}}", fault_key(status), "code", (int)status,
                                 "message", msg));
        return -EINVAL;
}

int nova_store_error(struct api_response *resp, int r)
{
        return api_store_error(resp, API_COMPUTE, r);
}

int nova_service_error(struct api_response *resp, const struct service_error *e, int r)
{
        if (e->kind == ERROR_KIND_NONE)
                return nova_store_error(resp, r);
        return nova_error(resp, error_kind_status(e->kind), "%s", e->message);
}

int image_service_error(struct api_response *resp, const struct service_error *e, int r)
{
        if (e->kind == ERROR_KIND_NONE)
                return api_store_error(resp, API_IMAGE, r);
        return api_keystone_error(resp, error_kind_status(e->kind), "%s", e->message);
}

void compute_route_error(enum api_service svc, struct api_response *resp, bool path_known,
                         const struct api_request *req)
{
        if (svc == API_IMAGE) {
                if (path_known)
                        api_keystone_error(resp, 405, "The method %s is not allowed for %s.",
                                           req->method, req->path);
                else
                        api_keystone_error(resp, 404, "The resource could not be found.");
                return;
        }
        if (path_known)
                nova_error(resp, 405, "The method %s is not allowed for %s.", req->method,
                           req->path);
        else
                nova_error(resp, 404, "The resource could not be found.");
}

/* "2.N" or "latest" → N; -EINVAL when malformed. */
static int parse_version(const char *s, unsigned *ret)
{
        while (*s == ' ')
                s++;
        if (strneq(s, "latest", 6)) {
                *ret = NOVA_MAX_MINOR;
                return 0;
        }
        char *end;
        unsigned long major = strtoul(s, &end, 10);
        if (end == s || *end != '.')
                return -EINVAL;
        const char *m = end + 1;
        unsigned long minor = strtoul(m, &end, 10);
        if (end == m)
                return -EINVAL;
        while (*end == ' ')
                end++;
        if (*end && *end != ',')
                return -EINVAL;
        if (major != 2)
                return -ERANGE;
        if (minor > 100000)
                return -ERANGE;
        *ret = (unsigned)minor;
        return 0;
}

int nova_negotiate(struct api_request *req, struct api_response *resp)
{
        const char *v = NULL;
        char buf[64] = "";
        /* OpenStack-API-Version: "compute 2.92[, volume 3.1]" wins over the
         * legacy header, as in nova's api_version_request. */
        if (req->api_version) {
                const char *p = strstr(req->api_version, "compute ");
                if (p) {
                        snprintf(buf, sizeof(buf), "%s", p + 8);
                        v = buf;
                }
        }
        if (!v)
                v = req->nova_api_version;
        unsigned minor = NOVA_MIN_MINOR;
        if (v) {
                int r = parse_version(v, &minor);
                if (r == -EINVAL) {
                        snprintf(resp->microversion, sizeof(resp->microversion), "2.%u", NOVA_MIN_MINOR);
                        return nova_error(resp, 400, "API Version String %s is of invalid format. "
                                          "Must be of format MajorNum.MinorNum.", v);
                }
                if (r < 0 || minor < NOVA_MIN_MINOR || minor > NOVA_MAX_MINOR) {
                        snprintf(resp->microversion, sizeof(resp->microversion), "2.%u", NOVA_MIN_MINOR);
                        return nova_error(resp, 406, "Version %s is not supported by the API. "
                                          "Minimum is 2.%u and maximum is 2.%u.", v,
                                          NOVA_MIN_MINOR, NOVA_MAX_MINOR);
                }
        }
        req->microversion = minor;
        snprintf(resp->microversion, sizeof(resp->microversion), "2.%u", minor);
        return 0;
}

json_t *nova_parse_body(struct api_request *req, struct api_response *resp)
{
        json_error_t e;
        json_t *j = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &e);
        if (!j) {
                nova_error(resp, 400, "Malformed request body: line %d, column %d: %s", e.line,
                           e.column, e.text);
                return NULL;
        }
        if (!json_is_object(j)) {
                json_decref(j);
                nova_error(resp, 400, "The request body must be a JSON object.");
                return NULL;
        }
        return j;
}

int nova_bool_str(const char *s, bool *ret)
{
        static const char *const yes[] = {"True", "TRUE", "true", "1", "ON", "On", "on", "YES",
                                          "Yes", "yes", "y", "t", NULL};
        static const char *const no[] = {"False", "FALSE", "false", "0", "OFF", "Off", "off",
                                         "NO", "No", "no", "n", "f", NULL};
        for (size_t i = 0; s && yes[i]; i++)
                if (streq(s, yes[i])) {
                        *ret = true;
                        return 0;
                }
        for (size_t i = 0; s && no[i]; i++)
                if (streq(s, no[i])) {
                        *ret = false;
                        return 0;
                }
        return -EINVAL;
}

int nova_bool(const json_t *v, bool *ret)
{
        if (json_is_boolean(v)) {
                *ret = json_is_true(v);
                return 0;
        }
        return nova_bool_str(json_string_value(v), ret);
}

bool nova_uuid_like(const char *s)
{
        size_t hex = 0;
        for (; *s; s++) {
                if (isxdigit((unsigned char)*s))
                        hex++;
                else if (*s != '-')
                        return false;
        }
        return hex == 32;
}

void api_base_url(const struct api_request *req, char *buf, size_t len)
{
        snprintf(buf, len, "http://%s%s", req->host ? req->host : "localhost",
                 req->compute_prefix ?: "");
}

json_t *nova_links(const struct api_request *req, const char *what, const char *id)
{
        char base[300], self[600], book[600];
        api_base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v2.1/%s/%s", base, what, id);
        snprintf(book, sizeof(book), "%s/%s/%s", base, what, id);
        return json_pack("[{s:s,s:s},{s:s,s:s}]", "rel", "self", "href", self, "rel", "bookmark",
                         "href", book);
}

