/* /v2.0/subnets: IPv4 and IPv6 subnets with Neutron's defaults, pool
 * checks and IPv6 address modes (netsvc/subnet.c); create and update
 * parse, call the service, render. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "base/error.h"
#include "identity/policy-rules.h"
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

/* The service's input from a validated body (defaults filled, the owner
 * resolved); strings and lists stay in's. */
static void subnet_create_from_json(const json_t *in, const char *owner,
                                    struct netsvc_subnet_create *ret)
{
        *ret = (struct netsvc_subnet_create){.owner = owner};
        neutron_given_str(in, "network_id", &ret->network_id);
        neutron_given_str(in, "name", &ret->name);
        neutron_given_str(in, "description", &ret->description);
        ret->ip_version = (int)json_integer_value(json_object_get(in, "ip_version"));
        neutron_given_str(in, "cidr", &ret->cidr);
        ret->has_gateway_ip = neutron_given_str(in, "gateway_ip", &ret->gateway_ip);
        neutron_given_json(in, "allocation_pools", &ret->allocation_pools);
        neutron_given_json(in, "dns_nameservers", &ret->dns_nameservers);
        neutron_given_json(in, "host_routes", &ret->host_routes);
        ret->has_enable_dhcp = neutron_given_bool(in, "enable_dhcp", &ret->enable_dhcp);
        neutron_given_str(in, "ipv6_ra_mode", &ret->ipv6_ra_mode);
        neutron_given_str(in, "ipv6_address_mode", &ret->ipv6_address_mode);
}

static int create_one(struct api_ctx *ctx, struct api_request *req, json_t *in,
                      const char *owner, json_t **ret, struct service_error *e)
{
        struct netsvc_subnet_create c;
        subnet_create_from_json(in, owner, &c);
        struct netsvc svc = api_netsvc(ctx);
        return netsvc_subnet_create(&svc, &req->auth, &c, ret, e);
}

/* The network's owner is checked by the service (create_subnet). */
static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_create(ctx, req, resp, &resource_subnet, false, create_one);
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL, *sub = NULL;
        if (!neutron_parse_update(ctx, req, resp, &resource_subnet, &in))
                return 0;
        struct netsvc_subnet_update u = {0};
        u.has_name = neutron_given_str(in, "name", &u.name);
        u.has_description = neutron_given_str(in, "description", &u.description);
        u.has_gateway_ip = neutron_given_str(in, "gateway_ip", &u.gateway_ip);
        u.has_allocation_pools = neutron_given_json(in, "allocation_pools", &u.allocation_pools);
        u.has_enable_dhcp = neutron_given_bool(in, "enable_dhcp", &u.enable_dhcp);
        u.has_dns_nameservers = neutron_given_json(in, "dns_nameservers", &u.dns_nameservers);
        u.has_host_routes = neutron_given_json(in, "host_routes", &u.host_routes);
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_subnet_update(&svc, &req->auth, req->params[0], &u, &sub, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        neutron_reply_one(resp, 200, &resource_subnet, sub, &req->auth);
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *sub = NULL;
        const char *id = req->params[0];
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, &resource_subnet, id, &sub);
        /* delete_subnet is the network owner's. */
        _cleanup_network_ struct store_network *net = NULL;
        struct policy_target tg = {0};
        struct netsvc svc = api_netsvc(ctx);
        if (r >= 0 &&
            netsvc_network_find(&svc, NULL, json_str(sub, "network_id") ?: "", false, &net) >= 0)
                tg.network_owner = net->project_id;
        if (r >= 0 && !policy_rule_allows(PR_DELETE_SUBNET, &req->auth, &tg)) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:%s) is disallowed by policy",
                                         policy_rules[PR_DELETE_SUBNET].name);
        }
        struct service_error e = {0};
        if (r >= 0)
                r = netsvc_subnet_delete(&svc, sub, &e);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT && e.kind == ERROR_KIND_NONE)
                return neutron_not_found(resp, &resource_subnet, id);
        if (r < 0)
                return neutron_service_error(resp, &e, r);
        api_reply_empty(resp, 204);
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_subnet_routes[] = {
        NET("GET", "/v2.0/subnets", list, "list subnets"),
        NET("POST", "/v2.0/subnets", create, "create an IPv4 or IPv6 subnet"),
        NET("GET", "/v2.0/subnets/{}", show, "show a subnet"),
        NET("PUT", "/v2.0/subnets/{}", update, "update name, description, gateway, pools, dns, routes, dhcp"),
        NET("DELETE", "/v2.0/subnets/{}", destroy, "delete a subnet (409 with addresses in use, but from the MAC)"),
        {0},
};
