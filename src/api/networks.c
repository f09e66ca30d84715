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

static int create_one(struct api_ctx *ctx, struct api_request *req, json_t *in,
                      const char *owner, json_t **ret, struct service_error *e)
{
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
        struct netsvc svc = api_netsvc(ctx);
        int r = netsvc_network_create(&svc, net, owner, e);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(net);
        return 0;
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
