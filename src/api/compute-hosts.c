/* Compute hosts: the internal endpoints a compute host speaks (its report,
 * its task queue; docs/compute-report.md) and what operators see of the
 * hosts: os-services (list, disable with a reason, enable, forced_down)
 * and each host's report with its PCI pools (hypervisors.c shows the
 * hosts as Nova does).  Hosts are the compute service's records keyed by
 * hostname, seen here as documents; the state the scheduler reads (cache,
 * claims, usage) is the compute service's (computesvc/). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "identity/policy-rules.h"
#include "api/neutron.h"
#include "base/error.h"
#include "base/log.h"
#include "compute/scheduler.h"
#include "computesvc/report-memo.h"
#include "identity/token.h"

static void report_reply(struct api_response *resp, int status, const char *name,
                         const char *service_id, unsigned pools, unsigned free_total)
{
        api_reply_json(resp, status,
                       json_pack("{s:{s:s,s:s,s:i,s:i}}", "compute_host", "hostname", name,
                                 "service_id", service_id, "pci_pools", (int)pools, "pci_free",
                                 (int)free_total));
}

/* A host report's agent report ({"agent": {...}}), applied as POST
 * /v2.0/vfnet/agent-report applies it; false with its refusal made in
 * resp (Neutron's error body, as that endpoint's). */
static bool agent_part(struct api_ctx *ctx, struct api_request *req, const json_t *body,
                       const char *text, struct api_response *resp)
{
        _cleanup_json_ json_t *a = NULL;
        bool is_new = false;
        return api_agent_report(ctx, req, body, text, resp, &a, &is_new) > 0;
}

/* A report this server saw before, byte for byte, that the store still
 * holds for its host: only its time, without parsing it again.  False
 * when it must take the whole way (any doubt, any error).  A host
 * report's agent part is applied first (*agent_done); if it is refused,
 * true with the refusal in resp. */
static bool report_repeated(struct api_ctx *ctx, struct api_request *req,
                            struct api_response *resp, bool with_agent, bool *agent_done)
{
        struct report_memo_entry m = {0};
        if (!ctx->report_memo ||
            report_memo_get(ctx->report_memo, req->body, req->body_len, &m) < 0)
                return false;
        _cleanup_free_ char *name = m.hostname, *agent = m.agent;
        if (with_agent != (agent != NULL))
                return false;
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_compute_host_ struct store_compute_host *h = NULL;
        int r;
        /* Both parts repeating, as most heartbeats do: one statement. */
        if (agent && store_begin_read_committed(ctx->store) >= 0) {
                r = computesvc_host_heartbeat_with_agent(&svc, name, m.report_hash, agent, &h);
                store_end(ctx->store, true);
                if (r > 0) {
                        *agent_done = true;
                        report_reply(resp, 200, name, h->service_id, m.pools, m.free_total);
                        return true;
                }
        }
        if (agent && !api_agent_repeat(ctx, req, agent)) {
                _cleanup_json_ json_t *body = json_loads(agent, 0, NULL);
                if (!body)
                        return false;
                if (!agent_part(ctx, req, body, agent, resp))
                        return true;
        }
        *agent_done = agent != NULL;
        /* One statement: no snapshot to ask for. */
        if (store_begin_read_committed(ctx->store) < 0)
                return false;
        r = computesvc_host_heartbeat(&svc, name, m.report_hash, &h);
        store_end(ctx->store, true);
        if (r <= 0)
                return false;
        report_reply(resp, 200, name, h->service_id, m.pools, m.free_total);
        return true;
}

/* A host registers or refreshes its report; with_agent: its agent's report
 * comes with it, as the body's "agent" member (POST /v2.1/vfnet/host-report). */
static int report_with(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                       bool with_agent)
{
        struct computesvc svc = api_computesvc(ctx);
        bool agent_done = false;
        if (policy_agent_report(&req->auth) &&
            report_repeated(ctx, req, resp, with_agent, &agent_done))
                return 0;
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *doc = NULL, *agent = NULL;
        if (!body)
                return 0;
        if (!policy_agent_report(&req->auth))
                return nova_error(resp, 403, "Compute host reports need the admin or service role.");
        if (with_agent) {
                json_t *a = json_object_get(body, "agent");
                if (!json_is_object(a))
                        return nova_error(resp, 400, "A host report needs \"agent\": the agent "
                                          "report's object (POST /v2.0/vfnet/agent-report), "
                                          "beside the compute report's members.");
                agent = json_pack("{s:O}", "agent", a);
                if (!agent)
                        return nova_store_error(resp, -ENOMEM);
                json_object_del(body, "agent");
        }
        /* The server owns these: a host cannot claim or free devices, nor
         * enable itself. */
        json_object_del(body, "pci_claimed");
        json_object_del(body, "enabled");
        json_object_del(body, "up");
        /* The hypervisor's host_ip: the address the host reports from,
         * unless it names its own. */
        if (!json_is_string(json_object_get(body, "host_ip")) && req->client)
                json_object_set_new(body, "host_ip", json_string(req->client));
        _cleanup_host_state_ struct host_state *hs = NULL;
        int r = host_state_from_json(body, ctx->sched->whitelist, &hs);
        if (r < 0)
                return nova_error(resp, 400, "Invalid compute host report: %s", err_msg(r));
        const char *name = hs->hostname;
        if (strlen(name) > 255 || strchr(name, '/'))
                return nova_error(resp, 400, "Invalid compute host report: hostname '%s' must be "
                                  "at most 255 characters without '/'.", name);
        _cleanup_free_ char *agent_text = NULL;
        if (agent) {
                const char *ah = json_str(json_object_get(agent, "agent"), "host");
                if (!ah || !streq(ah, name))
                        return nova_error(resp, 400, "Invalid host report: agent.host must be "
                                          "the report's hostname '%s'.", name);
                if (!(agent_text = json_dumps(agent, JSON_COMPACT)))
                        return nova_store_error(resp, -ENOMEM);
                if (!agent_done && !agent_part(ctx, req, agent, agent_text, resp))
                        return 0;
        }
        bool is_new = false;
        r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_host_report(&svc, body, hs, &is_new, &doc);
        store_end(ctx->store, r >= 0);
        if (r < 0)
                return nova_store_error(resp, r);
        if (is_new)
                log_info("compute host %s registered (%zu PCI pools, %u free devices)", name,
                         hs->pools.n, hs->pools.free_total);
        struct report_memo_entry m = {(char *)name, "", (unsigned)hs->pools.n,
                                      hs->pools.free_total, agent_text};
        const char *hash = json_str(doc, "report_hash");
        if (ctx->report_memo && hash && strlen(hash) < sizeof(m.report_hash)) {
                strcpy(m.report_hash, hash);
                /* Only a courtesy: without it the next report takes this way. */
                (void)report_memo_put(ctx->report_memo, req->body, req->body_len, &m);
        }
        report_reply(resp, is_new ? 201 : 200, name, json_str(doc, "service_id"),
                     (unsigned)hs->pools.n, hs->pools.free_total);
        return 0;
}

/* POST /v2.1/vfnet/compute-report: register or refresh a host. */
static int report(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return report_with(ctx, req, resp, false);
}

/* POST /v2.1/vfnet/host-report: the compute report and the agent report
 * of one host in one request (docs/compute-report.md), the agent's first:
 * the first refusal is the answer (the agent's in Neutron's error body),
 * and a refused compute part leaves the accepted agent part applied. */
static int host_report(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return report_with(ctx, req, resp, true);
}

/* GET /v2.1/vfnet/compute-tasks?host=H: what the host must do, oldest first. */
static int tasks_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!policy_agent_report(&req->auth))
                return nova_error(resp, 403, "Compute host tasks need the admin or service role.");
        const char *host = api_query_get(req, "host");
        if (!host || !*host)
                return nova_error(resp, 400, "Query parameter host is required.");
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *tasks = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_tasks(&svc, host, 100, &tasks);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        api_reply_json(resp, 200, json_pack("{s:O}", "tasks", tasks));
        return 0;
}

/* POST /v2.1/vfnet/compute-tasks/{id}: {"result": "ok"|"error", "message"}. */
static int task_done(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *body = nova_parse_body(req, resp);
        if (!body)
                return 0;
        if (!policy_agent_report(&req->auth))
                return nova_error(resp, 403, "Compute host tasks need the admin or service role.");
        const char *result = json_str(body, "result"), *message = json_str(body, "message");
        if (!result || (!streq(result, "ok") && !streq(result, "error")))
                return nova_error(resp, 400, "A task result needs {\"result\": \"ok\" or "
                                  "\"error\", \"message\": \"...\"}.");
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_task_done(&svc, req->params[0], streq(result, "ok"),
                                 message ? message : "The compute host failed to spawn the "
                                                     "instance.", &e);
        store_end(ctx->store, r >= 0);
        if (e.kind == ERROR_KIND_NOT_FOUND)
                return nova_error(resp, 404, "%s", e.message);
        if (r < 0 && r != -ENOENT)
                return nova_store_error(resp, r);
        api_reply_empty(resp, 204);
        return 0;
}

static void service_time(const json_t *h, json_t *o)
{
        json_t *t = json_object_get(h, "updated_at");
        json_object_set(o, "updated_at", t ? t : json_null());
}

/* A service as the microversion shows it: its integer id before 2.53 and
 * its uuid from it; forced_down from 2.11. */
static json_t *service_view(struct api_ctx *ctx, const struct api_request *req, const json_t *h,
                            const json_t *zones)
{
        struct computesvc svc = api_computesvc(ctx);
        const char *az = json_str(zones, json_str(h, "id")) ?: json_str(h, "availability_zone");
        json_t *o = json_pack("{s:O,s:s,s:O,s:s,s:O,s:s,s:O}", "id",
                              json_object_get(h, req->microversion >= 53 ? "service_id" : "num_id"),
                              "binary", "nova-compute", "host", json_object_get(h, "id"), "zone",
                              az ? az : ctx->sched->default_availability_zone, "status",
                              json_object_get(h, "status"), "state",
                              computesvc_host_is_up(&svc, h) ? "up" : "down", "disabled_reason",
                              json_object_get(h, "disabled_reason"));
        if (o && req->microversion >= 11)
                json_object_set(o, "forced_down", json_object_get(h, "forced_down"));
        if (o)
                service_time(h, o);
        return o;
}

static int hosts_all(struct api_ctx *ctx, json_t **ret, json_t **ret_zones)
{
        struct computesvc svc = api_computesvc(ctx);
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = computesvc_host_list(&svc, ret);
                if (r >= 0)
                        r = computesvc_host_zones(&svc, ret_zones);
                store_end(ctx->store, true);
        }
        return r;
}

static int services_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!policy_rule_allows(PR_SERVICES_LIST, &req->auth, NULL))
                return nova_error(resp, 403, "Policy doesn't allow %s to be performed.",
                                  policy_rules[PR_SERVICES_LIST].name);
        _cleanup_json_ json_t *hosts = NULL, *zones = NULL;
        int r = hosts_all(ctx, &hosts, &zones);
        if (r < 0)
                return nova_store_error(resp, r);
        /* From 2.75 a query parameter other than host and binary is refused. */
        for (size_t q = 0; req->microversion >= 75 && q < req->n_query; q++)
                if (!streq(req->query[q].key, "host") && !streq(req->query[q].key, "binary"))
                        return nova_error(resp, 400, "Additional properties are not allowed "
                                          "('%s' was unexpected)", req->query[q].key);
        const char *want_host = api_query_get(req, "host"), *want_bin = api_query_get(req, "binary");
        json_t *out = json_array();
        size_t i;
        json_t *h;
        json_array_foreach(hosts, i, h) {
                if (want_host && !streq(want_host, json_str(h, "id")))
                        continue;
                if (want_bin && !streq(want_bin, "nova-compute"))
                        continue;
                json_array_append_new(out, service_view(ctx, req, h, zones));
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "services", out));
        return 0;
}

static int services_update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *h = NULL;
        if (!body)
                return 0;
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-services:update "
                                  "to be performed.");
        const char *action = req->params[0];
        /* Before 2.53 the path names an action (force-down from 2.11); from
         * 2.53 a service's uuid. */
        bool legacy = req->microversion < 53;
        if (legacy && !streq(action, "enable") && !streq(action, "disable") &&
            !streq(action, "disable-log-reason") &&
            !(streq(action, "force-down") && req->microversion >= 11))
                return nova_error(resp, 404, "Unknown action");
        if (!legacy && !nova_uuid_like(action))
                return nova_error(resp, 400, "Invalid uuid %s", action);
        const char *host = legacy ? json_str(body, "host") : NULL;
        const char *binary = json_str(body, "binary");
        if (legacy && (!host || (binary && !streq(binary, "nova-compute"))))
                return nova_error(resp, 400, "Invalid request body: host and binary nova-compute "
                                  "are required.");
        json_t *status = NULL, *reason = json_object_get(body, "disabled_reason"),
               *forced = json_object_get(body, "forced_down");
        if (streq(action, "enable"))
                status = json_string("enabled");
        else if (streq(action, "disable") || streq(action, "disable-log-reason"))
                status = json_string("disabled");
        else if (!legacy && json_object_get(body, "status"))
                status = json_incref(json_object_get(body, "status"));
        _cleanup_json_ _unused_ json_t *status_ref = status; /* owns it */
        const char *st = json_string_value(status);
        if (status && (!st || (!streq(st, "enabled") && !streq(st, "disabled"))))
                return nova_error(resp, 400, "Invalid input for field/attribute status. Value: %s. "
                                  "'%s' is not one of ['enabled', 'disabled']",
                                  st ? st : "null", st ? st : "null");
        if (reason && (!json_is_string(reason) || strlen(json_string_value(reason)) > 255))
                return nova_error(resp, 400, "Invalid input for field/attribute disabled_reason: "
                                  "a string of at most 255 characters is expected.");
        if (reason && !(st && streq(st, "disabled")))
                return nova_error(resp, 400, "Specifying 'disabled_reason' with status other than "
                                  "'disabled' is not allowed.");
        if (forced && !json_is_boolean(forced))
                return nova_error(resp, 400, "Invalid input for field/attribute forced_down: a "
                                  "boolean is expected.");
        if (!legacy && !status && !forced)
                return nova_error(resp, 400, "At least one of 'status' or 'forced_down' must be "
                                  "specified in the request body.");
        struct computesvc_service_change change = {
                .status = st,
                .disabled_reason = reason,
                .forced_down = forced ? json_is_true(forced) : -1,
        };
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        _cleanup_json_ json_t *zones = NULL;
        r = computesvc_host_zones(&svc, &zones);
        if (r >= 0)
                r = computesvc_service_update(&svc, legacy ? NULL : action, host, &change, &h);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return legacy ? nova_error(resp, 404, "Host '%s' is not mapped to any cell", host)
                              : nova_error(resp, 404, "Service %s not found.", action);
        if (r < 0)
                return nova_store_error(resp, r);
        json_t *v;
        if (legacy) {
                v = json_pack("{s:O,s:s,s:O}", "host", json_object_get(h, "id"), "binary",
                              "nova-compute", "status", json_object_get(h, "status"));
                if (streq(action, "disable-log-reason"))
                        json_object_set(v, "disabled_reason", json_object_get(h, "disabled_reason"));
                if (streq(action, "force-down"))
                        json_object_set(v, "forced_down", json_object_get(h, "forced_down"));
        } else
                v = service_view(ctx, req, h, zones);
        api_reply_json(resp, 200, json_pack("{s:o}", "service", v));
        return 0;
}

static json_t *pool_stats(const struct host_state *h)
{
        json_t *out = json_array();
        for (size_t i = 0; i < h->pools.n; i++) {
                const struct pci_pool *p = &h->pools.v[i];
                char addr[32];
                json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i}", "vendor_id", p->vendor_id,
                                      "product_id", p->product_id, "dev_type",
                                      pci_nova_type_to_string(p->dev_type), "address",
                                      pci_address_format(&p->address, addr), "count",
                                      (int)p->count, "total", (int)p->n_devs);
                json_object_set_new(o, "numa_node",
                                    p->numa_node < 0 ? json_null() : json_integer(p->numa_node));
                for (size_t t = 0; t < p->n_tags; t++)
                        json_object_set_new(o, p->tags[t].key,
                                            p->tags[t].value ? json_string(p->tags[t].value)
                                                             : json_null());
                json_array_append_new(out, o);
        }
        return out;
}

/* GET /v2.1/vfnet/compute-hosts: every host's report as the scheduler
 * reads it (docs/compute-report.md), the server's claims, usage and
 * service state folded in — what `vfnet sched explain --hosts URL` reads
 * to explain a hypothetical boot against the live cloud. */
static int hosts_reports(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-hypervisors:list "
                                  "to be performed.");
        _cleanup_json_ json_t *out = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_host_reports(&svc, &out);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        /* Each host's PCI pools as the scheduler counts them (pci_stats):
         * the report parsed with the claims above applied. */
        size_t i;
        json_t *rep;
        json_array_foreach(out, i, rep) {
                _cleanup_host_state_ struct host_state *hs = NULL;
                if ((r = host_state_from_json(rep, ctx->sched->whitelist, &hs)) < 0)
                        return nova_error(resp, 500, "Host %s's stored report does not parse: %s",
                                          json_str(rep, "hostname") ?: "?", err_msg(r));
                json_object_set_new(rep, "pci_stats", pool_stats(hs));
        }
        api_reply_json(resp, 200, json_pack("{s:O}", "hosts", out));
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_compute_host_routes[] = {
        NOVA("POST", "/v2.1/vfnet/compute-report", report,
             "internal: a compute host registers and reports its inventory (admin or service role)"),
        NOVA("POST", "/v2.1/vfnet/host-report", host_report,
             "internal: a compute host's report and its agent's report in one (admin or service "
             "role)"),
        NOVA("GET", "/v2.1/vfnet/compute-hosts", hosts_reports,
             "internal: every host's report with the server's claims, usage and PCI pools "
             "(admin)"),
        NOVA("GET", "/v2.1/vfnet/compute-tasks", tasks_list,
             "internal: a compute host's pending spawn/destroy tasks (?host=)"),
        NOVA("POST", "/v2.1/vfnet/compute-tasks/{}", task_done,
             "internal: a compute host's result for one task"),
        NOVA("GET", "/v2.1/os-services", services_list, "compute services (admin; ?host=, ?binary=)"),
        NOVA("PUT", "/v2.1/os-services/{}", services_update,
             "enable/disable (with reason)/forced_down: by id (2.53+) or enable|disable|"
             "disable-log-reason|force-down"),
        {0},
};
