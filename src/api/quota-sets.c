/* /v2.1/os-quota-sets: Nova's quota API over computesvc/quota.c.  A
 * project's members and readers see its own; other projects' and every
 * change are an admin's (os_compute_api:os-quota-sets:*). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/compute.h"
#include "computesvc/computesvc.h"
#include "identity/policy-rules.h"

static bool may_show(const struct api_request *req, const char *project_id)
{
        struct policy_target tg = {.project_id = project_id};
        return policy_rule_allows(PR_QUOTA_SETS_SHOW, &req->auth, &tg);
}

static int refused(struct api_response *resp, const char *action)
{
        return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-quota-sets:%s to be "
                          "performed.", action);
}

static int show_common(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                       bool defaults, bool detail)
{
        const char *pid = req->params[0];
        if (!defaults && !may_show(req, pid))
                return refused(resp, detail ? "detail" : "show");
        struct computesvc svc = api_computesvc(ctx);
        json_t *q = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = detail ? computesvc_quota_detail(&svc, pid, req->microversion, &q)
                   : computesvc_quota_get(&svc, pid, req->microversion, defaults, &q);
        store_end(ctx->store, true);
        if (r < 0) {
                json_decref(q);
                return nova_store_error(resp, r);
        }
        json_object_set_new(q, "id", json_string(pid));
        api_reply_json(resp, 200, json_pack("{s:o}", "quota_set", q));
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return show_common(ctx, req, resp, false, false);
}

static int show_defaults(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return show_common(ctx, req, resp, true, false);
}

static int show_detail(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return show_common(ctx, req, resp, false, true);
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!policy_rule_allows(PR_QUOTA_SETS_UPDATE, &req->auth, NULL))
                return refused(resp, "update");
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_COMPUTE);
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "quota_set");
        if (!json_is_object(in))
                return nova_error(resp, 400, "Invalid input for field/attribute quota_set. "
                                  "Value: None. None is not of type 'object'");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        json_t *q = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_quota_set(&svc, req->params[0], req->microversion, in, &q, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0) {
                json_decref(q);
                return nova_service_error(resp, &e, r < 0 ? r : k);
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "quota_set", q));
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return refused(resp, "delete");
        struct computesvc svc = api_computesvc(ctx);
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_quota_delete(&svc, req->params[0]);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_store_error(resp, r < 0 ? r : k);
        api_reply_empty(resp, 202);
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_quota_set_routes[] = {
        NOVA("GET", "/v2.1/os-quota-sets/{}", show,
             "show a project's quotas (instances, cores, ram enforced; its own, or admin)"),
        NOVA("GET", "/v2.1/os-quota-sets/{}/defaults", show_defaults, "Nova's default quotas"),
        NOVA("GET", "/v2.1/os-quota-sets/{}/detail", show_detail,
             "a project's quotas with what it uses (limit, in_use, reserved)"),
        NOVA("PUT", "/v2.1/os-quota-sets/{}", update,
             "set a project's quotas (admin; not below what is used unless force)"),
        NOVA("DELETE", "/v2.1/os-quota-sets/{}", destroy,
             "reset a project's quotas to the defaults (admin)"),
        {0},
};
