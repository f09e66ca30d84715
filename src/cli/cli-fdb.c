/* vfnet fdb add|del|list PF [MAC]: static FDB entries on a PF itself (what
 * `bridge fdb add MAC dev PF` does), so VFs and a vSwitch on the same PF
 * reach each other. */
#include <net/if.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "base/error.h"
#include "base/output.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"
#include "kernel/netdev-resolve.h"
#include "kernel/netlink-socket.h"
#include "kernel/rtnl-neigh.h"

struct fdb_args {
        char *ifname;
        int ifindex;
        uint8_t mac[VF_MAC_LEN];
        bool has_mac;
};

static int parse_fdb_args(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv,
                          bool want_mac, struct fdb_args *ret)
{
        const char *args[2];
        int n = 0, r;

        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (n == (want_mac ? 2 : 1))
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[k]);
                args[n++] = argv[k];
        }
        if (n < (want_mac ? 2 : 1))
                return cli_usage_error(cmd, "missing %s", n == 0 ? "PF" : "MAC");
        if (want_mac) {
                if (vf_mac_parse(args[1], ret->mac) < 0)
                        return err_set(-EINVAL, "bad MAC address '%s': use the form fa:16:3e:00:00:01", args[1]);
                if ((ret->mac[0] & 1) || vf_mac_is_zero(ret->mac))
                        return err_set(-EINVAL, "MAC %s is not a unicast address", args[1]);
                ret->has_mac = true;
        }
        r = netdev_resolve(ctx->root, args[0], &ret->ifname);
        if (r < 0)
                return r;
        ret->ifindex = (int)if_nametoindex(ret->ifname);
        if (ret->ifindex <= 0) {
                r = err_set(-ENODEV, "no network interface '%s'", ret->ifname);
                free(ret->ifname);
                return r;
        }
        return 0;
}

static int fdb_change(struct cli_ctx *ctx, int argc, char **argv, uint16_t type,
                      int (*run)(struct cli_ctx *, int, char **))
{
        const struct cli_command *cmd = cli_vf_command(run);
        _cleanup_(nl_sock_freep) struct nl_sock *s = NULL;
        struct fdb_args a = {0};
        char buf[RTNL_NEIGH_REQUEST_SIZE], mac[VF_MAC_STRLEN];
        struct nlmsghdr *req;
        int r;

        r = parse_fdb_args(ctx, cmd, argc, argv, true, &a);
        if (r < 0)
                return r;
        r = nl_sock_open(0, &s);
        if (r >= 0) {
                req = rtnl_build_fdb(buf, sizeof(buf), type, a.ifindex, a.mac);
                r = req ? nl_sock_call(s, req, NULL, NULL) : -ENOBUFS;
                if (r < 0)
                        err_prefix(r, "%s FDB entry %s on %s", type == RTM_NEWNEIGH ? "adding" : "removing",
                                   vf_mac_format(a.mac, mac), a.ifname);
        }
        free(a.ifname);
        return r < 0 ? r : CLI_EXIT_OK;
}

int cli_fdb_add(struct cli_ctx *ctx, int argc, char **argv)
{
        return fdb_change(ctx, argc, argv, RTM_NEWNEIGH, cli_fdb_add);
}

int cli_fdb_del(struct cli_ctx *ctx, int argc, char **argv)
{
        return fdb_change(ctx, argc, argv, RTM_DELNEIGH, cli_fdb_del);
}

struct list_ctx {
        int ifindex;
        json_t *rows;
};

static int on_fdb(const struct nlmsghdr *nlh, void *userdata)
{
        struct list_ctx *c = userdata;
        struct rtnl_fdb_entry e;
        char mac[VF_MAC_STRLEN];
        json_t *row;

        if (rtnl_fdb_parse(nlh, &e) < 0 || e.ifindex != c->ifindex)
                return 0;
        row = json_pack("{s:s, s:o, s:s, s:b}", "mac", vf_mac_format(e.mac, mac), "vlan",
                        e.has_vlan ? json_integer(e.vlan) : json_null(), "state",
                        (e.state & NUD_PERMANENT) ? "permanent" : (e.state & NUD_NOARP) ? "static" : "dynamic",
                        "self", (e.flags & NTF_SELF) != 0);
        if (!row || json_array_append_new(c->rows, row) < 0)
                return -ENOMEM;
        return 0;
}

static const struct table_column fdb_columns[] = {
        {"mac", "MAC"}, {"vlan", "VLAN"}, {"state", "STATE"}, {"self", "SELF"},
};

int cli_fdb_list(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_fdb_list);
        _cleanup_(nl_sock_freep) struct nl_sock *s = NULL;
        _cleanup_json_ json_t *rows = json_array();
        struct fdb_args a = {0};
        struct list_ctx lc;
        char buf[RTNL_NEIGH_REQUEST_SIZE];
        struct nlmsghdr *req;
        int r;

        if (!rows)
                return -ENOMEM;
        r = parse_fdb_args(ctx, cmd, argc, argv, false, &a);
        if (r < 0)
                return r;
        lc = (struct list_ctx){.ifindex = a.ifindex, .rows = rows};
        r = nl_sock_open(0, &s);
        if (r >= 0) {
                req = rtnl_build_fdb_dump(buf, sizeof(buf));
                r = req ? nl_sock_call(s, req, on_fdb, &lc) : -ENOBUFS;
                if (r < 0)
                        err_prefix(r, "listing the FDB of %s", a.ifname);
        }
        free(a.ifname);
        if (r < 0)
                return r;
        if (ctx->format == OUTPUT_JSON)
                r = output_print_json(ctx->out, rows);
        else
                r = output_print_table(ctx->out, rows, fdb_columns, ARRAY_SIZE(fdb_columns));
        return r < 0 ? r : CLI_EXIT_OK;
}
