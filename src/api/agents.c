/* /v2.0/agents (list, show, update, delete) and the internal endpoints the
 * vfnet agents use: POST /v2.0/vfnet/agent-report (heartbeat and
 * configurations, as neutron agents' report_state) and POST
 * /v2.0/vfnet/devices (ports' devices up/down, as update_device_list).
 * Both need a token with the admin or service role.  Parse, call the
 * network service (netsvc/agent.c), render. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "netsvc/netsvc.h"

static json_t *agent_fixup(struct api_ctx *ctx, json_t *obj)
{
        struct netsvc svc = api_netsvc(ctx);
        json_object_set_new(obj, "alive", json_boolean(netsvc_agent_alive(&svc, obj)));
        json_object_del(obj, "_heartbeat");
        json_object_del(obj, "_instance");
        json_object_del(obj, "_interval");
        return obj;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_list(ctx, req, resp, &resource_agent, agent_fixup);
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return neutron_show(ctx, req, resp, &resource_agent, agent_fixup);
}

static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK), *in = NULL, *a = NULL;
        struct resource_error e;
        if (!body)
                return 0;
        if (!req->auth.is_admin)
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:update_agent) is disallowed by policy");
        int r = resource_parse_body(&resource_agent, body, false, &req->auth, &in, &e);
        if (r == -EINVAL)
                return neutron_bad(resp, &e);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        struct netsvc_agent_update u = {0};
        u.has_admin_state_up = neutron_given_bool(in, "admin_state_up", &u.admin_state_up);
        u.has_description = neutron_given_str(in, "description", &u.description);
        struct netsvc svc = api_netsvc(ctx);
        struct service_error se = {0};
        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_agent_update(&svc, req->params[0], &u, &a, &se);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &se, r < 0 ? r : k);
        a = agent_fixup(ctx, a);
        neutron_reply_one(resp, 200, &resource_agent, a, &req->auth);
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:delete_agent) is disallowed by policy");
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_agent_delete(&svc, req->params[0], &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 204);
        return 0;
}

int api_agent_report(struct api_ctx *ctx, struct api_request *req, const json_t *body,
                     const char *text, struct api_response *resp, json_t **ret, bool *ret_new)
{
        json_t *a = NULL;
        if (!policy_agent_report(&req->auth))
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "agent reports need the admin or service role");
        json_t *in = json_object_get(body, "agent");
        const char *host = json_str(in, "host"), *type = json_str(in, "agent_type");
        const char *binary = json_str(in, "binary");
        json_t *conf = json_object_get(in, "configurations");
        if (!json_is_object(in) || !host || !*host || !type || !*type || !binary ||
            (conf && !json_is_object(conf)))
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "An agent report needs {\"agent\": {\"host\", "
                                         "\"agent_type\", \"binary\", \"configurations\": {}}}.");
        json_t *dm = json_object_get(conf, "device_mappings");
        if (dm && !json_is_object(dm))
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "configurations.device_mappings must be an object "
                                         "{physnet: [device, ...]}.");
        json_t *inst = json_object_get(in, "instance_id");
        json_t *interval = json_object_get(in, "report_interval");
        if ((inst && !json_is_string(inst)) || (interval && !json_is_integer(interval)))
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "instance_id must be a string and report_interval an "
                                         "integer.");
        struct netsvc_agent_report rep = {
                .host = host, .agent_type = type, .binary = binary,
                .topic = json_str(in, "topic"),
                .configurations = conf,
                .instance_id = json_string_value(inst),
                .report_interval = interval ? (long long)json_integer_value(interval) : 0,
                .has_interval = interval != NULL,
                .start_flag = json_is_true(json_object_get(in, "start_flag")),
                .stopping = json_is_true(json_object_get(in, "stopping")),
                .text = text,
                .text_len = text ? strlen(text) : 0,
        };
        struct netsvc svc = api_netsvc(ctx);
        struct service_error e = {0};
        bool is_new = false;
        /* Most reports repeat the last: a read, and the time queued.  The
         * stored agent is parsed and compared after the read transaction,
         * which every request of the server waits for on SQLite; one
         * statement, so no snapshot is asked for. */
        _cleanup_(netsvc_agent_row_done) struct netsvc_agent_row stored = {0};
        int r = store_begin_read_committed(ctx->store);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_agent_stored(&svc, host, type, &stored);
        store_end(ctx->store, true);
        /* Not read: the write path below decides (and reports what fails). */
        r = r < 0 ? 0 : netsvc_agent_heartbeat(&svc, &rep, &stored, &a);
        if (r <= 0) {
                r = store_begin(ctx->store, true);
                if (r < 0)
                        return api_store_error(resp, API_NETWORK, r);
                r = netsvc_agent_report(&svc, &rep, &a, &is_new, &e);
                int k = store_end(ctx->store, r >= 0);
                if (r < 0 || k < 0)
                        return neutron_service_error(resp, &e, r < 0 ? r : k);
        }
        *ret = a;
        *ret_new = is_new;
        return 1;
}

bool api_agent_repeat(struct api_ctx *ctx, const struct api_request *req, const char *text)
{
        if (!policy_agent_report(&req->auth) || !ctx->agent_memo)
                return false;
        struct netsvc svc = api_netsvc(ctx);
        /* One statement: no snapshot to ask for. */
        if (store_begin_read_committed(ctx->store) < 0)
                return false;
        int r = netsvc_agent_repeat(&svc, text, strlen(text));
        store_end(ctx->store, true);
        return r > 0;
}

static int report(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK), *a = NULL;
        bool is_new = false;
        if (body && api_agent_report(ctx, req, body, NULL, resp, &a, &is_new) > 0) {
                a = agent_fixup(ctx, a);
                neutron_reply_one(resp, is_new ? 201 : 200, &resource_agent, a, &req->auth);
        }
        return 0;
}

static int devices(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK), *out = NULL;
        if (!body)
                return 0;
        if (!policy_agent_report(&req->auth))
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "device reports need the admin or service role");
        const char *host = json_str(body, "host");
        json_t *up = json_object_get(body, "up"), *down = json_object_get(body, "down");
        if (!host || (up && !json_is_array(up)) || (down && !json_is_array(down)))
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "A device report needs {\"host\", \"up\": [port ids], "
                                         "\"down\": [port ids]}.");
        struct netsvc svc = api_netsvc(ctx);
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = netsvc_device_report(&svc, host, up, down, &out);
        store_end(ctx->store, r >= 0);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_json(resp, 200, TAKE_PTR(out));
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_agent_routes[] = {
        NET("GET", "/v2.0/agents", list, "list agents (admin; alive from agent_down_time)"),
        NET("GET", "/v2.0/agents/{}", show, "show an agent (admin)"),
        NET("PUT", "/v2.0/agents/{}", update, "update admin_state_up/description (admin)"),
        NET("DELETE", "/v2.0/agents/{}", destroy, "delete an agent (admin)"),
        NET("POST", "/v2.0/vfnet/agent-report", report,
            "internal: agent heartbeat + configurations (admin or service role)"),
        NET("POST", "/v2.0/vfnet/devices", devices,
            "internal: ports' devices up/down on a host (admin or service role)"),
        {0},
};
