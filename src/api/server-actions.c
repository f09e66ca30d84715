/* POST /v2.1/servers/{id}/action: the one server action served,
 * os-resetState (an admin's: the server's state set to active or error,
 * its task state cleared).  Nova's other actions are answered as a Nova
 * without them: 404 "There is no such action". */
#include <errno.h>
#include <string.h>

#include "api/compute.h"

static int reset_state(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                       const json_t *args)
{
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:"
                                  "os-admin-actions:reset_state to be performed.");
        const char *state = json_str(args, "state");
        if (!json_is_object(args) || json_object_size(args) != 1 || !state ||
            (!streq(state, "active") && !streq(state, "error")))
                return nova_error(resp, 400, "Invalid input for field/attribute state. Value: "
                                  "%s. '%s' is not one of ['active', 'error']",
                                  state ?: "(none)", state ?: "(none)");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_server_reset_state(&svc, req->params[0], streq(state, "active"), &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 202);
        return 0;
}

static int action(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = nova_parse_body(req, resp);
        if (!body)
                return 0;
        const char *name = json_object_size(body) == 1 ? json_object_iter_key(json_object_iter(body))
                                                        : NULL;
        if (name && streq(name, "os-resetState"))
                return reset_state(ctx, req, resp, json_object_get(body, name));
        return nova_error(resp, 404, "There is no such action: %s", name ?: "(none)");
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_server_action_routes[] = {
        NOVA("POST", "/v2.1/servers/{}/action", action,
             "os-resetState (admin): the server's state set to active or error"),
        {0},
};
