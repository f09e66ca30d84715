#include <string.h>

#include "base/error.h"
#include "base/ini.h"
#include "base/output.h"
#include "base/strbuf.h"
#include "compute/filter.h"

/* Nova's defaults where vfnet has no placement to ask: cpu 4.0, ram and
 * disk 1.0 (initial_*_allocation_ratio). */
int sched_config_new(struct sched_config **ret)
{
        struct sched_config *c = calloc(1, sizeof(*c));
        static const char *const defaults[] = {"AvailabilityZoneFilter", "ComputeFilter",
                                               "ComputeCapabilitiesFilter", "ImagePropertiesFilter",
                                               "PciPassthroughFilter"};
        int r;

        if (!c)
                return -ENOMEM;
        *c = (struct sched_config){.ram_weight_multiplier = 1.0, .cpu_weight_multiplier = 1.0,
                                   .pci_weight_multiplier = 1.0, .host_subset_size = 1, .max_attempts = 3,
                                   .cpu_allocation_ratio = 4.0, .ram_allocation_ratio = 1.0,
                                   .disk_allocation_ratio = 1.0};
        c->default_availability_zone = strdup("nova");
        c->warnings = calloc(1, sizeof(char *));
        c->filters = calloc(ARRAY_SIZE(defaults), sizeof(*c->filters));
        if (!c->default_availability_zone || !c->warnings || !c->filters ||
            (r = pci_whitelist_new(&c->whitelist)) < 0 || (r = pci_aliases_new(&c->aliases)) < 0) {
                sched_config_free(c);
                return -ENOMEM;
        }
        for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
                c->filters[c->n_filters++] = sched_filter_find(defaults[i]);
        *ret = c;
        return 0;
}

void sched_config_free(struct sched_config *c)
{
        if (!c)
                return;
        free(c->filters);
        free(c->default_availability_zone);
        pci_whitelist_free(c->whitelist);
        pci_aliases_free(c->aliases);
        strv_free(c->warnings);
        free(c);
}

static int add_warning(struct sched_config *c, const char *fmt, ...) _printf_(2, 3);
static int add_warning(struct sched_config *c, const char *fmt, ...)
{
        size_t n = 0;
        char *msg = NULL, **nw;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        while (c->warnings[n])
                n++;
        nw = realloc(c->warnings, (n + 2) * sizeof(char *));
        if (!nw) {
                free(msg);
                return -ENOMEM;
        }
        c->warnings = nw;
        c->warnings[n] = msg;
        c->warnings[n + 1] = NULL;
        return 0;
}

int sched_config_set_filters(struct sched_config *c, char *const *names, const char *origin)
{
        size_t n = 0;
        const struct sched_filter **f;

        while (names[n])
                n++;
        f = calloc(n + 1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                f[i] = sched_filter_find(names[i]);
                if (!f[i]) {
                        _cleanup_strbuf_ struct strbuf known = STRBUF_INIT;
                        for (const char *const *k = sched_filter_names; *k; k++)
                                strbuf_printf(&known, "%s%s", k == sched_filter_names ? "" : ", ", *k);
                        free(f);
                        return err_set(-EINVAL, "%s%sunknown scheduler filter '%s' (known: %s)", origin ? origin : "",
                                       origin ? ": " : "", names[i], strbuf_str(&known));
                }
                if (f[i]->legacy)
                        add_warning(c, "%s%s%s was removed from nova; vfnet keeps its meaning", origin ? origin : "",
                                    origin ? ": " : "", f[i]->name);
                if (f[i]->noop)
                        add_warning(c, "%s%s%s has nothing to check in vfnet (no server groups) and passes every host",
                                    origin ? origin : "", origin ? ": " : "", f[i]->name);
        }
        bool has_pci = false;
        for (size_t i = 0; i < n; i++)
                has_pci = has_pci || streq(f[i]->name, "PciPassthroughFilter");
        if (!has_pci)
                add_warning(c, "%s%sPciPassthroughFilter is not enabled: vfnet applies it anyway to boots that "
                               "ask for PCI devices",
                            origin ? origin : "", origin ? ": " : "");
        free(c->filters);
        c->filters = f;
        c->n_filters = n;
        return 0;
}

/* The first of several option names that is set: the current name, then
 * its old ones.  Returns the section/key pair found, or the first. */
static const char *const *pick_option(const struct ini *ini, const char *const (*names)[2], size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (ini_get(ini, names[i][0], names[i][1]))
                        return names[i];
        return names[0];
}

static int get_double(const struct ini *ini, const char *const (*names)[2], size_t n, double def, double min,
                      double *ret)
{
        const char *const *o = pick_option(ini, names, n);
        const char *v = ini_get(ini, o[0], o[1]);
        char *end;
        double d;

        if (!v || !v[0]) {
                *ret = def;
                return 0;
        }
        d = strtod(v, &end);
        if (end == v || *end || d < min || d != d)
                return err_set(-EINVAL, "%s: [%s] %s = '%s' is not a number >= %g", ini_origin(ini, o[0], o[1]), o[0],
                               o[1], v, min);
        *ret = d;
        return 0;
}

static int get_long(const struct ini *ini, const char *const (*names)[2], size_t n, long def, long min, long max,
                    long *ret)
{
        const char *const *o = pick_option(ini, names, n);
        return ini_get_int(ini, o[0], o[1], def, min, max, ret);
}

int sched_config_from_ini(const struct ini *ini, struct sched_config **ret)
{
        static const char *const filters_opt[][2] = {{"filter_scheduler", "enabled_filters"},
                                                     {"DEFAULT", "scheduler_default_filters"}};
        static const char *const subset_opt[][2] = {{"filter_scheduler", "host_subset_size"},
                                                    {"DEFAULT", "scheduler_host_subset_size"}};
        static const char *const attempts_opt[][2] = {{"scheduler", "max_attempts"},
                                                      {"DEFAULT", "scheduler_max_attempts"}};
        static const char *const ram_w[][2] = {{"filter_scheduler", "ram_weight_multiplier"},
                                               {"DEFAULT", "ram_weight_multiplier"}};
        static const char *const cpu_w[][2] = {{"filter_scheduler", "cpu_weight_multiplier"},
                                               {"DEFAULT", "cpu_weight_multiplier"}};
        static const char *const pci_w[][2] = {{"filter_scheduler", "pci_weight_multiplier"}};
        static const char *const cpu_r[][2] = {{"DEFAULT", "cpu_allocation_ratio"},
                                               {"DEFAULT", "initial_cpu_allocation_ratio"}};
        static const char *const ram_r[][2] = {{"DEFAULT", "ram_allocation_ratio"},
                                               {"DEFAULT", "initial_ram_allocation_ratio"}};
        static const char *const disk_r[][2] = {{"DEFAULT", "disk_allocation_ratio"},
                                                {"DEFAULT", "initial_disk_allocation_ratio"}};
        struct sched_config *c = NULL;
        long l;
        int r;

        r = sched_config_new(&c);
        if (r < 0)
                return r;
        const char *const *fo = pick_option(ini, filters_opt, ARRAY_SIZE(filters_opt));
        if (ini_get(ini, fo[0], fo[1])) {
                _cleanup_strv_free_ char **names = NULL;
                r = ini_get_list(ini, fo[0], fo[1], &names);
                if (r >= 0)
                        r = sched_config_set_filters(c, names, ini_origin(ini, fo[0], fo[1]));
                if (r < 0)
                        goto fail;
        }
        if ((r = get_long(ini, subset_opt, 2, 1, 1, 1000, &l)) < 0)
                goto fail;
        c->host_subset_size = (unsigned)l;
        if ((r = get_long(ini, attempts_opt, 2, 3, 1, 1000, &l)) < 0)
                goto fail;
        c->max_attempts = (unsigned)l;
        if ((r = get_double(ini, ram_w, 2, 1.0, -1e6, &c->ram_weight_multiplier)) < 0 ||
            (r = get_double(ini, cpu_w, 2, 1.0, -1e6, &c->cpu_weight_multiplier)) < 0 ||
            (r = get_double(ini, pci_w, 1, 1.0, 0, &c->pci_weight_multiplier)) < 0 ||
            (r = get_double(ini, cpu_r, 2, 4.0, 0.0001, &c->cpu_allocation_ratio)) < 0 ||
            (r = get_double(ini, ram_r, 2, 1.0, 0.0001, &c->ram_allocation_ratio)) < 0 ||
            (r = get_double(ini, disk_r, 2, 1.0, 0.0001, &c->disk_allocation_ratio)) < 0)
                goto fail;
        const char *az = ini_get(ini, "DEFAULT", "default_availability_zone");
        if (az && az[0]) {
                free(c->default_availability_zone);
                if (!(c->default_availability_zone = strdup(az))) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        pci_whitelist_free(c->whitelist);
        c->whitelist = NULL;
        if ((r = pci_whitelist_from_ini(ini, &c->whitelist)) < 0)
                goto fail;
        pci_aliases_free(c->aliases);
        c->aliases = NULL;
        if ((r = pci_aliases_from_ini(ini, &c->aliases)) < 0)
                goto fail;
        *ret = c;
        return 0;
fail:
        sched_config_free(c);
        return r;
}

void sched_request_done(struct sched_request *r)
{
        json_decref(r->extra_specs);
        json_decref(r->image_props);
        free(r->availability_zone);
        pci_requests_done(&r->pci);
        strv_free(r->tried_hosts);
        *r = (struct sched_request){0};
}

static int flavor_count(const json_t *flavor, const char *key, unsigned max, unsigned *ret)
{
        const json_t *v = json_object_get(flavor, key);
        if (!v) {
                *ret = 0;
                return 0;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
                return err_set(-EINVAL, "flavor: '%s' must be an integer from 0 to %u", key, max);
        *ret = (unsigned)json_integer_value(v);
        return 0;
}

int sched_request_build(const struct sched_config *c, const json_t *flavor, const json_t *image_props,
                        const json_t *ports, const char *az, struct sched_request *ret)
{
        struct sched_request r = {0};
        const json_t *specs, *v;
        int policy = -1, k;

        if (!json_is_object(flavor))
                return err_set(-EINVAL, "flavor: expected an object with vcpus, ram, disk, extra_specs");
        if ((k = flavor_count(flavor, "vcpus", 1u << 20, &r.vcpus)) < 0 ||
            (k = flavor_count(flavor, "ram", 1u << 30, &r.memory_mb)) < 0 ||
            (k = flavor_count(flavor, "disk", 1u << 30, &r.disk_gb)) < 0)
                return k;
        specs = json_object_get(flavor, "extra_specs");
        if (specs && !json_is_object(specs))
                return err_set(-EINVAL, "flavor: 'extra_specs' must be an object");
        r.extra_specs = specs ? json_incref((json_t *)specs) : json_object();
        if (image_props && !json_is_object(image_props)) {
                sched_request_done(&r);
                return err_set(-EINVAL, "image properties must be an object");
        }
        r.image_props = image_props ? json_incref((json_t *)image_props) : NULL;
        if (az && !(r.availability_zone = strdup(az)))
                goto oom;

        const char *pol = json_string_value(json_object_get(r.extra_specs, "hw:pci_numa_affinity_policy"));
        if (!pol && r.image_props)
                pol = json_string_value(json_object_get(r.image_props, "hw_pci_numa_affinity_policy"));
        if (pol && (policy = pci_numa_policy_from_string(pol)) < 0) {
                sched_request_done(&r);
                return err_set(-EINVAL, "hw:pci_numa_affinity_policy '%s' is not one of required, legacy, "
                                        "preferred, socket",
                               pol);
        }
        const char *nodes = json_string_value(json_object_get(r.extra_specs, "hw:numa_nodes"));
        if (nodes) {
                char *end;
                unsigned long n = strtoul(nodes, &end, 10);
                if (end == nodes || *end || n < 1 || n > 16) {
                        sched_request_done(&r);
                        return err_set(-EINVAL, "hw:numa_nodes '%s' must be a number from 1 to 16", nodes);
                }
                r.numa_nodes = (unsigned)n;
        }

        /* The flavor's alias requests, then one per SR-IOV port, in nova's
         * order: consumption follows it. */
        const char *alias = json_string_value(json_object_get(r.extra_specs, "pci_passthrough:alias"));
        if (alias) {
                k = pci_requests_from_alias_spec(c->aliases, alias, policy, &r.pci);
                if (k < 0) {
                        sched_request_done(&r);
                        return k;
                }
        }
        if (ports && !json_is_array(ports)) {
                sched_request_done(&r);
                return err_set(-EINVAL, "ports must be a list of Neutron port objects");
        }
        for (size_t i = 0; i < json_array_size(ports); i++) {
                const json_t *p = json_array_get(ports, i), *prof;
                if (json_object_get(p, "port"))
                        p = json_object_get(p, "port");
                prof = json_object_get(p, "binding:profile");
                v = json_object_get(prof, "trusted");
                struct pci_port port = {
                        .id = json_string_value(json_object_get(p, "id")),
                        .vnic_type = json_string_value(json_object_get(p, "binding:vnic_type")),
                        .physical_network = json_string_value(json_object_get(p, "provider:physical_network")),
                        .numa_affinity_policy = json_string_value(json_object_get(p, "numa_affinity_policy")),
                        .trusted = -1,
                };
                if (!port.vnic_type)
                        port.vnic_type = "normal";
                if (v && !json_is_null(v)) {
                        const char *s = json_string_value(v);
                        if (json_is_boolean(v))
                                port.trusted = json_is_true(v);
                        else if (s && (strcasecmp(s, "true") == 0 || streq(s, "1") || strcasecmp(s, "yes") == 0 ||
                                       strcasecmp(s, "on") == 0 || strcasecmp(s, "t") == 0 || strcasecmp(s, "y") == 0))
                                port.trusted = 1;
                        else
                                port.trusted = 0;
                }
                k = pci_request_from_port(&port, policy, &r.pci);
                if (k < 0) {
                        sched_request_done(&r);
                        return k;
                }
        }
        *ret = r;
        return 0;
oom:
        sched_request_done(&r);
        return -ENOMEM;
}

void sched_format_count(unsigned long n, char buf[32])
{
        char tmp[32];
        int len = snprintf(tmp, sizeof(tmp), "%lu", n), o = 0;

        for (int i = 0; i < len; i++) {
                if (i > 0 && (len - i) % 3 == 0)
                        buf[o++] = ',';
                buf[o++] = tmp[i];
        }
        buf[o] = '\0';
}

void sched_result_done(struct sched_result *r)
{
        free(r->alternates);
        free(r->claim);
        for (size_t i = 0; i < r->n_filters; i++)
                strv_free(r->filters[i].reasons);
        free(r->filters);
        free(r->message);
        *r = (struct sched_result){.host = -1};
}

/* Groups of hosts one filter removed for the same reason. */
#define MAX_GROUPS 16
struct group {
        struct verdict v; /* v.aux: the largest figure in the group */
        unsigned count;
};

struct filter_tally {
        unsigned in, removed;
        struct group groups[MAX_GROUPS];
        size_t n_groups;
        unsigned other; /* removed hosts beyond MAX_GROUPS kinds */
};

static void tally(struct filter_tally *t, const struct verdict *v)
{
        t->removed++;
        for (size_t i = 0; i < t->n_groups; i++)
                if (t->groups[i].v.reason == v->reason && t->groups[i].v.sub == v->sub) {
                        t->groups[i].count++;
                        if (v->aux > t->groups[i].v.aux)
                                t->groups[i].v.aux = v->aux;
                        return;
                }
        if (t->n_groups < MAX_GROUPS)
                t->groups[t->n_groups++] = (struct group){*v, 1};
        else
                t->other++;
}

static int strv_push(char ***l, size_t *n, char *s)
{
        char **nl;
        if (!s)
                return -ENOMEM;
        nl = realloc(*l, (*n + 2) * sizeof(char *));
        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        *l = nl;
        nl[(*n)++] = s;
        nl[*n] = NULL;
        return 0;
}

/* "N of M hosts ..." sentences for one filter. */
static int explain_filter(const struct filter_ctx *ctx, const struct sched_filter *f, const struct filter_tally *t,
                          char ***ret)
{
        char **l = calloc(1, sizeof(char *));
        size_t n = 0;
        char in[32], cnt[32];
        int r;

        if (!l)
                return -ENOMEM;
        sched_format_count(t->in, in);
        for (size_t i = 0; i < t->n_groups; i++) {
                const struct group *g = &t->groups[i];
                _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
                unsigned count = g->count;
                const struct group *claimed = NULL;
                bool pci_nofree = streq(f->name, "PciPassthroughFilter") &&
                                  (g->v.reason == PCI_FIT_NO_DEVICE || g->v.reason == PCI_FIT_ALL_CLAIMED);

                if (pci_nofree) {
                        /* One sentence for "no device" and "all claimed" of one request. */
                        bool seen = false;
                        for (size_t j = 0; j < i; j++)
                                if (t->groups[j].v.sub == g->v.sub && (t->groups[j].v.reason == PCI_FIT_NO_DEVICE ||
                                                                       t->groups[j].v.reason == PCI_FIT_ALL_CLAIMED))
                                        seen = true;
                        if (seen)
                                continue;
                        for (size_t j = i; j < t->n_groups; j++) {
                                if (t->groups[j].v.sub != g->v.sub)
                                        continue;
                                if (t->groups[j].v.reason == PCI_FIT_ALL_CLAIMED)
                                        claimed = &t->groups[j];
                                if (j != i && (t->groups[j].v.reason == PCI_FIT_NO_DEVICE ||
                                               t->groups[j].v.reason == PCI_FIT_ALL_CLAIMED))
                                        count += t->groups[j].count;
                        }
                }
                sched_format_count(count, cnt);
                strbuf_printf(&sb, "%s: %s of %s %s", f->name, cnt, in, t->in == 1 ? "host" : "hosts");
                if (f->describe)
                        f->describe(ctx, &g->v, count, &sb);
                if (claimed) {
                        const struct pci_request *req = &ctx->req->pci.v[claimed->v.sub];
                        bool physnet;
                        (void)pci_request_value(req, "physical_network", &physnet);
                        sched_format_count(claimed->count, cnt);
                        strbuf_printf(&sb, " (%s %s %s%s, all claimed)", cnt, claimed->count == 1 ? "host has" : "hosts have",
                                      req->alias_name ? "such devices" : req->wants_pf ? "PFs" : "VFs",
                                      physnet && !req->alias_name ? " on it" : "");
                }
                r = strv_push(&l, &n, strbuf_steal(&sb));
                if (r < 0) {
                        strv_free(l);
                        return r;
                }
        }
        if (t->other) {
                char *s = NULL;
                sched_format_count(t->other, cnt);
                if (asprintf(&s, "%s: %s of %s hosts for other reasons", f->name, cnt, in) < 0)
                        s = NULL;
                if ((r = strv_push(&l, &n, s)) < 0) {
                        strv_free(l);
                        return r;
                }
        }
        *ret = l;
        return 0;
}

/* Nova's weights.normalize(): to [0, 1] over the hosts that passed. */
static void minmax(const double *w, size_t n, double *ret_min, double *ret_max)
{
        double lo = w[0], hi = w[0];
        for (size_t i = 1; i < n; i++) {
                if (w[i] < lo)
                        lo = w[i];
                if (w[i] > hi)
                        hi = w[i];
        }
        *ret_min = lo;
        *ret_max = hi;
}

#define PCI_WEIGHER_MAX_DEVS 100
#define PREFETCH_AHEAD 8

int sched_pass(const struct sched_config *c, struct host_state *const *hosts, size_t n_hosts,
               const struct sched_request *req, struct sched_result *ret)
{
        struct sched_result res = {.host = -1};
        _cleanup_free_ struct filter_tally *tallies = NULL;
        _cleanup_free_ size_t *passed = NULL;
        _cleanup_free_ double *w_ram = NULL, *w_cpu = NULL, *w_pci = NULL, *best_w = NULL;
        _cleanup_free_ size_t *best = NULL;
        _cleanup_free_ const struct sched_filter **filters = NULL;
        size_t n_filters = 0;
        unsigned scratch[64];
        struct filter_ctx ctx = {.config = c, .req = req, .scratch = scratch, .scratch_n = ARRAY_SIZE(scratch)};
        size_t n_passed = 0;
        int r = -ENOMEM;

        /* PCI requests are always checked: without PciPassthroughFilter in
         * the list the chosen host could have no device to claim. */
        const struct sched_filter *pci_filter = sched_filter_find("PciPassthroughFilter");
        filters = calloc(c->n_filters + 2, sizeof(*filters));
        if (!filters)
                goto fail;
        for (size_t f = 0; f < c->n_filters; f++) {
                filters[n_filters++] = c->filters[f];
                if (c->filters[f] == pci_filter)
                        pci_filter = NULL;
        }
        if (req->pci.n > 0 && pci_filter)
                filters[n_filters++] = pci_filter;

        if (sched_image_wants(&ctx) < 0)
                goto fail;
        tallies = calloc(n_filters + 1, sizeof(*tallies));
        passed = malloc((n_hosts + 1) * sizeof(size_t));
        w_ram = malloc((n_hosts + 1) * sizeof(double));
        w_cpu = malloc((n_hosts + 1) * sizeof(double));
        w_pci = malloc((n_hosts + 1) * sizeof(double));
        if (!tallies || !passed || !w_ram || !w_cpu || !w_pci)
                goto fail;

        for (size_t i = 0; i < n_hosts; i++) {
                const struct host_state *h = hosts[i];
                bool ok = true;

                /* Hosts are scattered on the heap and the pass is bound by
                 * memory: fetch the hot lines of a host a few iterations
                 * ahead (they are the first ones of struct host_state). */
                if (i + PREFETCH_AHEAD < n_hosts)
                        for (size_t line = 0; line < sizeof(struct host_state) && line < 6 * 64; line += 64)
                                __builtin_prefetch((const char *)hosts[i + PREFETCH_AHEAD] + line);
                for (size_t f = 0; f < n_filters; f++) {
                        struct verdict v = {0};
                        tallies[f].in++;
                        if (!filters[f]->passes(&ctx, h, &v)) {
                                tally(&tallies[f], &v);
                                ok = false;
                                break;
                        }
                }
                if (!ok)
                        continue;
                /* Raw weights (nova's RAMWeigher, CPUWeigher, PCIWeigher). */
                w_ram[n_passed] = (double)(h->memory_mb - h->memory_mb_used);
                w_cpu[n_passed] = (double)h->vcpus * sched_cpu_ratio(c, h) - (double)h->vcpus_used;
                w_pci[n_passed] = PCI_WEIGHER_MAX_DEVS -
                                  (double)(h->pools.free_total < PCI_WEIGHER_MAX_DEVS - 1 ? h->pools.free_total
                                                                                          : PCI_WEIGHER_MAX_DEVS - 1);
                passed[n_passed++] = i;
        }

        res.filters = calloc(n_filters + 1, sizeof(*res.filters));
        if (!res.filters)
                goto fail;
        res.n_filters = n_filters;
        for (size_t f = 0; f < n_filters; f++)
                res.filters[f] = (struct sched_filter_report){.filter = filters[f]->name,
                                                              .hosts_in = tallies[f].in,
                                                              .hosts_removed = tallies[f].removed};

        if (n_passed == 0) {
                _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
                strbuf_append(&sb, "No valid host was found. There are not enough hosts available.");
                if (n_hosts == 0)
                        strbuf_append(&sb, " No compute host has reported.");
                for (size_t f = 0; f < n_filters; f++) {
                        r = explain_filter(&ctx, filters[f], &tallies[f], &res.filters[f].reasons);
                        if (r < 0)
                                goto fail;
                        for (char **s = res.filters[f].reasons; *s; s++)
                                strbuf_printf(&sb, " %s.", *s);
                }
                res.message = strbuf_steal(&sb);
                if (!res.message)
                        goto fail;
                sched_image_wants_done(&ctx);
                *ret = res;
                return 0;
        }

        /* Normalise and sum; keep the best K in order (no full sort). */
        double lo_r, hi_r, lo_c, hi_c, lo_p, hi_p;
        minmax(w_ram, n_passed, &lo_r, &hi_r);
        minmax(w_cpu, n_passed, &lo_c, &hi_c);
        minmax(w_pci, n_passed, &lo_p, &hi_p);
        double sr = hi_r > lo_r ? c->ram_weight_multiplier / (hi_r - lo_r) : 0;
        double sc = hi_c > lo_c ? c->cpu_weight_multiplier / (hi_c - lo_c) : 0;
        double sp = hi_p > lo_p ? c->pci_weight_multiplier / (hi_p - lo_p) : 0;
        size_t k = c->host_subset_size + (c->max_attempts > 0 ? c->max_attempts - 1 : 0);
        if (k > n_passed)
                k = n_passed;
        best = calloc(k + 1, sizeof(size_t));
        best_w = calloc(k + 1, sizeof(double));
        size_t n_best = 0;
        if (!best || !best_w)
                goto fail;
        for (size_t i = 0; i < n_passed; i++) {
                double w = (w_ram[i] - lo_r) * sr + (w_cpu[i] - lo_c) * sc + (w_pci[i] - lo_p) * sp;
                size_t pos;
                if (n_best == k && w <= best_w[k - 1])
                        continue; /* ties keep the earlier host, like a stable sort */
                pos = n_best < k ? n_best : k - 1;
                while (pos > 0 && best_w[pos - 1] < w) {
                        if (pos < k) {
                                best[pos] = best[pos - 1];
                                best_w[pos] = best_w[pos - 1];
                        }
                        pos--;
                }
                best[pos] = i;
                best_w[pos] = w;
                if (n_best < k)
                        n_best++;
        }

        /* host_subset_size: one of the best N, by the request's seed. */
        size_t subset = c->host_subset_size < n_best ? c->host_subset_size : n_best;
        size_t pick = subset > 1 ? (size_t)(req->seed % subset) : 0;
        res.host = (int)passed[best[pick]];
        res.alternates = calloc(n_best + 1, sizeof(size_t));
        if (!res.alternates)
                goto fail;
        for (size_t i = 0; i < n_best && res.n_alternates + 1 < c->max_attempts; i++)
                if (i != pick)
                        res.alternates[res.n_alternates++] = passed[best[i]];

        /* The devices to claim on the chosen host. */
        size_t want = 0;
        for (size_t i = 0; i < req->pci.n; i++)
                want += req->pci.v[i].count;
        if (want) {
                struct pci_fit_result fit;
                res.claim = calloc(want, sizeof(*res.claim));
                if (!res.claim)
                        goto fail;
                if (!sched_host_fit_pci(&ctx, hosts[res.host], res.claim, &fit)) {
                        r = -EIO; /* the filter passed this host: cannot happen */
                        goto fail;
                }
                res.n_claim = want;
        }
        sched_image_wants_done(&ctx);
        *ret = res;
        return 0;
fail:
        sched_image_wants_done(&ctx);
        sched_result_done(&res);
        return r;
}

json_t *sched_result_to_json(const struct sched_result *r, struct host_state *const *hosts)
{
        json_t *o = json_object(), *alts = json_array(), *claim = json_array(), *filters = json_array();

        if (!o || !alts || !claim || !filters) {
                json_decref(o);
                json_decref(alts);
                json_decref(claim);
                json_decref(filters);
                return NULL;
        }
        json_object_set_new(o, "host", r->host >= 0 ? json_string(hosts[r->host]->hostname) : json_null());
        for (size_t i = 0; i < r->n_alternates; i++)
                json_array_append_new(alts, json_string(hosts[r->alternates[i]]->hostname));
        json_object_set_new(o, "alternates", alts);
        for (size_t i = 0; i < r->n_claim; i++) {
                char buf[PCI_ADDRESS_STRLEN];
                json_array_append_new(claim, json_string(pci_address_format(&r->claim[i], buf)));
        }
        json_object_set_new(o, "pci_claim", claim);
        for (size_t i = 0; i < r->n_filters; i++) {
                json_t *f = json_pack("{s:s, s:I, s:I}", "filter", r->filters[i].filter, "hosts_in",
                                      (json_int_t)r->filters[i].hosts_in, "hosts_removed",
                                      (json_int_t)r->filters[i].hosts_removed);
                json_t *reasons = json_array();
                for (char **s = r->filters[i].reasons; s && *s; s++)
                        json_array_append_new(reasons, json_string(*s));
                if (f)
                        json_object_set_new(f, "reasons", reasons);
                else
                        json_decref(reasons);
                json_array_append_new(filters, f);
        }
        json_object_set_new(o, "filters", filters);
        json_object_set_new(o, "message", r->message ? json_string(r->message) : json_null());
        return o;
}
