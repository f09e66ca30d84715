/* vfnet vf reset PF VF: put a VF back as it was before vfnet first changed it. */
#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"

int cli_vf_reset(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_vf_reset);
        _cleanup_(vf_report_done) struct vf_report report = VF_REPORT_INIT(OUTPUT_TABLE);
        _cleanup_(vf_commit_done) struct vf_commit commit = {0};
        const char *args[2];
        struct vf_session pf = {0};
        uint32_t vf;
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
        r = vf_session_open(ctx->root, args[0], &pf);
        if (r < 0)
                return r;
        r = cli_vf_index(&pf, args[1], &vf);
        if (r >= 0)
                r = vf_session_restore(&pf, vf, &commit);
        if (r >= 0)
                r = cli_vf_report_commit(&pf, &commit, &report);
        vf_session_done(&pf);
        if (r < 0)
                return r;
        return cli_vf_report_finish(ctx, &report, "restored");
}
