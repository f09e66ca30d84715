/* vfnet host check [-f table|json] [--kernel-log FILE] (R4-R8, R27-R29) */
#include <string.h>

#include "base/error.h"
#include "cli/commands.h"
#include "host/host-check.h"
#include "kernel/host-facts.h"

int cli_host_check(struct cli_ctx *ctx, int argc, char **argv)
{
        static const struct table_column cols[] = {
                {"id", "CHECK"}, {"verdict", "VERDICT"}, {"evidence", "EVIDENCE"}, {"remedy", "REMEDY"},
        };
        const char *log_file = NULL;
        struct host_gathered g = {0};
        struct host_report rep = {0};
        _cleanup_json_ json_t *rows = json_array();
        bool failed;
        int r;

        for (int i = 1; i < argc; i++) {
                r = cli_take_format(ctx, argc, argv, &i);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (streq(argv[i], "--kernel-log") && i + 1 < argc)
                        log_file = argv[++i];
                else
                        return err_set(-EINVAL, "unexpected argument '%s' (usage: vfnet host check [-f table|json] "
                                                "[--kernel-log FILE])", argv[i]);
        }
        if (!rows)
                return -ENOMEM;
        r = host_facts_gather(ctx->root, log_file, &g);
        if (r < 0)
                return r;
        r = host_check_run(&g.facts, &rep);
        host_gathered_done(&g);
        if (r < 0)
                return r;
        for (size_t i = 0; i < rep.n; i++) {
                const struct host_check *c = &rep.checks[i];
                json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "id", c->id, "verdict",
                                      check_verdict_to_string(c->verdict), "evidence", c->evidence, "remedy",
                                      c->remedy ? json_string(c->remedy) : json_null());
                if (!o || json_array_append_new(rows, o) < 0) {
                        host_report_done(&rep);
                        return -ENOMEM;
                }
        }
        failed = host_report_has_fail(&rep);
        host_report_done(&rep);
        r = ctx->format == OUTPUT_JSON ? output_print_json(ctx->out, rows)
                                       : output_print_table(ctx->out, rows, cols, ARRAY_SIZE(cols));
        if (r < 0)
                return r;
        return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
