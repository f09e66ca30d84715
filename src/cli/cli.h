/* The `vfnet` command line: a table of {group, verb, handler}, like
 * iproute2's cmds[].  Handlers parse their own arguments and return an exit
 * status; on failure they record a message (base/error.h) that main prints. */
#pragma once

#include "base/output.h"

enum {
        CLI_EXIT_OK = 0,
        CLI_EXIT_FAILURE = 1, /* the command ran and reports a failure (e.g. a check failed) */
        CLI_EXIT_USAGE = 2,   /* bad arguments or an error before doing anything */
};

struct cli_ctx {
        const char *root;              /* prefix for /sys, /proc, /dev, /etc ("" = real) */
        enum output_format format;     /* -f table|json */
        FILE *out;                     /* stdout, or a memstream in tests */
};

struct cli_command {
        const char *group; /* "pci", "host", "vf", ... */
        const char *verb;  /* "list", "check", ... */
        int (*run)(struct cli_ctx *ctx, int argc, char **argv);
        const char *usage; /* argument synopsis after "vfnet GROUP VERB" */
        const char *help;  /* one line */
};

/* Run the whole command line (argv[0] is the program name).  Returns the
 * exit status; errors are printed to stderr as one line. */
int cli_main(int argc, char **argv, FILE *out);

/* For handlers: parse "-f FMT" / "--format FMT" / "-fjson" at argv[*i]. Returns 1
 * when consumed (advancing *i), 0 when argv[*i] is not a format option,
 * negative on a bad value (message recorded). */
int cli_take_format(struct cli_ctx *ctx, int argc, char **argv, int *i);

/* Record a usage error for a command and return -EINVAL. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...) _printf_(2, 3);

/* The command table, defined in commands.c. */
extern const struct cli_command cli_commands[];
extern const size_t cli_n_commands;
