/* os-flavor-access: the projects a private flavor is shared with, listed
 * (GET /flavors/{id}/os-flavor-access) and changed by an admin (POST
 * /flavors/{id}/action addTenantAccess / removeTenantAccess), answered as
 * {"flavor_access": [{"flavor_id", "tenant_id"}]}. */
#include <errno.h>
#include <string.h>

#include "api/compute.h"

static json_t *access_view(const char *flavor_id, const json_t *projects)
{
        json_t *out = json_array();
        size_t i;
        json_t *p;
        json_array_foreach(projects, i, p)
                json_array_append_new(out, json_pack("{s:s,s:O}", "flavor_id", flavor_id,
                                                     "tenant_id", p));
        return json_pack("{s:o}", "flavor_access", out);
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:"
                                  "os-flavor-access to be performed.");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        _cleanup_json_ json_t *projects = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_flavor_access(&svc, req->params[0], &projects, &e);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_service_error(resp, &e, r);
        api_reply_json(resp, 200, access_view(req->params[0], projects));
        return 0;
}

/* {"addTenantAccess": {"tenant": ID}} or {"removeTenantAccess": ...}. */
static int action(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *projects = NULL;
        if (!body)
                return 0;
        json_t *add = json_object_get(body, "addTenantAccess"),
               *remove = json_object_get(body, "removeTenantAccess"), *args = add ?: remove;
        if (json_object_size(body) != 1 || !args)
                return nova_error(resp, 400, "Invalid input for field/attribute body: "
                                  "{\"addTenantAccess\": {\"tenant\": ID}} or "
                                  "{\"removeTenantAccess\": {\"tenant\": ID}} is expected.");
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:"
                                  "os-flavor-access:%s to be performed.",
                                  add ? "add_tenant_access" : "remove_tenant_access");
        const char *tenant = json_str(args, "tenant");
        if (!json_is_object(args) || json_object_size(args) != 1 || !tenant || !*tenant ||
            strlen(tenant) > 255)
                return nova_error(resp, 400, "Invalid input for field/attribute %s. Value: "
                                  "{\"tenant\": a project id of 1-255 characters} is expected.",
                                  add ? "addTenantAccess" : "removeTenantAccess");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_flavor_access_change(&svc, req->params[0], tenant, add != NULL, &projects,
                                            &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_json(resp, 200, access_view(req->params[0], projects));
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_flavor_access_routes[] = {
        NOVA("GET", "/v2.1/flavors/{}/os-flavor-access", list,
             "the projects a private flavor is shared with (admin)"),
        NOVA("POST", "/v2.1/flavors/{}/action", action,
             "addTenantAccess / removeTenantAccess: share a private flavor with a project (admin)"),
        {0},
};
