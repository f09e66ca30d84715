/* /v2.0/networks: parse, call the network service (the ML2 segment on
 * create, released on delete, the subnets' shared mark on update:
 * netsvc/network.c), render. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "base/error.h"
#include "identity/policy-rules.h"
#include "identity/token.h"

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list(ctx, req, resp, &resource_network, NULL);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_show(ctx, req, resp, &resource_network, NULL);
}

/* The service's input from a validated body (defaults filled, the owner
 * resolved); strings and lists stay in's. */
static void network_create_from_json(const json_t *in, const char *owner,
                                     struct netsvc_network_create *ret)
{
        *ret = (struct netsvc_network_create){.owner = owner};
        neutron_given_str(in, "name", &ret->name);
        neutron_given_str(in, "description", &ret->description);
        ret->has_admin_state_up = neutron_given_bool(in, "admin_state_up", &ret->admin_state_up);
        neutron_given_bool(in, "shared", &ret->shared);
        neutron_given_bool(in, "router:external", &ret->external);
        ret->has_port_security_enabled = neutron_given_bool(in, "port_security_enabled",
                                                            &ret->port_security_enabled);
        neutron_given_json(in, "availability_zone_hints", &ret->availability_zone_hints);
        /* A provider attribute sent as null is not given. */
        const json_t *seg;
        ret->has_network_type = neutron_given_str(in, "provider:network_type",
                                                  &ret->network_type) && ret->network_type;
        ret->has_physical_network = neutron_given_str(in, "provider:physical_network",
                                                      &ret->physical_network) &&
                                    ret->physical_network;
        ret->has_segmentation_id = neutron_given_json(in, "provider:segmentation_id", &seg) &&
                                   json_is_integer(seg);
        ret->segmentation_id = json_integer_value(seg);
}

static int create_one(struct api_ctx *ctx, struct api_request *req, json_t *in,
                      const char *owner, json_t **ret, struct service_error *e)
{
        struct netsvc_network_create c;
        network_create_from_json(in, owner, &c);
        struct netsvc svc = api_netsvc(ctx);
        return netsvc_network_create(&svc, &c, ret, e);
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_create(ctx, req, resp, &resource_network, true, create_one);
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL, *net = NULL;
        if (!neutron_parse_update(ctx, req, resp, &resource_network, &in))
                return 0;
        struct netsvc_network_update u = {0};
        u.has_name = neutron_given_str(in, "name", &u.name);
        u.has_description = neutron_given_str(in, "description", &u.description);
        u.has_admin_state_up = neutron_given_bool(in, "admin_state_up", &u.admin_state_up);
        u.has_shared = neutron_given_bool(in, "shared", &u.shared);
        u.has_port_security_enabled = neutron_given_bool(in, "port_security_enabled",
                                                         &u.port_security_enabled);
        u.has_external = neutron_given_bool(in, "router:external", &u.external);
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_network_update(&svc, &req->auth, req->params[0], &u, &net, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        neutron_reply_one(resp, 200, &resource_network, net, &req->auth);
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *net = NULL;
        const char *id = req->params[0];
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, &resource_network, id, &net);
        struct policy_target tg = {.project_id = r >= 0 ? json_str(net, "project_id") : NULL};
        if (r >= 0 && !policy_rule_allows(PR_DELETE_NETWORK, &req->auth, &tg)) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:%s) is disallowed by policy",
                                         policy_rules[PR_DELETE_NETWORK].name);
        }
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        if (r >= 0)
                r = netsvc_network_delete(&svc, id, &e);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT && e.kind == ERROR_KIND_NONE)
                return neutron_not_found(resp, &resource_network, id);
        if (r < 0)
                return neutron_service_error(resp, &e, r);
        api_reply_empty(resp, 204);
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_network_routes[] = {
        NET("GET", "/v2.0/networks", list, "list networks (filters, fields, limit/marker)"),
        NET("POST", "/v2.0/networks", create, "create a network (ML2 flat/vlan segment)"),
        NET("GET", "/v2.0/networks/{}", show, "show a network"),
        NET("PUT", "/v2.0/networks/{}", update,
            "update a network (shared while other projects' ports are on it)"),
        NET("DELETE", "/v2.0/networks/{}", destroy, "delete a network (409 with ports)"),
        {0},
};
