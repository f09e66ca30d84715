/* What the `vfnet vf ...` commands share: opening a PF, parsing VF settings
 * from the command line, and reporting what a VF session's commit changed
 * (the commit itself is kernel/vf-session.h). */
#pragma once

#include "cli/cli.h"
#include "cli/cli-vf-report.h"
#include "kernel/vf-session.h"
#include "vf/vf-config.h"

/* The command-table entry of a handler (for usage messages). */
const struct cli_command *cli_vf_command(int (*run)(struct cli_ctx *, int, char **));

/* "VF" argument → index; checks it against the PF.  Records a message. */
int cli_vf_index(const struct vf_session *pf, const char *arg, uint32_t *ret);

/* Parse `[mac M] [vlan N [qos Q] [proto P]] [spoofchk on|off] [trust on|off]
 * [state auto|enable|disable] [min-rate R] [max-rate R] [rss-query on|off]`
 * from argv[*i..] into want (want->vf left alone); stops at the end. */
int cli_vf_parse_settings(const struct cli_command *cmd, int argc, char **argv, int *i,
                          struct vf_config *want);

/* Add what commit changed on pf, and what failed, to report: in the order
 * the VFs were asked for, each VF's fields in field order. */
int cli_vf_report_commit(const struct vf_session *pf, const struct vf_commit *commit,
                         struct vf_report *report);

/* Print the report to ctx->out; when fields failed, say which ("N field(s)
 * could not be <what>: ...") and return CLI_EXIT_FAILURE, else CLI_EXIT_OK. */
int cli_vf_report_finish(const struct cli_ctx *ctx, const struct vf_report *report, const char *what);
