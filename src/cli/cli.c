#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "config.h"
#include "base/error.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "cli/cli.h"

static void print_help(FILE *f)
{
        fprintf(f, "Usage: vfnet [--root DIR] [--debug] GROUP VERB [ARGS...]\n\n"
                   "SR-IOV host tools and OpenStack-compatible client.\n\n"
                   "Global options:\n"
                   "  --root DIR   read and write /sys, /proc, /dev and /etc under DIR\n"
                   "  --debug      log every kernel read and write\n"
                   "  --version    print the version\n"
                   "  --help       this text\n\n"
                   "Commands:\n");
        for (size_t i = 0; i < cli_n_commands; i++) {
                char head[96];
                snprintf(head, sizeof(head), "%s %s", cli_commands[i].group, cli_commands[i].verb);
                fprintf(f, "  %-16s %s\n", head, cli_commands[i].help);
                fprintf(f, "  %-16s   vfnet %s %s\n", "", head, cli_commands[i].usage);
        }
}

int cli_take_format(struct cli_ctx *ctx, int argc, char **argv, int *i)
{
        const char *a = argv[*i], *v = NULL;
        int f;

        if (streq(a, "-f") || streq(a, "--format")) {
                if (*i + 1 >= argc)
                        return err_set(-EINVAL, "%s needs a value: table or json", a);
                v = argv[++*i];
        } else if (strneq(a, "--format=", 9))
                v = a + 9;
        else if (strneq(a, "-f", 2) && a[2])
                v = a + 2;
        else
                return 0;
        f = output_format_from_string(v);
        if (f < 0)
                return err_set(-EINVAL, "unknown output format '%s': use table or json", v);
        ctx->format = f;
        return 1;
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return err_set(-EINVAL, "%s (usage: vfnet %s %s %s)", msg, cmd->group, cmd->verb, cmd->usage);
}

static const struct cli_command *find_command(const char *group, const char *verb)
{
        for (size_t i = 0; i < cli_n_commands; i++)
                if (streq(cli_commands[i].group, group) && streq(cli_commands[i].verb, verb))
                        return &cli_commands[i];
        return NULL;
}

static int group_exists(const char *group)
{
        for (size_t i = 0; i < cli_n_commands; i++)
                if (streq(cli_commands[i].group, group))
                        return 1;
        return 0;
}

int cli_main(int argc, char **argv, FILE *out)
{
        struct cli_ctx ctx = {.root = "", .format = OUTPUT_TABLE, .out = out};
        const struct cli_command *cmd;
        int i = 1, r;

        err_clear();
        for (; i < argc && argv[i][0] == '-'; i++) {
                const char *a = argv[i];
                if (streq(a, "--help") || streq(a, "-h")) {
                        print_help(out);
                        return CLI_EXIT_OK;
                } else if (streq(a, "--version")) {
                        fprintf(out, "vfnet %s\n", VFNET_VERSION);
                        return CLI_EXIT_OK;
                } else if (streq(a, "--debug")) {
                        log_set_max_level(LOG_LEVEL_DEBUG);
                } else if (streq(a, "--root") || strneq(a, "--root=", 7)) {
                        if (a[6] == '=')
                                ctx.root = a + 7;
                        else if (++i < argc)
                                ctx.root = argv[i];
                        else {
                                log_error("--root needs a directory");
                                return CLI_EXIT_USAGE;
                        }
                        /* "/" and "" both mean the real system. */
                        if (streq(ctx.root, "/"))
                                ctx.root = "";
                } else {
                        log_error("unknown option '%s'; see vfnet --help", a);
                        return CLI_EXIT_USAGE;
                }
        }
        if (i + 1 >= argc) {
                if (i < argc && !group_exists(argv[i]))
                        log_error("unknown command '%s'; see vfnet --help", argv[i]);
                else
                        log_error("missing command; see vfnet --help");
                return CLI_EXIT_USAGE;
        }
        cmd = find_command(argv[i], argv[i + 1]);
        if (!cmd) {
                if (group_exists(argv[i]))
                        log_error("unknown command 'vfnet %s %s'; see vfnet --help", argv[i], argv[i + 1]);
                else
                        log_error("unknown command '%s'; see vfnet --help", argv[i]);
                return CLI_EXIT_USAGE;
        }
        /* Handlers see argv[0] = verb, like getopt expects. */
        r = cmd->run(&ctx, argc - i - 1, argv + i + 1);
        fflush(out);
        if (r < 0) {
                log_error("%s", err_msg(r));
                return r == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
        }
        return r;
}
