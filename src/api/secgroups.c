/* /v2.0/security-groups and /v2.0/security-group-rules: parse, call the
 * network service (netsvc/secgroup.c), render Neutron's views of the
 * typed rows (a group's with its rules).  Groups are recorded and
 * attached to ports (port security semantics); VFs do not filter traffic,
 * which ports show with vif_details.port_filter false. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "api/view-write.h"
#include "base/strbuf.h"

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

/* The members of Neutron's view of a group and of a rule, in its order. */
enum sg_member {
        G_ID, G_NAME, G_TENANT_ID, G_DESCRIPTION, G_STATEFUL, G_RULES, G_TAGS, G_PROJECT_ID,
        G_CREATED_AT, G_REVISION, G_UPDATED_AT, _G_MAX,
};

static const struct view_key sg_members[_G_MAX] = {
        [G_ID] = VIEW_KEY("id"),
        [G_NAME] = VIEW_KEY("name"),
        [G_TENANT_ID] = VIEW_KEY("tenant_id"),
        [G_DESCRIPTION] = VIEW_KEY("description"),
        [G_STATEFUL] = VIEW_KEY("stateful"),
        [G_RULES] = VIEW_KEY("security_group_rules"),
        [G_TAGS] = VIEW_KEY("tags"),
        [G_PROJECT_ID] = VIEW_KEY("project_id"),
        [G_CREATED_AT] = VIEW_KEY("created_at"),
        [G_REVISION] = VIEW_KEY("revision_number"),
        [G_UPDATED_AT] = VIEW_KEY("updated_at"),
};

enum rule_member {
        R_ID, R_TENANT_ID, R_GROUP_ID, R_ETHERTYPE, R_DIRECTION, R_PROTOCOL, R_PORT_MIN,
        R_PORT_MAX, R_REMOTE_PREFIX, R_REMOTE_ADDRESS_GROUP, R_NORMALIZED_CIDR, R_REMOTE_GROUP,
        R_DESCRIPTION, R_TAGS, R_PROJECT_ID, R_CREATED_AT, R_REVISION, R_UPDATED_AT, _R_MAX,
};

static const struct view_key rule_members[_R_MAX] = {
        [R_ID] = VIEW_KEY("id"),
        [R_TENANT_ID] = VIEW_KEY("tenant_id"),
        [R_GROUP_ID] = VIEW_KEY("security_group_id"),
        [R_ETHERTYPE] = VIEW_KEY("ethertype"),
        [R_DIRECTION] = VIEW_KEY("direction"),
        [R_PROTOCOL] = VIEW_KEY("protocol"),
        [R_PORT_MIN] = VIEW_KEY("port_range_min"),
        [R_PORT_MAX] = VIEW_KEY("port_range_max"),
        [R_REMOTE_PREFIX] = VIEW_KEY("remote_ip_prefix"),
        [R_REMOTE_ADDRESS_GROUP] = VIEW_KEY("remote_address_group_id"),
        [R_NORMALIZED_CIDR] = VIEW_KEY("normalized_cidr"),
        [R_REMOTE_GROUP] = VIEW_KEY("remote_group_id"),
        [R_DESCRIPTION] = VIEW_KEY("description"),
        [R_TAGS] = VIEW_KEY("tags"),
        [R_PROJECT_ID] = VIEW_KEY("project_id"),
        [R_CREATED_AT] = VIEW_KEY("created_at"),
        [R_REVISION] = VIEW_KEY("revision_number"),
        [R_UPDATED_AT] = VIEW_KEY("updated_at"),
};

/* Neutron's view of a rule as the object text appended to out, only the
 * members of mask (view_mask()). */
static int rule_view(const void *row, uint32_t mask, struct strbuf *out)
{
        const struct store_sg_rule *r = row;
        struct view_writer w = view_begin(out, rule_members, mask);
        view_put_string(&w, R_ID, r->id);
        view_put_string(&w, R_TENANT_ID, r->project_id);
        view_put_string(&w, R_GROUP_ID, r->security_group_id);
        view_put_string(&w, R_ETHERTYPE, r->ethertype);
        view_put_string(&w, R_DIRECTION, r->direction);
        view_put_string(&w, R_PROTOCOL, r->protocol);
        view_put_int(&w, R_PORT_MIN, r->port_range_min);
        view_put_int(&w, R_PORT_MAX, r->port_range_max);
        view_put_string(&w, R_REMOTE_PREFIX, r->remote_ip_prefix);
        view_put_string(&w, R_REMOTE_ADDRESS_GROUP, r->remote_address_group_id);
        view_put_string(&w, R_NORMALIZED_CIDR, r->normalized_cidr);
        view_put_string(&w, R_REMOTE_GROUP, r->remote_group_id);
        view_put_string(&w, R_DESCRIPTION, r->description);
        view_put_json(&w, R_TAGS, r->tags);
        view_put_string(&w, R_PROJECT_ID, r->project_id);
        view_put_string(&w, R_CREATED_AT, r->created_at);
        view_put_int(&w, R_REVISION, r->revision_number);
        view_put_string(&w, R_UPDATED_AT, r->updated_at);
        return view_end(&w);
}

/* A group's row and where its rules are read from: beside a list, or
 * the group's alone. */
struct sg_row {
        const struct store_secgroup *g;
        struct store_sg_rule_cursor *rules; /* NULL: svc */
        const struct netsvc *svc;
};

struct rules_writer {
        struct strbuf *out;
        bool any;
};

static int rule_write_cb(const struct store_sg_rule *r, void *userdata)
{
        struct rules_writer *rw = userdata;
        int k = rw->any ? strbuf_append_len(rw->out, ",", 1) : 0;
        rw->any = true;
        return k < 0 ? k : rule_view(r, UINT32_MAX, rw->out);
}

/* The group's rules, each rule's whole view, in its list's order. */
static void put_rules(struct view_writer *w, const struct sg_row *row)
{
        if (!view_member(w, G_RULES))
                return;
        struct rules_writer rw = {w->out, false};
        int r = strbuf_append_len(w->out, "[", 1);
        if (r >= 0)
                r = row->rules ? netsvc_sg_rules_next(row->rules, row->g->id, rule_write_cb, &rw)
                               : netsvc_sg_rules_of(row->svc, row->g->id, rule_write_cb, &rw);
        if (r >= 0)
                r = strbuf_append_len(w->out, "]", 1);
        if (r < 0)
                w->r = r;
}

/* Neutron's view of a group with its rules.  A project's default group
 * has always shown its members in the order it was first made with. */
static int sg_view(const void *p, uint32_t mask, struct strbuf *out)
{
        const struct sg_row *row = p;
        const struct store_secgroup *g = row->g;
        struct view_writer w = view_begin(out, sg_members, mask);
        bool dflt = streq(g->name ?: "", "default");
        view_put_string(&w, G_ID, g->id);
        view_put_string(&w, G_NAME, g->name);
        if (!dflt)
                view_put_string(&w, G_TENANT_ID, g->project_id);
        view_put_string(&w, G_DESCRIPTION, g->description);
        view_put_bool(&w, G_STATEFUL, g->stateful);
        put_rules(&w, row);
        if (!dflt)
                view_put_json(&w, G_TAGS, g->tags);
        view_put_string(&w, G_PROJECT_ID, g->project_id);
        if (dflt) {
                view_put_string(&w, G_TENANT_ID, g->project_id);
                view_put_json(&w, G_TAGS, g->tags);
        }
        view_put_string(&w, G_CREATED_AT, g->created_at);
        view_put_int(&w, G_REVISION, g->revision_number);
        view_put_string(&w, G_UPDATED_AT, g->updated_at);
        return view_end(&w);
}

static uint32_t sg_mask(const struct auth_context *auth, const char *const *fields,
                        size_t n_fields)
{
        return view_mask(&resource_security_group, sg_members, _G_MAX, auth, fields, n_fields);
}

static uint32_t rule_mask(const struct auth_context *auth, const char *const *fields,
                          size_t n_fields)
{
        return view_mask(&resource_security_group_rule, rule_members, _R_MAX, auth, fields,
                         n_fields);
}

/* {"security_group": view} into out: read inside the caller's
 * transaction, as the rules are read while the view is written. */
static int sg_render(struct api_ctx *ctx, const struct store_secgroup *g, uint32_t mask,
                     struct strbuf *out)
{
        struct netsvc svc = api_netsvc(ctx);
        struct sg_row row = {g, NULL, &svc};
        int r = strbuf_append(out, "{\"security_group\":");
        if (r >= 0)
                r = sg_view(&row, mask, out);
        return r < 0 ? r : strbuf_append(out, "}");
}

static int sg_walk_cb(const struct store_secgroup *g, struct store_sg_rule_cursor *rules,
                      void *userdata)
{
        struct sg_row row = {g, rules, NULL};
        return view_list_put(userdata, g->id, &row);
}

static int sg_walk(struct api_ctx *ctx, const struct auth_context *auth,
                   const struct store_query *q, const char *const *fields, size_t n_fields,
                   neutron_next_fn next, void *list)
{
        struct netsvc svc = api_netsvc(ctx);
        struct view_list w = {sg_view, sg_mask(auth, fields, n_fields), next, list};
        return netsvc_sg_list_with_rules(&svc, auth, q, sg_walk_cb, &w);
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (ensure_default(ctx, req, resp) < 0)
                return 0;
        return neutron_list_rows(ctx, req, resp, &resource_security_group, sg_walk);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        const char *fields[API_MAX_QUERY];
        size_t n_fields = neutron_fields(req, fields, API_MAX_QUERY);
        _cleanup_secgroup_ struct store_secgroup *g = NULL;
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        _cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
        r = netsvc_sg_get(&svc, &req->auth, req->params[0], &g, &e);
        if (r >= 0)
                r = sg_render(ctx, g, sg_mask(&req->auth, fields, n_fields), &out);
        store_end(ctx->store, true);
        if (r < 0)
                return neutron_service_error(resp, &e, r);
        api_reply_raw(resp, 200, strbuf_steal(&out));
        return 0;
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
        _cleanup_json_ json_t *in = NULL;
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
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
        _cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
        r = netsvc_sg_create(&svc, &c, &sg, &e);
        if (r >= 0)
                r = sg_render(ctx, sg, sg_mask(&req->auth, NULL, 0), &out);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        api_reply_raw(resp, 201, strbuf_steal(&out));
        return 0;
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = NULL;
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
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
        _cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
        r = netsvc_sg_update(&svc, &req->auth, req->params[0], &u, &sg, &e);
        if (r >= 0)
                r = sg_render(ctx, sg, sg_mask(&req->auth, NULL, 0), &out);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        api_reply_raw(resp, 200, strbuf_steal(&out));
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

static int rule_walk_cb(const struct store_sg_rule *r, void *userdata)
{
        return view_list_put(userdata, r->id, r);
}

static int rule_walk(struct api_ctx *ctx, const struct auth_context *auth,
                     const struct store_query *q, const char *const *fields, size_t n_fields,
                     neutron_next_fn next, void *list)
{
        struct view_list w = {rule_view, rule_mask(auth, fields, n_fields), next, list};
        struct netsvc svc = api_netsvc(ctx);
        return netsvc_sg_rule_list(&svc, auth, q, rule_walk_cb, &w);
}

static int rule_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list_rows(ctx, req, resp, &resource_security_group_rule, rule_walk);
}

static int rule_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        const char *fields[API_MAX_QUERY];
        size_t n_fields = neutron_fields(req, fields, API_MAX_QUERY);
        _cleanup_sg_rule_ struct store_sg_rule *rule = NULL;
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_sg_rule_get(&svc, &req->auth, req->params[0], &rule, &e);
        store_end(ctx->store, true);
        if (r < 0)
                return neutron_service_error(resp, &e, r);
        return view_reply(resp, 200, "security_group_rule", rule_view, rule,
                          rule_mask(&req->auth, fields, n_fields));
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
        _cleanup_json_ json_t *in = NULL;
        _cleanup_sg_rule_ struct store_sg_rule *rule = NULL;
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
        return view_reply(resp, 201, "security_group_rule", rule_view, rule,
                          rule_mask(&req->auth, NULL, 0));
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
