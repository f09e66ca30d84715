/* /v2.0/security-groups and /v2.0/security-group-rules: parse, call the
 * network service (netsvc/secgroup.c), render.  Groups are recorded and
 * attached to ports (port security semantics); VFs do not filter traffic,
 * which ports show with vif_details.port_filter false. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"

static int ensure_default(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        char sg[37];
        if (!req->auth.project_id)
                return 0;
        struct netsvc svc = api_netsvc(ctx);
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_default_sg(&svc, req->auth.project_id, sg);
        store_end(ctx->store, r >= 0);
        return r < 0 ? api_store_error(resp, API_NETWORK, r) : 0;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (ensure_default(ctx, req, resp) < 0)
                return 0;
        return neutron_list(ctx, req, resp, &resource_security_group, NULL);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_show(ctx, req, resp, &resource_security_group, NULL);
}

/* The service's input from a validated body (defaults filled, the owner
 * resolved); strings stay in's. */
static void sg_create_from_json(const json_t *in, const char *owner, struct netsvc_sg_create *ret)
{
        *ret = (struct netsvc_sg_create){.owner = owner};
        neutron_given_str(in, "name", &ret->name);
        neutron_given_str(in, "description", &ret->description);
        ret->has_stateful = neutron_given_bool(in, "stateful", &ret->stateful);
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL, *sg = NULL;
        if (!neutron_parse_input(req, resp, &resource_security_group, true, &in))
                return 0;
        const char *owner;
        if (!neutron_create_owner(req, resp, &resource_security_group, in, &owner))
                return 0;
        struct netsvc_sg_create c;
        sg_create_from_json(in, owner, &c);
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_sg_create(&svc, &c, &sg, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        neutron_reply_one(resp, 201, &resource_security_group, sg, &req->auth);
        return 0;
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL, *sg = NULL;
        if (!neutron_parse_update(ctx, req, resp, &resource_security_group, &in))
                return 0;
        struct netsvc_sg_update u = {0};
        u.has_name = neutron_given_str(in, "name", &u.name);
        u.has_description = neutron_given_str(in, "description", &u.description);
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_sg_update(&svc, &req->auth, req->params[0], &u, &sg, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        neutron_reply_one(resp, 200, &resource_security_group, sg, &req->auth);
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_sg_delete(&svc, &req->auth, req->params[0], &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 204);
        return 0;
}

static int rule_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list(ctx, req, resp, &resource_security_group_rule, NULL);
}

static int rule_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_show(ctx, req, resp, &resource_security_group_rule, NULL);
}

/* The service's input from a validated body (defaults filled); strings
 * stay in's but a protocol given as a number, written into protocol. */
static void rule_create_from_json(const json_t *in, char protocol[24],
                                  struct netsvc_sg_rule_create *ret)
{
        *ret = (struct netsvc_sg_rule_create){0};
        neutron_given_str(in, "project_id", &ret->project_id);
        neutron_given_str(in, "tenant_id", &ret->tenant_id);
        neutron_given_str(in, "security_group_id", &ret->security_group_id);
        neutron_given_str(in, "direction", &ret->direction);
        neutron_given_str(in, "ethertype", &ret->ethertype);
        /* Any JSON value is accepted here and judged by the service as
         * text: a number as its digits, anything else but a string or null
         * as a text no protocol has, refused as Neutron refuses it. */
        const json_t *p = json_object_get(in, "protocol");
        if (json_is_integer(p)) {
                snprintf(protocol, 24, "%lld", (long long)json_integer_value(p));
                ret->protocol = protocol;
        } else if (p && !json_is_null(p) && !json_is_string(p))
                ret->protocol = "?";
        else
                ret->protocol = json_string_value(p);
        const json_t *v;
        ret->has_port_range_min = neutron_given_json(in, "port_range_min", &v) &&
                                  json_is_integer(v);
        ret->port_range_min = (long)json_integer_value(v);
        ret->has_port_range_max = neutron_given_json(in, "port_range_max", &v) &&
                                  json_is_integer(v);
        ret->port_range_max = (long)json_integer_value(v);
        neutron_given_str(in, "remote_ip_prefix", &ret->remote_ip_prefix);
        neutron_given_str(in, "remote_group_id", &ret->remote_group_id);
        neutron_given_str(in, "description", &ret->description);
}

static int rule_create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL, *rule = NULL;
        if (!neutron_parse_input(req, resp, &resource_security_group_rule, true, &in))
                return 0;
        struct netsvc_sg_rule_create c;
        char protocol[24];
        rule_create_from_json(in, protocol, &c);
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_sg_rule_create(&svc, &req->auth, &c, &rule, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        neutron_reply_one(resp, 201, &resource_security_group_rule, rule, &req->auth);
        return 0;
}

static int rule_destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_sg_rule_delete(&svc, &req->auth, req->params[0], &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 204);
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_secgroup_routes[] = {
        NET("GET", "/v2.0/security-groups", list, "list groups (makes the project's default)"),
        NET("POST", "/v2.0/security-groups", create, "create a group"),
        NET("GET", "/v2.0/security-groups/{}", show, "show a group"),
        NET("PUT", "/v2.0/security-groups/{}", update, "update a group"),
        NET("DELETE", "/v2.0/security-groups/{}", destroy, "delete a group (409 in use)"),
        NET("GET", "/v2.0/security-group-rules", rule_list, "list rules"),
        NET("POST", "/v2.0/security-group-rules", rule_create, "create a rule"),
        NET("GET", "/v2.0/security-group-rules/{}", rule_show, "show a rule"),
        NET("DELETE", "/v2.0/security-group-rules/{}", rule_destroy, "delete a rule"),
        {0},
};
