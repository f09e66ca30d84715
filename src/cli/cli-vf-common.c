#include <string.h>

#include "base/error.h"
#include "base/log.h"
#include "base/parse.h"
#include "cli/cli-vf-common.h"

const struct cli_command *cli_vf_command(int (*run)(struct cli_ctx *, int, char **))
{
        for (size_t i = 0; i < cli_n_commands; i++)
                if (cli_commands[i].run == run)
                        return &cli_commands[i];
        return &cli_commands[0];
}

int cli_vf_index(const struct vf_session *pf, const char *arg, uint32_t *ret)
{
        uint32_t vf;

        if (parse_u32(arg, &vf) < 0)
                return err_set(-EINVAL, "VF index '%s' is not a number", arg);
        if (vf >= pf->link->num_vf)
                return err_set(-EINVAL, "VF %u is out of range: %s has %u VFs (0-%u)", vf, pf->ifname,
                               pf->link->num_vf, pf->link->num_vf - 1);
        *ret = vf;
        return 0;
}

static int take_value(const struct cli_command *cmd, int argc, char **argv, int *i, const char **ret)
{
        if (*i + 1 >= argc)
                return cli_usage_error(cmd, "'%s' needs a value", argv[*i]);
        *ret = argv[++*i];
        return 0;
}

static int take_onoff(const struct cli_command *cmd, int argc, char **argv, int *i, bool *ret)
{
        const char *key = argv[*i], *v = NULL;
        int r = take_value(cmd, argc, argv, i, &v);

        if (r < 0)
                return r;
        if (!streq(v, "on") && !streq(v, "off"))
                return err_set(-EINVAL, "%s must be on or off, not '%s'", key, v);
        *ret = streq(v, "on");
        return 0;
}

static int take_number(const struct cli_command *cmd, int argc, char **argv, int *i, const char *what,
                       uint32_t max, uint32_t *ret)
{
        const char *key = argv[*i], *v = NULL;
        uint32_t u;
        int r = take_value(cmd, argc, argv, i, &v);

        if (r < 0)
                return r;
        if (parse_u32(v, &u) < 0 || u > max)
                return err_set(-EINVAL, "%s %s is not valid: %s must be 0-%u", key, v, what, max);
        *ret = u;
        return 0;
}

int cli_vf_parse_settings(const struct cli_command *cmd, int argc, char **argv, int *i,
                          struct vf_config *want)
{
        struct vf_config c = *want;
        uint32_t u;
        const char *v = NULL;
        int r;

        for (; *i < argc; (*i)++) {
                const char *k = argv[*i];

                if (streq(k, "mac")) {
                        r = take_value(cmd, argc, argv, i, &v);
                        if (r < 0)
                                return r;
                        if (vf_mac_parse(v, c.mac) < 0)
                                return err_set(-EINVAL, "bad MAC address '%s': use the form fa:16:3e:00:00:01", v);
                        if (c.mac[0] & 1)
                                return err_set(-EINVAL, "MAC %s is a multicast address: give a unicast MAC (or 00:00:00:00:00:00 to clear)", v);
                        c.fields |= VF_FIELD_BIT(VF_FIELD_MAC);
                } else if (streq(k, "vlan")) {
                        r = take_number(cmd, argc, argv, i, "a VLAN id", VF_VLAN_MAX, &u);
                        if (r < 0)
                                return r;
                        c.vlan = (uint16_t)u;
                        c.qos = 0;
                        c.vlan_proto = VF_VLAN_PROTO_8021Q;
                        c.fields |= VF_FIELDS_VLAN_GROUP;
                } else if (streq(k, "qos")) {
                        if (!vf_config_has(&c, VF_FIELD_VLAN))
                                return err_set(-EINVAL, "qos needs a VLAN: vlan N qos Q");
                        r = take_number(cmd, argc, argv, i, "a QoS priority", VF_QOS_MAX, &u);
                        if (r < 0)
                                return r;
                        c.qos = (uint8_t)u;
                } else if (streq(k, "proto")) {
                        if (!vf_config_has(&c, VF_FIELD_VLAN))
                                return err_set(-EINVAL, "proto needs a VLAN: vlan N proto 802.1Q|802.1ad");
                        r = take_value(cmd, argc, argv, i, &v);
                        if (r < 0)
                                return r;
                        if ((int)(c.vlan_proto = vf_vlan_proto_from_string(v)) < 0)
                                return err_set(-EINVAL, "proto must be 802.1Q or 802.1ad, not '%s'", v);
                } else if (streq(k, "spoofchk")) {
                        r = take_onoff(cmd, argc, argv, i, &c.spoofchk);
                        if (r < 0)
                                return r;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_SPOOFCHK);
                } else if (streq(k, "trust")) {
                        r = take_onoff(cmd, argc, argv, i, &c.trust);
                        if (r < 0)
                                return r;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_TRUST);
                } else if (streq(k, "rss-query")) {
                        r = take_onoff(cmd, argc, argv, i, &c.rss_query);
                        if (r < 0)
                                return r;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_RSS_QUERY);
                } else if (streq(k, "state")) {
                        r = take_value(cmd, argc, argv, i, &v);
                        if (r < 0)
                                return r;
                        if ((int)(c.link_state = vf_link_state_from_string(v)) < 0)
                                return err_set(-EINVAL, "state must be auto, enable or disable, not '%s'", v);
                        c.fields |= VF_FIELD_BIT(VF_FIELD_LINK_STATE);
                } else if (streq(k, "min-rate") || streq(k, "max-rate")) {
                        r = take_number(cmd, argc, argv, i, "a rate in Mbps", UINT32_MAX, &u);
                        if (r < 0)
                                return r;
                        if (k[1] == 'i') {
                                c.min_tx_rate = u;
                                c.fields |= VF_FIELD_BIT(VF_FIELD_MIN_TX_RATE);
                        } else {
                                c.max_tx_rate = u;
                                c.fields |= VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE);
                        }
                } else
                        return cli_usage_error(cmd, "unknown setting '%s'", k);
        }
        if (c.fields == 0)
                return cli_usage_error(cmd, "nothing to set");
        if (vf_config_has(&c, VF_FIELD_VLAN) && c.vlan == 0 && c.qos > 0)
                return err_set(-EINVAL, "qos %u needs a VLAN id 1-%d", c.qos, VF_VLAN_MAX);
        if (vf_config_has(&c, VF_FIELD_MIN_TX_RATE) && vf_config_has(&c, VF_FIELD_MAX_TX_RATE) &&
            c.max_tx_rate && c.min_tx_rate > c.max_tx_rate)
                return err_set(-EINVAL, "min-rate %u is above max-rate %u", c.min_tx_rate, c.max_tx_rate);
        *want = c;
        return 0;
}

int cli_vf_report_commit(const struct vf_session *pf, const struct vf_commit *commit,
                         struct vf_report *report)
{
        const struct vf_change_plan *p = &commit->plan;
        int r;

        if (p->n_changing == 0)
                return 0;
        r = vf_report_reserve(report, p->n_changing);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n; i++) {
                /* What was sent holds the wanted value of every changed
                 * field. */
                r = vf_report_add(report, pf->ifname, &p->before[i], &p->sends[i], p->changed[i],
                                  commit->failures, commit->n_failures);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cli_vf_report_finish(const struct cli_ctx *ctx, const struct vf_report *report, const char *what)
{
        int r = vf_report_print(report, ctx->out);

        if (r < 0)
                return err_set(r, "cannot write the report: %s", strerror(-r));
        if (report->n_failed) {
                log_error("%zu field(s) could not be %s: %s", report->n_failed, what, strbuf_str(&report->failed));
                return CLI_EXIT_FAILURE;
        }
        return CLI_EXIT_OK;
}
