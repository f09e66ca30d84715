/* Handlers behind the command table; one file per group (cli-GROUP.c). */
#pragma once

#include "cli/cli.h"

int cli_version_show(struct cli_ctx *ctx, int argc, char **argv);
