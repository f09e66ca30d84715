/* The filters (nova/scheduler/filters/) and their explanations. */
#include <ctype.h>
#include <string.h>

#include "base/error.h"
#include "compute/filter.h"

double sched_cpu_ratio(const struct sched_config *c, const struct host_state *h)
{
        return h->cpu_allocation_ratio > 0 ? h->cpu_allocation_ratio : c->cpu_allocation_ratio;
}

double sched_ram_ratio(const struct sched_config *c, const struct host_state *h)
{
        return h->ram_allocation_ratio > 0 ? h->ram_allocation_ratio : c->ram_allocation_ratio;
}

double sched_disk_ratio(const struct sched_config *c, const struct host_state *h)
{
        return h->disk_allocation_ratio > 0 ? h->disk_allocation_ratio : c->disk_allocation_ratio;
}

/* floor() without libm. */
static long floor_long(double d)
{
        long l = (long)d;
        return d < (double)l ? l - 1 : l;
}

static void plural(struct strbuf *out, unsigned count, const char *one, const char *many)
{
        strbuf_append(out, count == 1 ? one : many);
}

/* RetryFilter: not a host an earlier attempt of this boot already tried. */
static bool retry_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        for (char **t = ctx->req->tried_hosts; t && *t; t++)
                if (streq(*t, h->hostname))
                        return false;
        return true;
}

static void retry_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out)
{
        plural(out, count, " was already tried for this instance", " were already tried for this instance");
}

/* AvailabilityZoneFilter. */
static bool az_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        const char *want = ctx->req->availability_zone;
        const char *have = h->availability_zone ? h->availability_zone : ctx->config->default_availability_zone;
        return !want || streq(want, have);
}

static void az_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out)
{
        plural(out, count, " is", " are");
        strbuf_printf(out, " not in availability zone '%s'", ctx->req->availability_zone);
}

/* ComputeFilter: the service is enabled and up. */
enum { COMPUTE_DISABLED, COMPUTE_DOWN };

static bool compute_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        if (!h->enabled) {
                v->reason = COMPUTE_DISABLED;
                return false;
        }
        if (!h->up) {
                v->reason = COMPUTE_DOWN;
                return false;
        }
        return true;
}

static void compute_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count,
                             struct strbuf *out)
{
        if (v->reason == COMPUTE_DISABLED)
                plural(out, count, " has its compute service disabled", " have their compute service disabled");
        else
                plural(out, count, " has its compute service down", " have their compute service down");
}

/* RamFilter / CoreFilter / DiskFilter (removed from nova, where placement
 * took over): fit with the allocation ratios. */
static bool ram_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        double usable = (double)h->memory_mb * sched_ram_ratio(ctx->config, h) - (double)h->memory_mb_used;
        v->aux = floor_long(usable);
        return usable >= (double)ctx->req->memory_mb;
}

static void ram_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out)
{
        plural(out, count, " has", " have");
        strbuf_printf(out, " less than %u MB of RAM free (with ram_allocation_ratio; most free: %ld MB)",
                      ctx->req->memory_mb, v->aux < 0 ? 0 : v->aux);
}

static bool core_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        double free_vcpus;

        if (h->vcpus == 0) /* nova: a host that reports no vCPUs is not judged */
                return true;
        free_vcpus = (double)h->vcpus * sched_cpu_ratio(ctx->config, h) - (double)h->vcpus_used;
        v->aux = floor_long(free_vcpus);
        return free_vcpus >= (double)ctx->req->vcpus;
}

static void core_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out)
{
        plural(out, count, " has", " have");
        strbuf_printf(out, " fewer than %u vCPUs free (with cpu_allocation_ratio; most free: %ld)", ctx->req->vcpus,
                      v->aux < 0 ? 0 : v->aux);
}

static bool disk_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        double free_gb = (double)h->disk_gb * sched_disk_ratio(ctx->config, h) - (double)h->disk_gb_used;
        v->aux = floor_long(free_gb);
        return free_gb >= (double)ctx->req->disk_gb;
}

static void disk_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out)
{
        plural(out, count, " has", " have");
        strbuf_printf(out, " less than %u GB of disk free (with disk_allocation_ratio; most free: %ld GB)",
                      ctx->req->disk_gb, v->aux < 0 ? 0 : v->aux);
}

/* ComputeCapabilitiesFilter: flavor extra specs "capabilities:PATH" (and
 * unscoped keys the host has) against the host's capabilities. */
static char *cap_text(const json_t *v)
{
        char *s = NULL;
        if (json_is_string(v))
                return strdup(json_string_value(v));
        if (json_is_true(v))
                return strdup("True");
        if (json_is_false(v))
                return strdup("False");
        if (json_is_integer(v)) {
                if (asprintf(&s, "%lld", (long long)json_integer_value(v)) < 0)
                        return NULL;
                return s;
        }
        if (json_is_real(v)) {
                if (asprintf(&s, "%.17g", json_real_value(v)) < 0)
                        return NULL;
                return s;
        }
        return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Host attributes nova's filter can read besides the capabilities. */
static char *host_attr(const struct filter_ctx *ctx, const struct host_state *h, const char *name)
{
        char *s = NULL;
        long long v;

        if (streq(name, "free_ram_mb"))
                v = h->memory_mb - h->memory_mb_used;
        else if (streq(name, "total_usable_ram_mb"))
                v = h->memory_mb;
        else if (streq(name, "free_disk_mb"))
                v = (h->disk_gb - h->disk_gb_used) * 1024;
        else if (streq(name, "vcpus_total"))
                v = h->vcpus;
        else if (streq(name, "vcpus_used"))
                v = h->vcpus_used;
        else if (streq(name, "host") || streq(name, "nodename"))
                return strdup(h->hostname);
        else
                return NULL;
        if (asprintf(&s, "%lld", v) < 0)
                return NULL;
        return s;
}

/* The capability at a ':'-separated path, as text, or NULL. */
static char *capability(const struct filter_ctx *ctx, const struct host_state *h, const char *path)
{
        _cleanup_free_ char *copy = strdup(path);
        const json_t *cur = h->capabilities;
        char *save = NULL, *part;
        bool first = true;

        if (!copy)
                return NULL;
        for (part = strtok_r(copy, ":", &save); part; part = strtok_r(NULL, ":", &save)) {
                const json_t *next = json_is_object(cur) ? json_object_get(cur, part) : NULL;
                if (!next && first && !save[0])
                        return host_attr(ctx, h, part);
                if (!next || json_is_null(next))
                        return NULL;
                cur = next;
                first = false;
        }
        return cur ? cap_text(cur) : NULL;
}

static bool caps_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        const char *key;
        json_t *val;
        int idx = 0;

        json_object_foreach(ctx->req->extra_specs, key, val) {
                const char *path = key;
                _cleanup_free_ char *have = NULL;

                idx++;
                if (!json_is_string(val))
                        continue;
                if (strchr(key, ':')) {
                        if (!strneq(key, "capabilities:", 13))
                                continue;
                        path = key + 13;
                } else {
                        /* Unscoped keys count only when the host has them. */
                        have = capability(ctx, h, key);
                        if (!have)
                                continue;
                }
                if (!have)
                        have = capability(ctx, h, path);
                if (!have || !sched_extra_spec_match(have, json_string_value(val))) {
                        v->sub = idx - 1;
                        v->reason = have ? 1 : 0;
                        return false;
                }
        }
        return true;
}

static void caps_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out)
{
        const char *key;
        json_t *val;
        int idx = 0;

        json_object_foreach(ctx->req->extra_specs, key, val) {
                if (idx++ != v->sub)
                        continue;
                if (v->reason == 0)
                        strbuf_printf(out, " %s no %s to compare with %s='%s'", count == 1 ? "has" : "have",
                                      strneq(key, "capabilities:", 13) ? key + 13 : key, key,
                                      json_string_value(val));
                else
                        strbuf_printf(out, " %s not satisfy %s='%s'", count == 1 ? "does" : "do", key,
                                      json_string_value(val));
                return;
        }
}

bool sched_extra_spec_match(const char *value, const char *req)
{
        char *words[64];
        size_t n = 0;
        _cleanup_free_ char *copy = strdup(req ? req : "");
        char *save = NULL;

        if (!copy)
                return false;
        for (char *w = strtok_r(copy, " \t\n\r\f\v", &save); w && n < ARRAY_SIZE(words);
             w = strtok_r(NULL, " \t\n\r\f\v", &save))
                words[n++] = w;
        static const char *const float_ops[] = {"=", "==", "!=", ">=", "<="};
        static const char *const str_ops[] = {"s==", "s!=", "s<", "s<=", "s>", "s>="};
        const char *op = n ? words[0] : NULL;
        int kind = 0; /* 1 float, 2 string, 3 <in>, 4 <all-in>, 5 <or> */

        for (size_t i = 0; op && i < ARRAY_SIZE(float_ops); i++)
                if (streq(op, float_ops[i]))
                        kind = 1;
        for (size_t i = 0; op && i < ARRAY_SIZE(str_ops); i++)
                if (streq(op, str_ops[i]))
                        kind = 2;
        if (op && streq(op, "<in>"))
                kind = 3;
        if (op && streq(op, "<all-in>"))
                kind = 4;
        if (op && streq(op, "<or>"))
                kind = 5;
        if (kind == 0)
                return value && req && streq(value, req);
        if (!value)
                return false;
        if (kind == 5) {
                /* "<or> v1 <or> v2 ...": every other word is a value. */
                for (size_t i = 1; i < n; i += 2)
                        if (streq(words[i], value))
                                return true;
                return false;
        }
        if (n < 2)
                return false;
        if (kind == 4) {
                for (size_t i = 1; i < n; i++)
                        if (!strstr(value, words[i]))
                                return false;
                return true;
        }
        if (kind == 3)
                return strstr(value, words[1]) != NULL;
        if (kind == 2) {
                int c = strcmp(value, words[1]);
                return streq(op, "s==") ? c == 0 : streq(op, "s!=") ? c != 0 : streq(op, "s<") ? c < 0
                       : streq(op, "s<=")                              ? c <= 0
                       : streq(op, "s>")                               ? c > 0
                                                                       : c >= 0;
        }
        /* Python float(): surrounding blanks allowed; anything else does not match. */
        char *end1, *end2;
        double x = strtod(value, &end1), y = strtod(words[1], &end2);
        while (isspace((unsigned char)*end1))
                end1++;
        if (end1 == value || *end1 || end2 == words[1] || *end2)
                return false;
        if (streq(op, "=") || streq(op, ">="))
                return x >= y; /* nova's '=' means "at least" */
        if (streq(op, "=="))
                return x == y;
        if (streq(op, "!="))
                return x != y;
        return x <= y;
}

/* ImagePropertiesFilter: the image's architecture, hypervisor type and VM
 * mode against the host's supported instances. */
static char *canonical(const char *v, int which)
{
        char *s = v ? strdup(v) : NULL;
        for (char *p = s; p && *p; p++)
                *p = (char)tolower((unsigned char)*p);
        if (!s)
                return NULL;
        const char *rep = NULL;
        if (which == 0 && (streq(s, "i386") || streq(s, "i486") || streq(s, "i586") || streq(s, "x86_32")))
                rep = "i686";
        else if (which == 0 && (streq(s, "amd64") || streq(s, "x64")))
                rep = "x86_64";
        else if (which == 1 && streq(s, "xapi"))
                rep = "xen";
        else if (which == 2 && streq(s, "pv"))
                rep = "xen";
        else if (which == 2 && (streq(s, "hv") || streq(s, "baremetal")))
                rep = "hvm";
        if (rep) {
                free(s);
                s = strdup(rep);
        }
        return s;
}

static const char *image_prop(const json_t *props, const char *name, const char *old_name)
{
        const char *v = json_string_value(json_object_get(props, name));
        return v ? v : json_string_value(json_object_get(props, old_name));
}

enum { IMAGE_NO_SUPPORTED_INSTANCES, IMAGE_UNSUPPORTED };

int sched_image_wants(struct filter_ctx *ctx)
{
        const json_t *props = ctx->req->image_props;
        const char *v[3] = {image_prop(props, "hw_architecture", "architecture"),
                            image_prop(props, "img_hv_type", "hypervisor_type"),
                            image_prop(props, "hw_vm_mode", "vm_mode")};

        for (int k = 0; k < 3; k++)
                if (v[k] && !(ctx->image_want[k] = canonical(v[k], k)))
                        return -ENOMEM;
        return 0;
}

void sched_image_wants_done(struct filter_ctx *ctx)
{
        for (int k = 0; k < 3; k++) {
                free(ctx->image_want[k]);
                ctx->image_want[k] = NULL;
        }
}

static bool image_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        char *const *want = ctx->image_want;

        if (!want[0] && !want[1] && !want[2])
                return true;
        if (h->n_supported_instances == 0) {
                v->reason = IMAGE_NO_SUPPORTED_INSTANCES;
                return false;
        }
        v->reason = IMAGE_UNSUPPORTED;
        /* nova checks each wanted value against the whole triple. */
        for (size_t i = 0; i < h->n_supported_instances; i++) {
                bool all = true;
                for (int k = 0; k < 3 && all; k++) {
                        if (!want[k])
                                continue;
                        bool in = false;
                        for (int m = 0; m < 3 && !in; m++)
                                in = streq(want[k], h->supported_inline_ok ? h->supported_inline[i][m]
                                                                           : h->supported_instances[i][m]);
                        all = in;
                }
                if (all)
                        return true;
        }
        return false;
}

static void image_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count,
                           struct strbuf *out)
{
        const json_t *props = ctx->req->image_props;
        const char *names[3][2] = {{"hw_architecture", "architecture"},
                                   {"img_hv_type", "hypervisor_type"},
                                   {"hw_vm_mode", "vm_mode"}};
        bool first = true;

        if (v->reason == IMAGE_NO_SUPPORTED_INSTANCES)
                strbuf_append(out, count == 1 ? " reports no supported instance types for the image's "
                                              : " report no supported instance types for the image's ");
        else
                strbuf_append(out, count == 1 ? " does not support the image's " : " do not support the image's ");
        for (int k = 0; k < 3; k++) {
                const char *val = image_prop(props, names[k][0], names[k][1]);
                if (!val)
                        continue;
                strbuf_printf(out, "%s%s=%s", first ? "" : ", ", names[k][0], val);
                first = false;
        }
}

/* PciPassthroughFilter. */
static bool next_combination(int *idx, size_t k, size_t n)
{
        for (size_t i = k; i-- > 0;)
                if ((size_t)idx[i] < n - k + i) {
                        idx[i]++;
                        for (size_t j = i + 1; j < k; j++)
                                idx[j] = idx[j - 1] + 1;
                        return true;
                }
        return false;
}

bool sched_host_fit_pci(const struct filter_ctx *ctx, const struct host_state *h, struct pci_address *take,
                        struct pci_fit_result *res)
{
        const struct sched_request *req = ctx->req;
        unsigned local[64], *scratch = h->pools.n <= ctx->scratch_n ? ctx->scratch : NULL;
        _cleanup_free_ unsigned *heap = NULL;
        bool ok;

        if (!scratch && h->pools.n <= ARRAY_SIZE(local))
                scratch = local;
        if (!scratch) {
                heap = calloc(h->pools.n, sizeof(unsigned));
                if (!heap) {
                        *res = (struct pci_fit_result){.fit = PCI_FIT_NOT_ENOUGH};
                        return false;
                }
                scratch = heap;
        }
        if (req->numa_nodes == 0 || h->n_cells == 0)
                return pci_pools_fit(&h->pools, &req->pci, NULL, scratch, take, res);
        /* What fails even without NUMA is the better explanation. */
        if (!pci_pools_fit(&h->pools, &req->pci, NULL, scratch, NULL, res))
                return false;
        if (h->n_cells < req->numa_nodes || req->numa_nodes > 16) {
                *res = (struct pci_fit_result){.fit = PCI_FIT_NUMA};
                return false;
        }
        /* The instance's cells: the first combination of host cells whose
         * devices satisfy the policies. */
        int idx[16], cells[16];
        struct pci_fit_result first = {0}, cur;
        bool have_first = false;
        for (size_t i = 0; i < req->numa_nodes; i++)
                idx[i] = (int)i;
        do {
                for (size_t i = 0; i < req->numa_nodes; i++)
                        cells[i] = h->cell_ids[idx[i]];
                struct pci_numa_ctx numa = {cells, req->numa_nodes, h->cell_ids, h->cell_sockets, h->n_cells};
                ok = pci_pools_fit(&h->pools, &req->pci, &numa, scratch, take, &cur);
                if (ok) {
                        *res = cur;
                        return true;
                }
                if (!have_first || cur.fit == PCI_FIT_NUMA) {
                        first = cur;
                        have_first = true;
                }
        } while (next_combination(idx, req->numa_nodes, h->n_cells));
        *res = first;
        return false;
}

static bool pci_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        struct pci_fit_result res;

        if (ctx->req->pci.n == 0)
                return true;
        if (sched_host_fit_pci(ctx, h, NULL, &res))
                return true;
        v->reason = res.fit;
        v->sub = (int)res.request;
        v->aux = res.free;
        return false;
}

static void pci_describe(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out)
{
        const struct pci_request *r = &ctx->req->pci.v[v->sub];
        _cleanup_free_ char *what = pci_request_describe(r);

        switch (v->reason) {
        case PCI_FIT_NO_DEVICE:
        case PCI_FIT_ALL_CLAIMED:
                /* Merged into one sentence by the caller; see sched_explain. */
                strbuf_printf(out, " %s no free %s", count == 1 ? "has" : "have", what);
                break;
        case PCI_FIT_NOT_ENOUGH:
                strbuf_printf(out, " %s too few free %s: %u wanted, at most %ld free", count == 1 ? "has" : "have",
                              what, r->count, v->aux);
                break;
        case PCI_FIT_NUMA:
                strbuf_printf(out, " %s no free %s on the instance's NUMA node%s (numa_policy %s)",
                              count == 1 ? "has" : "have", what, ctx->req->numa_nodes > 1 ? "s" : "",
                              pci_numa_policy_to_string(r->numa_policy));
                break;
        case PCI_FIT_TOGETHER:
                strbuf_printf(out, " cannot fit all %zu PCI requests of the instance together (each fits alone)",
                              ctx->req->pci.n);
                break;
        }
}

/* Server groups do not exist in vfnet: nothing to check. */
static bool noop_passes(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v)
{
        return true;
}

static const struct sched_filter filters[] = {
        {"RetryFilter", true, false, retry_passes, retry_describe},
        {"AvailabilityZoneFilter", false, false, az_passes, az_describe},
        {"ComputeFilter", false, false, compute_passes, compute_describe},
        {"RamFilter", true, false, ram_passes, ram_describe},
        {"CoreFilter", true, false, core_passes, core_describe},
        {"DiskFilter", true, false, disk_passes, disk_describe},
        {"ComputeCapabilitiesFilter", false, false, caps_passes, caps_describe},
        {"ImagePropertiesFilter", false, false, image_passes, image_describe},
        {"PciPassthroughFilter", false, false, pci_passes, pci_describe},
        {"ServerGroupAffinityFilter", false, true, noop_passes, NULL},
        {"ServerGroupAntiAffinityFilter", false, true, noop_passes, NULL},
};

const char *const sched_filter_names[] = {
        "RetryFilter", "AvailabilityZoneFilter", "ComputeFilter", "RamFilter", "CoreFilter", "DiskFilter",
        "ComputeCapabilitiesFilter", "ImagePropertiesFilter", "PciPassthroughFilter", "ServerGroupAffinityFilter",
        "ServerGroupAntiAffinityFilter", NULL,
};

const struct sched_filter *sched_filter_find(const char *name)
{
        /* nova.scheduler.filters.<module>.<Class> paths name the same classes. */
        const char *dot = strrchr(name, '.');
        if (dot)
                name = dot + 1;
        for (size_t i = 0; i < ARRAY_SIZE(filters); i++)
                if (streq(filters[i].name, name))
                        return &filters[i];
        return NULL;
}
