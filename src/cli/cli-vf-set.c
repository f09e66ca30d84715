/* vfnet vf set PF VF SETTINGS...: change some fields of one VF. */
#include "base/error.h"
#include "base/log.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"

int cli_vf_set(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_vf_set);
        _cleanup_(vf_report_done) struct vf_report report = VF_REPORT_INIT(OUTPUT_TABLE);
        _cleanup_free_ char **args = calloc((size_t)argc + 1, sizeof(char *));
        struct vf_config want = {0};
        _cleanup_(vf_commit_done) struct vf_commit commit = {0};
        struct vf_session pf = {0};
        int n_args = 0, i = 0, r;

        if (!args)
                return -ENOMEM;
        /* -f may come anywhere; the rest is PF VF SETTINGS. */
        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r == 0)
                        args[n_args++] = argv[k];
        }
        if (n_args < 2)
                return cli_usage_error(cmd, "missing %s", n_args == 0 ? "PF and VF" : "VF");
        report.format = ctx->format;
        /* Check the settings' syntax before touching the system. */
        i = 2;
        r = cli_vf_parse_settings(cmd, n_args, args, &i, &want);
        if (r < 0)
                return r;
        r = vf_session_open(ctx->root, args[0], &pf);
        if (r < 0)
                return r;
        r = cli_vf_index(&pf, args[1], &want.vf);
        if (r >= 0)
                r = vf_session_commit(&pf, &want, 1, true, &commit);
        if (r >= 0)
                r = cli_vf_report_commit(&pf, &commit, &report);
        vf_session_done(&pf);
        if (r < 0)
                return r;
        return cli_vf_report_finish(ctx, &report, "set");
}
