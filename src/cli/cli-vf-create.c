/* vfnet vf create PF COUNT [--persist] and vfnet vf restore (R6, R7) */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/log.h"
#include "base/parse.h"
#include "cli/cli-pci.h"
#include "cli/commands.h"
#include "kernel/pci-sysfs.h"
#include "kernel/sriov.h"
#include "kernel/sysroot.h"
#include "kernel/vf-persist.h"

#define DEFAULT_TIMEOUT_S 10

static int parse_timeout(const char *s, unsigned *ret_ms)
{
        uint32_t v;

        if (parse_u32(s, &v) < 0 || v > 3600)
                return err_set(-EINVAL, "--timeout needs whole seconds from 0 to 3600, not '%s'", s);
        *ret_ms = v * 1000;
        return 0;
}

/* The VFs as pci-list rows. */
static int vf_rows(const char *root, char **vfs, json_t **ret)
{
        _cleanup_(pci_names_freep) struct pci_names *names = NULL;
        _cleanup_json_ json_t *rows = json_array();
        int r;

        if (!rows)
                return -ENOMEM;
        /* No VFs, no names to look up (and no warning without libpci). */
        r = vfs && *vfs ? cli_pci_names_open(&names) : 0;
        if (r < 0)
                return r;
        for (char **v = vfs; v && *v; v++) {
                struct pci_device d;
                json_t *o;

                if (pci_sysfs_read_device(root, *v, &d) < 0)
                        continue; /* gone again already: nothing to show */
                r = cli_pci_names_fill(names, &d);
                o = r < 0 ? NULL : pci_device_json(&d);
                pci_device_done(&d);
                if (!o || json_array_append_new(rows, o) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(rows);
        return 0;
}

/* igb/ixgbe also read max_vfs at load: two places deciding one count. */
static void warn_module_option(const char *root, const char *pf)
{
        _cleanup_free_ char *mod = NULL;
        int v;

        if (sriov_module_max_vfs(root, pf, &mod, &v) >= 0 && v > 0)
                log_warning("note: %s was loaded with max_vfs=%d; remove 'options %s max_vfs=...' from "
                            "/etc/modprobe.d/ and the kernel command line so that only the persisted count applies",
                            mod, v, mod);
}

int cli_vf_create(struct cli_ctx *ctx, int argc, char **argv)
{
        const char *pf_arg = NULL, *count_arg = NULL;
        bool persist = false;
        unsigned timeout_ms = DEFAULT_TIMEOUT_S * 1000;
        char pf[16];
        uint32_t count;
        struct sriov_result res = {0};
        _cleanup_free_ char *path = NULL;
        _cleanup_json_ json_t *rows = NULL, *obj = NULL;
        int r;

        for (int i = 1; i < argc; i++) {
                r = cli_take_format(ctx, argc, argv, &i);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (streq(argv[i], "--persist"))
                        persist = true;
                else if (streq(argv[i], "--timeout")) {
                        if (++i >= argc)
                                return err_set(-EINVAL, "--timeout needs a number of seconds");
                        r = parse_timeout(argv[i], &timeout_ms);
                        if (r < 0)
                                return r;
                } else if (!pf_arg)
                        pf_arg = argv[i];
                else if (!count_arg)
                        count_arg = argv[i];
                else
                        return err_set(-EINVAL, "unexpected argument '%s' (usage: vfnet vf create PF COUNT [--persist])",
                                       argv[i]);
        }
        if (!pf_arg || !count_arg)
                return err_set(-EINVAL, "missing %s (usage: vfnet vf create PF COUNT [--persist])", pf_arg ? "COUNT" : "PF");
        if (parse_u32(count_arg, &count) < 0 || count > 65535)
                return err_set(-EINVAL, "COUNT must be a whole number from 0 to the PF's sriov_totalvfs, not '%s'",
                               count_arg);

        r = pci_sysfs_resolve(ctx->root, pf_arg, pf);
        if (r < 0)
                return r;
        r = sriov_set_numvfs(ctx->root, pf, (int)count, timeout_ms, &res);
        if (r < 0)
                /* The kernel's EINVAL is a refusal (exit 1), not a usage error. */
                return r == -EINVAL ? -EIO : r;
        if (persist) {
                r = vf_persist_write(ctx->root, pf, (int)count, &path);
                if (r < 0) {
                        /* Not persisted: do not leave the new count behind either. */
                        struct sriov_result back = {0};
                        int k = sriov_set_numvfs(ctx->root, pf, res.previous, timeout_ms, &back);
                        sriov_result_done(&back);
                        sriov_result_done(&res);
                        if (k < 0)
                                return err_prefix(r, "%s: %d VFs created but not persisted, and going back to %d failed",
                                                  pf, (int)count, res.previous);
                        return err_prefix(r, "%s: not persisted, so the VF count went back to %d", pf, res.previous);
                }
                warn_module_option(ctx->root, pf);
        }
        r = vf_rows(ctx->root, res.vfs, &rows);
        if (r < 0)
                goto out;
        if (ctx->format == OUTPUT_JSON) {
                obj = json_pack("{s:s, s:i, s:i, s:o, s:O}", "pf", pf, "previous_numvfs", res.previous, "numvfs",
                                res.numvfs, "persisted", path ? json_string(path + strlen(ctx->root)) : json_null(), "vfs", rows);
                r = obj ? output_print_json(ctx->out, obj) : -ENOMEM;
                goto out;
        }
        fprintf(ctx->out, "%s: %d VFs (was %d)%s%s\n", pf, res.numvfs, res.previous, path ? ", persisted in " : "",
                path ? path + strlen(ctx->root) : "");
        if (json_array_size(rows) > 0)
                r = cli_pci_print(ctx, rows);
out:
        sriov_result_done(&res);
        return r < 0 ? r : CLI_EXIT_OK;
}

/* Wait (bounded) for a PF that its driver has not probed yet: at boot, udev
 * may still be loading drivers when this runs. */
static int wait_for_pf(const char *root, const char *pf, unsigned long long deadline_ms)
{
        for (;;) {
                _cleanup_free_ char *p = sysroot_path(root, "/sys/bus/pci/devices/%s/driver", pf);
                struct timespec ts;

                if (!p)
                        return -ENOMEM;
                if (access(p, F_OK) == 0)
                        return 0;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                if ((unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000 >= deadline_ms)
                        return -ETIMEDOUT;
                nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        }
}

int cli_vf_restore(struct cli_ctx *ctx, int argc, char **argv)
{
        static const struct table_column cols[] = {
                {"pf", "PF"}, {"numvfs", "VFS"}, {"result", "RESULT"},
        };
        _cleanup_free_ struct vf_persist_entry *l = NULL;
        _cleanup_json_ json_t *rows = json_array();
        unsigned timeout_ms = 60 * 1000;
        size_t n = 0, bad = 0, failed = 0;
        struct timespec ts;
        unsigned long long deadline;
        int r;

        for (int i = 1; i < argc; i++) {
                r = cli_take_format(ctx, argc, argv, &i);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (streq(argv[i], "--timeout") && i + 1 < argc) {
                        r = parse_timeout(argv[++i], &timeout_ms);
                        if (r < 0)
                                return r;
                } else
                        return err_set(-EINVAL, "unexpected argument '%s' (usage: vfnet vf restore [--timeout S])", argv[i]);
        }
        if (!rows)
                return -ENOMEM;
        r = vf_persist_list(ctx->root, &l, &n, &bad);
        if (r < 0)
                return r;
        if (bad > 0) {
                log_error("%s", err_msg(-EINVAL));
                failed += bad;
        }
        clock_gettime(CLOCK_MONOTONIC, &ts);
        deadline = (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000 + timeout_ms;
        for (size_t i = 0; i < n; i++) {
                struct sriov_result res = {0};
                char result[1024];

                err_clear();
                r = wait_for_pf(ctx->root, l[i].pf, deadline);
                if (r == -ETIMEDOUT)
                        r = err_set(r, "%s: no driver bound after %u s; is its driver loaded?", l[i].pf, timeout_ms / 1000);
                if (r >= 0)
                        r = sriov_set_numvfs(ctx->root, l[i].pf, l[i].numvfs, timeout_ms, &res);
                if (r < 0) {
                        failed++;
                        snprintf(result, sizeof(result), "%s", err_msg(r));
                        log_error("%s", result);
                } else if (res.previous == res.numvfs)
                        snprintf(result, sizeof(result), "already %d", res.numvfs);
                else
                        snprintf(result, sizeof(result), "set (was %d)", res.previous);
                sriov_result_done(&res);
                if (json_array_append_new(rows, json_pack("{s:s, s:i, s:s}", "pf", l[i].pf, "numvfs", l[i].numvfs,
                                                          "result", result)) < 0)
                        return -ENOMEM;
        }
        err_clear();
        r = ctx->format == OUTPUT_JSON ? output_print_json(ctx->out, rows)
                                       : output_print_table(ctx->out, rows, cols, ARRAY_SIZE(cols));
        if (r < 0)
                return r;
        return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
