/* What the `vfnet vf ...` commands share: opening a PF, parsing VF settings
 * from the command line, committing wanted states (save the original,
 * program, report per field) and printing changes. */
#pragma once

#include "cli/cli.h"
#include "cli/cli-vf-report.h"
#include "kernel/netlink-socket.h"
#include "kernel/rtnl-link.h"
#include "kernel/vf-config.h"

/* A PF opened for VF work: its netdev name, a netlink socket and its VFs as
 * read now. */
struct cli_pf {
        char *arg;    /* as the user named it */
        char *ifname;
        char *device_id;
        struct nl_sock *sock;
        struct rtnl_link *link;
};

/* The command-table entry of a handler (for usage messages). */
const struct cli_command *cli_vf_command(int (*run)(struct cli_ctx *, int, char **));

void cli_pf_done(struct cli_pf *pf);
int cli_pf_open(const struct cli_ctx *ctx, const char *arg, struct cli_pf *ret);

/* "VF" argument → index; checks it against the PF.  Records a message. */
int cli_vf_index(const struct cli_pf *pf, const char *arg, uint32_t *ret);

/* Parse `[mac M] [vlan N [qos Q] [proto P]] [spoofchk on|off] [trust on|off]
 * [state auto|enable|disable] [min-rate R] [max-rate R] [rss-query on|off]`
 * from argv[*i..] into want (want->vf left alone); stops at the end. */
int cli_vf_parse_settings(const struct cli_command *cmd, int argc, char **argv, int *i,
                          struct vf_config *want);

/* Bring the VFs of pf to wants[0..n) (each .fields = what is wanted):
 * validate every entry against the PF first (nothing is sent if one is
 * bad), save each changing VF's original state unless save_original is
 * false, program, and add what changed and what failed to report. */
int cli_vf_commit(const struct cli_ctx *ctx, struct cli_pf *pf, const struct vf_config *wants, size_t n,
                  bool save_original, struct vf_report *report);

/* Validate only (the first step of cli_vf_commit), for checking every PF
 * of an apply file before changing any. */
int cli_vf_validate(const struct cli_pf *pf, const struct vf_config *wants, size_t n);

/* Print the report to ctx->out; when fields failed, say which ("N field(s)
 * could not be <what>: ...") and return CLI_EXIT_FAILURE, else CLI_EXIT_OK. */
int cli_vf_report_finish(const struct cli_ctx *ctx, const struct vf_report *report, const char *what);
