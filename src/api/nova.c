/* The Compute API's frame: version discovery at /v2.1,
 * os-availability-zone and limits (Nova's bodies and microversion
 * negotiation: compute-common.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "api/neutron.h"
#include "base/error.h"
#include "compute/scheduler.h"

/* A version of the API as Nova lists it: v2.0 (the legacy API, without
 * microversions) or v2.1; detail: with its media types, as its own
 * document shows it.  Under the compute root when prefix is set. */
static json_t *version_doc(const struct api_request *req, const char *prefix, bool legacy,
                           bool detail)
{
        char self[400], max[16] = "", min[16] = "";
        snprintf(self, sizeof(self), "http://%s%s/%s/", req->host ? req->host : "localhost",
                 prefix, legacy ? "v2" : "v2.1");
        if (!legacy) {
                snprintf(max, sizeof(max), "2.%u", NOVA_MAX_MINOR);
                snprintf(min, sizeof(min), "2.%u", NOVA_MIN_MINOR);
        }
        json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s}]}", "id",
                              legacy ? "v2.0" : "v2.1", "status", legacy ? "SUPPORTED" : "CURRENT",
                              "version", max, "min_version", min, "updated",
                              legacy ? "2011-01-21T11:33:21Z" : "2013-07-23T11:33:21Z", "links",
                              "rel", "self", "href", self);
        if (v && detail)
                json_object_set_new(v, "media-types",
                                    json_pack("[{s:s,s:s}]", "base", "application/json", "type",
                                              legacy ? "application/vnd.openstack.compute+json;"
                                                       "version=2"
                                                     : "application/vnd.openstack.compute+json;"
                                                       "version=2.1"));
        return v;
}

static int version_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        api_reply_json(resp, 200, json_pack("{s:o}", "version",
                                            version_doc(req, req->compute_prefix ?: "", false,
                                                        true)));
        return 0;
}

/* GET on the compute root: both versions, as Nova's root lists them. */
static int versions(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        api_reply_json(resp, 200, json_pack("{s:[o,o]}", "versions",
                                            version_doc(req, "/compute", true, false),
                                            version_doc(req, "/compute", false, false)));
        return 0;
}

/* The legacy v2.0 API's document (only the document: its routes are
 * v2.1's without microversions, which clients reach at /v2.1). */
static int legacy_version_show(struct api_ctx *ctx, struct api_request *req,
                               struct api_response *resp)
{
        api_reply_json(resp, 200, json_pack("{s:o}", "version",
                                            version_doc(req, "/compute", true, true)));
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
        struct computesvc svc = api_computesvc(ctx);
        r = computesvc_hosts_load(&svc, &hl);
        /* The cached states are read before the list is done. */
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
        computesvc_hosts_done(&svc, &hl);
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

/* Quotas are not enforced: every max is -1 (unlimited), the totals are
 * the project's use. */
static int limits(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct store_usage u = {0};
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *q = NULL;
        const char *pid = req->auth.project_id ? req->auth.project_id : "";
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_project_usage(&svc, pid, &u);
        if (r >= 0)
                r = computesvc_quota_get(&svc, pid, 1, false, &q);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
#define QUOTA(name) (json_int_t)json_integer_value(json_object_get(q, name))
        json_t *abs = json_pack("{s:I,s:I,s:I,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
                                "maxServerMeta", QUOTA("metadata_items"), "maxPersonality",
                                QUOTA("injected_files"), "maxPersonalitySize",
                                QUOTA("injected_file_content_bytes"), "maxImageMeta", 128,
                                "maxTotalInstances", QUOTA("instances"), "maxTotalCores",
                                QUOTA("cores"), "maxTotalRAMSize", QUOTA("ram"),
                                "totalInstancesUsed", (json_int_t)u.instances, "totalCoresUsed",
                                (json_int_t)u.vcpus, "totalRAMUsed", (json_int_t)u.memory_mb,
                                "maxTotalKeypairs", QUOTA("key_pairs"), "maxServerGroups",
                                QUOTA("server_groups"));
#undef QUOTA
        /* The keys of the asked microversion, as Nova's: the network
         * ones until 2.36 (their quotas are the Network API's, so no limit
         * here), image metadata until 2.39, personality until 2.57. */
        if (abs && req->microversion < 36) {
                static const char *const net_keys[] = {"maxSecurityGroupRules", "maxSecurityGroups",
                                                       "maxTotalFloatingIps"};
                for (size_t i = 0; i < ARRAY_SIZE(net_keys); i++)
                        json_object_set_new(abs, net_keys[i], json_integer(-1));
                json_object_set_new(abs, "totalFloatingIpsUsed", json_integer(0));
                json_object_set_new(abs, "totalSecurityGroupsUsed", json_integer(0));
        }
        if (req->microversion >= 39)
                json_object_del(abs, "maxImageMeta");
        if (req->microversion >= 57) {
                json_object_del(abs, "maxPersonality");
                json_object_del(abs, "maxPersonalitySize");
        }
        api_reply_json(resp, 200, json_pack("{s:{s:[],s:o}}", "limits", "rate", "absolute", abs));
        return 0;
}

#define NOVA(m, pat, h, auth, s) {m, pat, h, auth, API_COMPUTE, s}
const struct api_route api_nova_routes[] = {
        NOVA("GET", "/compute", versions, API_AUTH_NONE,
             "the compute endpoint's root: Nova's version list (v2.0, v2.1); the API is below it at /compute/v2.1 as at /v2.1"),
        NOVA("GET", "/compute/v2", legacy_version_show, API_AUTH_NONE,
             "the v2.0 version document"),
        NOVA("GET", "/v2.1", version_show, API_AUTH_NONE,
             "compute version discovery (min 2.1, max 2.93)"),
        NOVA("GET", "/v2.1/os-availability-zone", az_index, API_AUTH_TOKEN,
             "availability zones of the compute hosts"),
        NOVA("GET", "/v2.1/os-availability-zone/detail", az_detail, API_AUTH_TOKEN,
             "zones with their hosts (admin)"),
        NOVA("GET", "/v2.1/limits", limits, API_AUTH_TOKEN,
             "absolute limits: the project's quotas (os-quota-sets) and use"),
        {0},
};
