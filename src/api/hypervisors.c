/* os-hypervisors as Nova answers each microversion: ids are integers
 * before 2.53 and uuids from it; the detail view's resource figures go at
 * 2.88, when it gains the uptime; the search and servers routes serve
 * until 2.52 and become ?hypervisor_hostname_pattern= and ?with_servers=
 * from 2.53; statistics and the uptime route end at 2.87.  A host's PCI
 * pools are vfnet's own view (GET /v2.1/vfnet/compute-hosts), not part of
 * Nova's schema. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "base/parse.h"
#include "identity/policy-rules.h"

/* What a request asks of the hypervisor list. */
struct hv_ask {
        bool detail;
        const char *one;     /* an id (show): that hypervisor only */
        const char *pattern; /* a part of the hostname (search, servers, 2.53's query) */
        bool with_servers;   /* each host's servers (servers route, 2.53's query) */
        const char *marker;  /* 2.33+: the page starts after this id */
        long limit;          /* 2.33+: at most this many; -1: no limit asked */
};

static int hv_denied(struct api_request *req, struct api_response *resp, const char *what)
{
        if (policy_rule_allows(PR_HYPERVISORS_LIST, &req->auth, NULL))
                return 0;
        return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-hypervisors:%s to be "
                          "performed.", what);
}

/* A route Nova does not serve at the asked microversion. */
static int hv_gone(struct api_response *resp)
{
        return nova_error(resp, 404, "The resource could not be found.");
}

/* The hypervisor's id and its service's as the microversion shows them. */
static json_t *shown_id(const struct api_request *req, const json_t *h, const char *uuid_key)
{
        if (req->microversion >= 53)
                return json_incref(json_object_get(h, uuid_key));
        return json_incref(json_object_get(h, "num_id"));
}

/* The hypervisor's id as the microversion shows it, as text. */
static const char *shown_id_text(const struct api_request *req, const json_t *h, char buf[32])
{
        if (req->microversion >= 53)
                return json_str(h, "hypervisor_id") ?: "";
        snprintf(buf, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(h, "num_id")));
        return buf;
}

static bool id_matches(const struct api_request *req, const json_t *h, const char *id)
{
        char buf[32];
        return streq(shown_id_text(req, h, buf), id);
}

/* Before 2.53 an id that is no integer names no hypervisor (404); from
 * 2.53 one that is no uuid is a bad request (400). */
static int hv_id_check(struct api_request *req, struct api_response *resp, const char *id)
{
        if (req->microversion >= 53)
                return nova_uuid_like(id) ? 0 : nova_error(resp, 400, "Invalid uuid %s", id);
        int64_t v;
        if (parse_i64(id, &v) < 0)
                return nova_error(resp, 404, "Hypervisor with ID '%s' could not be found.", id);
        return 0;
}

static int server_cb(const struct store_instance *inst, void *userdata)
{
        return json_array_append_new(userdata, json_pack("{s:s?,s:s}", "name", inst->name, "uuid",
                                                         inst->id));
}

/* The figures of the detail view before 2.88 (and of the statistics). */
static json_t *hv_figures(const struct host_state *hs, long running, long workload)
{
        long free_disk = hs->disk_gb - hs->disk_gb_used;
        return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "vcpus",
                         (json_int_t)hs->vcpus, "memory_mb", (json_int_t)hs->memory_mb, "local_gb",
                         (json_int_t)hs->disk_gb, "vcpus_used", (json_int_t)hs->vcpus_used,
                         "memory_mb_used", (json_int_t)hs->memory_mb_used, "local_gb_used",
                         (json_int_t)hs->disk_gb_used, "free_ram_mb",
                         (json_int_t)(hs->memory_mb - hs->memory_mb_used), "free_disk_gb",
                         (json_int_t)free_disk, "current_workload", (json_int_t)workload,
                         "running_vms", (json_int_t)running, "disk_available_least",
                         (json_int_t)free_disk);
}

/* The host's uptime as the `uptime` command words it, from the boot time
 * its report gives (docs/compute-report.md); NULL when it gives none. */
static json_t *hv_uptime_text(const json_t *rep, double now)
{
        json_t *boot = json_object_get(rep, "boot_time");
        if (!json_is_number(boot) || json_number_value(boot) > now)
                return NULL;
        long up = (long)(now - json_number_value(boot)), t = (long)now % 86400;
        long days = up / 86400, hours = up % 86400 / 3600, mins = up % 3600 / 60;
        char buf[96];
        if (days)
                snprintf(buf, sizeof(buf), " %02ld:%02ld:%02ld up %ld day%s, %2ld:%02ld", t / 3600,
                         t % 3600 / 60, t % 60, days, days == 1 ? "" : "s", hours, mins);
        else
                snprintf(buf, sizeof(buf), " %02ld:%02ld:%02ld up %2ld:%02ld", t / 3600,
                         t % 3600 / 60, t % 60, hours, mins);
        return json_string(buf);
}

struct hv_host {
        const json_t *h;             /* the service record (computesvc_host_list) */
        json_t *figures;             /* detail: hv_figures(), read in the transaction */
        json_t *rep;                 /* the report as the host sent it (detail only) */
        long running, workload;
        json_t *servers;             /* with_servers: [{name, uuid}] */
};

static json_t *hv_view(struct api_ctx *ctx, const struct api_request *req,
                       const struct hv_ask *ask, const struct hv_host *x)
{
        struct computesvc svc = api_computesvc(ctx);
        const json_t *h = x->h;
        json_t *o = json_pack("{s:o,s:O,s:s,s:O}", "id", shown_id(req, h, "hypervisor_id"),
                              "hypervisor_hostname", json_object_get(h, "id"), "state",
                              computesvc_host_is_up(&svc, h) ? "up" : "down", "status",
                              json_object_get(h, "status"));
        if (!o)
                return NULL;
        if (ask->detail) {
                json_t *caps = json_object_get(x->rep, "capabilities");
                const char *hv_type = json_str(caps, "hypervisor_type");
                /* The host's own number when it reports one (nova's
                 * integer form, libvirt 8.2.0 = 8002000); 1 otherwise. */
                json_t *hv_version = json_object_get(caps, "hypervisor_version");
                json_object_update_new(
                        o, json_pack("{s:s,s:I,s:s,s:{s:O,s:o,s:O}}", "hypervisor_type",
                                     hv_type ? hv_type : "QEMU", "hypervisor_version",
                                     (json_int_t)(json_is_integer(hv_version)
                                                          ? json_integer_value(hv_version)
                                                          : 1),
                                     "host_ip", json_str(x->rep, "host_ip") ?: "", "service",
                                     "host", json_object_get(h, "id"), "id",
                                     shown_id(req, h, "service_id"), "disabled_reason",
                                     json_object_get(h, "disabled_reason")));
        }
        if (ask->detail && req->microversion < 88) {
                json_object_update(o, x->figures);
                /* cpu_info: the report's object from 2.28, its text before. */
                json_t *cpu = json_object_get(json_object_get(x->rep, "capabilities"), "cpu_info");
                char *text = req->microversion < 28 && cpu ? json_dumps(cpu, JSON_COMPACT) : NULL;
                json_object_set_new(o, "cpu_info", req->microversion >= 28
                                                           ? (cpu ? json_deep_copy(cpu) : json_object())
                                                           : json_string(text ? text : "{}"));
                free(text);
        }
        if (ask->detail && req->microversion >= 88) {
                json_t *up = hv_uptime_text(x->rep, ctx->now());
                json_object_set_new(o, "uptime", up ? up : json_null());
        }
        if (json_array_size(x->servers) ||
            (x->servers && ask->with_servers && req->microversion >= 75))
                json_object_set(o, "servers", x->servers);
        return o;
}

/* The hosts a request names, in hostname order, with what their views
 * show.  Read inside the caller's transaction; kept after it. */
struct hv_page {
        json_t *hosts;       /* every service record */
        struct hv_host *v;
        size_t n;
};

static void hv_page_done(struct hv_page *p)
{
        for (size_t i = 0; i < p->n; i++) {
                json_decref(p->v[i].figures);
                json_decref(p->v[i].rep);
                json_decref(p->v[i].servers);
        }
        free(p->v);
        json_decref(p->hosts);
}

static int hv_host_fill(const struct computesvc *svc, const struct hv_ask *ask,
                        const struct host_state *hs, struct hv_host *x)
{
        const char *name = json_str(x->h, "id");
        size_t running = 0, workload = 0;
        int r = 0;
        if (ask->detail && ((r = computesvc_host_running(svc, name, &running)) < 0 ||
                            (r = computesvc_host_workload(svc, name, &workload)) < 0 ||
                            (r = computesvc_host_report_get(svc, name, &x->rep)) < 0))
                return r;
        x->running = (long)running;
        x->workload = (long)workload;
        /* The cached state is the scheduler's, borrowed until the list is
         * done: its figures are taken now. */
        if (ask->detail && !(x->figures = hv_figures(hs, x->running, x->workload)))
                return -ENOMEM;
        if (ask->with_servers) {
                struct store_instance_query q = {.host = name};
                if (!(x->servers = json_array()))
                        return -ENOMEM;
                r = computesvc_instance_list(svc, &q, server_cb, x->servers);
        }
        return r;
}

/* The state of the host named name in l (hostname order, as the records),
 * from *at on; NULL if the list lacks it (a read of another instant). */
static const struct host_state *hv_state(const struct host_list *l, size_t *at, const char *name)
{
        while (*at < l->n && strcmp(l->v[*at]->hostname, name) < 0)
                (*at)++;
        return *at < l->n && streq(l->v[*at]->hostname, name) ? l->v[*at] : NULL;
}

/* -ESRCH: the marker names no hypervisor. */
static int hv_collect_hosts(const struct computesvc *svc, const struct api_request *req,
                            const struct hv_ask *ask, const struct host_list *hl,
                            struct hv_page *p)
{
        size_t n = json_array_size(p->hosts), at = 0;
        if (!(p->v = calloc(n + 1, sizeof(*p->v))))
                return -ENOMEM;
        bool past_marker = !ask->marker;
        for (size_t i = 0; i < n; i++) {
                const json_t *h = json_array_get(p->hosts, i);
                if (!past_marker) {
                        past_marker = id_matches(req, h, ask->marker);
                        continue;
                }
                if ((ask->one && !id_matches(req, h, ask->one)) ||
                    (ask->pattern && !strcasestr(json_str(h, "id") ?: "", ask->pattern)))
                        continue;
                if (ask->limit >= 0 && (long)p->n >= ask->limit)
                        break;
                const struct host_state none = {0};
                const struct host_state *hs = hv_state(hl, &at, json_str(h, "id") ?: "");
                p->v[p->n] = (struct hv_host){.h = h};
                int r = hv_host_fill(svc, ask, hs ? hs : &none, &p->v[p->n++]);
                if (r < 0)
                        return r;
        }
        return past_marker ? 0 : -ESRCH;
}

static int hv_collect(struct api_ctx *ctx, const struct api_request *req, const struct hv_ask *ask,
                      struct hv_page *p)
{
        struct computesvc svc = api_computesvc(ctx);
        struct host_list hl = {0};
        int r = computesvc_host_list(&svc, &p->hosts);
        if (r >= 0)
                r = computesvc_hosts_load(&svc, &hl);
        if (r >= 0)
                r = hv_collect_hosts(&svc, req, ask, &hl, p);
        computesvc_hosts_done(&svc, &hl);
        return r;
}

/* Collects in a read transaction; answers a failure itself (< 0). */
static int hv_read(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                   const struct hv_ask *ask, struct hv_page *p)
{
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = hv_collect(ctx, req, ask, p);
                store_end(ctx->store, true);
        }
        if (r == -ESRCH)
                return nova_error(resp, 400, "marker [%s] not found", ask->marker);
        if (r < 0)
                return nova_store_error(resp, r);
        if (ask->pattern && p->n == 0)
                return nova_error(resp, 404, "No hypervisor matching '%s' could be found.",
                                  ask->pattern);
        if (ask->one && p->n == 0)
                return nova_error(resp, 404, "Hypervisor with ID '%s' could not be found.",
                                  ask->one);
        return 0;
}

static json_t *hv_views(struct api_ctx *ctx, const struct api_request *req,
                        const struct hv_ask *ask, const struct hv_page *p)
{
        json_t *out = json_array();
        for (size_t i = 0; out && i < p->n; i++)
                json_array_append_new(out, hv_view(ctx, req, ask, &p->v[i]));
        return out;
}

/* Nova's API max_limit: a page is at most this long. */
#define HV_MAX_LIMIT 1000

static int hv_query_bool(struct api_request *req, struct api_response *resp, const char *key,
                         bool *ret)
{
        const char *s = api_query_get(req, key);
        if (s && nova_bool_str(s, ret) < 0)
                return nova_error(resp, 400, "Invalid input for query parameters %s. Value: %s. "
                                  "'%s' is not a valid boolean.", key, s, s);
        return 0;
}

/* GET /os-hypervisors[/detail]: paged from 2.33, searched from 2.53. */
static int hv_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                   bool detail)
{
        if (hv_denied(req, resp, detail ? "list-detail" : "list"))
                return 0;
        struct hv_ask ask = {.detail = detail, .limit = -1};
        const char *limit = NULL;
        if (req->microversion >= 53) {
                ask.pattern = api_query_get(req, "hypervisor_hostname_pattern");
                if (hv_query_bool(req, resp, "with_servers", &ask.with_servers) < 0)
                        return 0;
        }
        if (req->microversion >= 33) {
                limit = api_query_get(req, "limit");
                ask.marker = api_query_get(req, "marker");
                int64_t v = 0;
                if (limit && (parse_i64(limit, &v) < 0 || v < 0))
                        return nova_error(resp, 400, "Invalid input for query parameters limit. "
                                          "Value: %s. '%s' does not match '^[0-9]*$'", limit, limit);
                if (ask.pattern && (limit || ask.marker))
                        return nova_error(resp, 400, "Paging over hypervisors with the "
                                          "hypervisor_hostname_pattern query parameter is not "
                                          "supported.");
                ask.limit = v > 0 && v < HV_MAX_LIMIT ? (long)v : HV_MAX_LIMIT;
        }
        struct hv_page p = {0};
        if (hv_read(ctx, req, resp, &ask, &p) < 0) {
                hv_page_done(&p);
                return 0;
        }
        json_t *body = json_pack("{s:o}", "hypervisors", hv_views(ctx, req, &ask, &p));
        /* A full page links to the next one, as Nova's view builder does. */
        if (body && ask.limit > 0 && !ask.pattern && (long)p.n == ask.limit) {
                char base[300], href[900], last[32];
                api_base_url(req, base, sizeof(base));
                snprintf(href, sizeof(href), "%s/v2.1/os-hypervisors%s?limit=%ld&marker=%s", base,
                         detail ? "/detail" : "", ask.limit,
                         shown_id_text(req, p.v[p.n - 1].h, last));
                json_object_set_new(body, "hypervisors_links",
                                    json_pack("[{s:s,s:s}]", "href", href, "rel", "next"));
        }
        hv_page_done(&p);
        api_reply_json(resp, 200, body);
        return 0;
}

static int hv_index(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return hv_list(ctx, req, resp, false);
}

static int hv_detail(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return hv_list(ctx, req, resp, true);
}

/* One hypervisor's view under "hypervisor": show, and the uptime route. */
static int hv_one(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                  struct hv_ask *ask, bool uptime)
{
        struct hv_page p = {0};
        if (hv_id_check(req, resp, ask->one) < 0 || hv_read(ctx, req, resp, ask, &p) < 0) {
                hv_page_done(&p);
                return 0;
        }
        json_t *up = uptime ? hv_uptime_text(p.v[0].rep, ctx->now()) : NULL;
        if (uptime && !up) {
                hv_page_done(&p);
                /* Nova's answer for a virt driver that has no uptime. */
                return nova_error(resp, 501, "The requested functionality is not supported.");
        }
        struct hv_ask summary = {0};
        json_t *v = hv_view(ctx, req, uptime ? &summary : ask, &p.v[0]);
        if (up)
                json_object_set_new(v, "uptime", up);
        hv_page_done(&p);
        api_reply_json(resp, 200, json_pack("{s:o}", "hypervisor", v));
        return 0;
}

static int hv_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (hv_denied(req, resp, "show"))
                return 0;
        struct hv_ask ask = {.detail = true, .one = req->params[0], .limit = -1};
        if (req->microversion >= 53 && hv_query_bool(req, resp, "with_servers", &ask.with_servers) < 0)
                return 0;
        return hv_one(ctx, req, resp, &ask, false);
}

/* The host's uptime; 501 when its report gives no boot time, as Nova
 * answers for a virt driver without it.  From 2.88 the detail view has
 * it. */
static int hv_uptime(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (req->microversion >= 88)
                return hv_gone(resp);
        if (hv_denied(req, resp, "uptime"))
                return 0;
        struct hv_ask ask = {.detail = true, .one = req->params[0], .limit = -1};
        return hv_one(ctx, req, resp, &ask, true);
}

/* GET /os-hypervisors/{pattern}/search and /servers, before 2.53. */
static int hv_match(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                    bool servers)
{
        if (req->microversion >= 53)
                return hv_gone(resp);
        if (hv_denied(req, resp, servers ? "servers" : "search"))
                return 0;
        struct hv_ask ask = {.pattern = req->params[0], .with_servers = servers, .limit = -1};
        struct hv_page p = {0};
        if (hv_read(ctx, req, resp, &ask, &p) >= 0)
                api_reply_json(resp, 200, json_pack("{s:o}", "hypervisors",
                                                    hv_views(ctx, req, &ask, &p)));
        hv_page_done(&p);
        return 0;
}

static int hv_search(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return hv_match(ctx, req, resp, false);
}

static int hv_servers(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return hv_match(ctx, req, resp, true);
}

/* The enabled hosts' figures summed, as Nova's compute_node_statistics;
 * gone at 2.88. */
static int hv_statistics(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (req->microversion >= 88)
                return hv_gone(resp);
        if (hv_denied(req, resp, "statistics"))
                return 0;
        struct hv_ask ask = {.detail = true, .limit = -1};
        struct hv_page p = {0};
        if (hv_read(ctx, req, resp, &ask, &p) < 0) {
                hv_page_done(&p);
                return 0;
        }
        json_t *sum = json_pack("{s:i}", "count", 0);
        for (size_t i = 0; sum && i < p.n; i++) {
                if (!streq(json_str(p.v[i].h, "status") ?: "", "enabled"))
                        continue;
                const char *k;
                json_t *v;
                json_object_foreach(p.v[i].figures, k, v) {
                        json_int_t was = json_integer_value(json_object_get(sum, k));
                        json_object_set_new(sum, k, json_integer(was + json_integer_value(v)));
                }
                json_object_set_new(sum, "count",
                                    json_integer(json_integer_value(json_object_get(sum, "count")) + 1));
        }
        if (sum && !json_object_get(sum, "vcpus")) {
                /* no enabled host: every figure 0 */
                struct host_state none = {0};
                json_object_update_new(sum, hv_figures(&none, 0, 0));
        }
        hv_page_done(&p);
        api_reply_json(resp, 200, json_pack("{s:o}", "hypervisor_statistics", sum));
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_hypervisor_routes[] = {
        NOVA("GET", "/v2.1/os-hypervisors", hv_index,
             "hypervisors (admin; 2.33+ ?limit=&marker=; 2.53+ ?hypervisor_hostname_pattern=, "
             "?with_servers=)"),
        NOVA("GET", "/v2.1/os-hypervisors/detail", hv_detail,
             "hypervisors with resources and usage (before 2.88; the uptime from 2.88; admin; the "
             "queries of the list)"),
        NOVA("GET", "/v2.1/os-hypervisors/statistics", hv_statistics,
             "the enabled hosts' resources summed (admin; before 2.88)"),
        NOVA("GET", "/v2.1/os-hypervisors/{}", hv_show,
             "one hypervisor: integer id before 2.53, uuid from it (admin; 2.53+ ?with_servers=)"),
        NOVA("GET", "/v2.1/os-hypervisors/{}/uptime", hv_uptime,
             "the host's uptime from its reported boot time, 501 without one (admin; before 2.88)"),
        NOVA("GET", "/v2.1/os-hypervisors/{}/search", hv_search,
             "hypervisors whose hostname contains the pattern (admin; before 2.53)"),
        NOVA("GET", "/v2.1/os-hypervisors/{}/servers", hv_servers,
             "those hypervisors with their servers (admin; before 2.53)"),
        {0},
};
