/* /v2.0/ports: parse, call the network service (netsvc/: MAC and IP
 * allocation, security groups, ML2 binding), render Neutron's view of
 * the typed row. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "api/view-write.h"
#include "base/json-write.h"
#include "base/strbuf.h"
#include "identity/policy-rules.h"
#include "netsvc/netsvc.h"

/* The members of Neutron's view of a port: its core attributes, then
 * the extensions', in its order. */
enum member {
        M_ID, M_NAME, M_NETWORK_ID, M_TENANT_ID, M_MAC_ADDRESS, M_ADMIN_STATE_UP, M_STATUS,
        M_DEVICE_ID, M_DEVICE_OWNER, M_FIXED_IPS, M_ADDRESS_PAIRS, M_DHCP_OPTS,
        M_SECURITY_GROUPS, M_DESCRIPTION, M_VNIC_TYPE, M_PROFILE, M_HOST_ID, M_VIF_TYPE,
        M_VIF_DETAILS, M_PORT_SECURITY, M_TAGS, M_PROJECT_ID, M_CREATED_AT, M_REVISION,
        M_UPDATED_AT, _M_MAX,
};

static const struct view_key members[_M_MAX] = {
        [M_ID] = VIEW_KEY("id"),
        [M_NAME] = VIEW_KEY("name"),
        [M_NETWORK_ID] = VIEW_KEY("network_id"),
        [M_TENANT_ID] = VIEW_KEY("tenant_id"),
        [M_MAC_ADDRESS] = VIEW_KEY("mac_address"),
        [M_ADMIN_STATE_UP] = VIEW_KEY("admin_state_up"),
        [M_STATUS] = VIEW_KEY("status"),
        [M_DEVICE_ID] = VIEW_KEY("device_id"),
        [M_DEVICE_OWNER] = VIEW_KEY("device_owner"),
        [M_FIXED_IPS] = VIEW_KEY("fixed_ips"),
        [M_ADDRESS_PAIRS] = VIEW_KEY("allowed_address_pairs"),
        [M_DHCP_OPTS] = VIEW_KEY("extra_dhcp_opts"),
        [M_SECURITY_GROUPS] = VIEW_KEY("security_groups"),
        [M_DESCRIPTION] = VIEW_KEY("description"),
        [M_VNIC_TYPE] = VIEW_KEY("binding:vnic_type"),
        [M_PROFILE] = VIEW_KEY("binding:profile"),
        [M_HOST_ID] = VIEW_KEY("binding:host_id"),
        [M_VIF_TYPE] = VIEW_KEY("binding:vif_type"),
        [M_VIF_DETAILS] = VIEW_KEY("binding:vif_details"),
        [M_PORT_SECURITY] = VIEW_KEY("port_security_enabled"),
        [M_TAGS] = VIEW_KEY("tags"),
        [M_PROJECT_ID] = VIEW_KEY("project_id"),
        [M_CREATED_AT] = VIEW_KEY("created_at"),
        [M_REVISION] = VIEW_KEY("revision_number"),
        [M_UPDATED_AT] = VIEW_KEY("updated_at"),
};

/* The members the caller sees: binding:* is the admin's; fields=. */
static uint32_t port_mask(const struct auth_context *auth, const char *const *fields,
                          size_t n_fields)
{
        return view_mask(&resource_port, members, _M_MAX, auth, fields, n_fields);
}

/* The fixed IPs as Neutron shows them: [{"subnet_id", "ip_address"}]. */
static void put_fixed_ips(struct view_writer *w, const struct store_port *p)
{
        if (!view_member(w, M_FIXED_IPS))
                return;
        w->r = strbuf_append_len(w->out, "[", 1);
        for (size_t i = 0; w->r >= 0 && i < p->n_fixed_ips; i++) {
                const struct store_fixed_ip *f = &p->fixed_ips[i];
                w->r = strbuf_append(w->out, i ? ",{\"subnet_id\":" : "{\"subnet_id\":");
                if (w->r >= 0)
                        w->r = json_append_string(w->out, f->subnet_id, strlen(f->subnet_id));
                if (w->r >= 0)
                        w->r = strbuf_append(w->out, ",\"ip_address\":");
                if (w->r >= 0)
                        w->r = json_append_string(w->out, f->ip_address, strlen(f->ip_address));
                if (w->r >= 0)
                        w->r = strbuf_append_len(w->out, "}", 1);
        }
        if (w->r >= 0)
                w->r = strbuf_append_len(w->out, "]", 1);
}

/* Neutron's view of a port as the object text appended to out, only the
 * members of mask (port_mask()). */
static int port_view(const void *row, uint32_t mask, struct strbuf *out)
{
        const struct store_port *p = row;
        struct view_writer w = view_begin(out, members, mask);
        view_put_string(&w, M_ID, p->id);
        view_put_string(&w, M_NAME, p->name);
        view_put_string(&w, M_NETWORK_ID, p->network_id);
        view_put_string(&w, M_TENANT_ID, p->project_id);
        view_put_string(&w, M_MAC_ADDRESS, p->mac_address);
        view_put_bool(&w, M_ADMIN_STATE_UP, p->admin_state_up);
        view_put_string(&w, M_STATUS, p->status);
        view_put_string(&w, M_DEVICE_ID, p->device_id);
        view_put_string(&w, M_DEVICE_OWNER, p->device_owner);
        put_fixed_ips(&w, p);
        view_put_json(&w, M_ADDRESS_PAIRS, p->allowed_address_pairs);
        view_put_json(&w, M_DHCP_OPTS, p->extra_dhcp_opts);
        view_put_json(&w, M_SECURITY_GROUPS, p->security_groups);
        view_put_string(&w, M_DESCRIPTION, p->description);
        view_put_string(&w, M_VNIC_TYPE, p->vnic_type);
        view_put_json(&w, M_PROFILE, p->profile ?: "{}");
        view_put_string(&w, M_HOST_ID, p->host);
        view_put_string(&w, M_VIF_TYPE, p->vif_type);
        view_put_json(&w, M_VIF_DETAILS, p->vif_details ?: "{}");
        view_put_bool(&w, M_PORT_SECURITY, p->port_security_enabled);
        view_put_json(&w, M_TAGS, p->tags);
        view_put_string(&w, M_PROJECT_ID, p->project_id);
        view_put_string(&w, M_CREATED_AT, p->created_at);
        view_put_int(&w, M_REVISION, p->revision_number);
        view_put_string(&w, M_UPDATED_AT, p->updated_at);
        return view_end(&w);
}

/* Replies {"port": view} with status. */
static int reply_one(struct api_response *resp, unsigned status, const struct store_port *p,
                     const struct auth_context *auth, const char *const *fields, size_t n_fields)
{
        return view_reply(resp, status, "port", port_view, p,
                          port_mask(auth, fields, n_fields));
}

static int walk_cb(const struct store_port *p, void *userdata)
{
        return view_list_put(userdata, p->id, p);
}

static int walk(struct api_ctx *ctx, const struct auth_context *auth, const struct store_query *q,
                const char *const *fields, size_t n_fields, neutron_next_fn next, void *list)
{
        struct view_list w = {port_view, port_mask(auth, fields, n_fields), next, list};
        struct netsvc svc = api_netsvc(ctx);
        return netsvc_port_list(&svc, q, walk_cb, &w);
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list_rows(ctx, req, resp, &resource_port, walk);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        const char *fields[API_MAX_QUERY];
        size_t n_fields = neutron_fields(req, fields, API_MAX_QUERY);
        _cleanup_port_ struct store_port *port = NULL;
        struct netsvc svc = api_netsvc(ctx);
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_port_get(&svc, &req->auth, req->params[0], &port);
        store_end(ctx->store, true);
        if (r == -ENOENT)
                return neutron_not_found(resp, &resource_port, req->params[0]);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        return reply_one(resp, 200, port, &req->auth, fields, n_fields);
}

/* The ids of a list of groups (malloc'd, the strings borrowed from
 * groups). */
static int group_ids(const json_t *groups, const char ***ret, size_t *ret_n)
{
        size_t n = json_array_size(groups);
        const char **ids = calloc(n + 1, sizeof(*ids));
        if (!ids)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                ids[i] = json_string_value(json_array_get(groups, i));
        *ret = ids;
        *ret_n = n;
        return 0;
}

/* The new port's whole view as an object, which neutron_create() shows
 * as the caller may see it (bulk creates answer a list of them). */
static int create_one(struct api_ctx *ctx, struct api_request *req, json_t *in,
                      const char *owner, json_t **ret, struct service_error *e)
{
        struct netsvc svc = api_netsvc(ctx);
        _cleanup_free_ const char **groups = NULL;
        _cleanup_port_ struct store_port *port = NULL;
        struct netsvc_port_create c = {.project_id = owner};
        neutron_given_str(in, "network_id", &c.network_id);
        neutron_given_str(in, "name", &c.name);
        neutron_given_str(in, "description", &c.description);
        c.has_admin_state_up = neutron_given_bool(in, "admin_state_up", &c.admin_state_up);
        neutron_given_str(in, "mac_address", &c.mac_address);
        neutron_given_json(in, "fixed_ips", &c.fixed_ips);
        neutron_given_str(in, "device_id", &c.device_id);
        neutron_given_str(in, "device_owner", &c.device_owner);
        c.has_port_security_enabled = neutron_given_bool(in, "port_security_enabled",
                                                         &c.port_security_enabled);
        neutron_given_json(in, "allowed_address_pairs", &c.allowed_address_pairs);
        neutron_given_str(in, "binding:vnic_type", &c.vnic_type);
        neutron_given_str(in, "binding:host_id", &c.host_id);
        neutron_given_json(in, "binding:profile", &c.profile);
        const json_t *sgs;
        c.has_security_groups = neutron_given_json(in, "security_groups", &sgs);
        if (c.has_security_groups) {
                int r = group_ids(sgs, &groups, &c.n_security_groups);
                if (r < 0)
                        return r;
                c.security_groups = groups;
        }
        int r = netsvc_port_create(&svc, &req->auth, &c, &port, e);
        if (r < 0)
                return r;
        /* The row's view as an object without a text to parse. */
        return (*ret = netsvc_port_json(port)) ? 0 : -ENOMEM;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_create(ctx, req, resp, &resource_port, true, create_one);
}

/* The validated body as the service's input; *ret_groups holds the
 * groups' ids (malloc'd, the strings borrowed from in). */
static int update_input(const json_t *in, struct netsvc_port_update *u, const char ***ret_groups)
{
        *u = (struct netsvc_port_update){0};
        u->has_name = neutron_given_str(in, "name", &u->name);
        u->has_description = neutron_given_str(in, "description", &u->description);
        u->has_admin_state_up = neutron_given_bool(in, "admin_state_up", &u->admin_state_up);
        u->has_device_id = neutron_given_str(in, "device_id", &u->device_id);
        u->has_device_owner = neutron_given_str(in, "device_owner", &u->device_owner);
        u->has_mac_address = neutron_given_str(in, "mac_address", &u->mac_address);
        u->has_fixed_ips = neutron_given_json(in, "fixed_ips", &u->fixed_ips);
        u->has_port_security_enabled = neutron_given_bool(in, "port_security_enabled",
                                                          &u->port_security_enabled);
        u->has_allowed_address_pairs = neutron_given_json(in, "allowed_address_pairs",
                                                          &u->allowed_address_pairs);
        u->has_vnic_type = neutron_given_str(in, "binding:vnic_type", &u->vnic_type);
        u->has_host_id = neutron_given_str(in, "binding:host_id", &u->host_id);
        u->has_profile = neutron_given_json(in, "binding:profile", &u->profile);
        const json_t *groups;
        u->has_security_groups = neutron_given_json(in, "security_groups", &groups);
        if (!u->has_security_groups)
                return 0;
        int r = group_ids(groups, ret_groups, &u->n_security_groups);
        if (r < 0)
                return r;
        u->security_groups = *ret_groups;
        return 0;
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL;
        _cleanup_port_ struct store_port *port = NULL;
        _cleanup_free_ const char **groups = NULL;
        struct netsvc_port_update u;
        if (!neutron_parse_update(ctx, req, resp, &resource_port, &in))
                return 0;
        int r = update_input(in, &u, &groups);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        if (u.has_mac_address &&
            !policy_rule_allows(PR_UPDATE_PORT_MAC_ADDRESS, &req->auth, NULL)) {
                int k = neutron_refuse_unseen(ctx, req, resp, &resource_port);
                if (k != 0)
                        return 0;
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:update_port and rule:%s) is disallowed by policy",
                                         policy_rules[PR_UPDATE_PORT_MAC_ADDRESS].name);
        }
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_port_update(&svc, &req->auth, req->params[0], &u, &port, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        return reply_one(resp, 200, port, &req->auth, NULL, 0);
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        const char *id = req->params[0];
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        struct netsvc svc = api_netsvc(ctx);
        r = netsvc_port_may_delete(&svc, &req->auth, id);
        if (r == -EACCES) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:%s) is disallowed by policy",
                                         policy_rules[PR_DELETE_PORT].name);
        }
        if (r >= 0)
                r = netsvc_port_delete(&svc, id);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return neutron_not_found(resp, &resource_port, id);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_empty(resp, 204);
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_port_routes[] = {
        NET("GET", "/v2.0/ports", list, "list ports (filters, fields, limit/marker)"),
        NET("POST", "/v2.0/ports", create, "create a port (MAC, IP, default group, binding)"),
        NET("GET", "/v2.0/ports/{}", show, "show a port"),
        NET("PUT", "/v2.0/ports/{}", update,
            "update a port (fixed_ips, MAC while unbound, port security, groups, admin state, "
            "binding:host_id binds)"),
        NET("DELETE", "/v2.0/ports/{}", destroy, "delete a port (frees its MAC and IPs)"),
        {0},
};
