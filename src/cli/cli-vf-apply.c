/* vfnet vf apply FILE: bring VFs to a desired state, changing only what
 * differs (docs/vf-programming.md has the file format). */
#include <string.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/log.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"
#include "vf/vf-apply-file.h"

int cli_vf_apply(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_vf_apply);
        _cleanup_(vf_report_done) struct vf_report report = VF_REPORT_INIT(OUTPUT_TABLE);
        _cleanup_(vf_apply_file_freep) struct vf_apply_file *file = NULL;
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ struct vf_session *pfs = NULL;
        const char *path = NULL;
        size_t n_open = 0;
        int r;

        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (path)
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[k]);
                path = argv[k];
        }
        if (!path)
                return cli_usage_error(cmd, "missing FILE");
        report.format = ctx->format;
        r = read_full_file(path, 64 << 20, &text, NULL);
        if (r < 0)
                return err_set(r, "cannot read %s: %s", path, strerror(-r));
        r = vf_apply_file_parse(text, path, &file);
        if (r < 0)
                return r;

        /* Open and check every PF and every VF before changing anything. */
        pfs = calloc(file->n_pfs + 1, sizeof(*pfs));
        if (!pfs)
                return -ENOMEM;
        for (; n_open < file->n_pfs; n_open++) {
                r = vf_session_open(ctx->root, file->pfs[n_open].pf, &pfs[n_open]);
                if (r < 0) {
                        err_prefix(r, "%s", path);
                        goto out;
                }
                for (size_t j = 0; j < n_open; j++)
                        if (pfs[j].link->ifindex == pfs[n_open].link->ifindex) {
                                r = err_set(-EINVAL, "%s: \"%s\" and \"%s\" are the same PF %s; list it once",
                                            path, pfs[j].arg, pfs[n_open].arg, pfs[j].ifname);
                                n_open++;
                                goto out;
                        }
                r = vf_session_check(&pfs[n_open], file->pfs[n_open].vfs, file->pfs[n_open].n_vfs);
                if (r < 0) {
                        err_prefix(r, "%s", path);
                        n_open++;
                        goto out;
                }
        }
        for (size_t i = 0; i < file->n_pfs; i++) {
                _cleanup_(vf_commit_done) struct vf_commit commit = {0};

                r = vf_session_commit(&pfs[i], file->pfs[i].vfs, file->pfs[i].n_vfs, true, &commit);
                if (r >= 0)
                        r = cli_vf_report_commit(&pfs[i], &commit, &report);
                if (r < 0)
                        goto out;
        }
        r = cli_vf_report_finish(ctx, &report, "applied");
out:
        for (size_t i = 0; i < n_open; i++)
                vf_session_done(&pfs[i]);
        return r;
}
