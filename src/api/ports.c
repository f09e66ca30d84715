/* /v2.0/ports: parse, call the network service (netsvc/: MAC and IP
 * allocation, security groups, ML2 binding), render.  */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "identity/policy-rules.h"
#include "netsvc/netsvc.h"

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list(ctx, req, resp, &resource_port, NULL);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_show(ctx, req, resp, &resource_port, NULL);
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

static int create_one(struct api_ctx *ctx, struct api_request *req, json_t *in,
                      const char *owner, json_t **ret, struct service_error *e)
{
        struct netsvc svc = api_netsvc(ctx);
        _cleanup_free_ const char **groups = NULL;
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
        return netsvc_port_create(&svc, &req->auth, &c, ret, e);
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
        _cleanup_json_ json_t *in = NULL, *port = NULL;
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
        neutron_reply_one(resp, 200, &resource_port, port, &req->auth);
        return 0;
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
