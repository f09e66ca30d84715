/* Handlers behind the command table; one file per group (cli-GROUP.c). */
#pragma once

#include "cli/cli.h"

int cli_version_show(struct cli_ctx *ctx, int argc, char **argv);

int cli_vf_list(struct cli_ctx *ctx, int argc, char **argv);
int cli_vf_set(struct cli_ctx *ctx, int argc, char **argv);
int cli_vf_apply(struct cli_ctx *ctx, int argc, char **argv);
int cli_vf_reset(struct cli_ctx *ctx, int argc, char **argv);
int cli_vf_watch(struct cli_ctx *ctx, int argc, char **argv);
int cli_fdb_add(struct cli_ctx *ctx, int argc, char **argv);
int cli_fdb_del(struct cli_ctx *ctx, int argc, char **argv);
int cli_fdb_list(struct cli_ctx *ctx, int argc, char **argv);
int cli_pci_list(struct cli_ctx *ctx, int argc, char **argv);
int cli_host_check(struct cli_ctx *ctx, int argc, char **argv);
int cli_vf_create(struct cli_ctx *ctx, int argc, char **argv);
int cli_vf_restore(struct cli_ctx *ctx, int argc, char **argv);
int cli_sched_explain(struct cli_ctx *ctx, int argc, char **argv);
int cli_agent_status(struct cli_ctx *ctx, int argc, char **argv);
int cli_pci_match(struct cli_ctx *ctx, int argc, char **argv);
