/* store.h's calls, dispatched to the backend the connection URL names,
 * and what every backend shares: the change hook, the set of hosts a
 * transaction changed, the typed rows' frees. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-scan.h"
#include "base/json-write.h"
#include "store/backend.h"

/* The URL's scheme picks the backend: sqlite:// or a bare path is SQLite;
 * postgresql:// (and neutron.conf's postgresql+psycopg2://) PostgreSQL. */
bool store_url_is_postgresql(const char *url)
{
        return strneq(url, "postgresql://", 13) || strneq(url, "postgresql+psycopg2://", 22) ||
               strneq(url, "postgres://", 11);
}

int store_open(const char *url, struct store **ret)
{
        if (store_url_is_postgresql(url))
                return store_pg_open(url, ret);
        if (!strneq(url, "sqlite://", 9) && strstr(url, "://"))
                return err_set(-EPROTONOSUPPORT,
                               "database connection '%s' is not supported; use sqlite:///PATH or "
                               "postgresql://USER:PASSWORD@HOST/DB",
                               url);
        return store_sqlite_open(url, ret);
}

void store_free(struct store *st)
{
        if (st)
                st->ops->free(st);
}

void store_head_init(struct store *st, const struct store_backend *ops)
{
        st->ops = ops;
        pthread_mutex_init(&st->hook_lock, NULL);
        st->changes_keep = STORE_CHANGES_KEEP;
}

void store_head_done(struct store *st)
{
        pthread_mutex_destroy(&st->hook_lock);
}

void store_set_change_hook(struct store *st, store_change_hook hook, void *userdata)
{
        pthread_mutex_lock(&st->hook_lock);
        st->change_hook = hook;
        st->change_hook_data = userdata;
        pthread_mutex_unlock(&st->hook_lock);
}

void store_set_changes_keep(struct store *st, int64_t keep)
{
        st->changes_keep = keep > 0 ? keep : 0;
}

bool store_changes_compact_due(struct store *st, int64_t rev, int64_t *ret_upto)
{
        if (st->changes_keep <= 0 || rev % STORE_CHANGES_COMPACT_EVERY != 0 ||
            rev <= st->changes_keep)
                return false;
        *ret_upto = rev - st->changes_keep;
        return true;
}

int store_changed_hosts_add(struct store_changed_hosts *c, const char *host)
{
        for (size_t i = 0; i < c->n; i++)
                if (streq(c->v[i], host))
                        return 0;
        char **n = reallocarray(c->v, c->n + 1, sizeof(char *));
        if (!n)
                return -ENOMEM;
        c->v = n;
        if (!(n[c->n] = strdup(host)))
                return -ENOMEM;
        c->n++;
        return 0;
}

void store_change_hook_call(struct store *st, const char *host)
{
        /* Called holding the lock, so store_set_change_hook(NULL) returns
         * only once no call is under way (the listener thread of a
         * PostgreSQL store calls it at any time). */
        pthread_mutex_lock(&st->hook_lock);
        if (st->change_hook)
                st->change_hook(host, st->change_hook_data);
        pthread_mutex_unlock(&st->hook_lock);
}

void store_changed_hosts_done(struct store *st, struct store_changed_hosts *c, bool committed)
{
        for (size_t i = 0; i < c->n; i++) {
                if (committed)
                        store_change_hook_call(st, c->v[i]);
                free(c->v[i]);
        }
        free(c->v);
        *c = (struct store_changed_hosts){0};
}

int store_ptrv_reserve(void *pv, size_t n)
{
        void *v, *nv;
        if (n & (n - 1))
                return 0; /* n is not a power of two: the last growth left room */
        size_t cap = n ? 2 * n + 1 : 2;
        memcpy(&v, pv, sizeof(v));
        nv = reallocarray(v, cap, sizeof(void *));
        if (!nv)
                return -ENOMEM;
        memset((char *)nv + n * sizeof(void *), 0, (cap - n) * sizeof(void *));
        memcpy(pv, &nv, sizeof(nv));
        return 0;
}

void store_compute_host_free(struct store_compute_host *h)
{
        if (!h)
                return;
        free(h->hostname);
        free(h->service_id);
        free(h->hypervisor_id);
        free(h->disabled_reason);
        free(h->availability_zone);
        free(h->report_hash);
        free(h->created_at);
        free(h->updated_at);
        free(h);
}

void store_compute_hosts_free(struct store_compute_host **v)
{
        for (size_t i = 0; v && v[i]; i++)
                store_compute_host_free(v[i]);
        free(v);
}

void store_compute_task_free(struct store_compute_task *t)
{
        if (!t)
                return;
        free(t->id);
        free(t->host);
        free(t->action);
        free(t->instance_id);
        free(t->created_at);
        free(t->detail);
        free(t);
}

void store_compute_tasks_free(struct store_compute_task **v)
{
        for (size_t i = 0; v && v[i]; i++)
                store_compute_task_free(v[i]);
        free(v);
}

int store_schema_check(int version, size_t known)
{
        if ((size_t)version <= known)
                return 0;
        return err_set(-EPROTO, "database schema version %d is newer than this vfnet-server knows "
                       "(%zu); upgrade vfnet-server", version, known);
}

bool store_attr_name_safe(const char *a)
{
        if (!*a)
                return false;
        for (; *a; a++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:-", *a))
                        return false;
        return true;
}

/* The calls every backend answers its own way. */
int store_schema_version(struct store *st)
{
        return st->ops->schema_version(st);
}

int store_begin(struct store *st, bool write)
{
        return st->ops->begin(st, write);
}

int store_begin_read_committed(struct store *st)
{
        if (!st->ops->begin_read_committed)
                return st->ops->begin(st, false);
        return st->ops->begin_read_committed(st);
}

int store_end(struct store *st, bool commit)
{
        return st->ops->end(st, commit);
}

void store_count_rollback(struct store *st)
{
        __atomic_add_fetch(&st->write_rollbacks, 1, __ATOMIC_RELAXED);
}

uint64_t store_write_rollbacks(struct store *st)
{
        return __atomic_load_n(&st->write_rollbacks, __ATOMIC_RELAXED);
}

int store_obj_insert(struct store *st, const char *kind, const char *id, const char *project_id,
                     const char *doc)
{
        return st->ops->obj_insert(st, kind, id, project_id, doc);
}

int store_obj_update(struct store *st, const char *kind, const char *id, const char *doc)
{
        return st->ops->obj_update(st, kind, id, doc);
}

int store_obj_delete(struct store *st, const char *kind, const char *id)
{
        return st->ops->obj_delete(st, kind, id);
}

int store_obj_delete_below(struct store *st, const char *kind, const char *attr, double limit)
{
        return st->ops->obj_delete_below(st, kind, attr, limit);
}

int store_obj_get(struct store *st, const char *kind, const char *id, char **ret_doc,
                  char **ret_project)
{
        return st->ops->obj_get(st, kind, id, ret_doc, ret_project);
}

int store_obj_list(struct store *st, const char *kind, const struct store_query *q, store_obj_cb cb,
                   void *userdata)
{
        return st->ops->obj_list(st, kind, q, cb, userdata);
}

int store_obj_count(struct store *st, const char *kind, const struct store_query *q, size_t *ret)
{
        return st->ops->obj_count(st, kind, q, ret);
}

int store_claim(struct store *st, const char *pool, const char *value, const char *owner)
{
        return st->ops->claim(st, pool, value, owner);
}

int store_release(struct store *st, const char *pool, const char *value)
{
        return st->ops->release(st, pool, value);
}

int store_is_claimed(struct store *st, const char *pool, const char *value)
{
        return st->ops->is_claimed(st, pool, value);
}

int store_release_owner(struct store *st, const char *owner)
{
        return st->ops->release_owner(st, owner);
}

int store_pool_values(struct store *st, const char *pool, char ***ret)
{
        return st->ops->pool_values(st, pool, ret);
}

int store_usage_add(struct store *st, const char *instance_id, const char *host,
                    const struct store_usage *u)
{
        return st->ops->usage_add(st, instance_id, host, u);
}

int store_usage_sum(struct store *st, const char *host, struct store_usage *ret)
{
        return st->ops->usage_sum(st, host, ret);
}

int store_pci_claim(struct store *st, const char *host, const struct store_pci_addr *a,
                    const char *instance_id)
{
        return st->ops->pci_claim(st, host, a, instance_id);
}

int store_pci_claims(struct store *st, const char *host, struct store_pci_addr **ret)
{
        return st->ops->pci_claims(st, host, ret);
}

int store_instance_release(struct store *st, const char *instance_id)
{
        return st->ops->instance_release(st, instance_id);
}

int store_host_report_put(struct store *st, const struct store_host_report *in)
{
        return st->ops->host_report_put(st, in);
}

int store_host_report_get(struct store *st, const char *host, char **ret_report, char **ret_hash)
{
        return st->ops->host_report_get(st, host, ret_report, ret_hash);
}

int store_auth_failures_get(struct store *st, const char *user_id, struct store_auth_failures *ret)
{
        return st->ops->auth_failures_get(st, user_id, ret);
}

int store_auth_failure_add(struct store *st, const char *user_id, double at, bool restart)
{
        return st->ops->auth_failure_add(st, user_id, at, restart);
}

int store_auth_failures_clear(struct store *st, const char *user_id)
{
        return st->ops->auth_failures_clear(st, user_id);
}

int store_instance_put(struct store *st, const struct store_instance *in, bool create)
{
        return st->ops->instance_put(st, in, create);
}

int store_instance_get(struct store *st, const char *id, struct store_instance **ret)
{
        return st->ops->instance_get(st, id, ret);
}

int store_instance_delete(struct store *st, const char *id)
{
        return st->ops->instance_delete(st, id);
}

int store_instance_list(struct store *st, const struct store_instance_query *q,
                        store_instance_cb cb, void *userdata)
{
        return st->ops->instance_list(st, q, cb, userdata);
}

int store_instance_totals(struct store *st, const struct store_instance_query *q,
                          struct store_usage *ret)
{
        return st->ops->instance_totals(st, q, ret);
}

int store_compute_host_put(struct store *st, const struct store_compute_host *h, bool create)
{
        int r = st->ops->compute_host_put(st, h, create);
        return r < 0 ? r : st->ops->stamp_bump(st, STORE_STAMP_COMPUTE_HOSTS);
}

int store_compute_host_claims_tags(struct store *st, int64_t after, store_claims_tag_cb cb,
                                   void *userdata)
{
        return st->ops->compute_host_claims_tags(st, after, cb, userdata);
}

int store_compute_host_heartbeats(struct store *st, store_heartbeat_cb cb, void *userdata)
{
        return st->ops->compute_host_heartbeats(st, cb, userdata);
}

int store_heartbeat_put(struct store *st, const struct store_heartbeat *hb)
{
        return st->ops->heartbeats_put(st, hb, 1);
}

int store_heartbeats_put(struct store *st, const struct store_heartbeat *v, size_t n)
{
        return n ? st->ops->heartbeats_put(st, v, n) : 0;
}

int store_compute_host_get(struct store *st, const char *hostname, struct store_compute_host **ret)
{
        return st->ops->compute_host_get(st, hostname, ret);
}

int store_compute_host_get_with_agent(struct store *st, const char *hostname, const char *agent_id,
                                      struct store_compute_host **ret, char **ret_agent_doc,
                                      double *ret_agent_heartbeat)
{
        *ret_agent_doc = NULL;
        *ret_agent_heartbeat = 0;
        return st->ops->compute_host_get_with_agent(st, hostname, agent_id, ret, ret_agent_doc,
                                                    ret_agent_heartbeat);
}

int store_compute_host_get_by_service(struct store *st, const char *service_id,
                                      struct store_compute_host **ret)
{
        return st->ops->compute_host_get_by_service(st, service_id, ret);
}

int store_compute_host_list(struct store *st, struct store_compute_host ***ret)
{
        return st->ops->compute_host_list(st, ret);
}

int store_compute_task_add(struct store *st, const struct store_compute_task *t)
{
        return st->ops->compute_task_add(st, t);
}

int store_compute_task_get(struct store *st, const char *id, struct store_compute_task **ret)
{
        return st->ops->compute_task_get(st, id, ret);
}

int store_compute_task_delete(struct store *st, const char *id)
{
        return st->ops->compute_task_delete(st, id);
}

int store_compute_task_list(struct store *st, const char *host, size_t limit,
                            struct store_compute_task ***ret)
{
        return st->ops->compute_task_list(st, host, limit, ret);
}

int store_secret_set(struct store *st, const char *key, const char *value)
{
        return st->ops->secret_set(st, key, value);
}

int store_secret_get(struct store *st, const char *key, char **ret)
{
        return st->ops->secret_get(st, key, ret);
}

int store_secret_delete(struct store *st, const char *key)
{
        return st->ops->secret_delete(st, key);
}

int store_stamp_get(struct store *st, const char *name, int64_t *ret)
{
        return st->ops->stamp_get(st, name, ret);
}

int store_stamp_read(struct store *st, const char *name, int64_t *ret)
{
        return st->ops->stamp_read(st, name, ret);
}

int store_stamp_expect(struct store *st, const char *name, int64_t value)
{
        if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name))
                return err_set(-EINVAL, "stamp name '%s' is not [a-z_]+", name);
        if (st->ops->stamp_expect)
                return st->ops->stamp_expect(st, name, value);
        int64_t now = 0;
        int r = st->ops->stamp_read(st, name, &now);
        return r < 0 ? r : now == value ? 0 : -ESTALE;
}

int store_stamp_settle(struct store *st)
{
        return st->ops->stamp_settle ? st->ops->stamp_settle(st) : 0;
}

bool store_stamp_take(struct store *st, int64_t *ret_value)
{
        return st->ops->stamp_take && st->ops->stamp_take(st, ret_value);
}

int store_stamp_bump(struct store *st, const char *name)
{
        return st->ops->stamp_bump(st, name);
}

int store_change_append(struct store *st, const char *host, const char *kind, const char *id,
                        int64_t *ret_revision)
{
        return st->ops->change_append(st, host, kind, id, ret_revision);
}

int store_changes_since(struct store *st, const char *host, int64_t since, size_t limit,
                        store_change_cb cb, void *userdata, int64_t *ret_revision)
{
        return st->ops->changes_since(st, host, since, limit, cb, userdata, ret_revision);
}

int store_change_revision(struct store *st, int64_t *ret)
{
        return st->ops->change_revision(st, ret);
}

int store_changes_compact(struct store *st, int64_t upto)
{
        return st->ops->changes_compact(st, upto);
}

int store_network_put(struct store *st, const struct store_network *n, bool create)
{
        return st->ops->network_put(st, n, create);
}

/* The strings of a network row, in the order store_network_dup() packs
 * them. */
#define NETWORK_STRINGS(n)                                                                         \
        &(n)->id, &(n)->project_id, &(n)->name, &(n)->description, &(n)->status,                   \
                &(n)->availability_zone_hints, &(n)->tags, &(n)->subnets, &(n)->created_at,        \
                &(n)->updated_at, &(n)->network_type, &(n)->physical_network

struct store_network *store_network_dup(const struct store_network *n)
{
        struct store_network tmp = *n;
        const char **in[] = {NETWORK_STRINGS(&tmp)};
        size_t size = sizeof(*n);
        for (size_t i = 0; i < ARRAY_SIZE(in); i++)
                size += *in[i] ? strlen(*in[i]) + 1 : 0;
        struct store_network *c = malloc(size);
        if (!c)
                return NULL;
        *c = *n;
        const char **out[] = {NETWORK_STRINGS(c)};
        char *p = (char *)(c + 1);
        for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
                if (!*in[i])
                        continue;
                size_t len = strlen(*in[i]) + 1;
                memcpy(p, *in[i], len);
                *out[i] = p;
                p += len;
        }
        return c;
}

void store_network_free(struct store_network *n)
{
        free(n);
}

static int network_dup_cb(const struct store_network *n, void *userdata)
{
        struct store_network **ret = userdata;
        if (!(*ret = store_network_dup(n)))
                return -ENOMEM;
        return 0;
}

int store_network_get(struct store *st, const char *id, struct store_network **ret)
{
        const char *v[] = {id};
        struct store_filter f = {"id", STORE_VALUE_TEXT, v, 1, NULL};
        struct store_query q = {.filters = &f, .n_filters = 1, .limit = 1};
        struct store_network *n = NULL;
        int r = st->ops->network_list(st, &q, network_dup_cb, &n);
        if (r < 0) {
                free(n);
                return r;
        }
        if (!n)
                return -ENOENT;
        *ret = n;
        return 0;
}

int store_network_delete(struct store *st, const char *id)
{
        return st->ops->network_delete(st, id);
}

int store_network_list(struct store *st, const struct store_query *q, store_network_cb cb,
                       void *userdata)
{
        return st->ops->network_list(st, q, cb, userdata);
}

int store_network_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return st->ops->network_count(st, q, ret);
}

int store_port_put(struct store *st, const struct store_port *p, bool create)
{
        return st->ops->port_put(st, p, create);
}

static size_t text_size(const char *s)
{
        return s ? strlen(s) + 1 : 0;
}

/* Copies text (if any) to *p, moving it past the copy. */
static const char *pack_text(const char *text, char **p)
{
        if (!text)
                return NULL;
        size_t len = strlen(text) + 1;
        char *at = memcpy(*p, text, len);
        *p += len;
        return at;
}

/* The strings of a port row, in the order store_port_dup() packs them. */
#define PORT_STRINGS(p)                                                                            \
        &(p)->id, &(p)->project_id, &(p)->network_id, &(p)->name, &(p)->description,               \
                &(p)->device_id, &(p)->device_owner, &(p)->mac_address, &(p)->host,                \
                &(p)->vnic_type, &(p)->vif_type, &(p)->vif_details, &(p)->profile, &(p)->status,   \
                &(p)->security_groups, &(p)->allowed_address_pairs, &(p)->extra_dhcp_opts,         \
                &(p)->tags, &(p)->created_at, &(p)->updated_at

struct store_port *store_port_dup(const struct store_port *p)
{
        struct store_port tmp = *p;
        const char **in[] = {PORT_STRINGS(&tmp)};
        size_t size = sizeof(*p) + p->n_fixed_ips * sizeof(struct store_fixed_ip);
        for (size_t i = 0; i < ARRAY_SIZE(in); i++)
                size += text_size(*in[i]);
        for (size_t i = 0; i < p->n_fixed_ips; i++)
                size += text_size(p->fixed_ips[i].subnet_id) +
                        text_size(p->fixed_ips[i].ip_address);
        struct store_port *c = malloc(size);
        if (!c)
                return NULL;
        *c = *p;
        struct store_fixed_ip *ips = (struct store_fixed_ip *)(c + 1);
        char *text = (char *)(ips + p->n_fixed_ips);
        const char **out[] = {PORT_STRINGS(c)};
        for (size_t i = 0; i < ARRAY_SIZE(in); i++)
                *out[i] = pack_text(*in[i], &text);
        for (size_t i = 0; i < p->n_fixed_ips; i++) {
                ips[i].subnet_id = pack_text(p->fixed_ips[i].subnet_id, &text);
                ips[i].ip_address = pack_text(p->fixed_ips[i].ip_address, &text);
        }
        c->fixed_ips = p->n_fixed_ips ? ips : NULL;
        return c;
}

void store_port_free(struct store_port *p)
{
        free(p);
}

static int port_dup_cb(const struct store_port *p, void *userdata)
{
        struct store_port **ret = userdata;
        if (!(*ret = store_port_dup(p)))
                return -ENOMEM;
        return 0;
}

int store_port_get(struct store *st, const char *id, struct store_port **ret)
{
        const char *v[] = {id};
        struct store_filter f = {"id", STORE_VALUE_TEXT, v, 1, NULL};
        struct store_query q = {.filters = &f, .n_filters = 1, .limit = 1};
        struct store_port *p = NULL;
        int r = st->ops->port_list(st, &q, port_dup_cb, &p);
        if (r < 0) {
                free(p);
                return r;
        }
        if (!p)
                return -ENOENT;
        *ret = p;
        return 0;
}

int store_port_host(struct store *st, const char *id, char **ret)
{
        return st->ops->port_host(st, id, ret);
}

int store_port_delete(struct store *st, const char *id)
{
        return st->ops->port_delete(st, id);
}

int store_port_list(struct store *st, const struct store_query *q, store_port_cb cb,
                    void *userdata)
{
        return st->ops->port_list(st, q, cb, userdata);
}

int store_port_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return st->ops->port_count(st, q, ret);
}

int store_subnet_put(struct store *st, const struct store_subnet *s, bool create)
{
        return st->ops->subnet_put(st, s, create);
}

/* The strings of a subnet row, in the order store_subnet_dup() packs
 * them. */
#define SUBNET_STRINGS(s)                                                                          \
        &(s)->id, &(s)->project_id, &(s)->network_id, &(s)->name, &(s)->description, &(s)->cidr,  \
                &(s)->gateway_ip, &(s)->ipv6_ra_mode, &(s)->ipv6_address_mode,                     \
                &(s)->subnetpool_id, &(s)->dns_nameservers, &(s)->host_routes,                     \
                &(s)->service_types, &(s)->tags, &(s)->created_at, &(s)->updated_at

struct store_subnet *store_subnet_dup(const struct store_subnet *s)
{
        struct store_subnet tmp = *s;
        const char **in[] = {SUBNET_STRINGS(&tmp)};
        size_t size = sizeof(*s) + s->n_pools * sizeof(struct store_ip_range);
        for (size_t i = 0; i < ARRAY_SIZE(in); i++)
                size += text_size(*in[i]);
        for (size_t i = 0; i < s->n_pools; i++)
                size += text_size(s->pools[i].start) + text_size(s->pools[i].end);
        struct store_subnet *c = malloc(size);
        if (!c)
                return NULL;
        *c = *s;
        struct store_ip_range *pools = (struct store_ip_range *)(c + 1);
        char *p = (char *)(pools + s->n_pools);
        const char **out[] = {SUBNET_STRINGS(c)};
        for (size_t i = 0; i < ARRAY_SIZE(in); i++)
                *out[i] = pack_text(*in[i], &p);
        for (size_t i = 0; i < s->n_pools; i++) {
                pools[i].start = pack_text(s->pools[i].start, &p);
                pools[i].end = pack_text(s->pools[i].end, &p);
        }
        c->pools = pools;
        return c;
}

void store_subnet_free(struct store_subnet *s)
{
        free(s);
}

static int subnet_dup_cb(const struct store_subnet *s, void *userdata)
{
        struct store_subnet **ret = userdata;
        if (!(*ret = store_subnet_dup(s)))
                return -ENOMEM;
        return 0;
}

int store_subnet_get(struct store *st, const char *id, struct store_subnet **ret)
{
        const char *v[] = {id};
        struct store_filter f = {"id", STORE_VALUE_TEXT, v, 1, NULL};
        struct store_query q = {.filters = &f, .n_filters = 1, .limit = 1};
        struct store_subnet *s = NULL;
        int r = st->ops->subnet_list(st, &q, subnet_dup_cb, &s);
        if (r < 0) {
                free(s);
                return r;
        }
        if (!s)
                return -ENOENT;
        *ret = s;
        return 0;
}

int store_subnet_delete(struct store *st, const char *id)
{
        return st->ops->subnet_delete(st, id);
}

int store_subnet_list(struct store *st, const struct store_query *q, store_subnet_cb cb,
                      void *userdata)
{
        return st->ops->subnet_list(st, q, cb, userdata);
}

int store_subnet_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return st->ops->subnet_count(st, q, ret);
}

int store_ids_collect_cb(const char *id, const char *doc, void *userdata)
{
        (void)doc;
        struct store_ids *l = userdata;
        char **v = reallocarray(l->ids, l->n + 2, sizeof(char *));
        if (!v)
                return -ENOMEM;
        l->ids = v;
        v[l->n + 1] = NULL;
        if (!(v[l->n] = strdup(id)))
                return -ENOMEM;
        l->n++;
        return 0;
}

void store_ids_done(struct store_ids *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->ids[i]);
        free(l->ids);
        *l = (struct store_ids){0};
}

int store_agent_put(struct store *st, const struct store_agent *a, bool create)
{
        return st->ops->agent_put(st, a, create);
}

struct agent_doc_state {
        struct strbuf *out;
        double heartbeat;
        const char *heartbeat_text;
        bool first, seen_text, seen_heartbeat;
};

static int agent_doc_heartbeat(struct strbuf *out, double heartbeat)
{
        /* %.17g reads back as the same double; ".0" keeps it a real. */
        char num[40];
        snprintf(num, sizeof(num), "%.17g", heartbeat);
        int r = strbuf_append(out, num);
        if (r >= 0 && !strpbrk(num, ".eEn"))
                r = strbuf_append(out, ".0");
        return r;
}

static int agent_doc_member(const char *key, size_t key_len, const char *value, size_t value_len,
                            void *userdata)
{
        struct agent_doc_state *s = userdata;
        int r = strbuf_append(s->out, s->first ? "\"" : ",\"");
        s->first = false;
        if (r >= 0)
                r = strbuf_append_len(s->out, key, key_len);
        if (r >= 0)
                r = strbuf_append(s->out, "\":");
        if (r < 0)
                return r;
        if (key_len == 19 && memcmp(key, "heartbeat_timestamp", 19) == 0) {
                s->seen_text = true;
                return json_append_string(s->out, s->heartbeat_text, strlen(s->heartbeat_text));
        }
        if (key_len == 10 && memcmp(key, "_heartbeat", 10) == 0) {
                s->seen_heartbeat = true;
                return agent_doc_heartbeat(s->out, s->heartbeat);
        }
        return strbuf_append_len(s->out, value, value_len);
}

int store_agent_doc(const char *doc, double heartbeat, const char *heartbeat_text,
                    struct strbuf *out)
{
        struct agent_doc_state s = {out, heartbeat, heartbeat_text ? heartbeat_text : "", true};
        strbuf_reset(out);
        int r = strbuf_append(out, "{");
        if (r >= 0)
                r = json_scan_object(doc, agent_doc_member, &s);
        if (r >= 0 && !s.seen_text) {
                r = strbuf_append(out, s.first ? "\"heartbeat_timestamp\":" :
                                                 ",\"heartbeat_timestamp\":");
                s.first = false;
                if (r >= 0)
                        r = json_append_string(out, s.heartbeat_text, strlen(s.heartbeat_text));
        }
        if (r >= 0 && !s.seen_heartbeat) {
                r = strbuf_append(out, s.first ? "\"_heartbeat\":" : ",\"_heartbeat\":");
                if (r >= 0)
                        r = agent_doc_heartbeat(out, heartbeat);
        }
        if (r >= 0)
                r = strbuf_append(out, "}");
        return r == -EINVAL ? -EIO : r;
}

int store_agent_get(struct store *st, const char *id, char **ret_doc)
{
        _cleanup_free_ char *doc = NULL, *text = NULL;
        double heartbeat = 0;
        int r = st->ops->agent_get(st, id, &doc, &heartbeat, &text);
        if (r < 0)
                return r;
        _cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
        r = store_agent_doc(doc, heartbeat, text, &out);
        if (r < 0)
                return r;
        *ret_doc = strbuf_steal(&out);
        return *ret_doc ? 0 : -ENOMEM;
}

int store_agent_delete(struct store *st, const char *id)
{
        return st->ops->agent_delete(st, id);
}

struct agent_list_state {
        store_obj_cb cb;
        void *userdata;
        struct strbuf doc;
};

static int agent_list_row(const char *id, const char *doc, double heartbeat,
                          const char *heartbeat_text, void *userdata)
{
        struct agent_list_state *s = userdata;
        int r = store_agent_doc(doc, heartbeat, heartbeat_text, &s->doc);
        return r < 0 ? r : s->cb(id, strbuf_str(&s->doc), s->userdata);
}

int store_agent_list(struct store *st, const struct store_query *q, store_obj_cb cb,
                     void *userdata)
{
        struct agent_list_state s = {cb, userdata, STRBUF_INIT};
        int r = st->ops->agent_list(st, q, agent_list_row, &s);
        strbuf_done(&s.doc);
        return r;
}

int store_agent_list_rows(struct store *st, const struct store_query *q, store_agent_row_cb cb,
                          void *userdata)
{
        return st->ops->agent_list(st, q, cb, userdata);
}

int store_agent_get_row(struct store *st, const char *id, char **ret_doc, double *ret_heartbeat)
{
        _cleanup_free_ char *text = NULL;
        return st->ops->agent_get(st, id, ret_doc, ret_heartbeat, &text);
}
