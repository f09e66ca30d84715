/* Compute hosts: the internal endpoints a compute host speaks (its report,
 * its task queue; docs/compute-report.md) and what operators see of the
 * hosts: os-services (list, disable with a reason, enable, forced_down)
 * and os-hypervisors (with PCI pool figures).  Hosts are store objects of
 * kind "compute_host" keyed by hostname; the PCI claims are allocations in
 * pool "pci:<hostname>", so the database refuses a VF given twice. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "api/neutron.h"
#include "base/error.h"
#include "base/log.h"
#include "compute/scheduler.h"
#include "identity/token.h"

int compute_host_get(struct api_ctx *ctx, const char *hostname, json_t **ret)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_obj_get(ctx->store, "compute_host", hostname, &doc, NULL);
        if (r < 0)
                return r;
        json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        *ret = o;
        return 0;
}

bool compute_host_is_up(struct api_ctx *ctx, const json_t *host)
{
        if (json_is_true(json_object_get(host, "forced_down")))
                return false;
        double hb = json_number_value(json_object_get(host, "_heartbeat"));
        return ctx->now() - hb <= (double)ctx->service_down_time;
}

static int collect_cb(const char *id, const char *doc, void *userdata)
{
        json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        return json_array_append_new(userdata, o) < 0 ? -ENOMEM : 0;
}

/* Parsed host reports, kept between passes: building a host's pools from
 * its report is the dear part of a boot, and a report changes seldom.  The
 * store stays the truth: on every load each cached host is brought to the
 * store's claims, usage and service state, so a rolled-back transaction or
 * a restart cannot leave the cache ahead.  Only touched inside a store
 * transaction, whose lock serialises it. */
struct cached_host {
        char *name;
        char hash[65];           /* of the report text it was built from */
        struct host_state *h;
        char **applied;          /* PCI addresses marked claimed in h */
        char *report_az;         /* the zone the host reports; an aggregate's wins */
        long vcpus_used0, memory_mb_used0, disk_gb_used0; /* as reported */
        bool seen;
};

struct compute_cache {
        struct cached_host *v; /* sorted by name */
        size_t n;
};

static void cached_host_done(struct cached_host *c)
{
        free(c->name);
        host_state_free(c->h);
        strv_free(c->applied);
        free(c->report_az);
        *c = (struct cached_host){0};
}

void compute_cache_free(struct compute_cache *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n; i++)
                cached_host_done(&c->v[i]);
        free(c->v);
        free(c);
}

static int cached_cmp(const void *a, const void *b)
{
        return strcmp(((const struct cached_host *)a)->name, ((const struct cached_host *)b)->name);
}

static struct cached_host *cache_find(struct compute_cache *c, const char *name)
{
        struct cached_host key = {.name = (char *)name};
        return c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), cached_cmp) : NULL;
}

static void report_hash(const char *text, char ret[65])
{
        unsigned char h[32];
        crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), NULL, 0);
        sodium_bin2hex(ret, 65, h, sizeof(h));
}

/* (Re)build a cached host from its stored report. */
static int cache_build(struct api_ctx *ctx, struct cached_host *c, const char *name,
                       const char *hash)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_obj_get(ctx->store, "compute_report", name, &doc, NULL);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *rep = json_loads(doc, 0, NULL);
        if (!rep)
                return -EIO;
        struct host_state *h = NULL;
        r = host_state_from_json(rep, ctx->sched->whitelist, &h);
        if (r < 0)
                return r;
        char *az = h->availability_zone ? strdup(h->availability_zone) : NULL;
        if (h->availability_zone && !az) {
                host_state_free(h);
                return -ENOMEM;
        }
        host_state_free(c->h);
        strv_free(c->applied);
        free(c->report_az);
        c->h = h;
        c->applied = NULL;
        c->report_az = az;
        c->vcpus_used0 = h->vcpus_used;
        c->memory_mb_used0 = h->memory_mb_used;
        c->disk_gb_used0 = h->disk_gb_used;
        snprintf(c->hash, sizeof(c->hash), "%s", hash);
        return 0;
}

static bool strv_has(char *const *v, const char *s)
{
        for (; v && *v; v++)
                if (streq(*v, s))
                        return true;
        return false;
}

static void mark(struct host_state *h, const char *addr, bool claim)
{
        struct pci_address a;
        /* A device gone from a new report keeps its claim in the store
         * until the instance goes; there is nothing to mark here. */
        if (pci_address_parse(addr, &a) == 0)
                (void)host_state_claim(h, &a, 1, claim);
}

/* Bring a cached host to the store: claims, the instances' usage
 * ("usage:<host>" values "ID VCPUS RAM DISK"), service state. */
static int cache_sync(struct api_ctx *ctx, struct cached_host *c, const json_t *doc,
                      const json_t *zones)
{
        const char *az = json_str(zones, c->name) ?: c->report_az;
        if (!streq(az ?: "", c->h->availability_zone ?: "")) {
                char *copy = az ? strdup(az) : NULL;
                if (az && !copy)
                        return -ENOMEM;
                free(c->h->availability_zone);
                c->h->availability_zone = copy;
        }
        char pool[300];
        char **claimed = NULL, **usage = NULL;
        snprintf(pool, sizeof(pool), "pci:%s", c->name);
        int r = store_pool_values(ctx->store, pool, &claimed);
        if (r < 0)
                return r;
        snprintf(pool, sizeof(pool), "usage:%s", c->name);
        r = store_pool_values(ctx->store, pool, &usage);
        if (r < 0) {
                strv_free(claimed);
                return r;
        }
        for (char **a = c->applied; a && *a; a++)
                if (!strv_has(claimed, *a))
                        mark(c->h, *a, false);
        for (char **a = claimed; a && *a; a++)
                if (!strv_has(c->applied, *a))
                        mark(c->h, *a, true);
        strv_free(c->applied);
        c->applied = claimed;
        long vcpus = 0, ram = 0, disk = 0;
        for (char **u = usage; u && *u; u++) {
                long v = 0, m = 0, d = 0;
                if (sscanf(*u, "%*s %ld %ld %ld", &v, &m, &d) == 3) {
                        vcpus += v;
                        ram += m;
                        disk += d;
                }
        }
        strv_free(usage);
        c->h->vcpus_used = c->vcpus_used0 + vcpus;
        c->h->memory_mb_used = c->memory_mb_used0 + ram;
        c->h->disk_gb_used = c->disk_gb_used0 + disk;
        c->h->enabled = streq(json_str(doc, "status") ?: "", "enabled");
        c->h->up = compute_host_is_up(ctx, doc);
        return 0;
}

int compute_hosts_load(struct api_ctx *ctx, struct host_list *ret)
{
        _cleanup_json_ json_t *hosts = json_array(), *zones = NULL;
        if (!hosts)
                return -ENOMEM;
        int r = compute_host_zones(ctx, &zones);
        if (r < 0)
                return r;
        if (!ctx->compute_cache && !(ctx->compute_cache = calloc(1, sizeof(struct compute_cache))))
                return -ENOMEM;
        struct compute_cache *cache = ctx->compute_cache;
        r = store_obj_list(ctx->store, "compute_host", NULL, collect_cb, hosts);
        if (r < 0)
                return r;
        size_t n = json_array_size(hosts);
        struct host_list l = {.v = calloc(n + 1, sizeof(struct host_state *))};
        struct cached_host *grown = realloc(cache->v, (cache->n + n + 1) * sizeof(*cache->v));
        if (!l.v || !grown) {
                free(l.v);
                if (grown)
                        cache->v = grown;
                return -ENOMEM;
        }
        cache->v = grown;
        for (size_t i = 0; i < cache->n; i++)
                cache->v[i].seen = false;
        /* New hosts are appended, then everything is sorted once. */
        size_t old_n = cache->n;
        for (size_t i = 0; i < n; i++) {
                json_t *doc = json_array_get(hosts, i);
                const char *name = json_str(doc, "id"), *hash = json_str(doc, "report_hash");
                struct compute_cache view = {cache->v, old_n};
                struct cached_host *c = cache_find(&view, name);
                if (!c) {
                        c = &cache->v[cache->n];
                        *c = (struct cached_host){.name = strdup(name)};
                        if (!c->name) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        cache->n++;
                }
                c->seen = true;
                if (!c->h || !streq(c->hash, hash ?: "")) {
                        r = cache_build(ctx, c, name, hash ?: "");
                        if (r < 0)
                                goto fail;
                }
                if ((r = cache_sync(ctx, c, doc, zones)) < 0)
                        goto fail;
        }
        /* Forget hosts that are gone, keep the rest sorted. */
        size_t k = 0;
        for (size_t i = 0; i < cache->n; i++) {
                if (!cache->v[i].seen) {
                        cached_host_done(&cache->v[i]);
                        continue;
                }
                cache->v[k++] = cache->v[i];
        }
        cache->n = k;
        qsort(cache->v, cache->n, sizeof(*cache->v), cached_cmp);
        for (size_t i = 0; i < cache->n; i++)
                l.v[l.n++] = cache->v[i].h;
        *ret = l;
        return 0;
fail:
        qsort(cache->v, cache->n, sizeof(*cache->v), cached_cmp);
        free(l.v);
        return r;
}

void compute_hosts_done(struct host_list *l)
{
        free(l->v);
        *l = (struct host_list){0};
}

static void add_used(json_t *report, const char *key, long extra)
{
        json_object_set_new(report, key,
                            json_integer(json_integer_value(json_object_get(report, key)) + extra));
}

/* POST /v2.1/vfnet/compute-report: register or refresh a host. */
static int report(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *old = NULL, *doc = NULL;
        if (!body)
                return 0;
        if (!policy_agent_report(&req->auth))
                return nova_error(resp, 403, "Compute host reports need the admin or service role.");
        /* The server owns these: a host cannot claim or free devices, nor
         * enable itself. */
        json_object_del(body, "pci_claimed");
        json_object_del(body, "enabled");
        json_object_del(body, "up");
        _cleanup_host_state_ struct host_state *hs = NULL;
        int r = host_state_from_json(body, ctx->sched->whitelist, &hs);
        if (r < 0)
                return nova_error(resp, 400, "Invalid compute host report: %s", err_msg(r));
        const char *name = hs->hostname;
        if (strlen(name) > 255 || strchr(name, '/'))
                return nova_error(resp, 400, "Invalid compute host report: hostname '%s' must be "
                                  "at most 255 characters without '/'.", name);
        char t[40];
        api_format_time(ctx->now(), true, t);
        r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = compute_host_get(ctx, name, &old);
        bool is_new = r == -ENOENT;
        if (is_new) {
                char sid[37], hid[37];
                random_uuid(sid);
                random_uuid(hid);
                doc = json_pack("{s:s,s:s,s:s,s:s,s:n,s:b,s:s}", "id", name, "service_id", sid,
                                "hypervisor_id", hid, "status", "enabled", "disabled_reason",
                                "forced_down", 0, "created_at", t);
                r = doc ? 0 : -ENOMEM;
        } else if (r >= 0)
                doc = json_incref(old);
        /* The report apart (read only when it changed, see the cache),
         * the small service record beside it. */
        _cleanup_free_ char *rep_text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
        if (r >= 0 && !rep_text)
                r = -ENOMEM;
        if (r >= 0) {
                char hash[65];
                report_hash(rep_text, hash);
                bool changed = !streq(json_str(doc, "report_hash") ?: "", hash);
                json_object_set_new(doc, "report_hash", json_string(hash));
                json_object_set_new(doc, "availability_zone",
                                    hs->availability_zone ? json_string(hs->availability_zone)
                                                          : json_null());
                json_object_set_new(doc, "updated_at", json_string(t));
                json_object_set_new(doc, "_heartbeat", json_real(ctx->now()));
                _cleanup_free_ char *s = json_dumps(doc, JSON_COMPACT);
                r = !s ? -ENOMEM
                       : is_new ? store_obj_insert(ctx->store, "compute_host", name, NULL, s)
                                : store_obj_update(ctx->store, "compute_host", name, s);
                if (r >= 0 && is_new)
                        r = store_obj_insert(ctx->store, "compute_report", name, NULL, rep_text);
                else if (r >= 0 && changed)
                        r = store_obj_update(ctx->store, "compute_report", name, rep_text);
        }
        store_end(ctx->store, r >= 0);
        if (r < 0)
                return nova_store_error(resp, r);
        if (is_new)
                log_info("compute host %s registered (%zu PCI pools, %u free devices)", name,
                         hs->pools.n, hs->pools.free_total);
        api_reply_json(resp, is_new ? 201 : 200,
                       json_pack("{s:{s:s,s:s,s:i,s:i}}", "compute_host", "hostname", name,
                                 "service_id", json_str(doc, "service_id"), "pci_pools",
                                 (int)hs->pools.n, "pci_pooled", (int)hs->pools.free_total));
        return 0;
}

int compute_task_add(struct api_ctx *ctx, const char *host, const char *action,
                     const char *instance_id, json_t *detail)
{
        char id[64], uuid[37], t[40];
        double now = ctx->now();
        random_uuid(uuid);
        /* Ids sort by time, then by a counter for tasks of one instant, so a
         * host reads its tasks in order. */
        static _Atomic unsigned seq;
        snprintf(id, sizeof(id), "%016.0f-%08x-%.8s", now * 1e6, seq++, uuid);
        api_format_time(now, true, t);
        _cleanup_json_ json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", id, "host", host,
                                             "action", action, "instance_id", instance_id,
                                             "created_at", t, "instance",
                                             detail ? detail : json_object());
        if (!o)
                return -ENOMEM;
        _cleanup_free_ char *s = json_dumps(o, JSON_COMPACT);
        if (!s)
                return -ENOMEM;
        return store_obj_insert(ctx->store, "compute_task", id, NULL, s);
}

/* GET /v2.1/vfnet/compute-tasks?host=H: what the host must do, oldest first. */
static int tasks_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!policy_agent_report(&req->auth))
                return nova_error(resp, 403, "Compute host tasks need the admin or service role.");
        const char *host = api_query_get(req, "host");
        if (!host || !*host)
                return nova_error(resp, 400, "Query parameter host is required.");
        const char *hv[] = {host};
        struct store_filter f = {"host", STORE_VALUE_TEXT, hv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1, .limit = 100};
        _cleanup_json_ json_t *tasks = json_array();
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = store_obj_list(ctx->store, "compute_task", &q, collect_cb, tasks);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        api_reply_json(resp, 200, json_pack("{s:O}", "tasks", tasks));
        return 0;
}

/* POST /v2.1/vfnet/compute-tasks/{id}: {"result": "ok"|"error", "message"}. */
static int task_done(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *task = NULL;
        if (!body)
                return 0;
        if (!policy_agent_report(&req->auth))
                return nova_error(resp, 403, "Compute host tasks need the admin or service role.");
        const char *result = json_str(body, "result"), *message = json_str(body, "message");
        if (!result || (!streq(result, "ok") && !streq(result, "error")))
                return nova_error(resp, 400, "A task result needs {\"result\": \"ok\" or "
                                  "\"error\", \"message\": \"...\"}.");
        _cleanup_free_ char *doc = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = store_obj_get(ctx->store, "compute_task", req->params[0], &doc, NULL);
        if (r >= 0 && !(task = json_loads(doc, 0, NULL)))
                r = -EIO;
        if (r >= 0)
                r = store_obj_delete(ctx->store, "compute_task", req->params[0]);
        if (r >= 0 && streq(json_str(task, "action"), "spawn"))
                r = server_spawn_result(ctx, json_str(task, "instance_id"), json_str(task, "host"),
                                        streq(result, "ok"),
                                        message ? message : "The compute host failed to spawn "
                                                            "the instance.");
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT && !task)
                return nova_error(resp, 404, "Task %s could not be found.", req->params[0]);
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

static json_t *service_view(struct api_ctx *ctx, const json_t *h, const json_t *zones)
{
        const char *az = json_str(zones, json_str(h, "id")) ?: json_str(h, "availability_zone");
        json_t *o = json_pack("{s:O,s:s,s:O,s:s,s:O,s:s,s:O,s:O}", "id",
                              json_object_get(h, "service_id"), "binary", "nova-compute", "host",
                              json_object_get(h, "id"), "zone",
                              az ? az : ctx->sched->default_availability_zone, "status",
                              json_object_get(h, "status"), "state",
                              compute_host_is_up(ctx, h) ? "up" : "down", "disabled_reason",
                              json_object_get(h, "disabled_reason"), "forced_down",
                              json_object_get(h, "forced_down"));
        if (o)
                service_time(h, o);
        return o;
}

static int hosts_all(struct api_ctx *ctx, json_t **ret, json_t **ret_zones)
{
        json_t *hosts = json_array();
        if (!hosts)
                return -ENOMEM;
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = store_obj_list(ctx->store, "compute_host", NULL, collect_cb, hosts);
                if (r >= 0)
                        r = compute_host_zones(ctx, ret_zones);
                store_end(ctx->store, true);
        }
        if (r < 0) {
                json_decref(hosts);
                return r;
        }
        *ret = hosts;
        return 0;
}

static int services_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-services:list "
                                  "to be performed.");
        _cleanup_json_ json_t *hosts = NULL, *zones = NULL;
        int r = hosts_all(ctx, &hosts, &zones);
        if (r < 0)
                return nova_store_error(resp, r);
        const char *want_host = api_query_get(req, "host"), *want_bin = api_query_get(req, "binary");
        json_t *out = json_array();
        size_t i;
        json_t *h;
        json_array_foreach(hosts, i, h) {
                if (want_host && !streq(want_host, json_str(h, "id")))
                        continue;
                if (want_bin && !streq(want_bin, "nova-compute"))
                        continue;
                json_array_append_new(out, service_view(ctx, h, zones));
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "services", out));
        return 0;
}

/* Finds the host by service id (2.53+) or by {"host", "binary"} (older). */
static int service_find(struct api_ctx *ctx, const char *service_id, const char *host, json_t **ret)
{
        if (host)
                return compute_host_get(ctx, host, ret);
        const char *sv[] = {service_id};
        struct store_filter f = {"service_id", STORE_VALUE_TEXT, sv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        _cleanup_json_ json_t *found = json_array();
        int r = store_obj_list(ctx->store, "compute_host", &q, collect_cb, found);
        if (r < 0)
                return r;
        if (json_array_size(found) == 0)
                return -ENOENT;
        *ret = json_incref(json_array_get(found, 0));
        return 0;
}

static int services_update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *h = NULL;
        if (!body)
                return 0;
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-services:update "
                                  "to be performed.");
        const char *action = req->params[0];
        bool legacy = streq(action, "enable") || streq(action, "disable") ||
                      streq(action, "disable-log-reason") || streq(action, "force-down");
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
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        _cleanup_json_ json_t *zones = NULL;
        r = service_find(ctx, legacy ? NULL : action, host, &h);
        if (r >= 0)
                r = compute_host_zones(ctx, &zones);
        if (r >= 0) {
                if (st) {
                        json_object_set_new(h, "status", json_string(st));
                        json_object_set(h, "disabled_reason",
                                        streq(st, "disabled") && reason ? reason : json_null());
                }
                if (forced)
                        json_object_set(h, "forced_down", forced);
                _cleanup_free_ char *s = json_dumps(h, JSON_COMPACT);
                r = s ? store_obj_update(ctx->store, "compute_host", json_str(h, "id"), s) : -ENOMEM;
        }
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
                v = service_view(ctx, h, zones);
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

static json_t *hypervisor_view(struct api_ctx *ctx, const json_t *h, const struct host_state *hs,
                               const json_t *rep, long running, bool detail)
{
        bool up = compute_host_is_up(ctx, h);
        json_t *o = json_pack("{s:O,s:O,s:s,s:O}", "id", json_object_get(h, "hypervisor_id"),
                              "hypervisor_hostname", json_object_get(h, "id"), "state",
                              up ? "up" : "down", "status", json_object_get(h, "status"));
        if (!detail || !o)
                return o;
        json_t *caps = json_object_get(rep, "capabilities");
        const char *hv_type = json_str(caps, "hypervisor_type");
        json_t *cpu = json_object_get(caps, "cpu_info");
        char *cpu_s = cpu ? json_dumps(cpu, JSON_COMPACT) : NULL;
        json_object_update_missing_new(
                o, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:i,s:I,s:I,s:i,s:I,s:I,s:s,s:s,s:{s:O,s:O,s:O},s:o}",
                             "vcpus", (json_int_t)hs->vcpus, "memory_mb", (json_int_t)hs->memory_mb,
                             "local_gb", (json_int_t)hs->disk_gb, "vcpus_used",
                             (json_int_t)hs->vcpus_used, "memory_mb_used",
                             (json_int_t)hs->memory_mb_used, "local_gb_used",
                             (json_int_t)hs->disk_gb_used, "hypervisor_type",
                             hv_type ? hv_type : "QEMU", "hypervisor_version", 1,
                             "free_ram_mb", (json_int_t)(hs->memory_mb - hs->memory_mb_used),
                             "free_disk_gb", (json_int_t)(hs->disk_gb - hs->disk_gb_used),
                             "current_workload", 0, "running_vms",
                             (json_int_t)running,
                             "disk_available_least", (json_int_t)(hs->disk_gb - hs->disk_gb_used),
                             "host_ip", json_str(rep, "host_ip") ? json_str(rep, "host_ip") : "",
                             "cpu_info", cpu_s ? cpu_s : "{}", "service", "host",
                             json_object_get(h, "id"), "id", json_object_get(h, "service_id"),
                             "disabled_reason", json_object_get(h, "disabled_reason"),
                             "pci_stats", pool_stats(hs)));
        free(cpu_s);
        return o;
}

static int hypervisors(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                       bool detail, const char *one)
{
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-hypervisors:list "
                                  "to be performed.");
        _cleanup_json_ json_t *hosts = json_array(), *out = json_array();
        struct host_list hl = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = store_obj_list(ctx->store, "compute_host", NULL, collect_cb, hosts);
        if (r >= 0)
                r = compute_hosts_load(ctx, &hl);
        /* Both lists are in hostname order; the cached states are read
         * while the transaction holds the store. */
        for (size_t i = 0; r >= 0 && i < hl.n && i < json_array_size(hosts); i++) {
                json_t *h = json_array_get(hosts, i);
                if (one && !streq(one, json_str(h, "hypervisor_id")) && !streq(one, json_str(h, "id")))
                        continue;
                _cleanup_free_ char *doc = NULL;
                _cleanup_json_ json_t *rep = NULL;
                char pool[300];
                snprintf(pool, sizeof(pool), "usage:%s", json_str(h, "id"));
                _cleanup_strv_free_ char **usage = NULL;
                int running = store_pool_values(ctx->store, pool, &usage);
                if (running < 0) {
                        r = running;
                        break;
                }
                if (detail && (r = store_obj_get(ctx->store, "compute_report", json_str(h, "id"),
                                                 &doc, NULL)) < 0)
                        break;
                rep = doc ? json_loads(doc, 0, NULL) : NULL;
                json_array_append_new(out, hypervisor_view(ctx, h, hl.v[i], rep, running, detail));
        }
        compute_hosts_done(&hl);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        if (one) {
                if (json_array_size(out) == 0)
                        return nova_error(resp, 404, "Hypervisor with ID %s could not be found.", one);
                api_reply_json(resp, 200, json_pack("{s:O}", "hypervisor", json_array_get(out, 0)));
                return 0;
        }
        api_reply_json(resp, 200, json_pack("{s:O}", "hypervisors", out));
        return 0;
}

static int hv_index(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return hypervisors(ctx, req, resp, false, NULL);
}

static int hv_detail(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return hypervisors(ctx, req, resp, true, NULL);
}

static int hv_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return hypervisors(ctx, req, resp, true, req->params[0]);
}

/* GET /v2.1/vfnet/compute-hosts: every host's report as the scheduler
 * reads it (docs/compute-report.md), the server's claims, usage and
 * service state folded in — what `vfnet sched explain --hosts URL` reads
 * to explain a hypothetical boot against the live cloud. */
static int hosts_reports(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-hypervisors:list "
                                  "to be performed.");
        _cleanup_json_ json_t *hosts = json_array(), *out = json_array();
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = store_obj_list(ctx->store, "compute_host", NULL, collect_cb, hosts);
        size_t i;
        json_t *h;
        json_array_foreach(hosts, i, h) {
                if (r < 0)
                        break;
                const char *name = json_str(h, "id");
                _cleanup_free_ char *doc = NULL;
                _cleanup_strv_free_ char **claimed = NULL, **usage = NULL;
                char pool[300];
                if ((r = store_obj_get(ctx->store, "compute_report", name, &doc, NULL)) < 0)
                        break;
                json_t *rep = json_loads(doc, 0, NULL);
                if (!rep) {
                        r = -EIO;
                        break;
                }
                json_array_append_new(out, rep);
                snprintf(pool, sizeof(pool), "pci:%s", name);
                if ((r = store_pool_values(ctx->store, pool, &claimed)) < 0)
                        break;
                snprintf(pool, sizeof(pool), "usage:%s", name);
                if ((r = store_pool_values(ctx->store, pool, &usage)) < 0)
                        break;
                json_t *c = json_array();
                for (char **a = claimed; a && *a; a++)
                        json_array_append_new(c, json_string(*a));
                json_object_set_new(rep, "pci_claimed", c);
                long add[3] = {0, 0, 0};
                for (char **u = usage; u && *u; u++) {
                        long v[3] = {0, 0, 0};
                        if (sscanf(*u, "%*s %ld %ld %ld", &v[0], &v[1], &v[2]) == 3)
                                for (int k = 0; k < 3; k++)
                                        add[k] += v[k];
                }
                add_used(rep, "vcpus_used", add[0]);
                add_used(rep, "memory_mb_used", add[1]);
                add_used(rep, "disk_gb_used", add[2]);
                json_object_set_new(rep, "enabled",
                                    json_boolean(streq(json_str(h, "status") ?: "", "enabled")));
                json_object_set_new(rep, "up", json_boolean(compute_host_is_up(ctx, h)));
        }
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        api_reply_json(resp, 200, json_pack("{s:O}", "hosts", out));
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_compute_host_routes[] = {
        NOVA("POST", "/v2.1/vfnet/compute-report", report,
             "internal: a compute host registers and reports its inventory (admin or service role)"),
        NOVA("GET", "/v2.1/vfnet/compute-hosts", hosts_reports,
             "internal: every host's report with the server's claims and usage (admin)"),
        NOVA("GET", "/v2.1/vfnet/compute-tasks", tasks_list,
             "internal: a compute host's pending spawn/destroy tasks (?host=)"),
        NOVA("POST", "/v2.1/vfnet/compute-tasks/{}", task_done,
             "internal: a compute host's result for one task"),
        NOVA("GET", "/v2.1/os-services", services_list, "compute services (admin; ?host=, ?binary=)"),
        NOVA("PUT", "/v2.1/os-services/{}", services_update,
             "enable/disable (with reason)/forced_down: by id (2.53+) or enable|disable|"
             "disable-log-reason|force-down"),
        NOVA("GET", "/v2.1/os-hypervisors", hv_index, "hypervisors (admin)"),
        NOVA("GET", "/v2.1/os-hypervisors/detail", hv_detail,
             "hypervisors with resources, usage and PCI pools (admin)"),
        NOVA("GET", "/v2.1/os-hypervisors/{}", hv_show, "one hypervisor (admin)"),
        {0},
};
