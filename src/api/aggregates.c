/* /v2.1/os-aggregates: host aggregates, used here for what the seed's
 * AvailabilityZoneFilter needs — an aggregate's availability_zone becomes
 * the zone of its hosts (over the zone a host reports).  Admin only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "identity/policy-rules.h"

/* The aggregate as Nova shows it: its uuid from 2.41; create's answer
 * without hosts and metadata. */
static json_t *view_of(const struct api_request *req, const json_t *a, bool created)
{
        json_t *o = json_deep_copy(a);
        json_object_set_new(o, "deleted", json_false());
        json_object_set_new(o, "deleted_at", json_null());
        if (req->microversion < 41)
                json_object_del(o, "uuid");
        if (created) {
                json_object_del(o, "hosts");
                json_object_del(o, "metadata");
        }
        return o;
}

static json_t *view(const struct api_request *req, const json_t *a)
{
        return view_of(req, a, false);
}

/* Nova's os-aggregates rules are all the admin's; the table's row
 * (index) decides, the 403 names the rule of the action. */
static bool forbidden(struct api_request *req, struct api_response *resp, const char *action)
{
        if (policy_rule_allows(PR_AGGREGATES_INDEX, &req->auth, NULL))
                return false;
        nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-aggregates:%s to be "
                   "performed.", action);
        return true;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp, "index"))
                return 0;
        _cleanup_json_ json_t *aggs = NULL;
        struct computesvc svc = api_computesvc(ctx);
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_aggregate_list(&svc, &aggs);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        json_t *out = json_array();
        size_t i;
        json_t *a;
        json_array_foreach(aggs, i, a) json_array_append_new(out, view(req, a));
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregates", out));
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp, "create"))
                return 0;
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *a = NULL;
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "aggregate");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_aggregate_create(&svc, json_str(in, "name"),
                                        json_object_get(in, "availability_zone"), &a, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregate", view_of(req, a, true)));
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp, "show"))
                return 0;
        _cleanup_json_ json_t *a = NULL;
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_aggregate_get(&svc, req->params[0], &a, &e);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_service_error(resp, &e, r);
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregate", view(req, a)));
        return 0;
}

/* PUT {"aggregate": {...}} and POST .../action {"add_host": ...}. */
static int change(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp, "update"))
                return 0;
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *a = NULL;
        if (!body)
                return 0;
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_aggregate_action(&svc, req->params[0], body, &a, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregate", view(req, a)));
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp, "delete"))
                return 0;
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_aggregate_delete(&svc, req->params[0], &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 200);
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_aggregate_routes[] = {
        NOVA("GET", "/v2.1/os-aggregates", list, "host aggregates (admin)"),
        NOVA("POST", "/v2.1/os-aggregates", create, "create an aggregate, optionally with an availability zone"),
        NOVA("GET", "/v2.1/os-aggregates/{}", show, "show an aggregate"),
        NOVA("PUT", "/v2.1/os-aggregates/{}", change, "rename / rezone an aggregate"),
        NOVA("DELETE", "/v2.1/os-aggregates/{}", destroy, "delete an empty aggregate"),
        NOVA("POST", "/v2.1/os-aggregates/{}/action", change,
             "add_host, remove_host, set_metadata (availability_zone sets its hosts' zone)"),
        {0},
};
