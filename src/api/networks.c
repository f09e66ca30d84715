/* /v2.0/networks: parse, call the network service (the ML2 segment on
 * create, released on delete, the subnets' shared mark on update:
 * netsvc/network.c), render Neutron's view of the typed row. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "base/error.h"
#include "base/json-write.h"
#include "base/strbuf.h"
#include "identity/token.h"

/* One member of a view being written: skipped when the caller may not
 * read it or did not ask for it (fields=). */
struct view_writer {
        struct strbuf *out;
        const struct auth_context *auth;
        const char *const *fields;
        size_t n_fields;
        bool any;
        int r;
};

static bool member(struct view_writer *w, const char *key)
{
        if (w->r < 0 ||
            !resource_view_keeps(&resource_network, w->auth, w->fields, w->n_fields, key,
                                 strlen(key)))
                return false;
        if (w->any)
                w->r = strbuf_append(w->out, ",");
        w->any = true;
        if (w->r >= 0)
                w->r = json_append_string(w->out, key, strlen(key));
        if (w->r >= 0)
                w->r = strbuf_append(w->out, ":");
        return w->r >= 0;
}

static void put_string(struct view_writer *w, const char *key, const char *v)
{
        if (member(w, key))
                w->r = v ? json_append_string(w->out, v, strlen(v)) : strbuf_append(w->out, "null");
}

static void put_bool(struct view_writer *w, const char *key, bool v)
{
        if (member(w, key))
                w->r = strbuf_append(w->out, v ? "true" : "false");
}

/* An integer, or null when negative (none). */
static void put_int(struct view_writer *w, const char *key, long long v)
{
        if (member(w, key))
                w->r = v < 0 ? strbuf_append(w->out, "null") : strbuf_printf(w->out, "%lld", v);
}

/* JSON text as the row holds it (a list; none: []). */
static void put_json(struct view_writer *w, const char *key, const char *text)
{
        if (member(w, key))
                w->r = strbuf_append(w->out, text ? text : "[]");
}

/* Neutron's view of a network, its core attributes then the extensions'
 * in its order, as the object text appended to out: what auth may not
 * read left out, only the fields= asked for (none: all). */
static int network_view(const struct store_network *n, const struct auth_context *auth,
                        const char *const *fields, size_t n_fields, struct strbuf *out)
{
        struct view_writer w = {out, auth, fields, n_fields, false, strbuf_append(out, "{")};
        put_string(&w, "id", n->id);
        put_string(&w, "name", n->name);
        put_string(&w, "tenant_id", n->project_id);
        put_bool(&w, "admin_state_up", n->admin_state_up);
        put_int(&w, "mtu", n->mtu);
        put_string(&w, "status", n->status);
        put_json(&w, "subnets", n->subnets);
        put_bool(&w, "shared", n->shared);
        put_json(&w, "availability_zone_hints", n->availability_zone_hints);
        put_json(&w, "availability_zones", "[]");
        put_string(&w, "ipv4_address_scope", NULL);
        put_string(&w, "ipv6_address_scope", NULL);
        put_bool(&w, "router:external", n->external);
        put_string(&w, "description", n->description);
        put_bool(&w, "port_security_enabled", n->port_security_enabled);
        put_string(&w, "provider:network_type", n->network_type);
        put_string(&w, "provider:physical_network", n->physical_network);
        put_int(&w, "provider:segmentation_id", n->segmentation_id);
        put_json(&w, "tags", n->tags);
        put_string(&w, "project_id", n->project_id);
        put_string(&w, "created_at", n->created_at);
        put_int(&w, "revision_number", n->revision_number);
        put_string(&w, "updated_at", n->updated_at);
        return w.r < 0 ? w.r : strbuf_append(out, "}");
}

/* Replies {"network": view} with status. */
static int reply_one(struct api_response *resp, unsigned status, const struct store_network *n,
                     const struct auth_context *auth, const char *const *fields, size_t n_fields)
{
        _cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
        int r = strbuf_append(&out, "{\"network\":");
        if (r >= 0)
                r = network_view(n, auth, fields, n_fields, &out);
        if (r >= 0)
                r = strbuf_append(&out, "}");
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_raw(resp, status, strbuf_steal(&out));
        return 0;
}

struct walk_state {
        const struct auth_context *auth;
        const char *const *fields;
        size_t n_fields;
        struct strbuf view; /* one row's, reused */
        neutron_emit_fn emit;
        void *emit_data;
};

static int walk_cb(const struct store_network *n, void *userdata)
{
        struct walk_state *w = userdata;
        strbuf_reset(&w->view);
        int r = network_view(n, w->auth, w->fields, w->n_fields, &w->view);
        return r < 0 ? r : w->emit(n->id, w->view.buf, w->view.len, w->emit_data);
}

static int walk(struct api_ctx *ctx, const struct auth_context *auth, const struct store_query *q,
                const char *const *fields, size_t n_fields, neutron_emit_fn emit, void *emit_data)
{
        struct walk_state w = {auth, fields, n_fields, STRBUF_INIT, emit, emit_data};
        struct netsvc svc = api_netsvc(ctx);
        int r = netsvc_network_list(&svc, auth, q, walk_cb, &w);
        strbuf_done(&w.view);
        return r;
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
        static const struct auth_context all = {.is_admin = true};
        _cleanup_strbuf_ struct strbuf view = STRBUF_INIT;
        if ((r = network_view(net, &all, NULL, 0, &view)) < 0)
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
