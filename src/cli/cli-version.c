#include "config.h"
#include "cli/commands.h"

int cli_version_show(struct cli_ctx *ctx, int argc, char **argv)
{
        fprintf(ctx->out, "vfnet %s\n", VFNET_VERSION);
        return CLI_EXIT_OK;
}
