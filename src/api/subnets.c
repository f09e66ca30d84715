/* /v2.0/subnets: IPv4 and IPv6 subnets with Neutron's defaults, pool
 * checks and IPv6 address modes (netsvc/subnet.c); parse, call the
 * service, render Neutron's view of the typed row. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "api/view-write.h"
#include "base/error.h"
#include "base/json-write.h"
#include "identity/token.h"

/* The members of Neutron's view of a subnet, in its order. */
enum member {
        M_ID, M_NAME, M_TENANT_ID, M_NETWORK_ID, M_IP_VERSION, M_SUBNETPOOL_ID, M_ENABLE_DHCP,
        M_IPV6_RA_MODE, M_IPV6_ADDRESS_MODE, M_GATEWAY_IP, M_CIDR, M_ALLOCATION_POOLS,
        M_HOST_ROUTES, M_DNS_NAMESERVERS, M_DESCRIPTION, M_SERVICE_TYPES, M_TAGS, M_PROJECT_ID,
        M_CREATED_AT, M_REVISION, M_UPDATED_AT, _M_MAX,
};

static const struct view_key members[_M_MAX] = {
        [M_ID] = VIEW_KEY("id"),
        [M_NAME] = VIEW_KEY("name"),
        [M_TENANT_ID] = VIEW_KEY("tenant_id"),
        [M_NETWORK_ID] = VIEW_KEY("network_id"),
        [M_IP_VERSION] = VIEW_KEY("ip_version"),
        [M_SUBNETPOOL_ID] = VIEW_KEY("subnetpool_id"),
        [M_ENABLE_DHCP] = VIEW_KEY("enable_dhcp"),
        [M_IPV6_RA_MODE] = VIEW_KEY("ipv6_ra_mode"),
        [M_IPV6_ADDRESS_MODE] = VIEW_KEY("ipv6_address_mode"),
        [M_GATEWAY_IP] = VIEW_KEY("gateway_ip"),
        [M_CIDR] = VIEW_KEY("cidr"),
        [M_ALLOCATION_POOLS] = VIEW_KEY("allocation_pools"),
        [M_HOST_ROUTES] = VIEW_KEY("host_routes"),
        [M_DNS_NAMESERVERS] = VIEW_KEY("dns_nameservers"),
        [M_DESCRIPTION] = VIEW_KEY("description"),
        [M_SERVICE_TYPES] = VIEW_KEY("service_types"),
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
        return view_mask(&resource_subnet, members, _M_MAX, auth, fields, n_fields);
}

/* One string of a pool as a JSON member: ,"key":"value". */
static int pool_member(struct strbuf *out, const char *key, const char *v)
{
        int r = strbuf_append(out, key);
        return r < 0 ? r : json_append_string(out, v, strlen(v));
}

/* The allocation pools, [{"start": A, "end": B}, ...] in their order. */
static void put_pools(struct view_writer *w, const struct store_subnet *s)
{
        if (!view_member(w, M_ALLOCATION_POOLS))
                return;
        w->r = strbuf_append_len(w->out, "[", 1);
        for (size_t i = 0; w->r >= 0 && i < s->n_pools; i++) {
                const struct store_ip_range *p = &s->pools[i];
                if ((w->r = pool_member(w->out, i ? ",{\"start\":" : "{\"start\":",
                                        p->start ?: "")) >= 0 &&
                    (w->r = pool_member(w->out, ",\"end\":", p->end ?: "")) >= 0)
                        w->r = strbuf_append_len(w->out, "}", 1);
        }
        if (w->r >= 0)
                w->r = strbuf_append_len(w->out, "]", 1);
}

/* Neutron's view of a subnet as the object text appended to out, only
 * the members of mask (mask_of()). */
static int subnet_view(const void *row, uint32_t mask, struct strbuf *out)
{
        const struct store_subnet *s = row;
        struct view_writer w = view_begin(out, members, mask);
        view_put_string(&w, M_ID, s->id);
        view_put_string(&w, M_NAME, s->name);
        view_put_string(&w, M_TENANT_ID, s->project_id);
        view_put_string(&w, M_NETWORK_ID, s->network_id);
        view_put_int(&w, M_IP_VERSION, s->ip_version);
        view_put_string(&w, M_SUBNETPOOL_ID, s->subnetpool_id);
        view_put_bool(&w, M_ENABLE_DHCP, s->enable_dhcp);
        view_put_string(&w, M_IPV6_RA_MODE, s->ipv6_ra_mode);
        view_put_string(&w, M_IPV6_ADDRESS_MODE, s->ipv6_address_mode);
        view_put_string(&w, M_GATEWAY_IP, s->gateway_ip);
        view_put_string(&w, M_CIDR, s->cidr);
        put_pools(&w, s);
        view_put_json(&w, M_HOST_ROUTES, s->host_routes);
        view_put_json(&w, M_DNS_NAMESERVERS, s->dns_nameservers);
        view_put_string(&w, M_DESCRIPTION, s->description);
        view_put_json(&w, M_SERVICE_TYPES, s->service_types);
        view_put_json(&w, M_TAGS, s->tags);
        view_put_string(&w, M_PROJECT_ID, s->project_id);
        view_put_string(&w, M_CREATED_AT, s->created_at);
        view_put_int(&w, M_REVISION, s->revision_number);
        view_put_string(&w, M_UPDATED_AT, s->updated_at);
        return view_end(&w);
}

/* Replies {"subnet": view} with status. */
static int reply_one(struct api_response *resp, unsigned status, const struct store_subnet *s,
                     const struct auth_context *auth, const char *const *fields, size_t n_fields)
{
        return view_reply(resp, status, "subnet", subnet_view, s,
                          mask_of(auth, fields, n_fields));
}

static int walk_cb(const struct store_subnet *s, void *userdata)
{
        return view_list_put(userdata, s->id, s);
}

static int walk(struct api_ctx *ctx, const struct auth_context *auth, const struct store_query *q,
                const char *const *fields, size_t n_fields, neutron_next_fn next, void *list)
{
        struct view_list w = {subnet_view, mask_of(auth, fields, n_fields), next, list};
        struct netsvc svc = api_netsvc(ctx);
        return netsvc_subnet_list(&svc, auth, q, walk_cb, &w);
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list_rows(ctx, req, resp, &resource_subnet, walk);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        const char *fields[API_MAX_QUERY];
        size_t n_fields = neutron_fields(req, fields, API_MAX_QUERY);
        _cleanup_subnet_ struct store_subnet *sub = NULL;
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_subnet_get(&svc, &req->auth, req->params[0], &sub, &e);
        store_end(ctx->store, true);
        if (r < 0)
                return neutron_service_error(resp, &e, r);
        return reply_one(resp, 200, sub, &req->auth, fields, n_fields);
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

/* The new subnet's whole view as an object, which neutron_create() shows
 * as the caller may see it (bulk creates answer a list of them).  The
 * network's owner is checked by the service (create_subnet). */
static int create_one(struct api_ctx *ctx, struct api_request *req, json_t *in,
                      const char *owner, json_t **ret, struct service_error *e)
{
        struct netsvc_subnet_create c;
        subnet_create_from_json(in, owner, &c);
        struct netsvc svc = api_netsvc(ctx);
        _cleanup_subnet_ struct store_subnet *sub = NULL;
        int r = netsvc_subnet_create(&svc, &req->auth, &c, &sub, e);
        if (r < 0)
                return r;
        _cleanup_strbuf_ struct strbuf view = STRBUF_INIT;
        if ((r = subnet_view(sub, UINT32_MAX, &view)) < 0)
                return r;
        json_t *o = json_loads(view.buf, 0, NULL);
        if (!o)
                return -ENOMEM;
        *ret = o;
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_create(ctx, req, resp, &resource_subnet, false, create_one);
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL;
        _cleanup_subnet_ struct store_subnet *sub = NULL;
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
        return reply_one(resp, 200, sub, &req->auth, NULL, 0);
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_subnet_delete(&svc, &req->auth, req->params[0], &e);
        store_end(ctx->store, r >= 0);
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
