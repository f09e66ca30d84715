/* vfnet agent status: what vfnet-agent believes each VF should be and is,
 * read from the status file it replaces after every sync (docs/agent.md). */
#include <errno.h>
#include <string.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/output.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"
#include "vf/vf-json.h"

#define STATUS_DEFAULT "/run/vfnet/agent-status.json"
#define STATUS_MAX (64u << 20)

static const struct table_column status_columns[] = {
        {"pf", "PF"},     {"vf", "VF"},       {"address", "ADDRESS"}, {"port", "PORT"},
        {"want", "WANT"}, {"is", "IS"},       {"state", "STATE"},
};

/* "mac fa:16:3e:.. vlan 100 spoofchk on link enable trust off" of the
 * fields the agent manages. */
static json_t *fields_text(const json_t *v)
{
        struct vf_config c;
        if (!json_is_object(v) || vf_config_from_json(v, "status", &c) < 0)
                return json_string("");
        static const enum vf_field shown[] = {VF_FIELD_MAC, VF_FIELD_VLAN, VF_FIELD_SPOOFCHK,
                                              VF_FIELD_TRUST, VF_FIELD_LINK_STATE};
        char text[256] = "", buf[64];
        size_t n = 0;
        for (size_t i = 0; i < ARRAY_SIZE(shown) && n < sizeof(text); i++) {
                if (!vf_config_has(&c, shown[i]))
                        continue;
                vf_config_field_text(&c, shown[i], buf, sizeof(buf));
                n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s %s", n ? " " : "",
                                      vf_field_to_string(shown[i]), buf);
        }
        return json_string(text);
}

/* From what the agent wrote: excluded, refused (fields the kernel
 * refused), drifted (wanted fields the kernel does not hold), in sync. */
static json_t *vf_state(const json_t *vf)
{
        if (json_is_true(json_object_get(vf, "excluded")))
                return json_string("excluded");
        const char *words[] = {"refused", "drifted"};
        for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
                const json_t *l = json_object_get(vf, i == 0 ? "failed" : "drifted");
                if (json_array_size(l) > 0) {
                        _cleanup_free_ char *f = output_cell_text(l);
                        char text[200];
                        snprintf(text, sizeof(text), "%s: %s", words[i], f ? f : "");
                        return json_string(text);
                }
        }
        return json_string("in sync");
}

int cli_agent_status(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_agent_status);
        const char *path = STATUS_DEFAULT;
        int r;
        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (streq(argv[k], "--status-file") && k + 1 < argc)
                        path = argv[++k];
                else
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[k]);
        }
        _cleanup_free_ char *text = NULL;
        r = read_full_file(path, STATUS_MAX, &text, NULL);
        if (r == -ENOENT)
                return err_set(r, "%s does not exist: is vfnet-agent running (systemctl status "
                               "vfnet-agent), and has it reached vfnet-server yet?", path);
        if (r < 0)
                return err_set(r, "cannot read %s: %s", path, strerror(-r));
        json_error_t je;
        _cleanup_json_ json_t *doc = json_loads(text, 0, &je);
        if (!json_is_object(doc) || !json_is_array(json_object_get(doc, "pfs")))
                return err_set(-EBADMSG, "%s is not vfnet-agent's status file (line %d: %s)", path,
                               je.line, doc ? "no \"pfs\" list" : je.text);
        if (ctx->format == OUTPUT_JSON) {
                r = output_print_json(ctx->out, doc);
                return r < 0 ? r : CLI_EXIT_OK;
        }
        fprintf(ctx->out, "host %s, change feed revision %lld (%s), updated %s\n",
                json_string_value(json_object_get(doc, "host")) ?: "?",
                (long long)json_integer_value(json_object_get(doc, "revision")),
                json_is_true(json_object_get(doc, "connected")) ? "connected" : "waiting for the server",
                json_string_value(json_object_get(doc, "updated_at")) ?: "?");
        _cleanup_json_ json_t *rows = json_array();
        if (!rows)
                return -ENOMEM;
        size_t i, k;
        json_t *pf, *vf;
        json_array_foreach(json_object_get(doc, "pfs"), i, pf) {
                const char *dev = json_string_value(json_object_get(pf, "device")) ?: "?";
                const json_t *unsup = json_object_get(pf, "unsupported");
                if (json_string_value(json_object_get(pf, "error")))
                        fprintf(ctx->out, "%s: %s\n", dev,
                                json_string_value(json_object_get(pf, "error")));
                if (json_array_size(unsup) > 0) {
                        _cleanup_free_ char *u = output_cell_text(unsup);
                        fprintf(ctx->out, "%s: not supported by its driver: %s\n", dev, u ? u : "");
                }
                json_array_foreach(json_object_get(pf, "vfs"), k, vf) {
                        json_t *row = json_pack("{s:s,s:O,s:O,s:O,s:o,s:o,s:o}", "pf", dev, "vf",
                                                json_object_get(vf, "vf"), "address",
                                                json_object_get(vf, "address"), "port",
                                                json_object_get(vf, "port") ?: json_null(), "want",
                                                fields_text(json_object_get(vf, "want")), "is",
                                                fields_text(json_object_get(vf, "is")), "state",
                                                vf_state(vf));
                        if (!row || json_array_append_new(rows, row) < 0)
                                return -ENOMEM;
                }
        }
        r = output_print_table(ctx->out, rows, status_columns, ARRAY_SIZE(status_columns));
        return r < 0 ? r : CLI_EXIT_OK;
}
