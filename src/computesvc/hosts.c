/* Compute hosts as the scheduler sees them: the stored service record,
 * the report parsed once and cached, the claims and usage of the
 * instances summed by the store; aggregates' zones; the task queue. */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/scheduler.h"
#include "base/time-format.h"
#include "computesvc/computesvc.h"
#include "identity/token.h"
#include "netsvc/heartbeats.h"

static bool up(const struct computesvc *svc, bool forced_down, double heartbeat)
{
        return !forced_down && svc->now() - heartbeat <= (double)svc->service_down_time;
}

bool computesvc_host_up(const struct computesvc *svc, const struct store_compute_host *h)
{
        return up(svc, h->forced_down, h->heartbeat);
}

bool computesvc_host_is_up(const struct computesvc *svc, const json_t *host)
{
        return up(svc, json_is_true(json_object_get(host, "forced_down")),
                  json_number_value(json_object_get(host, "_heartbeat")));
}

/* The record as the API reads it: the service document it was before it
 * became a row, same attributes, same order. */
static json_t *host_view(const struct store_compute_host *h)
{
        return json_pack("{s:s,s:s,s:s,s:I,s:s,s:s?,s:b,s:s?,s:s,s:s?,s:s?,s:f}", "id",
                         h->hostname, "service_id", h->service_id, "hypervisor_id",
                         h->hypervisor_id, "num_id", (json_int_t)h->num_id, "status",
                         h->disabled ? "disabled" : "enabled", "disabled_reason",
                         h->disabled_reason, "forced_down", h->forced_down, "created_at",
                         h->created_at, "report_hash", h->report_hash, "availability_zone",
                         h->availability_zone, "updated_at", h->updated_at, "_heartbeat",
                         h->heartbeat);
}

int computesvc_host_get(const struct computesvc *svc, const char *hostname, json_t **ret)
{
        _cleanup_compute_host_ struct store_compute_host *h = NULL;
        int r = store_compute_host_get(svc->store, hostname, &h);
        if (r < 0)
                return r;
        return (*ret = host_view(h)) ? 0 : -ENOMEM;
}

/* A string field of a row set to a copy of v (NULL: none). */
static int set_str(char **field, const char *v)
{
        char *copy = v ? strdup(v) : NULL;
        if (v && !copy)
                return -ENOMEM;
        free(*field);
        *field = copy;
        return 0;
}

/* Parsed host reports, kept between passes: building a host's pools from
 * its report is the dear part of a boot, and a report changes seldom.  The
 * store stays the truth: on every load each cached host is brought to the
 * store's claims, usage and service state, so a rolled-back transaction or
 * a restart cannot leave the cache ahead.  Only touched with the cache's
 * lock held: readers on PostgreSQL run side by side. */
struct cached_host {
        char *name;
        char hash[65];           /* of the report text it was built from */
        struct host_state *h;
        struct store_pci_addr *applied; /* devices marked claimed in h */
        size_t n_applied;
        char *report_az;         /* the zone the host reports; an aggregate's wins */
        long vcpus_used0, memory_mb_used0, disk_gb_used0; /* as reported */
        int64_t claims_tag; /* the store's tag the claims were read at */
        bool claims_read;   /* false: read them at the next sync */
        struct store_usage use;
        bool forced_down; /* as the row was last read */
        bool seen;
};

struct compute_cache {
        pthread_mutex_t lock;
        struct cached_host *v; /* sorted by name */
        size_t n;
        /* When every row was last read: the host table's stamp then and
         * the zones then.  Up or down follows heartbeats, which move no
         * stamp: they alone are read again after CACHE_HEARTBEATS s. */
        bool listed;
        int64_t hosts_stamp;
        json_t *zones;
        double heartbeats_at;
        /* The newest claims tag seen: hosts with a newer one changed since.
         * Good while no write transaction of this server rolled back (it
         * may have shown tags that will be given again). */
        int64_t claims_seen;
        uint64_t rollbacks;
};

#define CACHE_HEARTBEATS 1.0

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
        json_decref(c->zones);
        pthread_mutex_destroy(&c->lock);
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
        c->claims_read = false;
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

/* Bring a cached host to the store's claims and the instances' usage
 * (summed by the store).  They change only with the host's claims tag: at
 * the scale of thousands of hosts, re-reading them all for every boot
 * would cost more than the boot. */
static int cache_claims(const struct computesvc *svc, struct cached_host *c, int64_t tag)
{
        if (!c->claims_read || c->claims_tag != tag) {
                struct store_pci_addr *claimed = NULL;
                int r = store_usage_sum(svc->store, c->name, &c->use);
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
                c->claims_tag = tag;
                c->claims_read = true;
        }
        c->h->vcpus_used = c->vcpus_used0 + c->use.vcpus;
        c->h->memory_mb_used = c->memory_mb_used0 + c->use.memory_mb;
        c->h->disk_gb_used = c->disk_gb_used0 + c->use.disk_gb;
        return 0;
}

/* Bring a cached host to the store: claims, the instances' usage (summed
 * by the store), service state. */
static int cache_sync(const struct computesvc *svc, struct cached_host *c,
                      const struct store_compute_host *rec, const json_t *zones)
{
        const char *az = json_str(zones, c->name) ?: c->report_az;
        if (!streq(az ?: "", c->h->availability_zone ?: "")) {
                char *copy = az ? strdup(az) : NULL;
                if (az && !copy)
                        return -ENOMEM;
                free(c->h->availability_zone);
                c->h->availability_zone = copy;
        }
        int r = cache_claims(svc, c, rec->claims_tag);
        if (r < 0)
                return r;
        c->h->enabled = !rec->disabled;
        c->forced_down = rec->forced_down;
        c->h->up = computesvc_host_up(svc, rec);
        return 0;
}

struct heartbeat_walk {
        const struct computesvc *svc;
        struct compute_cache *cache;
};

static int heartbeat_cb(const char *hostname, double heartbeat, void *userdata)
{
        struct heartbeat_walk *w = userdata;
        struct cached_host *c = cache_find(w->cache, hostname);
        /* A host not cached yet moved the table's stamp: not here. */
        if (c)
                c->h->up = up(w->svc, c->forced_down, heartbeat);
        return 0;
}

struct tag_walk {
        const struct computesvc *svc;
        struct compute_cache *cache;
        int64_t newest;
};

static int tag_cb(const char *hostname, int64_t tag, void *userdata)
{
        struct tag_walk *w = userdata;
        if (tag > w->newest)
                w->newest = tag;
        struct cached_host *c = cache_find(w->cache, hostname);
        /* A host not cached yet moved the table's stamp: not here. */
        return c ? cache_claims(w->svc, c, tag) : 0;
}

static int cache_list(struct compute_cache *cache, struct host_list *ret)
{
        struct host_list l = {.v = calloc(cache->n + 1, sizeof(struct host_state *))};
        if (!l.v)
                return -ENOMEM;
        for (size_t i = 0; i < cache->n; i++)
                l.v[l.n++] = cache->v[i].h;
        *ret = l;
        return 0;
}

/* The cache, made on first use. */
static struct compute_cache *cache_get(const struct computesvc *svc)
{
        static pthread_mutex_t made = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&made);
        struct compute_cache *c = *svc->cache;
        if (!c && (c = calloc(1, sizeof(*c)))) {
                pthread_mutex_init(&c->lock, NULL);
                *svc->cache = c;
        }
        pthread_mutex_unlock(&made);
        return c;
}

static int hosts_load(const struct computesvc *svc, struct compute_cache *cache,
                      struct host_list *ret)
{
        _cleanup_json_ json_t *zones = NULL;
        _cleanup_compute_hosts_ struct store_compute_host **hosts = NULL;
        int64_t hosts_stamp = 0;
        int r = computesvc_host_zones(svc, &zones);
        if (r >= 0)
                r = store_stamp_get(svc->store, STORE_STAMP_COMPUTE_HOSTS, &hosts_stamp);
        if (r < 0)
                return r;
        double now = svc->now();
        uint64_t rollbacks = store_write_rollbacks(svc->store);
        /* No row changed but heartbeats and claims since the rows were
         * read: only the hosts whose claims moved since, not 10,000 rows a
         * boot, and once a second every host's heartbeat (a name and a
         * number each) for up or down. */
        if (cache->listed && cache->hosts_stamp == hosts_stamp && cache->rollbacks == rollbacks &&
            json_equal(zones, cache->zones)) {
                if (now < cache->heartbeats_at || now - cache->heartbeats_at >= CACHE_HEARTBEATS) {
                        struct heartbeat_walk hw = {svc, cache};
                        r = store_compute_host_heartbeats(svc->store, heartbeat_cb, &hw);
                        if (r < 0)
                                return r;
                        cache->heartbeats_at = now;
                }
                struct tag_walk w = {svc, cache, cache->claims_seen};
                r = store_compute_host_claims_tags(svc->store, cache->claims_seen, tag_cb, &w);
                if (r < 0)
                        return r;
                cache->claims_seen = w.newest;
                return cache_list(cache, ret);
        }
        cache->listed = false;
        int64_t newest = 0;
        /* A tag read inside a write that rolled back may be given again
         * with other claims: every host's are read anew. */
        if (cache->rollbacks != rollbacks)
                for (size_t i = 0; i < cache->n; i++)
                        cache->v[i].claims_read = false;
        r = store_compute_host_list(svc->store, &hosts);
        if (r < 0)
                return r;
        size_t n = (size_t)r;
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
                const struct store_compute_host *rec = hosts[i];
                const char *name = rec->hostname, *hash = rec->report_hash;
                struct compute_cache view = {.v = cache->v, .n = old_n};
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
                if (rec->claims_tag > newest)
                        newest = rec->claims_tag;
                if (!c->h || !streq(c->hash, hash)) {
                        r = cache_build(svc, c, name, hash);
                        if (r < 0)
                                goto fail;
                }
                if ((r = cache_sync(svc, c, rec, zones)) < 0)
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
        json_decref(cache->zones);
        cache->zones = json_incref(zones);
        cache->hosts_stamp = hosts_stamp;
        cache->heartbeats_at = now;
        cache->claims_seen = newest;
        cache->rollbacks = rollbacks;
        cache->listed = true;
        return 0;
fail:
        qsort(cache->v, cache->n, sizeof(*cache->v), cached_cmp);
        free(l.v);
        return r;
}

int computesvc_hosts_load(const struct computesvc *svc, struct host_list *ret)
{
        struct compute_cache *cache = cache_get(svc);
        if (!cache)
                return -ENOMEM;
        pthread_mutex_lock(&cache->lock);
        int r = hosts_load(svc, cache, ret);
        if (r < 0)
                pthread_mutex_unlock(&cache->lock);
        return r;
}

void computesvc_hosts_done(const struct computesvc *svc, struct host_list *l)
{
        /* A list is given out only with the lock held: an empty one was
         * never loaded, or was done already. */
        if (l->v)
                pthread_mutex_unlock(&(*svc->cache)->lock);
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
        _cleanup_free_ char *s = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        json_decref(detail);
        if (detail && !s)
                return -ENOMEM;
        _cleanup_compute_task_ struct store_compute_task *task = calloc(1, sizeof(*task));
        if (!task)
                return -ENOMEM;
        const char *v[] = {id, host, action, instance_id, t};
        char **field[] = {&task->id, &task->host, &task->action, &task->instance_id,
                          &task->created_at};
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(v); i++)
                r = set_str(field[i], v[i]);
        task->detail = TAKE_PTR(s);
        if (r >= 0)
                r = store_compute_task_add(svc->store, task);
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
        _cleanup_compute_host_ struct store_compute_host *h = NULL;
        const char *name = hs->hostname;
        char t[40];
        time_format_iso8601(svc->now(), true, t);
        int r = store_compute_host_get(svc->store, name, &h);
        bool is_new = r == -ENOENT;
        *ret_new = is_new;
        if (is_new) {
                char sid[37], hid[37];
                random_uuid(sid);
                random_uuid(hid);
                h = calloc(1, sizeof(*h));
                r = !h ? -ENOMEM : set_str(&h->hostname, name);
                if (r >= 0)
                        r = set_str(&h->service_id, sid);
                if (r >= 0)
                        r = set_str(&h->hypervisor_id, hid);
                if (r >= 0)
                        r = set_str(&h->created_at, t);
        }
        /* The report apart (read only when it changed, see the cache),
         * the small service record beside it. */
        _cleanup_free_ char *rep_text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
        if (r >= 0 && !rep_text)
                r = -ENOMEM;
        char hash[65] = "";
        bool changed = false;
        if (r >= 0) {
                computesvc_report_hash(rep_text, hash);
                changed = !streq(h->report_hash ?: "", hash);
                r = set_str(&h->report_hash, hash);
        }
        if (r >= 0)
                r = set_str(&h->availability_zone, hs->availability_zone);
        if (r >= 0)
                r = set_str(&h->updated_at, t);
        if (r >= 0 && !is_new && !changed) {
                /* The report as stored (one this server had not seen byte
                 * for byte): only its time moved, written as a heartbeat,
                 * so the host table's stamp stays and no server's
                 * scheduler reads every host again. */
                h->heartbeat = svc->now();
                struct store_heartbeat hb = {STORE_HEARTBEAT_COMPUTE_HOST, name, h->heartbeat, t};
                r = store_heartbeat_put(svc->store, &hb);
        } else if (r >= 0) {
                h->heartbeat = svc->now();
                r = store_compute_host_put(svc->store, h, is_new);
        }
        struct store_host_report row = {name, hash, svc->now(), rep_text};
        if (r >= 0 && (is_new || changed))
                r = store_host_report_put(svc->store, &row);
        if (r < 0)
                return r;
        return (*ret = host_view(h)) ? 0 : -ENOMEM;
}

/* Whether the host's row says what the report does (its hash) and is
 * recent enough for a queued time to keep it up. */
static bool host_repeats(const struct computesvc *svc, const struct store_compute_host *h,
                         const char *report_hash, double now)
{
        return h->report_hash && streq(h->report_hash, report_hash) &&
               now - h->heartbeat + HEARTBEAT_BATCH_MARGIN < (double)svc->service_down_time;
}

/* The host's new time queued, and set in h: 1, or 0 when the queue is full. */
static int host_queue(const struct computesvc *svc, struct store_compute_host *h, double now)
{
        char t[40];
        time_format_iso8601(now, true, t);
        struct store_heartbeat hb = {STORE_HEARTBEAT_COMPUTE_HOST, h->hostname, now, t};
        if (heartbeat_batch_add(svc->net.heartbeats, &hb) < 0 || set_str(&h->updated_at, t) < 0)
                return 0;
        h->heartbeat = now;
        return 1;
}

int computesvc_host_heartbeat(const struct computesvc *svc, const char *hostname,
                              const char *report_hash, struct store_compute_host **ret)
{
        _cleanup_compute_host_ struct store_compute_host *h = NULL;
        if (!svc->net.heartbeats)
                return 0;
        int r = store_compute_host_get(svc->store, hostname, &h);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        double now = svc->now();
        if (!host_repeats(svc, h, report_hash, now) || !host_queue(svc, h, now))
                return 0;
        *ret = TAKE_PTR(h);
        return 1;
}

int computesvc_host_heartbeat_with_agent(const struct computesvc *svc, const char *hostname,
                                         const char *report_hash, const char *agent_text,
                                         struct store_compute_host **ret)
{
        _cleanup_compute_host_ struct store_compute_host *h = NULL;
        _cleanup_free_ char *agent_doc = NULL;
        struct netsvc_agent_noted noted;
        double agent_heartbeat = 0;
        if (!netsvc_agent_noted(&svc->net, agent_text, strlen(agent_text), &noted))
                return 0;
        int r = store_compute_host_get_with_agent(svc->store, hostname, noted.id, &h, &agent_doc,
                                                  &agent_heartbeat);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        double now = svc->now();
        if (!host_repeats(svc, h, report_hash, now) ||
            netsvc_agent_noted_repeats(&svc->net, &noted, agent_doc, agent_heartbeat) <= 0 ||
            !host_queue(svc, h, now))
                return 0;
        *ret = TAKE_PTR(h);
        return 1;
}

static void add_used(json_t *report, const char *key, long extra)
{
        json_object_set_new(report, key,
                            json_integer(json_integer_value(json_object_get(report, key)) + extra));
}

int computesvc_host_reports(const struct computesvc *svc, json_t **ret)
{
        _cleanup_json_ json_t *out = json_array();
        _cleanup_compute_hosts_ struct store_compute_host **hosts = NULL;
        if (!out)
                return -ENOMEM;
        int r = store_compute_host_list(svc->store, &hosts);
        for (size_t i = 0; r >= 0 && hosts && hosts[i]; i++) {
                const struct store_compute_host *h = hosts[i];
                const char *name = h->hostname;
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
                json_object_set_new(rep, "enabled", json_boolean(!h->disabled));
                json_object_set_new(rep, "up", json_boolean(computesvc_host_up(svc, h)));
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        return 0;
}

/* A task as hosts read it: the document it was before it became a row. */
static int task_view(const struct store_compute_task *t, json_t **ret)
{
        json_t *detail = json_loads(t->detail, 0, NULL);
        if (!detail)
                return -EIO;
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", t->id, "host", t->host, "action",
                              t->action, "instance_id", t->instance_id, "created_at",
                              t->created_at, "instance", detail);
        if (!o)
                return -ENOMEM;
        *ret = o;
        return 0;
}

int computesvc_tasks(const struct computesvc *svc, const char *host, size_t limit, json_t **ret)
{
        _cleanup_compute_tasks_ struct store_compute_task **tasks = NULL;
        _cleanup_json_ json_t *out = json_array();
        if (!out)
                return -ENOMEM;
        int r = store_compute_task_list(svc->store, host, limit, &tasks);
        for (size_t i = 0; r >= 0 && tasks && tasks[i]; i++) {
                json_t *o = NULL;
                r = task_view(tasks[i], &o);
                if (r >= 0 && json_array_append_new(out, o) < 0)
                        r = -ENOMEM;
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        return 0;
}

int computesvc_task_get(const struct computesvc *svc, const char *task_id, json_t **ret)
{
        _cleanup_compute_task_ struct store_compute_task *t = NULL;
        int r = store_compute_task_get(svc->store, task_id, &t);
        return r < 0 ? r : task_view(t, ret);
}

int computesvc_task_done(const struct computesvc *svc, const char *task_id, bool ok,
                         const char *message, struct service_error *err)
{
        _cleanup_compute_task_ struct store_compute_task *task = NULL;
        int r = store_compute_task_get(svc->store, task_id, &task);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, NULL,
                                    "Task %s could not be found.", task_id);
        if (r < 0)
                return r;
        r = store_compute_task_delete(svc->store, task_id);
        if (r >= 0 && streq(task->action, "spawn"))
                r = computesvc_spawn_result(svc, task->instance_id, task->host, ok, message);
        else if (r >= 0 && streq(task->action, "destroy"))
                r = computesvc_destroy_result(svc, task->instance_id, task->host, ok, message);
        return r;
}

int computesvc_host_list(const struct computesvc *svc, json_t **ret)
{
        _cleanup_compute_hosts_ struct store_compute_host **hosts = NULL;
        _cleanup_json_ json_t *out = json_array();
        if (!out)
                return -ENOMEM;
        int r = store_compute_host_list(svc->store, &hosts);
        for (size_t i = 0; r >= 0 && hosts && hosts[i]; i++)
                if (json_array_append_new(out, host_view(hosts[i])) < 0)
                        r = -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(out);
        return 0;
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

int computesvc_service_update(const struct computesvc *svc, const char *service_id,
                              const char *host, const struct computesvc_service_change *c,
                              json_t **ret)
{
        _cleanup_compute_host_ struct store_compute_host *h = NULL;
        int r = host ? store_compute_host_get(svc->store, host, &h)
                     : store_compute_host_get_by_service(svc->store, service_id, &h);
        if (r < 0)
                return r;
        if (c->status) {
                h->disabled = streq(c->status, "disabled");
                r = set_str(&h->disabled_reason,
                            h->disabled ? json_string_value(c->disabled_reason) : NULL);
        }
        if (c->forced_down >= 0)
                h->forced_down = c->forced_down;
        if (r >= 0)
                r = store_compute_host_put(svc->store, h, false);
        if (r < 0)
                return r;
        return (*ret = host_view(h)) ? 0 : -ENOMEM;
}
