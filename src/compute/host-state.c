#include <ctype.h>
#include <string.h>

#include "base/error.h"
#include "compute/host-state.h"

void host_state_free(struct host_state *h)
{
        if (!h)
                return;
        free(h->hostname);
        free(h->availability_zone);
        free(h->cell_ids);
        free(h->cell_sockets);
        json_decref(h->capabilities);
        for (size_t i = 0; i < h->n_supported_instances; i++)
                for (int k = 0; k < 3; k++)
                        free(h->supported_instances[i][k]);
        free(h->supported_instances);
        pci_pools_done(&h->pools);
        pci_inventory_free(h->inventory);
        pci_whitelist_free(h->own_whitelist);
        free(h);
}

static int get_count(const json_t *o, const char *host, const char *key, bool required, long *ret)
{
        const json_t *v = json_object_get(o, key);

        if (!v || json_is_null(v)) {
                if (required)
                        return err_set(-EINVAL, "host %s: '%s' is missing", host, key);
                *ret = 0;
                return 0;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > (1LL << 40))
                return err_set(-EINVAL, "host %s: '%s' must be a non-negative integer", host, key);
        *ret = (long)json_integer_value(v);
        return 0;
}

static int get_ratio(const json_t *o, const char *host, const char *key, double *ret)
{
        const json_t *v = json_object_get(o, key);

        *ret = 0;
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) > 1e6)
                return err_set(-EINVAL, "host %s: '%s' must be a positive number", host, key);
        *ret = json_number_value(v);
        return 0;
}

static char *lower_dup(const char *s)
{
        char *l = strdup(s ? s : "");
        for (char *p = l; p && *p; p++)
                *p = (char)tolower((unsigned char)*p);
        return l;
}

static int parse_cells(struct host_state *h, const json_t *cells)
{
        size_t n = json_array_size(cells);

        if (cells && !json_is_null(cells) && !json_is_array(cells))
                return err_set(-EINVAL, "host %s: 'numa_cells' must be a list of {\"id\", \"socket\"}", h->hostname);
        h->cell_ids = calloc(n + 1, sizeof(int));
        h->cell_sockets = calloc(n + 1, sizeof(int));
        if (!h->cell_ids || !h->cell_sockets)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const json_t *c = json_array_get(cells, i), *id = json_object_get(c, "id"),
                             *sock = json_object_get(c, "socket");
                if (!json_is_integer(id) || json_integer_value(id) < 0 || json_integer_value(id) > 1023 ||
                    (sock && !json_is_null(sock) && !json_is_integer(sock)))
                        return err_set(-EINVAL, "host %s: numa_cells[%zu] needs an integer 'id' (0-1023) and "
                                                "an integer or null 'socket'",
                                       h->hostname, i);
                h->cell_ids[i] = (int)json_integer_value(id);
                h->cell_sockets[i] = json_is_integer(sock) ? (int)json_integer_value(sock) : -1;
                for (size_t j = 0; j < i; j++)
                        if (h->cell_ids[j] == h->cell_ids[i])
                                return err_set(-EINVAL, "host %s: NUMA cell %d is listed twice", h->hostname,
                                               h->cell_ids[i]);
        }
        h->n_cells = n;
        return 0;
}

static int parse_supported(struct host_state *h, const json_t *si)
{
        size_t n = json_array_size(si);

        if (si && !json_is_null(si) && !json_is_array(si))
                return err_set(-EINVAL, "host %s: 'supported_instances' must be a list of [arch, hv_type, vm_mode]",
                               h->hostname);
        h->supported_instances = calloc(n + 1, sizeof(*h->supported_instances));
        if (!h->supported_instances)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const json_t *t = json_array_get(si, i);
                if (!json_is_array(t) || json_array_size(t) != 3)
                        return err_set(-EINVAL,
                                       "host %s: supported_instances[%zu] must be [arch, hv_type, vm_mode]",
                                       h->hostname, i);
                /* Counted before it is filled, so a row that fails half-way
                 * is freed with the rest. */
                h->n_supported_instances++;
                for (int k = 0; k < 3; k++) {
                        const char *s = json_string_value(json_array_get(t, (size_t)k));
                        if (!s)
                                return err_set(-EINVAL,
                                               "host %s: supported_instances[%zu] must hold three strings",
                                               h->hostname, i);
                        h->supported_instances[i][k] = lower_dup(s);
                        if (!h->supported_instances[i][k])
                                return -ENOMEM;
                }
        }
        h->supported_inline_ok = n <= 4;
        for (size_t i = 0; i < n && h->supported_inline_ok; i++)
                for (int k = 0; k < 3; k++) {
                        if (strlen(h->supported_instances[i][k]) >= sizeof(h->supported_inline[i][k])) {
                                h->supported_inline_ok = false;
                                break;
                        }
                        strcpy(h->supported_inline[i][k], h->supported_instances[i][k]);
                }
        return 0;
}

static int parse_claimed(const struct host_state *h, const json_t *claimed, struct pci_address **ret, size_t *ret_n)
{
        size_t n = json_array_size(claimed);
        struct pci_address *a;

        if (claimed && !json_is_null(claimed) && !json_is_array(claimed))
                return err_set(-EINVAL, "host %s: 'pci_claimed' must be a list of PCI addresses", h->hostname);
        a = calloc(n + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *s = json_string_value(json_array_get(claimed, i));
                if (!s || pci_address_parse(s, &a[i]) < 0) {
                        free(a);
                        return err_set(-EINVAL, "host %s: pci_claimed[%zu] is not a PCI address", h->hostname, i);
                }
        }
        *ret = a;
        *ret_n = n;
        return 0;
}

int host_state_from_json(const json_t *report, const struct pci_whitelist *wl, struct host_state **ret)
{
        _cleanup_host_state_ struct host_state *h = NULL;
        _cleanup_free_ struct pci_address *claimed = NULL;
        const json_t *v;
        const char *name;
        size_t n_claimed = 0;
        int r;

        if (!json_is_object(report))
                return err_set(-EINVAL, "a host report must be a JSON object");
        name = json_string_value(json_object_get(report, "hostname"));
        if (!name || !name[0])
                return err_set(-EINVAL, "a host report needs a 'hostname'");
        h = calloc(1, sizeof(*h));
        if (!h || !(h->hostname = strdup(name)))
                return -ENOMEM;
        v = json_object_get(report, "availability_zone");
        if (v && !json_is_null(v)) {
                if (!json_is_string(v) || !json_string_length(v))
                        return err_set(-EINVAL, "host %s: 'availability_zone' must be a non-empty string or null", name);
                if (!(h->availability_zone = strdup(json_string_value(v))))
                        return -ENOMEM;
        }
        v = json_object_get(report, "enabled");
        h->enabled = !v || json_is_true(v);
        if (v && !json_is_boolean(v))
                return err_set(-EINVAL, "host %s: 'enabled' must be true or false", name);
        v = json_object_get(report, "up");
        h->up = !v || json_is_true(v);
        if (v && !json_is_boolean(v))
                return err_set(-EINVAL, "host %s: 'up' must be true or false", name);

        if ((r = get_count(report, name, "vcpus", true, &h->vcpus)) < 0 ||
            (r = get_count(report, name, "vcpus_used", false, &h->vcpus_used)) < 0 ||
            (r = get_count(report, name, "memory_mb", true, &h->memory_mb)) < 0 ||
            (r = get_count(report, name, "memory_mb_used", false, &h->memory_mb_used)) < 0 ||
            (r = get_count(report, name, "disk_gb", true, &h->disk_gb)) < 0 ||
            (r = get_count(report, name, "disk_gb_used", false, &h->disk_gb_used)) < 0 ||
            (r = get_ratio(report, name, "cpu_allocation_ratio", &h->cpu_allocation_ratio)) < 0 ||
            (r = get_ratio(report, name, "ram_allocation_ratio", &h->ram_allocation_ratio)) < 0 ||
            (r = get_ratio(report, name, "disk_allocation_ratio", &h->disk_allocation_ratio)) < 0)
                return r;
        r = parse_cells(h, json_object_get(report, "numa_cells"));
        if (r < 0)
                return r;
        v = json_object_get(report, "capabilities");
        if (v && !json_is_null(v) && !json_is_object(v))
                return err_set(-EINVAL, "host %s: 'capabilities' must be an object", name);
        h->capabilities = v && json_is_object(v) ? json_incref((json_t *)v) : json_object();
        if (!h->capabilities)
                return -ENOMEM;
        r = parse_supported(h, json_object_get(report, "supported_instances"));
        if (r < 0)
                return r;

        r = pci_inventory_from_json(json_object_get(report, "pci_devices"), &h->inventory);
        if (r < 0)
                return err_prefix(r, "host %s", name);
        v = json_object_get(report, "device_spec");
        if (v && !json_is_null(v)) {
                if (!json_is_array(v))
                        return err_set(-EINVAL, "host %s: 'device_spec' must be a list of [pci] device_spec values",
                                       name);
                r = pci_whitelist_new(&h->own_whitelist);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < json_array_size(v); i++) {
                        char origin[300];
                        const char *text = json_string_value(json_array_get(v, i));
                        snprintf(origin, sizeof(origin), "host %s device_spec[%zu]", name, i);
                        if (!text)
                                return err_set(-EINVAL, "%s: must be a string", origin);
                        r = pci_whitelist_add(h->own_whitelist, text, origin, false);
                        if (r < 0)
                                return r;
                }
                wl = h->own_whitelist;
        }
        r = parse_claimed(h, json_object_get(report, "pci_claimed"), &claimed, &n_claimed);
        if (r < 0)
                return r;
        r = pci_pools_build(h->inventory, wl, claimed, n_claimed, &h->pools);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(h);
        return 0;
}

int host_state_claim(struct host_state *h, const struct pci_address *addrs, size_t n, bool claim)
{
        int r = pci_pools_claim(&h->pools, addrs, n, claim);
        return r < 0 ? err_prefix(r, "host %s", h->hostname) : 0;
}

void host_list_done(struct host_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                host_state_free(l->v[i]);
        free(l->v);
        *l = (struct host_list){0};
}

static int cmp_hostname(const void *a, const void *b)
{
        const struct host_state *const *x = a, *const *y = b;
        return strcmp((*x)->hostname, (*y)->hostname);
}

int host_list_from_json(const json_t *reports, const struct pci_whitelist *wl, struct host_list *ret)
{
        struct host_list l = {0};
        size_t n = json_array_size(reports);
        int r;

        if (!json_is_array(reports))
                return err_set(-EINVAL, "the host reports must be a JSON list");
        l.v = calloc(n + 1, sizeof(*l.v));
        if (!l.v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                r = host_state_from_json(json_array_get(reports, i), wl, &l.v[i]);
                if (r < 0) {
                        host_list_done(&l);
                        return r;
                }
                l.n++;
        }
        /* Duplicate names, found on a sorted copy (reports can be many). */
        _cleanup_free_ struct host_state **sorted = calloc(n + 1, sizeof(*sorted));
        if (!sorted) {
                host_list_done(&l);
                return -ENOMEM;
        }
        memcpy(sorted, l.v, n * sizeof(*sorted));
        qsort(sorted, n, sizeof(*sorted), cmp_hostname);
        for (size_t i = 0; i + 1 < n; i++)
                if (streq(sorted[i]->hostname, sorted[i + 1]->hostname)) {
                        r = err_set(-EINVAL, "host %s is reported twice", sorted[i]->hostname);
                        host_list_done(&l);
                        return r;
                }
        *ret = l;
        return 0;
}
