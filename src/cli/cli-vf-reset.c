/* vfnet vf reset PF VF: put a VF back as it was before vfnet first changed it. */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"
#include "kernel/vf-orig-store.h"

int cli_vf_reset(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_vf_reset);
        _cleanup_(vf_report_done) struct vf_report report = VF_REPORT_INIT(OUTPUT_TABLE);
        _cleanup_(vf_orig_store_freep) struct vf_orig_store *store = NULL;
        const char *args[2];
        struct vf_config orig;
        struct cli_pf pf = {0};
        int n_args = 0, r;

        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (n_args == 2)
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[k]);
                args[n_args++] = argv[k];
        }
        if (n_args < 2)
                return cli_usage_error(cmd, "missing %s", n_args == 0 ? "PF and VF" : "VF");
        report.format = ctx->format;
        r = cli_pf_open(ctx, args[0], &pf);
        if (r < 0)
                return r;
        r = cli_vf_index(&pf, args[1], &orig.vf);
        if (r >= 0)
                r = vf_orig_store_open(ctx->root, pf.device_id, pf.ifname, &store);
        if (r >= 0) {
                uint32_t vf = orig.vf;
                r = vf_orig_store_get(store, vf, &orig);
                if (r == -ENOENT)
                        r = err_set(-ENOENT, "nothing saved for VF %u of %s: vfnet has not changed it", vf,
                                    pf.ifname);
        }
        if (r >= 0)
                r = cli_vf_commit(ctx, &pf, &orig, 1, false, &report);
        /* Restored in full: the saved original is done with. */
        if (r >= 0 && report.n_failed == 0) {
                r = vf_orig_store_remove(store, orig.vf);
                if (r >= 0)
                        r = vf_orig_store_save(store);
        }
        cli_pf_done(&pf);
        if (r < 0)
                return r;
        return cli_vf_report_finish(ctx, &report, "restored");
}
