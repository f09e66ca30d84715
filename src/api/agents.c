/* /v2.0/agents (list, show, update, delete) and the internal endpoints the
 * vfnet agents use: POST /v2.0/vfnet/agent-report (heartbeat and
 * configurations, as neutron agents' report_state) and POST
 * /v2.0/vfnet/devices (ports' devices up/down, as update_device_list).
 * Both need a token with the admin or service role. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/neutron.h"
#include "netsvc/netsvc.h"
#include "identity/token.h"

/* Neutron prints agent times as "YYYY-MM-DD HH:MM:SS". */
static void agent_time(double t, char ret[32])
{
        time_t s = (time_t)t;
        struct tm tm;
        gmtime_r(&s, &tm);
        strftime(ret, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

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
        r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, &resource_agent, req->params[0], &a);
        if (r >= 0) {
                json_object_update_existing(a, in);
                r = neutron_store_update(ctx, &resource_agent, a);
        }
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return neutron_not_found(resp, &resource_agent, req->params[0]);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        a = agent_fixup(ctx, a);
        neutron_reply_one(resp, 200, &resource_agent, a, &req->auth);
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                         "(rule:delete_agent) is disallowed by policy");
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = store_obj_delete(ctx->store, "agent", req->params[0]);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return neutron_not_found(resp, &resource_agent, req->params[0]);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_empty(resp, 204);
        return 0;
}

struct found {
        json_t *obj;
};

static int found_cb(const char *id, const char *doc, void *userdata)
{
        struct found *f = userdata;
        if (!f->obj)
                f->obj = json_loads(doc, 0, NULL);
        return 0;
}

/* The agent of (host, agent_type), or NULL. */
static int find_agent(struct api_ctx *ctx, const char *host, const char *type, json_t **ret)
{
        const char *hv[] = {host}, *tv[] = {type};
        struct store_filter f[] = {
                {"host", STORE_VALUE_TEXT, hv, 1},
                {"agent_type", STORE_VALUE_TEXT, tv, 1},
        };
        struct store_query q = {.filters = f, .n_filters = 2};
        struct found fo = {0};
        int r = store_obj_list(ctx->store, "agent", &q, found_cb, &fo);
        if (r < 0)
                return r;
        *ret = fo.obj;
        return 0;
}

/* A live process already holds (host, agent_type) when its instance id
 * differs from INSTANCE and it reported within two of its intervals (or
 * agent_down_time, whichever is shorter): a second agent started for the
 * same host name.  A crashed holder lets a new one in after that window; a
 * cleanly stopped one released the host with "stopping". */
static bool held_by_other(struct api_ctx *ctx, const json_t *a, const char *instance, double now)
{
        const char *holder = json_str(a, "_instance");
        if (!instance || !holder || streq(holder, instance))
                return false;
        double window = (double)ctx->ml2->agent_down_time;
        json_int_t interval = json_integer_value(json_object_get(a, "_interval"));
        if (interval > 0 && 2.0 * (double)interval < window)
                window = 2.0 * (double)interval;
        return now - json_number_value(json_object_get(a, "_heartbeat")) <= window;
}

static int report(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK), *a = NULL;
        if (!body)
                return 0;
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
        const char *instance = json_string_value(inst);
        bool stopping = json_is_true(json_object_get(in, "stopping"));
        double now = ctx->now();
        char t[32];
        agent_time(now, t);
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = find_agent(ctx, host, type, &a);
        if (r >= 0 && a && held_by_other(ctx, a, instance, now)) {
                store_end(ctx->store, false);
                char held[32];
                agent_time(json_number_value(json_object_get(a, "_heartbeat")), held);
                return api_neutron_error(resp, 409, "AgentConflict",
                                         "Host %s already has a live %s (instance %s, last "
                                         "report at %s): stop it, or give this agent another "
                                         "[DEFAULT] host.", host, type,
                                         json_str(a, "_instance"), held);
        }
        if (r >= 0 && a && stopping) {
                /* A clean exit: the host is free for the next process; the
                 * agent stays alive until agent_down_time, as Neutron's. */
                if (instance && json_str(a, "_instance") && streq(json_str(a, "_instance"), instance)) {
                        json_object_del(a, "_instance");
                        r = neutron_store_update(ctx, &resource_agent, a);
                }
                store_end(ctx->store, r >= 0);
                if (r < 0)
                        return api_store_error(resp, API_NETWORK, r);
                a = agent_fixup(ctx, a);
                neutron_reply_one(resp, 200, &resource_agent, a, &req->auth);
                return 0;
        }
        bool is_new = r >= 0 && !a;
        if (is_new) {
                char id[37];
                random_uuid(id);
                a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:n,s:{},s:n,s:s,s:s,s:s,s:n}", "id", id,
                              "agent_type", type, "binary", binary, "host", host, "topic",
                              json_str(in, "topic") ? json_str(in, "topic") : "N/A",
                              "admin_state_up", 1, "availability_zone", "configurations",
                              "description", "heartbeat_timestamp", t, "started_at", t,
                              "created_at", t, "resources_synced");
        }
        if (r >= 0 && a) {
                json_object_set_new(a, "configurations", conf ? json_incref(conf) : json_object());
                json_object_set_new(a, "heartbeat_timestamp", json_string(t));
                json_object_set_new(a, "_heartbeat", json_real(now));
                if (instance) {
                        json_object_set_new(a, "_instance", json_string(instance));
                        json_object_set_new(a, "_interval", json_incref(interval ?: json_null()));
                }
                if (json_is_true(json_object_get(in, "start_flag")))
                        json_object_set_new(a, "started_at", json_string(t));
                r = is_new ? neutron_store_insert(ctx, &resource_agent, a)
                           : neutron_store_update(ctx, &resource_agent, a);
        }
        store_end(ctx->store, r >= 0);
        if (r < 0 || !a)
                return api_store_error(resp, API_NETWORK, r < 0 ? r : -ENOMEM);
        a = agent_fixup(ctx, a);
        neutron_reply_one(resp, is_new ? 201 : 200, &resource_agent, a, &req->auth);
        return 0;
}

static int devices(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK);
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
        _cleanup_json_ json_t *out = json_pack("{s:[],s:[],s:[]}", "up", "down", "failed");
        struct netsvc svc = api_netsvc(ctx);
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        for (int pass = 0; pass < 2 && r >= 0; pass++) {
                json_t *list = pass == 0 ? up : down;
                size_t i;
                json_t *id;
                json_array_foreach(list, i, id) {
                        int k = netsvc_port_set_device_status(&svc, json_string_value(id), host,
                                                              pass == 0);
                        if (k == -ENOENT || k == -EINVAL) {
                                json_array_append(json_object_get(out, "failed"), id);
                                continue;
                        }
                        if (k < 0) {
                                r = k;
                                break;
                        }
                        json_array_append(json_object_get(out, pass == 0 ? "up" : "down"), id);
                }
        }
        store_end(ctx->store, r >= 0);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_json(resp, 200, json_incref(out));
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
