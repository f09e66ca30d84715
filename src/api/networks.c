/* /v2.0/networks: parse, call the network service (the ML2 segment on
 * create, released on delete, the subnets' shared mark on update:
 * netsvc/network.c), render Neutron's view of the typed row. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "api/view-write.h"
#include "base/error.h"
#include "base/strbuf.h"
#include "identity/token.h"

/* The members of Neutron's view of a network: its core attributes, then
 * the extensions', in its order. */
enum member {
        M_ID, M_NAME, M_TENANT_ID, M_ADMIN_STATE_UP, M_MTU, M_STATUS, M_SUBNETS, M_SHARED,
        M_AZ_HINTS, M_AZS, M_IPV4_SCOPE, M_IPV6_SCOPE, M_EXTERNAL, M_DESCRIPTION,
        M_PORT_SECURITY, M_NETWORK_TYPE, M_PHYSNET, M_SEGMENTATION_ID, M_TAGS, M_PROJECT_ID,
        M_CREATED_AT, M_REVISION, M_UPDATED_AT, _M_MAX,
};

static const struct view_key members[_M_MAX] = {
        [M_ID] = VIEW_KEY("id"),
        [M_NAME] = VIEW_KEY("name"),
        [M_TENANT_ID] = VIEW_KEY("tenant_id"),
        [M_ADMIN_STATE_UP] = VIEW_KEY("admin_state_up"),
        [M_MTU] = VIEW_KEY("mtu"),
        [M_STATUS] = VIEW_KEY("status"),
        [M_SUBNETS] = VIEW_KEY("subnets"),
        [M_SHARED] = VIEW_KEY("shared"),
        [M_AZ_HINTS] = VIEW_KEY("availability_zone_hints"),
        [M_AZS] = VIEW_KEY("availability_zones"),
        [M_IPV4_SCOPE] = VIEW_KEY("ipv4_address_scope"),
        [M_IPV6_SCOPE] = VIEW_KEY("ipv6_address_scope"),
        [M_EXTERNAL] = VIEW_KEY("router:external"),
        [M_DESCRIPTION] = VIEW_KEY("description"),
        [M_PORT_SECURITY] = VIEW_KEY("port_security_enabled"),
        [M_NETWORK_TYPE] = VIEW_KEY("provider:network_type"),
        [M_PHYSNET] = VIEW_KEY("provider:physical_network"),
        [M_SEGMENTATION_ID] = VIEW_KEY("provider:segmentation_id"),
        [M_TAGS] = VIEW_KEY("tags"),
        [M_PROJECT_ID] = VIEW_KEY("project_id"),
        [M_CREATED_AT] = VIEW_KEY("created_at"),
        [M_REVISION] = VIEW_KEY("revision_number"),
        [M_UPDATED_AT] = VIEW_KEY("updated_at"),
};

/* The members the caller sees: decided once per view or list. */
static uint32_t mask_of(const struct auth_context *auth, const char *const *fields,
                        size_t n_fields)
{
        return view_mask(&resource_network, members, _M_MAX, auth, fields, n_fields);
}

/* Neutron's view of a network as the object text appended to out, only
 * the members of mask (view_mask()). */
static int network_view(const void *row, uint32_t mask, struct strbuf *out)
{
        const struct store_network *n = row;
        struct view_writer w = view_begin(out, members, mask);
        view_put_string(&w, M_ID, n->id);
        view_put_string(&w, M_NAME, n->name);
        view_put_string(&w, M_TENANT_ID, n->project_id);
        view_put_bool(&w, M_ADMIN_STATE_UP, n->admin_state_up);
        view_put_int(&w, M_MTU, n->mtu);
        view_put_string(&w, M_STATUS, n->status);
        view_put_json(&w, M_SUBNETS, n->subnets);
        view_put_bool(&w, M_SHARED, n->shared);
        view_put_json(&w, M_AZ_HINTS, n->availability_zone_hints);
        view_put_json(&w, M_AZS, "[]");
        view_put_string(&w, M_IPV4_SCOPE, NULL);
        view_put_string(&w, M_IPV6_SCOPE, NULL);
        view_put_bool(&w, M_EXTERNAL, n->external);
        view_put_string(&w, M_DESCRIPTION, n->description);
        view_put_bool(&w, M_PORT_SECURITY, n->port_security_enabled);
        view_put_string(&w, M_NETWORK_TYPE, n->network_type);
        view_put_string(&w, M_PHYSNET, n->physical_network);
        view_put_int(&w, M_SEGMENTATION_ID, n->segmentation_id);
        view_put_json(&w, M_TAGS, n->tags);
        view_put_string(&w, M_PROJECT_ID, n->project_id);
        view_put_string(&w, M_CREATED_AT, n->created_at);
        view_put_int(&w, M_REVISION, n->revision_number);
        view_put_string(&w, M_UPDATED_AT, n->updated_at);
        return view_end(&w);
}

/* Replies {"network": view} with status. */
static int reply_one(struct api_response *resp, unsigned status, const struct store_network *n,
                     const struct auth_context *auth, const char *const *fields, size_t n_fields)
{
        return view_reply(resp, status, "network", network_view, n,
                          mask_of(auth, fields, n_fields));
}

static int walk_cb(const struct store_network *n, void *userdata)
{
        return view_list_put(userdata, n->id, n);
}

static int walk(struct api_ctx *ctx, const struct auth_context *auth, const struct store_query *q,
                const char *const *fields, size_t n_fields, neutron_next_fn next, void *list)
{
        struct view_list w = {network_view, mask_of(auth, fields, n_fields), next, list};
        struct netsvc svc = api_netsvc(ctx);
        return netsvc_network_list(&svc, auth, q, walk_cb, &w);
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list_rows(ctx, req, resp, &resource_network, walk);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        const char *fields[API_MAX_QUERY];
        size_t n_fields = neutron_fields(req, fields, API_MAX_QUERY);
        _cleanup_network_ struct store_network *net = NULL;
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_network_get(&svc, &req->auth, req->params[0], &net, &e);
        store_end(ctx->store, true);
        if (r < 0)
                return neutron_service_error(resp, &e, r);
        return reply_one(resp, 200, net, &req->auth, fields, n_fields);
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

/* The new network's whole view as an object, which neutron_create()
 * shows as the caller may see it (bulk creates answer a list of them). */
static int create_one(struct api_ctx *ctx, struct api_request *req, json_t *in,
                      const char *owner, json_t **ret, struct service_error *e)
{
        struct netsvc_network_create c;
        network_create_from_json(in, owner, &c);
        struct netsvc svc = api_netsvc(ctx);
        _cleanup_network_ struct store_network *net = NULL;
        int r = netsvc_network_create(&svc, &c, &net, e);
        if (r < 0)
                return r;
        _cleanup_strbuf_ struct strbuf view = STRBUF_INIT;
        if ((r = network_view(net, UINT32_MAX, &view)) < 0)
                return r;
        json_t *o = json_loads(view.buf, 0, NULL);
        if (!o)
                return -ENOMEM;
        *ret = o;
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_create(ctx, req, resp, &resource_network, true, create_one);
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL;
        _cleanup_network_ struct store_network *net = NULL;
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
        return reply_one(resp, 200, net, &req->auth, NULL, 0);
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_network_delete(&svc, &req->auth, req->params[0], &e);
        store_end(ctx->store, r >= 0);
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
