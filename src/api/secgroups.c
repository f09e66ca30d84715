/* /v2.0/security-groups and /v2.0/security-group-rules.  Groups are
 * recorded and attached to ports (port security semantics); VFs do not
 * filter traffic, which ports show with vif_details.port_filter false. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "identity/token.h"

static int ensure_default(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        char sg[37];
        if (!req->auth.project_id)
                return 0;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_default_sg(ctx, req->auth.project_id, sg);
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

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL;
        if (!neutron_parse_input(req, resp, &resource_security_group, true, &in))
                return 0;
        int r = 0;
        const char *owner;
        if (!neutron_create_owner(req, resp, &resource_security_group, in, &owner))
                return 0;
        if (streq(json_str(in, "name") ?: "", "default"))
                return api_neutron_error(resp, 409, "SecurityGroupDefaultAlreadyExists",
                                         "Default security group already exists.");
        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *sg = json_object();
        json_object_set_new(sg, "id", json_string(id));
        json_object_update(sg, in);
        json_object_set_new(sg, "security_group_rules", json_array());
        json_object_set_new(sg, "tags", json_array());
        neutron_stamp(ctx, sg, true);
        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        char def[37];
        r = neutron_default_sg(ctx, owner, def);
        /* Neutron gives a new group two egress rules. */
        static const char *const eth[] = {"IPv4", "IPv6"};
        for (size_t i = 0; r >= 0 && i < 2; i++) {
                char rid[37];
                random_uuid(rid);
                _cleanup_json_ json_t *rule = json_pack(
                        "{s:s,s:s,s:s,s:s,s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:s,s:s,s:s,s:[]}", "id", rid,
                        "security_group_id", id, "direction", "egress", "ethertype", eth[i],
                        "protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
                        "remote_group_id", "remote_address_group_id", "normalized_cidr",
                        "description", "", "project_id", owner, "tenant_id", owner, "tags");
                neutron_stamp(ctx, rule, true);
                r = neutron_store_insert(ctx, &resource_security_group_rule, rule);
                json_array_append(json_object_get(sg, "security_group_rules"), rule);
        }
        if (r >= 0)
                r = neutron_store_insert(ctx, &resource_security_group, sg);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return api_store_error(resp, API_NETWORK, r < 0 ? r : k);
        neutron_reply_one(resp, 201, &resource_security_group, sg, &req->auth);
        return 0;
}

static int keep_default_name(const json_t *sg, const json_t *in, struct api_response *resp)
{
        if (streq(json_str(sg, "name"), "default") && json_object_get(in, "name") &&
            !streq(json_str(in, "name"), "default")) {
                api_neutron_error(resp, 409, "SecurityGroupCannotUpdateDefault",
                                  "Updating default security group not allowed.");
                return 1;
        }
        return 0;
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_update(ctx, req, resp, &resource_security_group, NULL, keep_default_name);
}

static int in_use_cb(const char *id, const char *doc, void *userdata)
{
        const char *sg = userdata;
        _cleanup_json_ json_t *p = json_loads(doc, 0, NULL);
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(p, "security_groups"), i, g)
                if (streq(json_string_value(g) ?: "", sg))
                        return -EBUSY;
        return 0;
}

static int delete_rule_cb(const char *id, const char *doc, void *userdata)
{
        return store_obj_delete(userdata, "security_group_rule", id);
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *sg = NULL;
        const char *id = req->params[0];
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, &resource_security_group, id, &sg);
        if (r >= 0 && !policy_may_write(&req->auth, json_str(sg, "project_id"))) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:delete_security_group) is disallowed by policy");
        }
        if (r >= 0 && streq(json_str(sg, "name"), "default") && !req->auth.is_admin) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 409, "SecurityGroupCannotRemoveDefault",
                                         "Removing default security group not allowed.");
        }
        if (r >= 0) {
                r = store_obj_list(ctx->store, "port", NULL, in_use_cb, (void *)id);
                if (r == -EBUSY) {
                        store_end(ctx->store, false);
                        return api_neutron_error(resp, 409, "SecurityGroupInUse",
                                                 "Security Group %s in use.", id);
                }
        }
        const char *v[] = {id};
        struct store_filter f = {"security_group_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        if (r >= 0)
                r = store_obj_list(ctx->store, "security_group_rule", &q, delete_rule_cb, ctx->store);
        if (r >= 0)
                r = store_obj_delete(ctx->store, "security_group", id);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return neutron_not_found(resp, &resource_security_group, id);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
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

static int rule_create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL, *sg = NULL;
        if (!neutron_parse_input(req, resp, &resource_security_group_rule, true, &in))
                return 0;
        int r = 0;
        json_t *lo = json_object_get(in, "port_range_min"), *hi = json_object_get(in, "port_range_max");
        if (json_is_integer(lo) && json_is_integer(hi) && json_integer_value(lo) > json_integer_value(hi))
                return api_neutron_error(resp, 400, "SecurityGroupInvalidPortRange",
                                         "For TCP/UDP protocols, port_range_min must be <= "
                                         "port_range_max");
        const char *owner;
        if (neutron_owner(req, in, resp, &owner) < 0)
                return 0;
        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *rule = json_object();
        json_object_set_new(rule, "id", json_string(id));
        json_object_update(rule, in);
        json_object_set_new(rule, "remote_address_group_id", json_null());
        json_object_set(rule, "normalized_cidr", json_object_get(in, "remote_ip_prefix"));
        json_object_set_new(rule, "tags", json_array());
        neutron_stamp(ctx, rule, true);
        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        const char *sg_id = json_str(in, "security_group_id");
        r = neutron_load(ctx, &req->auth, &resource_security_group, sg_id, &sg);
        if (r == -ENOENT) {
                store_end(ctx->store, false);
                return neutron_not_found(resp, &resource_security_group, sg_id);
        }
        if (r >= 0 && !policy_may_write(&req->auth, json_str(sg, "project_id"))) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:create_security_group_rule) is disallowed by policy");
        }
        /* A remote group must exist and be one the caller may see, as in
         * Neutron: another project's group is not found. */
        const char *remote = json_str(in, "remote_group_id");
        if (r >= 0 && remote) {
                _cleanup_json_ json_t *rg = NULL;
                r = neutron_load(ctx, &req->auth, &resource_security_group, remote, &rg);
                if (r == -ENOENT) {
                        store_end(ctx->store, false);
                        return neutron_not_found(resp, &resource_security_group, remote);
                }
        }
        if (r >= 0)
                r = neutron_store_insert(ctx, &resource_security_group_rule, rule);
        if (r >= 0) {
                json_array_append(json_object_get(sg, "security_group_rules"), rule);
                neutron_stamp(ctx, sg, false);
                r = neutron_store_update(ctx, &resource_security_group, sg);
        }
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return api_store_error(resp, API_NETWORK, r < 0 ? r : k);
        neutron_reply_one(resp, 201, &resource_security_group_rule, rule, &req->auth);
        return 0;
}

static int rule_destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *rule = NULL, *sg = NULL;
        const char *id = req->params[0];
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, &resource_security_group_rule, id, &rule);
        if (r >= 0 && !policy_may_write(&req->auth, json_str(rule, "project_id"))) {
                store_end(ctx->store, false);
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:delete_security_group_rule) is disallowed by policy");
        }
        if (r >= 0)
                r = store_obj_delete(ctx->store, "security_group_rule", id);
        if (r >= 0 && neutron_load(ctx, &req->auth, &resource_security_group,
                                   json_str(rule, "security_group_id"), &sg) == 0) {
                json_t *rules = json_object_get(sg, "security_group_rules");
                for (size_t i = 0; i < json_array_size(rules); i++)
                        if (streq(json_str(json_array_get(rules, i), "id") ?: "", id))
                                json_array_remove(rules, i--);
                neutron_stamp(ctx, sg, false);
                r = neutron_store_update(ctx, &resource_security_group, sg);
        }
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return api_neutron_error(resp, 404, "SecurityGroupRuleNotFound",
                                         "Security group rule %s does not exist", id);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
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
