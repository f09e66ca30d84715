#include "cli/cli.h"
#include "cli/commands.h"

/* Every `vfnet GROUP VERB`, in the order --help lists them. */
const struct cli_command cli_commands[] = {
        {"version", "show", cli_version_show, "", "print the version"},
};

const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);
