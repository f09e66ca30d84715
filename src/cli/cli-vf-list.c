/* vfnet vf list PF: every VF of a PF as the driver reports it. */
#include "base/error.h"
#include "base/output.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"
#include "vf/vf-json.h"

static const struct table_column vf_columns[] = {
        {"vf", "VF"},           {"mac", "MAC"},
        {"vlan", "VLAN"},       {"qos", "QOS"},
        {"vlan_proto", "PROTO"}, {"spoofchk", "SPOOFCHK"},
        {"trust", "TRUST"},     {"link_state", "LINK STATE"},
        {"min_tx_rate", "MIN RATE"}, {"max_tx_rate", "MAX RATE"},
        {"rss_query", "RSS QUERY"},
};

int cli_vf_list(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_vf_list);
        _cleanup_json_ json_t *rows = json_array();
        struct vf_session pf = {0};
        const char *pf_arg = NULL;
        int r;

        for (int i = 1; i < argc; i++) {
                r = cli_take_format(ctx, argc, argv, &i);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (pf_arg)
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
                pf_arg = argv[i];
        }
        if (!pf_arg)
                return cli_usage_error(cmd, "missing PF");
        if (!rows)
                return -ENOMEM;
        r = vf_session_open(ctx->root, pf_arg, &pf);
        if (r < 0)
                return r;
        for (size_t i = 0; i < pf.link->n_vfs; i++) {
                const struct vf_config *c = rtnl_link_find_vf(pf.link, (uint32_t)i);
                json_t *row = c ? vf_config_to_json(c) : NULL;
                if (!row || json_array_append_new(rows, row) < 0) {
                        vf_session_done(&pf);
                        return -ENOMEM;
                }
        }
        vf_session_done(&pf);
        if (ctx->format == OUTPUT_JSON)
                r = output_print_json(ctx->out, rows);
        else
                r = output_print_table(ctx->out, rows, vf_columns, ARRAY_SIZE(vf_columns));
        return r < 0 ? r : CLI_EXIT_OK;
}
