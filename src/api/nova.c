/* The Compute API's frame: version discovery at /v2.1, microversion
 * negotiation, Nova's error bodies, os-availability-zone and limits. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "api/neutron.h"
#include "base/error.h"
#include "compute/scheduler.h"

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

void api_base_url(const struct api_request *req, char *buf, size_t len)
{
        snprintf(buf, len, "http://%s", req->host ? req->host : "localhost");
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

static json_t *version_doc(const struct api_request *req)
{
        char base[300], self[400];
        api_base_url(req, base, sizeof(base));
        snprintf(self, sizeof(self), "%s/v2.1/", base);
        char max[16], min[16];
        snprintf(max, sizeof(max), "2.%u", NOVA_MAX_MINOR);
        snprintf(min, sizeof(min), "2.%u", NOVA_MIN_MINOR);
        return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}]}", "id", "v2.1",
                         "status", "CURRENT", "version", max, "min_version", min, "updated",
                         "2013-07-23T11:33:21Z", "links", "rel", "self", "href", self,
                         "media-types", "base", "application/json", "type",
                         "application/vnd.openstack.compute+json;version=2.1");
}

static int version_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        api_reply_json(resp, 200, json_pack("{s:o}", "version", version_doc(req)));
        return 0;
}

/* os-availability-zone: the zones of enabled hosts; /detail adds hosts. */
static int az_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                   bool detail)
{
        if (detail && !req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:"
                                  "os-availability-zone:detail to be performed.");
        struct host_list hl = {0};
        _cleanup_json_ json_t *zones = json_object(), *order = json_array();
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = compute_hosts_load(ctx, &hl);
        /* The cached states are read while the transaction holds the store. */
        for (size_t i = 0; r >= 0 && i < hl.n; i++) {
                const struct host_state *h = hl.v[i];
                const char *az = h->availability_zone ? h->availability_zone
                                                      : ctx->sched->default_availability_zone;
                json_t *z = json_object_get(zones, az);
                if (!z) {
                        z = json_pack("{s:s,s:{s:b},s:o}", "zoneName", az, "zoneState",
                                      "available", 0, "hosts", detail ? json_object() : json_null());
                        json_object_set_new(zones, az, z);
                        json_array_append_new(order, json_string(az));
                }
                if (h->enabled && h->up)
                        json_object_set_new(json_object_get(z, "zoneState"), "available",
                                            json_true());
                if (detail)
                        json_object_set_new(json_object_get(z, "hosts"), h->hostname,
                                            json_pack("{s:{s:b,s:b,s:n}}", "nova-compute",
                                                      "available", h->enabled && h->up, "active",
                                                      h->enabled, "updated_at"));
        }
        compute_hosts_done(&hl);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        json_t *out = json_array();
        size_t i;
        json_t *name;
        json_array_foreach(order, i, name)
                json_array_append(out, json_object_get(zones, json_string_value(name)));
        api_reply_json(resp, 200, json_pack("{s:o}", "availabilityZoneInfo", out));
        return 0;
}

static int az_index(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return az_list(ctx, req, resp, false);
}

static int az_detail(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return az_list(ctx, req, resp, true);
}

struct usage {
        const char *project;
        long instances, cores, ram;
};

static int usage_cb(const char *id, const char *doc, void *userdata)
{
        struct usage *u = userdata;
        _cleanup_json_ json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        json_t *f = json_object_get(o, "_flavor");
        u->instances++;
        u->cores += json_integer_value(json_object_get(f, "vcpus"));
        u->ram += json_integer_value(json_object_get(f, "ram"));
        return 0;
}

/* Quotas are not enforced: every max is -1 (unlimited), the totals are
 * the project's use. */
static int limits(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct usage u = {0};
        const char *pv[] = {req->auth.project_id ? req->auth.project_id : ""};
        struct store_filter f = {"tenant_id", STORE_VALUE_TEXT, pv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = store_obj_list(ctx->store, "instance", &q, usage_cb, &u);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        json_t *abs = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:I,s:I,s:I,s:i,s:i}",
                                "maxServerMeta", 128, "maxPersonality", 5,
                                "maxPersonalitySize", 10240, "maxImageMeta", 128,
                                "maxTotalInstances", -1, "maxTotalCores", -1,
                                "maxTotalRAMSize", -1, "totalInstancesUsed",
                                (json_int_t)u.instances, "totalCoresUsed", (json_int_t)u.cores,
                                "totalRAMUsed", (json_int_t)u.ram, "maxTotalKeypairs", -1,
                                "maxServerGroups", -1);
        api_reply_json(resp, 200, json_pack("{s:{s:[],s:o}}", "limits", "rate", "absolute", abs));
        return 0;
}

#define NOVA(m, pat, h, auth, s) {m, pat, h, auth, API_COMPUTE, s}
const struct api_route api_nova_routes[] = {
        NOVA("GET", "/v2.1", version_show, API_AUTH_NONE,
             "compute version discovery (min 2.1, max 2.93)"),
        NOVA("GET", "/v2.1/os-availability-zone", az_index, API_AUTH_TOKEN,
             "availability zones of the compute hosts"),
        NOVA("GET", "/v2.1/os-availability-zone/detail", az_detail, API_AUTH_TOKEN,
             "zones with their hosts (admin)"),
        NOVA("GET", "/v2.1/limits", limits, API_AUTH_TOKEN,
             "absolute limits: unlimited, with the project's use"),
        {0},
};
