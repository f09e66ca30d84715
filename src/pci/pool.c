#include <strings.h>
#include <string.h>

#include "base/error.h"
#include "pci/pool.h"

static void pool_done(struct pci_pool *p)
{
        for (size_t i = 0; i < p->n_tags; i++) {
                free(p->tags[i].key);
                free(p->tags[i].value);
                free(p->tags[i].value_lc);
        }
        free(p->tags);
        free(p->parent_ifname);
        free(p->devs);
}

void pci_pools_done(struct pci_pools *pools)
{
        for (size_t i = 0; i < pools->n; i++)
                pool_done(&pools->v[i]);
        free(pools->v);
        free(pools->hot_heap);
        *pools = (struct pci_pools){0};
}

static bool placement_only_tag(const char *key)
{
        return streq(key, "resource_class") || streq(key, "traits") || streq(key, "rp_uuid");
}

static bool str_eq_null(const char *a, const char *b)
{
        return (!a && !b) || (a && b && streq(a, b));
}

static bool tags_equal(const struct pci_pool *p, const struct pci_tag *tags, size_t n)
{
        if (p->n_tags != n)
                return false;
        for (size_t i = 0; i < n; i++) {
                bool found = false;
                for (size_t j = 0; j < p->n_tags && !found; j++)
                        found = streq(p->tags[j].key, tags[i].key) && str_eq_null(p->tags[j].value, tags[i].value);
                if (!found)
                        return false;
        }
        return true;
}

static int tag_copy(struct pci_tag *dst, const char *key, const char *value)
{
        *dst = (struct pci_tag){0};
        dst->key = strdup(key);
        if (!dst->key)
                return -ENOMEM;
        if (value) {
                dst->value = strdup(value);
                dst->value_lc = strdup(value);
                if (!dst->value || !dst->value_lc)
                        return -ENOMEM;
                for (char *c = dst->value_lc; *c; c++)
                        if (*c >= 'A' && *c <= 'Z')
                                *c = (char)(*c - 'A' + 'a');
        }
        return 0;
}

/* The tags a device's pool gets: the spec's minus placement-only ones, plus
 * remote_managed 'false' by default for PFs, VFs and vdpa. */
static int pool_tags(const struct pci_devspec *spec, enum pci_nova_type type, struct pci_tag **ret, size_t *ret_n)
{
        size_t n_spec, n = 0;
        const struct pci_tag *st = pci_devspec_tags(spec, &n_spec);
        struct pci_tag *tags = calloc(n_spec + 1, sizeof(*tags));
        bool has_rm = false;
        int r = 0;

        if (!tags)
                return -ENOMEM;
        for (size_t i = 0; i < n_spec && r >= 0; i++) {
                if (placement_only_tag(st[i].key))
                        continue;
                if (streq(st[i].key, "remote_managed"))
                        has_rm = true;
                r = tag_copy(&tags[n++], st[i].key, st[i].value);
        }
        if (r >= 0 && !has_rm && type != PCI_NOVA_TYPE_PCI)
                r = tag_copy(&tags[n++], "remote_managed", "false");
        if (r < 0) {
                for (size_t i = 0; i < n; i++) {
                        free(tags[i].key);
                        free(tags[i].value);
                        free(tags[i].value_lc);
                }
                free(tags);
                return r;
        }
        *ret = tags;
        *ret_n = n;
        return 0;
}

static void free_tags(struct pci_tag *t, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(t[i].key);
                free(t[i].value);
                free(t[i].value_lc);
        }
        free(t);
}

static bool truthy(const char *v)
{
        return v && (streq(v, "1") || streq(v, "t") || streq(v, "true") || streq(v, "on") || streq(v, "y") ||
                     streq(v, "yes"));
}

static void recount(struct pci_pools *pools)
{
        pools->free_total = 0;
        for (size_t i = 0; i < pools->n; i++) {
                struct pci_pool *p = &pools->v[i];
                p->count = 0;
                for (size_t j = 0; j < p->n_devs; j++) {
                        struct pci_pool_dev *d = &p->devs[j];
                        d->blocked = false;
                        /* A claimed PF takes its VFs; a claimed VF takes its PF. */
                        for (size_t k = 0; k < pools->n && !d->blocked; k++)
                                for (size_t m = 0; m < pools->v[k].n_devs && !d->blocked; m++) {
                                        const struct pci_pool_dev *o = &pools->v[k].devs[m];
                                        if (!o->claimed)
                                                continue;
                                        if (d->has_parent && pci_address_equal(&o->address, &d->parent))
                                                d->blocked = true;
                                        if (d->is_pf && o->has_parent && pci_address_equal(&o->parent, &d->address))
                                                d->blocked = true;
                                }
                        if (!d->claimed && !d->blocked)
                                p->count++;
                }
                pools->free_total += p->count;
        }
        struct pci_pool_hot *hot = (struct pci_pool_hot *)pci_pools_hot(pools);
        for (size_t i = 0; hot && i < pools->n; i++)
                hot[i].count = pools->v[i].count;
}

static const char *const fast_keys[_PCI_FAST_TAG_MAX] = {"physical_network", "trusted", "remote_managed"};

/* Pack the pools for matching (after building). */
static int pack(struct pci_pools *pools)
{
        struct pci_pool_hot *hot = pools->hot_inline;

        if (pools->n > PCI_POOLS_HOT_INLINE) {
                pools->hot_heap = calloc(pools->n, sizeof(*pools->hot_heap));
                if (!pools->hot_heap)
                        return -ENOMEM;
                hot = pools->hot_heap;
        }
        for (size_t i = 0; i < pools->n; i++) {
                const struct pci_pool *p = &pools->v[i];
                hot[i] = (struct pci_pool_hot){.dev_type = (uint8_t)p->dev_type, .remote_managed = p->remote_managed,
                                               .numa_node = (int16_t)p->numa_node, .count = p->count};
                for (int f = 0; f < _PCI_FAST_TAG_MAX; f++)
                        for (size_t t = 0; t < p->n_tags; t++)
                                if (streq(p->tags[t].key, fast_keys[f]))
                                        hot[i].atom[f] = pci_atom_intern(p->tags[t].value_lc);
        }
        return 0;
}

static struct pci_pool_dev *find_dev(struct pci_pools *pools, const struct pci_address *a)
{
        for (size_t i = 0; i < pools->n; i++)
                for (size_t j = 0; j < pools->v[i].n_devs; j++)
                        if (pci_address_equal(&pools->v[i].devs[j].address, a))
                                return &pools->v[i].devs[j];
        return NULL;
}

int pci_pools_build(const struct pci_inventory *inv, const struct pci_whitelist *wl,
                    const struct pci_address *claimed, size_t n_claimed, struct pci_pools *ret)
{
        struct pci_pools pools = {0};
        int r = 0;

        for (size_t i = 0; i < inv->n; i++) {
                const struct pci_inventory_dev *d = &inv->v[i];
                const struct pci_devspec *spec;
                struct pci_tag *tags = NULL;
                size_t n_tags = 0, spec_index = 0;
                struct pci_address key_addr = d->view.has_parent ? d->view.parent : d->view.address;
                const char *parent_ifname = d->view.dev_type == PCI_NOVA_TYPE_VF && d->view.parent_netdevs
                                                    ? d->view.parent_netdevs[0]
                                                    : NULL;
                struct pci_pool *pool = NULL;

                spec = pci_whitelist_match(wl, &d->view, &spec_index);
                if (!spec)
                        continue;
                r = pool_tags(spec, d->view.dev_type, &tags, &n_tags);
                if (r < 0)
                        goto fail;
                for (size_t p = 0; p < pools.n && !pool; p++) {
                        struct pci_pool *c = &pools.v[p];
                        if (streq(c->vendor_id, d->view.vendor_id) && streq(c->product_id, d->view.product_id) &&
                            c->numa_node == d->numa_node && c->dev_type == d->view.dev_type &&
                            pci_address_equal(&c->address, &key_addr) && str_eq_null(c->parent_ifname, parent_ifname) &&
                            tags_equal(c, tags, n_tags))
                                pool = c;
                }
                if (pool)
                        free_tags(tags, n_tags);
                else {
                        struct pci_pool *nv = realloc(pools.v, (pools.n + 1) * sizeof(*nv));
                        if (!nv) {
                                free_tags(tags, n_tags);
                                r = -ENOMEM;
                                goto fail;
                        }
                        pools.v = nv;
                        pool = &pools.v[pools.n++];
                        *pool = (struct pci_pool){.numa_node = d->numa_node, .dev_type = d->view.dev_type,
                                                  .address = key_addr, .tags = tags, .n_tags = n_tags,
                                                  .spec_index = spec_index};
                        memcpy(pool->vendor_id, d->view.vendor_id, 5);
                        memcpy(pool->product_id, d->view.product_id, 5);
                        for (size_t t = 0; t < n_tags; t++)
                                if (streq(tags[t].key, "remote_managed"))
                                        pool->remote_managed = truthy(tags[t].value_lc);
                        if (parent_ifname && !(pool->parent_ifname = strdup(parent_ifname))) {
                                r = -ENOMEM;
                                goto fail;
                        }
                }
                struct pci_pool_dev *nd = realloc(pool->devs, (pool->n_devs + 1) * sizeof(*nd));
                if (!nd) {
                        r = -ENOMEM;
                        goto fail;
                }
                pool->devs = nd;
                /* The inventory is sorted, so each pool's devices are too. */
                pool->devs[pool->n_devs++] = (struct pci_pool_dev){.address = d->view.address,
                                                                   .has_parent = d->view.has_parent,
                                                                   .parent = d->view.parent,
                                                                   .is_pf = d->view.is_pf};
        }
        for (size_t i = 0; i < n_claimed; i++) {
                struct pci_pool_dev *d = find_dev(&pools, &claimed[i]);
                if (d)
                        d->claimed = true;
        }
        r = pack(&pools);
        if (r < 0)
                goto fail;
        recount(&pools);
        *ret = pools;
        return 0;
fail:
        pci_pools_done(&pools);
        return r;
}

int pci_pools_claim(struct pci_pools *pools, const struct pci_address *addrs, size_t n, bool claim)
{
        char buf[PCI_ADDRESS_STRLEN];
        size_t done = 0;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                if (!find_dev(pools, &addrs[i]))
                        return err_set(-ENOENT, "PCI device %s is in no pool of this host",
                                       pci_address_format(&addrs[i], buf));
        if (!claim) {
                for (size_t i = 0; i < n; i++)
                        find_dev(pools, &addrs[i])->claimed = false;
                recount(pools);
                return 0;
        }
        /* One at a time, so a PF and its VF (or one address twice) in the
         * same call are refused too; all or nothing. */
        for (; done < n; done++) {
                struct pci_pool_dev *d = find_dev(pools, &addrs[done]);
                if (d->claimed || d->blocked) {
                        r = err_set(-EBUSY, "PCI device %s is not free", pci_address_format(&addrs[done], buf));
                        break;
                }
                d->claimed = true;
                recount(pools);
        }
        if (r < 0) {
                for (size_t i = 0; i < done; i++)
                        find_dev(pools, &addrs[i])->claimed = false;
                recount(pools);
        }
        return r;
}

const char *pci_pool_value(const struct pci_pool *pool, const char *key, char buf[16])
{
        switch (key[0]) {
        case 'v':
                if (streq(key, "vendor_id"))
                        return pool->vendor_id;
                break;
        case 'p':
                if (streq(key, "product_id"))
                        return pool->product_id;
                if (streq(key, "parent_ifname"))
                        return pool->parent_ifname;
                break;
        case 'd':
                if (streq(key, "dev_type"))
                        return pci_nova_type_to_string(pool->dev_type);
                break;
        case 'n':
                if (streq(key, "numa_node")) {
                        if (pool->numa_node < 0)
                                return NULL;
                        snprintf(buf, 16, "%d", pool->numa_node);
                        return buf;
                }
                break;
        case 'a':
                if (streq(key, "address"))
                        return pci_address_format(&pool->address, buf);
                break;
        }
        for (size_t i = 0; i < pool->n_tags; i++)
                if (streq(pool->tags[i].key, key))
                        return pool->tags[i].value;
        return NULL;
}

static const char *tag_lc(const struct pci_pool *pool, const char *key, bool *ret_found)
{
        for (size_t t = 0; t < pool->n_tags; t++)
                if (streq(pool->tags[t].key, key)) {
                        *ret_found = true;
                        return pool->tags[t].value_lc;
                }
        *ret_found = false;
        return NULL;
}

/* nova's pci_device_prop_match, strings compared case-insensitively.  The
 * common keys are answered from the packed record; the rest from the pool. */
static bool spec_matches(const struct pci_pool_hot *hot, const struct pci_pool *pool,
                         const struct pci_match_spec *spec)
{
        for (size_t i = 0; i < spec->n_kv; i++) {
                const struct pci_kv *kv = &spec->kv[i];
                const char *have = NULL;
                bool is_tag;
                char buf[16];

                switch (kv->fast) {
                case PCI_FAST_PHYSNET:
                case PCI_FAST_TRUSTED:
                case PCI_FAST_REMOTE_MANAGED:
                        if (kv->atom != PCI_ATOM_SLOW && hot->atom[kv->fast] != PCI_ATOM_SLOW) {
                                if (kv->atom != hot->atom[kv->fast])
                                        return false;
                                continue;
                        }
                        break;
                case PCI_FAST_DEV_TYPE:
                        if (kv->dev_type < 0 || kv->dev_type != (int)hot->dev_type)
                                return false;
                        continue;
                case PCI_FAST_VENDOR_ID:
                        if (!kv->value_lc || !streq(kv->value_lc, pool->vendor_id))
                                return false;
                        continue;
                case PCI_FAST_PRODUCT_ID:
                        if (!kv->value_lc || !streq(kv->value_lc, pool->product_id))
                                return false;
                        continue;
                default:
                        break;
                }
                /* Tags first: lower-cased copies exist, no formatting needed. */
                have = tag_lc(pool, kv->key, &is_tag);
                if (!is_tag)
                        have = pci_pool_value(pool, kv->key, buf);
                if (!have || !kv->value_lc) {
                        if (have != NULL || kv->value_lc != NULL)
                                return false;
                        continue;
                }
                if (is_tag ? !streq(have, kv->value_lc) : strcasecmp(have, kv->value_lc) != 0)
                        return false;
        }
        return true;
}

bool pci_pool_matches_request(const struct pci_pools *pools, size_t i, const struct pci_request *req)
{
        const struct pci_pool_hot *hot = &pci_pools_hot(pools)[i];

        /* PF, vdpa and remote_managed pools only for requests that ask for them. */
        if (hot->dev_type == PCI_NOVA_TYPE_PF && !req->wants_pf)
                return false;
        if (hot->dev_type == PCI_NOVA_TYPE_VDPA && !req->wants_vdpa)
                return false;
        if (hot->remote_managed && !req->wants_remote_managed)
                return false;
        for (size_t s = 0; s < req->n_specs; s++)
                if (spec_matches(hot, &pools->v[i], &req->specs[s]))
                        return true;
        return false;
}

enum numa_place { PLACE_LOCAL, PLACE_NONE, PLACE_SOCKET, PLACE_REMOTE };

static int socket_of(const struct pci_numa_ctx *numa, int cell)
{
        for (size_t i = 0; i < numa->n_host_cells; i++)
                if (numa->host_cells[i] == cell)
                        return numa->host_sockets ? numa->host_sockets[i] : -1;
        return -1;
}

static enum numa_place place_of(int node, const struct pci_numa_ctx *numa)
{
        if (node < 0)
                return PLACE_NONE;
        for (size_t i = 0; i < numa->n_cells; i++)
                if (numa->cells[i] == node)
                        return PLACE_LOCAL;
        int s = socket_of(numa, node);
        for (size_t i = 0; s >= 0 && i < numa->n_cells; i++)
                if (socket_of(numa, numa->cells[i]) == s)
                        return PLACE_SOCKET;
        return PLACE_REMOTE;
}

/* Which pools a policy allows, in the order they are used: up to two tiers
 * (nova: legacy falls back to pools without NUMA info; preferred puts local
 * pools first).  Returns whether pool p is in tier t. */
static bool in_tier(enum pci_numa_policy policy, enum numa_place place, int tier, bool legacy_local_enough)
{
        switch (policy) {
        case PCI_NUMA_REQUIRED:
                return tier == 0 && place == PLACE_LOCAL;
        case PCI_NUMA_SOCKET:
                return tier == 0 && (place == PLACE_LOCAL || place == PLACE_SOCKET);
        case PCI_NUMA_PREFERRED:
                return tier == 0 ? place == PLACE_LOCAL : place != PLACE_LOCAL;
        case PCI_NUMA_LEGACY:
        default:
                if (tier == 0)
                        return place == PLACE_LOCAL;
                return !legacy_local_enough && place == PLACE_NONE;
        }
}

static void take_devices(const struct pci_pool *p, unsigned skip, unsigned n, struct pci_address *out)
{
        for (size_t j = 0; j < p->n_devs && n > 0; j++) {
                const struct pci_pool_dev *d = &p->devs[j];
                if (d->claimed || d->blocked)
                        continue;
                if (skip > 0) {
                        skip--;
                        continue;
                }
                *out++ = d->address;
                n--;
        }
}

bool pci_pools_fit(const struct pci_pools *pools, const struct pci_requests *reqs, const struct pci_numa_ctx *numa,
                   unsigned *scratch, struct pci_address *ret_take, struct pci_fit_result *ret)
{
        const struct pci_pool_hot *hot = pci_pools_hot(pools);
        size_t taken = 0;

        for (size_t p = 0; p < pools->n; p++)
                scratch[p] = hot[p].count;

        for (size_t r = 0; r < reqs->n; r++) {
                const struct pci_request *req = &reqs->v[r];
                unsigned need = req->count, avail = 0, local = 0, orig_free = 0;
                bool any = false, use_numa = numa && numa->cells;

                for (size_t p = 0; p < pools->n; p++) {
                        if (!pci_pool_matches_request(pools, p, req))
                                continue;
                        any = true;
                        orig_free += hot[p].count;
                        if (!use_numa) {
                                avail += scratch[p];
                                continue;
                        }
                        enum numa_place place = place_of(hot[p].numa_node, numa);
                        if (in_tier(req->numa_policy, place, 0, false)) {
                                local += scratch[p];
                                avail += scratch[p];
                        } else if (in_tier(req->numa_policy, place, 1, false))
                                avail += scratch[p];
                }
                bool local_enough = local >= need;
                if (use_numa && req->numa_policy == PCI_NUMA_LEGACY && local_enough)
                        avail = local;
                if (avail < need) {
                        if (!ret)
                                return false;
                        unsigned total = 0, fresh = 0;
                        for (size_t p = 0; p < pools->n; p++) {
                                if (!pci_pool_matches_request(pools, p, req))
                                        continue;
                                total += (unsigned)pools->v[p].n_devs;
                                if (!use_numa || in_tier(req->numa_policy, place_of(hot[p].numa_node, numa), 0, false) ||
                                    in_tier(req->numa_policy, place_of(hot[p].numa_node, numa), 1, false))
                                        fresh += hot[p].count;
                        }
                        *ret = (struct pci_fit_result){.request = r, .free = orig_free, .total = total};
                        if (!any)
                                ret->fit = PCI_FIT_NO_DEVICE;
                        else if (orig_free == 0)
                                ret->fit = PCI_FIT_ALL_CLAIMED;
                        else if (orig_free < need)
                                ret->fit = PCI_FIT_NOT_ENOUGH;
                        else if (r > 0 && fresh >= need)
                                ret->fit = PCI_FIT_TOGETHER; /* earlier requests took them */
                        else
                                ret->fit = PCI_FIT_NUMA;
                        return false;
                }
                if (r + 1 == reqs->n && !ret_take)
                        break; /* the last request: nothing after it needs the counts */
                /* Consume, tier by tier, pool by pool, lowest addresses first. */
                for (int tier = 0; tier < (use_numa ? 2 : 1) && need > 0; tier++)
                        for (size_t p = 0; p < pools->n && need > 0; p++) {
                                if (!scratch[p] || !pci_pool_matches_request(pools, p, req))
                                        continue;
                                if (use_numa &&
                                    !in_tier(req->numa_policy, place_of(hot[p].numa_node, numa), tier, local_enough))
                                        continue;
                                unsigned n = scratch[p] < need ? scratch[p] : need;
                                if (ret_take)
                                        take_devices(&pools->v[p], hot[p].count - scratch[p], n, ret_take + taken);
                                taken += n;
                                scratch[p] -= n;
                                need -= n;
                        }
        }
        if (ret)
                *ret = (struct pci_fit_result){.fit = PCI_FIT_OK};
        return true;
}
