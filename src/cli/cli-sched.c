/* vfnet sched explain: one scheduling pass offline over host reports, and
 * vfnet pci match: which [pci] device_spec entry selects each device —
 * both read nova.conf as operators wrote it (docs/scheduler.md). */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/ini.h"
#include "base/log.h"
#include "cli/cli-http.h"
#include "cli/commands.h"
#include "compute/scheduler.h"

static const struct cli_command *find_cmd(int (*run)(struct cli_ctx *, int, char **))
{
        for (size_t i = 0; i < cli_n_commands; i++)
                if (cli_commands[i].run == run)
                        return &cli_commands[i];
        return NULL;
}

static int load_json(const char *path, json_t **ret)
{
        _cleanup_free_ char *text = NULL;
        json_error_t e;
        int r = read_full_file(path, 256 << 20, &text, NULL);

        if (r < 0)
                return err_set(r, "cannot read %s: %s", path, strerror(-r));
        *ret = json_loads(text, JSON_REJECT_DUPLICATES, &e);
        if (!*ret)
                return err_set(-EINVAL, "%s:%d:%d: %s", path, e.line, e.column, e.text);
        return 0;
}

/* "--name VALUE" at argv[*k]: 1 and *ret set when it is, 0 when not. */
static int take_value(const struct cli_command *cmd, int argc, char **argv, int *k, const char *name,
                      const char **ret)
{
        size_t n = strlen(name);

        if (strneq(argv[*k], name, n) && argv[*k][n] == '=') {
                *ret = argv[*k] + n + 1;
                return 1;
        }
        if (!streq(argv[*k], name))
                return 0;
        if (*k + 1 >= argc)
                return cli_usage_error(cmd, "%s needs a value", name);
        *ret = argv[++*k];
        return 1;
}

static int load_configs(char **paths, size_t n, bool warn, struct sched_config **ret)
{
        _cleanup_ini_ struct ini *ini = NULL;
        int r = ini_new(&ini);

        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = ini_load_file(ini, paths[i]);
                if (r < 0)
                        return r;
        }
        r = sched_config_from_ini(ini, ret);
        if (r < 0)
                return r;
        for (char **w = (*ret)->warnings; warn && *w; w++)
                log_warning("%s", *w);
        return 0;
}

static int append_ports(json_t *ports, json_t *doc, const char *path)
{
        json_t *list = json_object_get(doc, "ports");

        if (json_is_array(list) || json_is_array(doc)) {
                size_t i;
                json_t *p;
                json_array_foreach(json_is_array(doc) ? doc : list, i, p) json_array_append(ports, p);
                return 0;
        }
        if (!json_is_object(doc))
                return err_set(-EINVAL, "%s: expected a Neutron port object", path);
        json_array_append(ports, json_object_get(doc, "port") ? json_object_get(doc, "port") : doc);
        return 0;
}

int cli_sched_explain(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = find_cmd(cli_sched_explain);
        _cleanup_free_ char **configs = calloc((size_t)argc + 1, sizeof(char *));
        _cleanup_json_ json_t *ports = json_array(), *hosts_doc = NULL, *flavor_doc = NULL, *image_doc = NULL;
        struct sched_config *config = NULL;
        struct host_list hosts = {0};
        struct sched_request req = {0};
        struct sched_result res = {.host = -1};
        _cleanup_strv_free_ char **tried = calloc((size_t)argc + 1, sizeof(char *));
        const char *hosts_path = NULL, *flavor_path = NULL, *image_path = NULL, *az = NULL, *v;
        const char *token = getenv("OS_TOKEN");
        size_t n_configs = 0, n_tried = 0;
        int r;

        if (!configs || !ports || !tried)
                return -ENOMEM;
        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if ((r = take_value(cmd, argc, argv, &k, "--config", &v)) != 0) {
                        if (r < 0)
                                return r;
                        configs[n_configs++] = (char *)v;
                } else if ((r = take_value(cmd, argc, argv, &k, "--hosts", &hosts_path)) != 0 ||
                           (r = take_value(cmd, argc, argv, &k, "--flavor", &flavor_path)) != 0 ||
                           (r = take_value(cmd, argc, argv, &k, "--image", &image_path)) != 0 ||
                           (r = take_value(cmd, argc, argv, &k, "--az", &az)) != 0 ||
                           (r = take_value(cmd, argc, argv, &k, "--token", &token)) != 0) {
                        if (r < 0)
                                return r;
                } else if ((r = take_value(cmd, argc, argv, &k, "--port", &v)) != 0) {
                        _cleanup_json_ json_t *doc = NULL;
                        if (r < 0)
                                return r;
                        if ((r = load_json(v, &doc)) < 0 || (r = append_ports(ports, doc, v)) < 0)
                                return r;
                } else if ((r = take_value(cmd, argc, argv, &k, "--tried", &v)) != 0) {
                        if (r < 0)
                                return r;
                        if (!(tried[n_tried++] = strdup(v)))
                                return -ENOMEM;
                } else
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[k]);
        }
        if (!hosts_path || !flavor_path)
                return cli_usage_error(cmd, "--hosts and --flavor are required");

        if ((r = load_configs(configs, n_configs, true, &config)) < 0)
                goto out;
        /* A URL: the live hosts of a vfnet-server (GET /v2.1/vfnet/compute-hosts). */
        bool remote = strneq(hosts_path, "http://", 7) || strneq(hosts_path, "https://", 8);
        if ((r = remote ? cli_http_get_json(hosts_path, token, &hosts_doc)
                        : load_json(hosts_path, &hosts_doc)) < 0 ||
            (r = load_json(flavor_path, &flavor_doc)) < 0 ||
            (image_path && (r = load_json(image_path, &image_doc)) < 0))
                goto out;
        json_t *list = json_is_object(hosts_doc) ? json_object_get(hosts_doc, "hosts") : hosts_doc;
        if ((r = host_list_from_json(list, config->whitelist, &hosts)) < 0) {
                err_prefix(r, "%s", hosts_path);
                goto out;
        }
        json_t *flavor = json_object_get(flavor_doc, "flavor") ? json_object_get(flavor_doc, "flavor") : flavor_doc;
        json_t *image = image_doc && json_object_get(image_doc, "properties") ? json_object_get(image_doc, "properties")
                                                                              : image_doc;
        if ((r = sched_request_build(config, flavor, image, ports, az, &req)) < 0)
                goto out;
        req.tried_hosts = TAKE_PTR(tried);
        if ((r = sched_pass(config, hosts.v, hosts.n, &req, &res)) < 0)
                goto out;

        if (ctx->format == OUTPUT_JSON) {
                _cleanup_json_ json_t *j = sched_result_to_json(&res, hosts.v);
                r = j ? output_print_json(ctx->out, j) : -ENOMEM;
        } else {
                static const struct table_column cols[] = {
                        {"filter", "FILTER"}, {"hosts_in", "HOSTS IN"}, {"hosts_removed", "REMOVED"}};
                _cleanup_json_ json_t *j = sched_result_to_json(&res, hosts.v);
                r = j ? output_print_table(ctx->out, json_object_get(j, "filters"), cols, ARRAY_SIZE(cols)) : -ENOMEM;
                if (r >= 0 && res.host >= 0) {
                        fprintf(ctx->out, "host: %s\n", hosts.v[res.host]->hostname);
                        fprintf(ctx->out, "alternates:");
                        for (size_t i = 0; i < res.n_alternates; i++)
                                fprintf(ctx->out, " %s", hosts.v[res.alternates[i]]->hostname);
                        fprintf(ctx->out, "%s\npci claim:", res.n_alternates ? "" : " -");
                        for (size_t i = 0; i < res.n_claim; i++) {
                                char buf[PCI_ADDRESS_STRLEN];
                                fprintf(ctx->out, " %s", pci_address_format(&res.claim[i], buf));
                        }
                        fprintf(ctx->out, "%s\n", res.n_claim ? "" : " -");
                } else if (r >= 0) {
                        fprintf(ctx->out, "No valid host was found. There are not enough hosts available.\n");
                        for (size_t f = 0; f < res.n_filters; f++)
                                for (char **s = res.filters[f].reasons; s && *s; s++)
                                        fprintf(ctx->out, "  %s\n", *s);
                }
        }
        if (r >= 0)
                r = res.host >= 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
out:
        sched_result_done(&res);
        sched_request_done(&req);
        host_list_done(&hosts);
        sched_config_free(config);
        return r;
}

static json_t *tags_json(const struct pci_tag *tags, size_t n)
{
        json_t *o = json_object();
        for (size_t i = 0; o && i < n; i++)
                json_object_set_new(o, tags[i].key, tags[i].value ? json_string(tags[i].value) : json_null());
        return o;
}

int cli_pci_match(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = find_cmd(cli_pci_match);
        _cleanup_free_ char **configs = calloc((size_t)argc + 1, sizeof(char *));
        _cleanup_json_ json_t *doc = NULL, *rows = json_array(), *report = NULL;
        _cleanup_free_ unsigned *hits = NULL;
        struct sched_config *config = NULL;
        _cleanup_(host_state_freep) struct host_state *host = NULL;
        const char *devices_path = NULL, *v;
        size_t n_configs = 0;
        int r;

        if (!configs || !rows)
                return -ENOMEM;
        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if ((r = take_value(cmd, argc, argv, &k, "--config", &v)) != 0) {
                        if (r < 0)
                                return r;
                        configs[n_configs++] = (char *)v;
                } else if ((r = take_value(cmd, argc, argv, &k, "--devices", &devices_path)) != 0) {
                        if (r < 0)
                                return r;
                } else
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[k]);
        }
        if (!devices_path || n_configs == 0)
                return cli_usage_error(cmd, "--config and --devices are required");
        /* Only [pci] matters here: no warnings about filters. */
        if ((r = load_configs(configs, n_configs, false, &config)) < 0)
                return r;
        if ((r = load_json(devices_path, &doc)) < 0)
                goto out;
        /* A device list (`vfnet pci list -f json`) or a whole host report. */
        report = json_is_array(doc) ? json_pack("{s:s, s:i, s:i, s:i, s:O}", "hostname", "-",
                                                                       "vcpus", 0, "memory_mb", 0, "disk_gb", 0,
                                                                       "pci_devices", doc)
                                                           : json_incref(doc);
        if (!report) {
                r = -ENOMEM;
                goto out;
        }
        if ((r = host_state_from_json(report, config->whitelist, &host)) < 0) {
                err_prefix(r, "%s", devices_path);
                goto out;
        }
        const struct pci_whitelist *wl = host->own_whitelist ? host->own_whitelist : config->whitelist;
        hits = calloc(wl->n_specs + 1, sizeof(unsigned));
        if (!hits) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < host->inventory->n; i++) {
                const struct pci_inventory_dev *d = &host->inventory->v[i];
                char addr[PCI_ADDRESS_STRLEN], ids[16];
                size_t idx = 0;
                const struct pci_devspec *s = pci_whitelist_match(wl, &d->view, &idx);
                json_t *row = json_object(), *netdevs = json_array();

                if (!row || !netdevs) {
                        json_decref(row);
                        json_decref(netdevs);
                        r = -ENOMEM;
                        goto out;
                }
                for (char **n = d->netdevs; n && *n; n++)
                        json_array_append_new(netdevs, json_string(*n));
                snprintf(ids, sizeof(ids), "%s:%s", d->view.vendor_id, d->view.product_id);
                json_object_set_new(row, "address", json_string(pci_address_format(&d->view.address, addr)));
                json_object_set_new(row, "dev_type", json_string(pci_nova_type_to_string(d->view.dev_type)));
                json_object_set_new(row, "ids", json_string(ids));
                json_object_set_new(row, "netdevs", netdevs);
                json_object_set_new(row, "spec", s ? json_string(pci_devspec_origin(s)) : json_null());
                json_object_set_new(row, "spec_index", s ? json_integer((json_int_t)idx) : json_null());
                json_t *pool = json_null(), *tags = json_null();
                for (size_t p = 0; s && p < host->pools.n; p++)
                        for (size_t k = 0; k < host->pools.v[p].n_devs; k++)
                                if (pci_address_equal(&host->pools.v[p].devs[k].address, &d->view.address)) {
                                        char pa[PCI_ADDRESS_STRLEN];
                                        json_decref(pool);
                                        json_decref(tags);
                                        pool = json_string(pci_address_format(&host->pools.v[p].address, pa));
                                        tags = tags_json(host->pools.v[p].tags, host->pools.v[p].n_tags);
                                }
                json_object_set_new(row, "pool", pool);
                json_object_set_new(row, "tags", tags);
                json_array_append_new(rows, row);
                if (s)
                        hits[idx]++;
        }
        /* Complaint 8: an entry that selects nothing is almost always a typo. */
        for (size_t i = 0; i < wl->n_specs; i++)
                if (!hits[i])
                        log_warning("%s: device_spec %s matches no device of %s", pci_devspec_origin(wl->specs[i]),
                                    pci_devspec_text(wl->specs[i]), devices_path);
        if (ctx->format == OUTPUT_JSON)
                r = output_print_json(ctx->out, rows);
        else {
                static const struct table_column cols[] = {{"address", "ADDRESS"}, {"dev_type", "TYPE"},
                                                           {"ids", "IDS"},         {"netdevs", "NETDEVS"},
                                                           {"spec", "SPEC"},       {"pool", "POOL (PF)"},
                                                           {"tags", "TAGS"}};
                r = output_print_table(ctx->out, rows, cols, ARRAY_SIZE(cols));
        }
        if (r >= 0)
                r = CLI_EXIT_OK;
out:
        sched_config_free(config);
        return r;
}
