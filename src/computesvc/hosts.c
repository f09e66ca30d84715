/* Compute hosts as the scheduler sees them: the stored service record,
 * the report parsed once and cached, the claims and usage of the
 * instances summed by the store; aggregates' zones; the task queue. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/scheduler.h"
#include "base/time-format.h"
#include "computesvc/computesvc.h"
#include "identity/token.h"

int computesvc_host_get(const struct computesvc *svc, const char *hostname, json_t **ret)
{
        return svc_doc_get(svc->store, "compute_host", hostname, ret);
}

bool computesvc_host_is_up(const struct computesvc *svc, const json_t *host)
{
        if (json_is_true(json_object_get(host, "forced_down")))
                return false;
        double hb = json_number_value(json_object_get(host, "_heartbeat"));
        return svc->now() - hb <= (double)svc->service_down_time;
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
        struct store_pci_addr *applied; /* devices marked claimed in h */
        size_t n_applied;
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
        free(c->applied);
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

void computesvc_report_hash(const char *text, char ret[65])
{
        unsigned char h[32];
        crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), NULL, 0);
        sodium_bin2hex(ret, 65, h, sizeof(h));
}

/* (Re)build a cached host from its stored report. */
static int cache_build(const struct computesvc *svc, struct cached_host *c, const char *name,
                       const char *hash)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_host_report_get(svc->store, name, &doc, NULL);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *rep = json_loads(doc, 0, NULL);
        if (!rep)
                return -EIO;
        struct host_state *h = NULL;
        r = host_state_from_json(rep, svc->sched->whitelist, &h);
        if (r < 0)
                return r;
        char *az = h->availability_zone ? strdup(h->availability_zone) : NULL;
        if (h->availability_zone && !az) {
                host_state_free(h);
                return -ENOMEM;
        }
        host_state_free(c->h);
        free(c->applied);
        free(c->report_az);
        c->h = h;
        c->applied = NULL;
        c->n_applied = 0;
        c->report_az = az;
        c->vcpus_used0 = h->vcpus_used;
        c->memory_mb_used0 = h->memory_mb_used;
        c->disk_gb_used0 = h->disk_gb_used;
        snprintf(c->hash, sizeof(c->hash), "%s", hash);
        return 0;
}

static bool pci_addr_eq(const struct store_pci_addr *a, const struct store_pci_addr *b)
{
        return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot &&
               a->function == b->function;
}

static bool has_addr(const struct store_pci_addr *v, size_t n, const struct store_pci_addr *a)
{
        for (size_t i = 0; i < n; i++)
                if (pci_addr_eq(&v[i], a))
                        return true;
        return false;
}

static void mark(struct host_state *h, const struct store_pci_addr *s, bool claim)
{
        struct pci_address a = {(uint16_t)s->domain, (uint8_t)s->bus, (uint8_t)s->slot,
                                (uint8_t)s->function};
        /* A device gone from a new report keeps its claim in the store
         * until the instance goes; there is nothing to mark here. */
        (void)host_state_claim(h, &a, 1, claim);
}

/* Bring a cached host to the store: claims, the instances' usage (summed
 * by the store), service state. */
static int cache_sync(const struct computesvc *svc, struct cached_host *c, const json_t *doc,
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
        struct store_pci_addr *claimed = NULL;
        struct store_usage use;
        int r = store_usage_sum(svc->store, c->name, &use);
        if (r < 0)
                return r;
        int n = store_pci_claims(svc->store, c->name, &claimed);
        if (n < 0)
                return n;
        for (size_t i = 0; i < c->n_applied; i++)
                if (!has_addr(claimed, (size_t)n, &c->applied[i]))
                        mark(c->h, &c->applied[i], false);
        for (size_t i = 0; i < (size_t)n; i++)
                if (!has_addr(c->applied, c->n_applied, &claimed[i]))
                        mark(c->h, &claimed[i], true);
        free(c->applied);
        c->applied = claimed;
        c->n_applied = (size_t)n;
        c->h->vcpus_used = c->vcpus_used0 + use.vcpus;
        c->h->memory_mb_used = c->memory_mb_used0 + use.memory_mb;
        c->h->disk_gb_used = c->disk_gb_used0 + use.disk_gb;
        c->h->enabled = streq(json_str(doc, "status") ?: "", "enabled");
        c->h->up = computesvc_host_is_up(svc, doc);
        return 0;
}

int computesvc_hosts_load(const struct computesvc *svc, struct host_list *ret)
{
        _cleanup_json_ json_t *hosts = json_array(), *zones = NULL;
        if (!hosts)
                return -ENOMEM;
        int r = computesvc_host_zones(svc, &zones);
        if (r < 0)
                return r;
        if (!*svc->cache && !(*svc->cache = calloc(1, sizeof(struct compute_cache))))
                return -ENOMEM;
        struct compute_cache *cache = *svc->cache;
        r = store_obj_list(svc->store, "compute_host", NULL, svc_doc_collect_cb, hosts);
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
                        r = cache_build(svc, c, name, hash ?: "");
                        if (r < 0)
                                goto fail;
                }
                if ((r = cache_sync(svc, c, doc, zones)) < 0)
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

void computesvc_hosts_done(struct host_list *l)
{
        free(l->v);
        *l = (struct host_list){0};
}

int computesvc_task_add(const struct computesvc *svc, const char *host, const char *action,
                     const char *instance_id, json_t *detail)
{
        char id[64], uuid[37], t[40];
        double now = svc->now();
        random_uuid(uuid);
        /* Ids sort by time, then by a counter for tasks of one instant, so a
         * host reads its tasks in order. */
        static _Atomic unsigned seq;
        snprintf(id, sizeof(id), "%016.0f-%08x-%.8s", now * 1e6, seq++, uuid);
        time_format_iso8601(now, true, t);
        _cleanup_json_ json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", id, "host", host,
                                             "action", action, "instance_id", instance_id,
                                             "created_at", t, "instance",
                                             detail ? detail : json_object());
        if (!o)
                return -ENOMEM;
        _cleanup_free_ char *s = json_dumps(o, JSON_COMPACT);
        if (!s)
                return -ENOMEM;
        int r = store_obj_insert(svc->store, "compute_task", id, NULL, s);
        if (r >= 0)
                r = store_change_append(svc->store, host, "compute_task", id, NULL);
        return r;
}

int computesvc_host_zones(const struct computesvc *svc, json_t **ret)
{
        _cleanup_json_ json_t *aggs = NULL;
        json_t *zones = json_object();
        int r = zones ? svc_doc_list(svc->store, "aggregate", NULL, &aggs) : -ENOMEM;
        if (r < 0) {
                json_decref(zones);
                return r;
        }
        size_t i, j;
        json_t *a, *h;
        json_array_foreach(aggs, i, a) {
                json_t *az = json_object_get(a, "availability_zone");
                if (!json_is_string(az))
                        continue;
                json_array_foreach(json_object_get(a, "hosts"), j, h)
                        json_object_set(zones, json_string_value(h), az);
        }
        *ret = zones;
        return 0;
}


int computesvc_host_workload(const struct computesvc *svc, const char *host, size_t *ret)
{
        struct store_instance_query q = {.host = host, .task_state = "spawning"};
        struct store_usage u;
        int r = store_instance_totals(svc->store, &q, &u);
        if (r >= 0)
                *ret = (size_t)u.instances;
        return r;
}

int computesvc_host_report(const struct computesvc *svc, const json_t *body,
                           const struct host_state *hs, bool *ret_new, json_t **ret)
{
        _cleanup_json_ json_t *old = NULL, *doc = NULL;
        const char *name = hs->hostname;
        char t[40];
        time_format_iso8601(svc->now(), true, t);
        int r = computesvc_host_get(svc, name, &old);
        bool is_new = r == -ENOENT;
        *ret_new = is_new;
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
                computesvc_report_hash(rep_text, hash);
                bool changed = !streq(json_str(doc, "report_hash") ?: "", hash);
                json_object_set_new(doc, "report_hash", json_string(hash));
                json_object_set_new(doc, "availability_zone",
                                    hs->availability_zone ? json_string(hs->availability_zone)
                                                          : json_null());
                json_object_set_new(doc, "updated_at", json_string(t));
                json_object_set_new(doc, "_heartbeat", json_real(svc->now()));
                _cleanup_free_ char *s = json_dumps(doc, JSON_COMPACT);
                r = !s ? -ENOMEM
                       : is_new ? store_obj_insert(svc->store, "compute_host", name, NULL, s)
                                : store_obj_update(svc->store, "compute_host", name, s);
                struct store_host_report row = {name, hash, svc->now(), rep_text};
                if (r >= 0 && (is_new || changed))
                        r = store_host_report_put(svc->store, &row);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(doc);
        return 0;
}

static void add_used(json_t *report, const char *key, long extra)
{
        json_object_set_new(report, key,
                            json_integer(json_integer_value(json_object_get(report, key)) + extra));
}

int computesvc_host_reports(const struct computesvc *svc, json_t **ret)
{
        _cleanup_json_ json_t *hosts = json_array(), *out = json_array();
        if (!hosts || !out)
                return -ENOMEM;
        int r = store_obj_list(svc->store, "compute_host", NULL, svc_doc_collect_cb, hosts);
        size_t i;
        json_t *h;
        json_array_foreach(hosts, i, h) {
                if (r < 0)
                        break;
                const char *name = json_str(h, "id");
                _cleanup_free_ char *doc = NULL;
                _cleanup_free_ struct store_pci_addr *claimed = NULL;
                struct store_usage use;
                if ((r = store_host_report_get(svc->store, name, &doc, NULL)) < 0)
                        break;
                json_t *rep = json_loads(doc, 0, NULL);
                if (!rep) {
                        r = -EIO;
                        break;
                }
                json_array_append_new(out, rep);
                int n = store_pci_claims(svc->store, name, &claimed);
                if (n < 0 || (r = store_usage_sum(svc->store, name, &use)) < 0) {
                        r = n < 0 ? n : r;
                        break;
                }
                json_t *c = json_array();
                for (int k = 0; k < n; k++) {
                        char addr[PCI_ADDRESS_STRLEN];
                        snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", claimed[k].domain,
                                 claimed[k].bus, claimed[k].slot, claimed[k].function);
                        json_array_append_new(c, json_string(addr));
                }
                json_object_set_new(rep, "pci_claimed", c);
                add_used(rep, "vcpus_used", (long)use.vcpus);
                add_used(rep, "memory_mb_used", (long)use.memory_mb);
                add_used(rep, "disk_gb_used", (long)use.disk_gb);
                json_object_set_new(rep, "enabled",
                                    json_boolean(streq(json_str(h, "status") ?: "", "enabled")));
                json_object_set_new(rep, "up", json_boolean(computesvc_host_is_up(svc, h)));
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        return 0;
}

int computesvc_tasks(const struct computesvc *svc, const char *host, size_t limit, json_t **ret)
{
        const char *hv[] = {host};
        struct store_filter f = {"host", STORE_VALUE_TEXT, hv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1, .limit = limit};
        return svc_doc_list(svc->store, "compute_task", &q, ret);
}

int computesvc_task_done(const struct computesvc *svc, const char *task_id, bool ok,
                         const char *message, struct service_error *err)
{
        _cleanup_json_ json_t *task = NULL;
        int r = svc_doc_get(svc->store, "compute_task", task_id, &task);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, NULL,
                                    "Task %s could not be found.", task_id);
        if (r < 0)
                return r;
        r = store_obj_delete(svc->store, "compute_task", task_id);
        if (r >= 0 && streq(json_str(task, "action"), "spawn"))
                r = computesvc_spawn_result(svc, json_str(task, "instance_id"),
                                            json_str(task, "host"), ok, message);
        else if (r >= 0 && streq(json_str(task, "action"), "destroy"))
                r = computesvc_destroy_result(svc, json_str(task, "instance_id"),
                                              json_str(task, "host"), ok, message);
        return r;
}

int computesvc_host_list(const struct computesvc *svc, json_t **ret)
{
        return svc_doc_list(svc->store, "compute_host", NULL, ret);
}

int computesvc_host_running(const struct computesvc *svc, const char *host, size_t *ret)
{
        struct store_usage use;
        int r = store_usage_sum(svc->store, host, &use);
        if (r >= 0)
                *ret = (size_t)use.instances;
        return r;
}

int computesvc_host_report_get(const struct computesvc *svc, const char *host, json_t **ret)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_host_report_get(svc->store, host, &doc, NULL);
        if (r < 0)
                return r;
        return (*ret = json_loads(doc, 0, NULL)) ? 0 : -EIO;
}

static int service_find(const struct computesvc *svc, const char *service_id, const char *host,
                        json_t **ret)
{
        if (host)
                return computesvc_host_get(svc, host, ret);
        const char *sv[] = {service_id};
        struct store_filter f = {"service_id", STORE_VALUE_TEXT, sv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        _cleanup_json_ json_t *found = NULL;
        int r = svc_doc_list(svc->store, "compute_host", &q, &found);
        if (r < 0)
                return r;
        if (json_array_size(found) == 0)
                return -ENOENT;
        *ret = json_incref(json_array_get(found, 0));
        return 0;
}

int computesvc_service_update(const struct computesvc *svc, const char *service_id,
                              const char *host, const struct computesvc_service_change *c,
                              json_t **ret)
{
        _cleanup_json_ json_t *h = NULL;
        int r = service_find(svc, service_id, host, &h);
        if (r < 0)
                return r;
        if (c->status) {
                json_object_set_new(h, "status", json_string(c->status));
                json_object_set(h, "disabled_reason",
                                streq(c->status, "disabled") && c->disabled_reason
                                        ? (json_t *)c->disabled_reason
                                        : json_null());
        }
        if (c->forced_down >= 0)
                json_object_set_new(h, "forced_down", json_boolean(c->forced_down));
        _cleanup_free_ char *s = json_dumps(h, JSON_COMPACT);
        r = s ? store_obj_update(svc->store, "compute_host", json_str(h, "id"), s) : -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(h);
        return 0;
}
