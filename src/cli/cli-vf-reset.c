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
        _cleanup_json_ json_t *rows = json_array();
        _cleanup_strbuf_ struct strbuf failed = STRBUF_INIT;
        _cleanup_(vf_orig_store_freep) struct vf_orig_store *store = NULL;
        const char *args[2];
        struct vf_config orig;
        struct cli_pf pf = {0};
        size_t n_failed = 0;
        int n_args = 0, r;

        if (!rows)
                return -ENOMEM;
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
                r = cli_vf_commit(ctx, &pf, &orig, 1, false, rows, &failed, &n_failed);
        /* Restored in full: the saved original is done with. */
        if (r >= 0 && n_failed == 0) {
                r = vf_orig_store_remove(store, orig.vf);
                if (r >= 0)
                        r = vf_orig_store_save(store);
        }
        cli_pf_done(&pf);
        if (r < 0)
                return r;
        r = cli_vf_print_changes(ctx, rows);
        if (r < 0)
                return r;
        if (n_failed) {
                log_error("%zu field(s) could not be restored: %s", n_failed, strbuf_str(&failed));
                return CLI_EXIT_FAILURE;
        }
        return CLI_EXIT_OK;
}
