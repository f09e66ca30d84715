/* /v2.0/networks: ML2 segment allocation (flat, vlan) on create, release on
 * delete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "base/error.h"
#include "identity/token.h"

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list(ctx, req, resp, &resource_network, NULL);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_show(ctx, req, resp, &resource_network, NULL);
}

struct vlan_used {
        struct api_ctx *ctx;
        const char *physnet;
        char **values; /* sorted claimed VLANs of physnet */
        int n;
};

static int vlan_cmp(const void *a, const void *b)
{
        return (int)strtoul(*(char *const *)a, NULL, 10) - (int)strtoul(*(char *const *)b, NULL, 10);
}

static bool vlan_is_used(const char *physnet, unsigned vlan, void *userdata)
{
        struct vlan_used *u = userdata;
        if (!u->physnet || !streq(u->physnet, physnet)) {
                char pool[300];
                strv_free(u->values);
                u->values = NULL;
                u->physnet = physnet;
                snprintf(pool, sizeof(pool), "vlan:%s", physnet);
                u->n = store_pool_values(u->ctx->store, pool, &u->values);
                if (u->n < 0)
                        u->n = 0;
                qsort(u->values, (size_t)u->n, sizeof(char *), vlan_cmp);
        }
        char key[8], *kp = key;
        snprintf(key, sizeof(key), "%u", vlan);
        return bsearch(&kp, u->values, (size_t)u->n, sizeof(char *), vlan_cmp) != NULL;
}

/* The segment of a new network: provider attributes checked as the ML2 type
 * drivers do, or a project network from tenant_network_types.  Claims it
 * for the network.  Errors are answered here; returns <0 then. */
static int allocate_segment(struct api_ctx *ctx, json_t *net, struct api_response *resp)
{
        const struct ml2_config *ml2 = ctx->ml2;
        json_t *jt = json_object_get(net, "provider:network_type");
        json_t *jp = json_object_get(net, "provider:physical_network");
        json_t *js = json_object_get(net, "provider:segmentation_id");
        const char *type = json_string_value(jt), *physnet = json_string_value(jp);
        bool has_seg = js && !json_is_null(js);
        json_int_t seg = json_integer_value(js);
        const char *id = json_str(net, "id");
        char pool[300], value[16];
        int r;

        if (!type && (physnet || has_seg))
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: network_type required.");
        if (!type) {
                /* A project network: the first tenant network type that has room. */
                for (char **t = ml2->tenant_network_types; *t; t++) {
                        if (!streq(*t, "vlan"))
                                continue;
                        struct vlan_used u = {.ctx = ctx};
                        const char *pn;
                        unsigned v;
                        r = vlan_ranges_pick(ml2->vlan_ranges, vlan_is_used, &u, random_below, &pn, &v);
                        if (r == 0) {
                                json_object_set_new(net, "provider:network_type", json_string("vlan"));
                                json_object_set_new(net, "provider:physical_network", json_string(pn));
                                json_object_set_new(net, "provider:segmentation_id", json_integer(v));
                                snprintf(pool, sizeof(pool), "vlan:%s", pn);
                                snprintf(value, sizeof(value), "%u", v);
                                strv_free(u.values);
                                return store_claim(ctx->store, pool, value, id);
                        }
                        strv_free(u.values);
                }
                return api_neutron_error(resp, 503, "NoNetworkAvailable",
                                         "Unable to create the network. No project network is "
                                         "available for allocation.");
        }
        if (!ml2_type_enabled(ml2, type))
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: network_type value '%s' "
                                         "not supported.", type);
        if (streq(type, "flat")) {
                if (has_seg)
                        return api_neutron_error(resp, 400, "InvalidInput",
                                                 "Invalid input for operation: segmentation_id "
                                                 "specified for flat provider network.");
                if (!physnet)
                        return api_neutron_error(resp, 400, "InvalidInput",
                                                 "Invalid input for operation: physical_network "
                                                 "required for flat provider network.");
                if (!ml2_flat_allowed(ml2, physnet))
                        return api_neutron_error(resp, 400, "InvalidInput",
                                                 "Invalid input for operation: physical_network "
                                                 "'%s' unknown for flat provider network.", physnet);
                json_object_set_new(net, "provider:segmentation_id", json_null());
                r = store_is_claimed(ctx->store, "flat", physnet);
                if (r == 0)
                        r = store_claim(ctx->store, "flat", physnet, id);
                else if (r > 0)
                        r = -EEXIST;
                if (r == -EEXIST)
                        return api_neutron_error(resp, 409, "FlatNetworkInUse",
                                                 "Unable to create the flat network. Physical "
                                                 "network %s is in use.", physnet);
                return r;
        }
        /* vlan */
        if (has_seg && !physnet)
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: segmentation_id requires "
                                         "physical_network for VLAN provider network.");
        if (has_seg && (seg < VLAN_MIN || seg > VLAN_MAX))
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: segmentation_id out of "
                                         "range (%d through %d).", VLAN_MIN, VLAN_MAX);
        if (physnet && !vlan_ranges_has_physnet(ml2->vlan_ranges, physnet))
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: physical_network '%s' "
                                         "unknown for VLAN provider network.", physnet);
        if (!has_seg) {
                /* A physnet (or none) without an id: pick one from its ranges. */
                struct vlan_ranges only = {0}, *ranges = ml2->vlan_ranges;
                struct vlan_range items[64];
                if (physnet) {
                        for (size_t i = 0; i < ranges->n && only.n < ARRAY_SIZE(items); i++)
                                if (streq(ranges->items[i].physnet, physnet))
                                        items[only.n++] = ranges->items[i];
                        only.items = items;
                        ranges = &only;
                }
                struct vlan_used u = {.ctx = ctx};
                const char *pn;
                unsigned v;
                r = vlan_ranges_pick(ranges, vlan_is_used, &u, random_below, &pn, &v);
                strv_free(u.values);
                if (r < 0)
                        return api_neutron_error(resp, 503, "NoNetworkAvailable",
                                                 "Unable to create the network. No project "
                                                 "network is available for allocation.");
                json_object_set_new(net, "provider:physical_network", json_string(pn));
                seg = v;
                physnet = json_str(net, "provider:physical_network");
        }
        json_object_set_new(net, "provider:segmentation_id", json_integer(seg));
        snprintf(pool, sizeof(pool), "vlan:%s", physnet);
        snprintf(value, sizeof(value), "%lld", (long long)seg);
        r = store_is_claimed(ctx->store, pool, value);
        if (r == 0)
                r = store_claim(ctx->store, pool, value, id);
        else if (r > 0)
                r = -EEXIST;
        if (r == -EEXIST)
                return api_neutron_error(resp, 409, "VlanIdInUse",
                                         "Unable to create the network. The VLAN %lld on physical "
                                         "network %s is in use.", (long long)seg, physnet);
        return r;
}

/* Neutron's attribute order, so OSC's and humans' views line up. */
static json_t *network_doc(json_t *in, const char *id, long mtu)
{
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(id));
        json_object_update(o, in);
        json_object_set_new(o, "status", json_string("ACTIVE"));
        json_object_set_new(o, "subnets", json_array());
        json_object_set_new(o, "mtu", json_integer(mtu));
        json_object_set_new(o, "availability_zones", json_array());
        json_object_set_new(o, "ipv4_address_scope", json_null());
        json_object_set_new(o, "ipv6_address_scope", json_null());
        json_object_set_new(o, "tags", json_array());
        return o;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL;
        if (!neutron_parse_input(req, resp, &resource_network, true, &in))
                return 0;
        int r = 0;
        const char *owner;
        if (!neutron_create_owner(req, resp, &resource_network, in, &owner))
                return 0;
        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *net = network_doc(in, id, ctx->ml2->mtu);
        /* The provider attributes are always shown; null until the segment
         * is chosen (allocate_segment reads null as not given). */
        static const char *const provider[] = {"provider:network_type",
                                               "provider:physical_network",
                                               "provider:segmentation_id"};
        for (size_t i = 0; i < ARRAY_SIZE(provider); i++)
                if (!json_object_get(net, provider[i]))
                        json_object_set_new(net, provider[i], json_null());
        neutron_stamp(ctx, net, true);

        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        resp->status = 0;
        r = allocate_segment(ctx, net, resp);
        if (r >= 0) {
                char sg[37];
                r = neutron_default_sg(ctx, owner, sg);
        }
        if (r >= 0)
                r = neutron_store_insert(ctx, &resource_network, net);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 && resp->status)
                return 0; /* answered by allocate_segment */
        if (r < 0 || k < 0)
                return api_store_error(resp, API_NETWORK, r < 0 ? r : k);
        neutron_reply_one(resp, 201, &resource_network, net, &req->auth);
        return 0;
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_update(ctx, req, resp, &resource_network, NULL, NULL);
}

static int delete_subnet_cb(const char *id, const char *doc, void *userdata)
{
        struct api_ctx *ctx = userdata;
        int r = store_obj_delete(ctx->store, "subnet", id);
        return r < 0 ? r : store_release_owner(ctx->store, id);
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *net = NULL;
        const char *id = req->params[0];
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, &resource_network, id, &net);
        if (r >= 0 && !policy_may_write(&req->auth, json_str(net, "project_id"))) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:delete_network) is disallowed by policy");
        }
        const char *v[] = {id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        size_t ports = 0;
        if (r >= 0)
                r = store_obj_count(ctx->store, "port", &q, &ports);
        if (r >= 0 && ports > 0) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 409, "NetworkInUse",
                                         "Unable to complete operation on network %s. There are "
                                         "one or more ports still in use on the network.", id);
        }
        if (r >= 0)
                r = store_obj_list(ctx->store, "subnet", &q, delete_subnet_cb, ctx);
        if (r >= 0)
                r = store_obj_delete(ctx->store, "network", id);
        if (r >= 0)
                r = store_release_owner(ctx->store, id);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return neutron_not_found(resp, &resource_network, id);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_empty(resp, 204);
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_network_routes[] = {
        NET("GET", "/v2.0/networks", list, "list networks (filters, fields, limit/marker)"),
        NET("POST", "/v2.0/networks", create, "create a network (ML2 flat/vlan segment)"),
        NET("GET", "/v2.0/networks/{}", show, "show a network"),
        NET("PUT", "/v2.0/networks/{}", update, "update a network"),
        NET("DELETE", "/v2.0/networks/{}", destroy, "delete a network (409 with ports)"),
        {0},
};
