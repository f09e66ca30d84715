/* vfnet pci list [--sriov] [-f table|json] (R5, R8) */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "cli/cli-pci.h"
#include "cli/commands.h"

int cli_pci_names_open(struct pci_names **ret)
{
        int r = pci_names_new(ret);

        if (r == -EOPNOTSUPP) {
                log_warning("%s; the ids are shown without names", err_msg(r));
                err_clear();
                *ret = NULL;
                return 0;
        }
        return r;
}

int cli_pci_names_fill(struct pci_names *names, struct pci_device *d)
{
        return names ? pci_names_fill(names, d) : 0;
}

/* A table row: the JSON row plus display columns. */
static int add_table_row(json_t *out, json_t *row, bool nested)
{
        _cleanup_json_ json_t *t = json_deep_copy(row);
        char buf[64];
        const char *type = json_string_value(json_object_get(row, "dev_type"));

        if (!t)
                return -ENOMEM;
        snprintf(buf, sizeof(buf), "%s%s", nested ? "  `- " : "", json_string_value(json_object_get(row, "address")));
        json_object_set_new(t, "address", json_string(buf));
        snprintf(buf, sizeof(buf), "%s:%s", json_string_value(json_object_get(row, "vendor_id")),
                 json_string_value(json_object_get(row, "product_id")));
        json_object_set_new(t, "id", json_string(buf));
        json_object_set_new(t, "type", json_string(type + strlen("type-")));
        if (streq(type, "type-PF"))
                snprintf(buf, sizeof(buf), "%lld/%lld", (long long)json_integer_value(json_object_get(row, "sriov_numvfs")),
                         (long long)json_integer_value(json_object_get(row, "sriov_totalvfs")));
        else if (streq(type, "type-VF"))
                snprintf(buf, sizeof(buf), "vf %lld", (long long)json_integer_value(json_object_get(row, "vf_index")));
        else
                buf[0] = '\0';
        json_object_set_new(t, "vfs", json_string(buf));
        return json_array_append(out, t) < 0 ? -ENOMEM : 0;
}

static bool row_is_vf_of(json_t *row, const char *pf)
{
        const char *p = json_string_value(json_object_get(row, "parent_addr"));
        return p && streq(p, pf);
}

int cli_pci_print(struct cli_ctx *ctx, const json_t *rows)
{
        static const struct table_column cols[] = {
                {"address", "ADDRESS"}, {"id", "ID"},        {"product_name", "NAME"}, {"driver", "DRIVER"},
                {"netdevs", "NETDEVS"}, {"type", "TYPE"},    {"vfs", "VFS"},           {"numa_node", "NUMA"},
                {"iommu_group", "IOMMU GROUP"}, {"link_state", "LINK"},
        };
        _cleanup_json_ json_t *table = NULL;
        size_t n = json_array_size(rows);
        _cleanup_free_ bool *done = NULL;

        if (ctx->format == OUTPUT_JSON)
                return output_print_json(ctx->out, rows);

        table = json_array();
        done = calloc(n + 1, sizeof(bool));
        if (!table || !done)
                return -ENOMEM;
        /* PFs and other devices in address order, each PF followed by its VFs
         * in VF index order; VFs whose PF is not shown come last. */
        for (size_t i = 0; i < n; i++) {
                json_t *row = json_array_get(rows, i);
                const char *addr = json_string_value(json_object_get(row, "address"));

                if (json_is_string(json_object_get(row, "parent_addr")))
                        continue;
                if (add_table_row(table, row, false) < 0)
                        return -ENOMEM;
                done[i] = true;
                for (long long idx = 0;; idx++) {
                        bool found = false;
                        for (size_t j = 0; j < n; j++) {
                                json_t *vf = json_array_get(rows, j);
                                if (done[j] || !row_is_vf_of(vf, addr) ||
                                    json_integer_value(json_object_get(vf, "vf_index")) != idx)
                                        continue;
                                if (add_table_row(table, vf, true) < 0)
                                        return -ENOMEM;
                                done[j] = found = true;
                        }
                        if (!found)
                                break;
                }
        }
        for (size_t i = 0; i < n; i++)
                if (!done[i] && add_table_row(table, json_array_get(rows, i), false) < 0)
                        return -ENOMEM;
        return output_print_table(ctx->out, table, cols, ARRAY_SIZE(cols));
}

int cli_pci_list(struct cli_ctx *ctx, int argc, char **argv)
{
        _cleanup_(pci_names_freep) struct pci_names *names = NULL;
        struct pci_device_list l = {0};
        _cleanup_json_ json_t *rows = json_array();
        bool sriov_only = false;
        int r;

        for (int i = 1; i < argc; i++) {
                r = cli_take_format(ctx, argc, argv, &i);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (streq(argv[i], "--sriov"))
                        sriov_only = true;
                else
                        return err_set(-EINVAL, "unknown argument '%s' (usage: vfnet pci list [--sriov] [-f table|json])",
                                       argv[i]);
        }
        if (!rows)
                return -ENOMEM;
        r = pci_sysfs_list(ctx->root, sriov_only, &l);
        if (r < 0)
                return r;
        r = l.n > 0 ? cli_pci_names_open(&names) : 0;
        if (r < 0) {
                pci_device_list_done(&l);
                return r;
        }
        for (size_t i = 0; i < l.n; i++) {
                json_t *o;
                r = cli_pci_names_fill(names, &l.items[i]);
                if (r < 0)
                        break;
                o = pci_device_json(&l.items[i]);
                if (!o || json_array_append_new(rows, o) < 0) {
                        r = -ENOMEM;
                        break;
                }
        }
        pci_device_list_done(&l);
        if (r < 0)
                return r;
        r = cli_pci_print(ctx, rows);
        return r < 0 ? r : CLI_EXIT_OK;
}
