/* Subnets: IPv4 CIDRs, gateway and pools checked and defaulted as Neutron
 * does (network/ipam), no overlap on a network; deleted only without
 * addresses in use. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "identity/policy-rules.h"
#include "identity/token.h"
#include "netsvc/netsvc.h"
#include "network/ipam.h"

/* Pools from [{start, end}] as given by the user. */
static int parse_pools(const json_t *arr, struct ipv4_pool *pools, size_t max, size_t *ret_n,
                       struct service_error *err)
{
        size_t i;
        json_t *p;
        if (json_array_size(arr) > max)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                         "Invalid input for allocation_pools. Reason: at most "
                                         "%zu pools are supported.", max);
        json_array_foreach(arr, i, p) {
                const char *s = json_str(p, "start"), *e = json_str(p, "end");
                if (!json_is_object(p) || json_object_size(p) != 2 ||
                    ipv4_parse(s, &pools[i].start) < 0 || ipv4_parse(e, &pools[i].end) < 0)
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
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

int netsvc_subnet_create(const struct netsvc *svc, const struct auth_context *auth,
                         const json_t *in, json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *net = NULL;
        int r = 0;
        if (json_integer_value(json_object_get(in, "ip_version")) != 4)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: IPv6 subnets are not "
                                         "supported by this server.");
        struct ipv4_net cidr;
        if (ipv4_net_parse(json_str(in, "cidr"), &cidr) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                         "Invalid input for cidr. Reason: %s.", err_msg(-EINVAL));
        if (cidr.prefix > 30 || cidr.prefix < 8)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: prefix length /%u is not "
                                         "supported (8 through 30).", cidr.prefix);
        r = netsvc_quota_check(svc, "subnet", json_str(in, "project_id"), err);
        if (r < 0)
                return r;
        char cidr_text[32], gw_text[IP_STR_LEN];
        ipv4_format(cidr.addr, gw_text);
        snprintf(cidr_text, sizeof(cidr_text), "%s/%u", gw_text, cidr.prefix);

        json_t *jgw = json_object_get(in, "gateway_ip");
        bool has_gw = !(jgw && json_is_null(jgw));
        uint32_t gw = ipv4_default_gateway(&cidr);
        if (jgw && !json_is_null(jgw)) {
                if (ipv4_parse(json_string_value(jgw), &gw) < 0)
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                                 "Invalid input for gateway_ip. Reason: '%s' is "
                                                 "not a valid IP address.", json_string_value(jgw));
                if (!ipv4_net_contains(&cidr, gw) || gw == cidr.addr ||
                    gw == ipv4_net_broadcast(&cidr))
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                                 "Invalid input for operation: Gateway is not "
                                                 "valid on subnet.");
        }
        struct ipv4_pool pools[16];
        size_t n_pools = 0;
        json_t *jp = json_object_get(in, "allocation_pools");
        if (jp && !json_is_null(jp)) {
                if ((r = parse_pools(jp, pools, ARRAY_SIZE(pools), &n_pools, err)) < 0)
                        return r;
                if (ipv4_pools_validate(&cidr, pools, n_pools, has_gw, gw) < 0)
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest", "%s",
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
        json_object_update(sub, (json_t *)in);
        json_object_set_new(sub, "cidr", json_string(cidr_text));
        json_object_set_new(sub, "gateway_ip", has_gw ? json_string(gw_text) : json_null());
        json_object_set(sub, "allocation_pools", jpools);
        json_object_set_new(sub, "ipv6_address_mode", json_null());
        json_object_set_new(sub, "ipv6_ra_mode", json_null());
        json_object_set_new(sub, "service_types", json_array());
        json_object_set_new(sub, "subnetpool_id", json_null());
        json_object_set_new(sub, "tags", json_array());
        netsvc_stamp(svc, sub, true);

        const char *net_id = json_str(in, "network_id");
        r = svc_doc_get_visible(svc->store, auth, "network", "shared", net_id, &net);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "NetworkNotFound",
                                    "Network %s could not be found.", net_id);
        if (r < 0)
                return r;
        struct policy_target tg = {.network_owner = json_str(net, "project_id")};
        if (!policy_rule_allows(PR_CREATE_SUBNET, auth, &tg))
                return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                    "(rule:create_subnet) is disallowed by policy");
        /* Neutron's get_subnet "rule:shared": a shared network's subnets
         * are every project's to see (a hidden mark, kept with the
         * network's shared by netsvc_network_shared()). */
        if (json_is_true(json_object_get(net, "shared")))
                json_object_set_new(sub, NETSVC_SUBNET_SHARED, json_true());
        struct overlap ov = {.net = cidr};
        const char *v[] = {net_id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        r = store_obj_list(svc->store, "subnet", &q, overlap_cb, &ov);
        if (r >= 0 && ov.found)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                         "Invalid input for operation: Requested subnet with "
                                         "cidr: %s for network: %s overlaps with another "
                                         "subnet.", cidr_text, net_id);
        if (r >= 0)
                r = svc_doc_insert(svc->store, "subnet", sub);
        if (r >= 0) {
                json_array_append_new(json_object_get(net, "subnets"), json_string(id));
                r = svc_doc_update(svc->store, "network", net);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(sub);
        return 0;
}

int netsvc_subnet_delete(const struct netsvc *svc, const json_t *sub, struct service_error *err)
{
        _cleanup_json_ json_t *net = NULL;
        const char *id = json_str(sub, "id");
        char pool[64];
        snprintf(pool, sizeof(pool), "ip:%s", id);
        _cleanup_strv_free_ char **used = NULL;
        int r = store_pool_values(svc->store, pool, &used);
        if (r > 0)
                return service_fail(err, ERROR_KIND_CONFLICT, "SubnetInUse",
                                    "Unable to complete operation on subnet %s: One or more "
                                    "ports have an IP allocation from this subnet.", id);
        if (r >= 0)
                r = store_obj_delete(svc->store, "subnet", id);
        if (r >= 0) {
                _cleanup_free_ char *doc = NULL;
                if (store_obj_get(svc->store, "network", json_str(sub, "network_id"), &doc, NULL) == 0 &&
                    (net = json_loads(doc, 0, NULL))) {
                        json_t *subs = json_object_get(net, "subnets");
                        for (size_t i = 0; i < json_array_size(subs); i++)
                                if (streq(json_string_value(json_array_get(subs, i)), id))
                                        json_array_remove(subs, i--);
                        r = svc_doc_update(svc->store, "network", net);
                }
        }
        return r;
}

int netsvc_subnet_check_update(const json_t *sub, const json_t *in, struct service_error *err)
{
        json_t *jgw = json_object_get(in, "gateway_ip"), *jp = json_object_get(in, "allocation_pools");
        if (!jgw && !jp)
                return 0;
        struct ipv4_net cidr;
        if (ipv4_net_parse(json_str(sub, "cidr"), &cidr) < 0)
                return -EIO;
        const char *gw_s = jgw ? json_string_value(jgw) : json_str(sub, "gateway_ip");
        uint32_t gw = 0;
        bool has_gw = gw_s != NULL;
        if (has_gw && ipv4_parse(gw_s, &gw) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Invalid input for gateway_ip. Reason: '%s' is not a valid "
                                    "IP address.", gw_s);
        if (jgw && has_gw &&
            (!ipv4_net_contains(&cidr, gw) || gw == cidr.addr || gw == ipv4_net_broadcast(&cidr)))
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                    "Invalid input for operation: Gateway is not valid on "
                                    "subnet.");
        struct ipv4_pool pools[16];
        size_t n_pools = 0;
        int r = parse_pools(jp ? jp : json_object_get(sub, "allocation_pools"), pools,
                            ARRAY_SIZE(pools), &n_pools, err);
        if (r < 0)
                return r;
        if (!jp) {
                /* Only the gateway moves: it must stay out of the pools. */
                for (size_t i = 0; has_gw && i < n_pools; i++)
                        if (gw >= pools[i].start && gw <= pools[i].end) {
                                char a[IP_STR_LEN], b[IP_STR_LEN];
                                ipv4_format(pools[i].start, a);
                                ipv4_format(pools[i].end, b);
                                return service_fail(err, ERROR_KIND_CONFLICT,
                                                    "GatewayConflictWithAllocationPools",
                                                    "Gateway ip %s conflicts with allocation "
                                                    "pool %s-%s.", gw_s, a, b);
                        }
                return 0;
        }
        if (ipv4_pools_validate(&cidr, pools, n_pools, has_gw, gw) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest", "%s",
                                    err_msg(-EINVAL));
        return 0;
}
