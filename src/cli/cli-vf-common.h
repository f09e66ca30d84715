/* What the `vfnet vf ...` commands share: opening a PF, parsing VF settings
 * from the command line, committing wanted states (save the original,
 * program, report per field) and printing changes. */
#pragma once

#include <jansson.h>

#include "base/strbuf.h"
#include "cli/cli.h"
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
 * false, program, and append to rows: with -f json a row per changed field
 * ({"pf", "vf", "field", "old", "new", "result"}), for the table a row per
 * changed VF ({"pf", "vf", "changed": "mac A -> B, ...", "failed": ...}).  Fields that failed are also appended
 * as text to failed_text; *n_failed counts them. */
int cli_vf_commit(const struct cli_ctx *ctx, struct cli_pf *pf, const struct vf_config *wants, size_t n,
                  bool save_original, json_t *rows, struct strbuf *failed_text, size_t *n_failed);

/* Validate only (the first step of cli_vf_commit), for checking every PF
 * of an apply file before changing any. */
int cli_vf_validate(const struct cli_pf *pf, const struct vf_config *wants, size_t n);

/* Print change rows as a table or JSON; "no changes" when empty (table). */
int cli_vf_print_changes(const struct cli_ctx *ctx, json_t *rows);
