/* /v2.0/subnets: IPv4 subnets with Neutron's defaults and pool checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "base/error.h"
#include "identity/token.h"
#include "network/ipam.h"

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list(ctx, req, resp, &resource_subnet, NULL);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_show(ctx, req, resp, &resource_subnet, NULL);
}

/* Pools from [{start, end}] as given by the user. */
static int parse_pools(const json_t *arr, struct ipv4_pool *pools, size_t max, size_t *ret_n,
                       struct api_response *resp)
{
        size_t i;
        json_t *p;
        if (json_array_size(arr) > max)
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "Invalid input for allocation_pools. Reason: at most "
                                         "%zu pools are supported.", max);
        json_array_foreach(arr, i, p) {
                const char *s = json_str(p, "start"), *e = json_str(p, "end");
                if (!json_is_object(p) || json_object_size(p) != 2 ||
                    ipv4_parse(s, &pools[i].start) < 0 || ipv4_parse(e, &pools[i].end) < 0)
                        return api_neutron_error(resp, 400, "HTTPBadRequest",
                                                 "Invalid input for allocation_pools. Reason: "
                                                 "each pool must be {\"start\": IP, \"end\": IP} "
                                                 "with IPv4 addresses.");
        }
        *ret_n = json_array_size(arr);
        return 0;
}

struct overlap {
        struct ipv4_net net;
        const char *found;
        char buf[64];
};

static int overlap_cb(const char *id, const char *doc, void *userdata)
{
        struct overlap *o = userdata;
        _cleanup_json_ json_t *s = json_loads(doc, 0, NULL);
        struct ipv4_net other;
        if (!s || ipv4_net_parse(json_str(s, "cidr"), &other) < 0)
                return 0;
        if (ipv4_net_contains(&o->net, other.addr) || ipv4_net_contains(&other, o->net.addr)) {
                snprintf(o->buf, sizeof(o->buf), "%s", json_str(s, "cidr"));
                o->found = o->buf;
        }
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL, *net = NULL;
        if (!neutron_parse_input(req, resp, &resource_subnet, true, &in))
                return 0;
        int r = 0;
        const char *owner;
        if (neutron_owner(req, in, resp, &owner) < 0)
                return 0;
        if (json_integer_value(json_object_get(in, "ip_version")) != 4)
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: IPv6 subnets are not "
                                         "supported by this server.");
        struct ipv4_net cidr;
        if (ipv4_net_parse(json_str(in, "cidr"), &cidr) < 0)
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "Invalid input for cidr. Reason: %s.", err_msg(-EINVAL));
        if (cidr.prefix > 30 || cidr.prefix < 8)
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: prefix length /%u is not "
                                         "supported (8 through 30).", cidr.prefix);
        char cidr_text[32], gw_text[IP_STR_LEN];
        ipv4_format(cidr.addr, gw_text);
        snprintf(cidr_text, sizeof(cidr_text), "%s/%u", gw_text, cidr.prefix);

        json_t *jgw = json_object_get(in, "gateway_ip");
        bool has_gw = !(jgw && json_is_null(jgw));
        uint32_t gw = ipv4_default_gateway(&cidr);
        if (jgw && !json_is_null(jgw)) {
                if (ipv4_parse(json_string_value(jgw), &gw) < 0)
                        return api_neutron_error(resp, 400, "HTTPBadRequest",
                                                 "Invalid input for gateway_ip. Reason: '%s' is "
                                                 "not a valid IP address.", json_string_value(jgw));
                if (!ipv4_net_contains(&cidr, gw) || gw == cidr.addr ||
                    gw == ipv4_net_broadcast(&cidr))
                        return api_neutron_error(resp, 400, "InvalidInput",
                                                 "Invalid input for operation: Gateway is not "
                                                 "valid on subnet.");
        }
        struct ipv4_pool pools[16];
        size_t n_pools = 0;
        json_t *jp = json_object_get(in, "allocation_pools");
        if (jp && !json_is_null(jp)) {
                if (parse_pools(jp, pools, ARRAY_SIZE(pools), &n_pools, resp) < 0)
                        return 0;
                if (ipv4_pools_validate(&cidr, pools, n_pools, has_gw, gw) < 0)
                        return api_neutron_error(resp, 400, "HTTPBadRequest", "%s",
                                                 err_msg(-EINVAL));
        } else
                n_pools = ipv4_default_pools(&cidr, has_gw, gw, pools);

        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *sub = json_object(), *jpools = json_array();
        for (size_t i = 0; i < n_pools; i++) {
                char a[IP_STR_LEN], b[IP_STR_LEN];
                ipv4_format(pools[i].start, a);
                ipv4_format(pools[i].end, b);
                json_array_append_new(jpools, json_pack("{s:s,s:s}", "start", a, "end", b));
        }
        ipv4_format(gw, gw_text);
        json_object_set_new(sub, "id", json_string(id));
        json_object_update(sub, in);
        json_object_set_new(sub, "cidr", json_string(cidr_text));
        json_object_set_new(sub, "gateway_ip", has_gw ? json_string(gw_text) : json_null());
        json_object_set(sub, "allocation_pools", jpools);
        json_object_set_new(sub, "ipv6_address_mode", json_null());
        json_object_set_new(sub, "ipv6_ra_mode", json_null());
        json_object_set_new(sub, "service_types", json_array());
        json_object_set_new(sub, "subnetpool_id", json_null());
        json_object_set_new(sub, "tags", json_array());
        neutron_stamp(ctx, sub, true);

        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        const char *net_id = json_str(in, "network_id");
        r = neutron_load(ctx, &req->auth, &resource_network, net_id, &net);
        if (r == -ENOENT) {
                store_end(ctx->store, false);
                return neutron_not_found(resp, &resource_network, net_id);
        }
        if (r >= 0 && !policy_may_write(&req->auth, json_str(net, "project_id"))) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:create_subnet) is disallowed by policy");
        }
        struct overlap ov = {.net = cidr};
        const char *v[] = {net_id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        if (r >= 0)
                r = store_obj_list(ctx->store, "subnet", &q, overlap_cb, &ov);
        if (r >= 0 && ov.found) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 400, "InvalidInput",
                                         "Invalid input for operation: Requested subnet with "
                                         "cidr: %s for network: %s overlaps with another "
                                         "subnet.", cidr_text, net_id);
        }
        if (r >= 0)
                r = neutron_store_insert(ctx, &resource_subnet, sub);
        if (r >= 0) {
                json_array_append_new(json_object_get(net, "subnets"), json_string(id));
                r = neutron_store_update(ctx, &resource_network, net);
        }
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return api_store_error(resp, API_NETWORK, r < 0 ? r : k);
        neutron_reply_one(resp, 201, &resource_subnet, sub, &req->auth);
        return 0;
}

static int refuse_pool_changes(const json_t *in, struct api_response *resp)
{
        if (json_object_get(in, "allocation_pools") || json_object_get(in, "gateway_ip")) {
                api_neutron_error(resp, 400, "HTTPBadRequest",
                                  "Cannot update allocation_pools or gateway_ip of a "
                                  "subnet here; delete and re-create the subnet.");
                return 1;
        }
        return 0;
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_update(ctx, req, resp, &resource_subnet, refuse_pool_changes, NULL);
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *sub = NULL, *net = NULL;
        const char *id = req->params[0];
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, &resource_subnet, id, &sub);
        if (r >= 0 && !policy_may_write(&req->auth, json_str(sub, "project_id"))) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:delete_subnet) is disallowed by policy");
        }
        char pool[64];
        snprintf(pool, sizeof(pool), "ip:%s", id);
        _cleanup_strv_free_ char **used = NULL;
        if (r >= 0 && store_pool_values(ctx->store, pool, &used) > 0) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 409, "SubnetInUse",
                                         "Unable to complete operation on subnet %s: One or more "
                                         "ports have an IP allocation from this subnet.", id);
        }
        if (r >= 0)
                r = store_obj_delete(ctx->store, "subnet", id);
        if (r >= 0) {
                _cleanup_free_ char *doc = NULL;
                if (store_obj_get(ctx->store, "network", json_str(sub, "network_id"), &doc, NULL) == 0 &&
                    (net = json_loads(doc, 0, NULL))) {
                        json_t *subs = json_object_get(net, "subnets");
                        for (size_t i = 0; i < json_array_size(subs); i++)
                                if (streq(json_string_value(json_array_get(subs, i)), id))
                                        json_array_remove(subs, i--);
                        r = neutron_store_update(ctx, &resource_network, net);
                }
        }
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return neutron_not_found(resp, &resource_subnet, id);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_empty(resp, 204);
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_subnet_routes[] = {
        NET("GET", "/v2.0/subnets", list, "list subnets"),
        NET("POST", "/v2.0/subnets", create, "create an IPv4 subnet"),
        NET("GET", "/v2.0/subnets/{}", show, "show a subnet"),
        NET("PUT", "/v2.0/subnets/{}", update, "update name, description, dns, routes, dhcp"),
        NET("DELETE", "/v2.0/subnets/{}", destroy, "delete a subnet (409 with addresses in use)"),
        {0},
};
