/* /v2.0/quotas: Neutron's quota API (the "quotas" extension) over
 * netsvc/quota.c.  A project's own members and readers see its limits;
 * other projects' limits, the list and every change are an admin's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/neutron.h"
#include "identity/policy-rules.h"
#include "netsvc/netsvc.h"

static int refused(struct api_response *resp, const char *rule)
{
        return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                 "(rule:%s) is disallowed by policy", rule);
}

static bool may_read(const struct api_request *req, const char *project_id)
{
        struct policy_target tg = {.project_id = project_id};
        return policy_rule_allows(PR_GET_QUOTA, &req->auth, &tg);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!may_read(req, req->params[0]))
                return refused(resp, "get_quota");
        struct netsvc svc = api_netsvc(ctx);
        json_t *q = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_quota_get(&svc, req->params[0], &q);
        store_end(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_json(resp, 200, json_pack("{s:o}", "quota", q));
        return 0;
}

static int show_default(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!may_read(req, req->params[0]))
                return refused(resp, "get_quota");
        api_reply_json(resp, 200, json_pack("{s:o}", "quota", netsvc_quota_defaults()));
        return 0;
}

/* {"quota": {"network": {"limit": 100, "used": 1, "reserved": 0}, ...}} */
static int show_details(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!may_read(req, req->params[0]))
                return refused(resp, "get_quota");
        struct netsvc svc = api_netsvc(ctx);
        _cleanup_json_ json_t *q = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_quota_get(&svc, req->params[0], &q);
        json_t *out = json_object();
        for (const struct netsvc_quota_resource *d = netsvc_quota_resources;
             r >= 0 && out && d->name; d++) {
                size_t used = 0;
                r = netsvc_quota_used(&svc, d->kind, req->params[0], &used);
                json_object_set_new(out, d->name,
                                    json_pack("{s:O,s:I,s:i}", "limit",
                                              json_object_get(q, d->name), "used",
                                              (json_int_t)used, "reserved", 0));
        }
        store_end(ctx->store, true);
        if (r < 0 || !out) {
                json_decref(out);
                return api_store_error(resp, API_NETWORK, r < 0 ? r : -ENOMEM);
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "quota", out));
        return 0;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return refused(resp, "get_quota");
        struct netsvc svc = api_netsvc(ctx);
        json_t *all = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_quota_list(&svc, &all);
        store_end(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_json(resp, 200, json_pack("{s:o}", "quotas", all));
        return 0;
}

/* {"quota": {"network": 10, ...}} as the service's input: known names,
 * integers >= -1.  1: go on; otherwise resp was answered. */
static int update_input(const json_t *in, struct netsvc_quota_update *u,
                        struct api_response *resp)
{
        const char *key;
        json_t *v;
        *u = (struct netsvc_quota_update){0};
        json_object_foreach((json_t *)in, key, v) {
                const struct netsvc_quota_resource *q = netsvc_quota_resource(key);
                if (!q)
                        return api_neutron_error(resp, 400, "HTTPBadRequest",
                                                 "Unrecognized attribute(s) '%s'", key);
                if (!json_is_integer(v) || json_integer_value(v) < -1)
                        return api_neutron_error(resp, 400, "HTTPBadRequest",
                                                 "Invalid input for %s. Reason: '%s' should be "
                                                 "an integer greater than or equal to -1.", key,
                                                 json_is_string(v) ? json_string_value(v) : "");
                size_t i = (size_t)(q - netsvc_quota_resources);
                u->has[i] = true;
                u->limit[i] = json_integer_value(v);
        }
        return 1;
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return refused(resp, "update_quota");
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK);
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "quota");
        if (!json_is_object(in))
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "Unable to find 'quota' in request body");
        struct netsvc_quota_update u;
        if (update_input(in, &u, resp) <= 0)
                return 0;
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        json_t *q = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_quota_set(&svc, req->params[0], &u, &q, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0) {
                json_decref(q);
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "quota", q));
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return refused(resp, "delete_quota");
        struct netsvc svc = api_netsvc(ctx);
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_quota_delete(&svc, req->params[0]);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return api_store_error(resp, API_NETWORK, r < 0 ? r : k);
        api_reply_empty(resp, 204);
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_quota_routes[] = {
        NET("GET", "/v2.0/quotas", list, "list the projects whose quotas are set (admin)"),
        NET("GET", "/v2.0/quotas/{}", show,
            "show a project's quotas (network, subnet, port, security_group, "
            "security_group_rule; its own, or admin)"),
        NET("GET", "/v2.0/quotas/{}/default", show_default, "Neutron's default quotas"),
        NET("GET", "/v2.0/quotas/{}/details.json", show_details,
            "a project's quotas with what it uses (limit, used, reserved)"),
        NET("PUT", "/v2.0/quotas/{}", update, "set a project's quotas (admin; -1: unlimited)"),
        NET("DELETE", "/v2.0/quotas/{}", destroy, "reset a project's quotas to the defaults (admin)"),
        {0},
};
