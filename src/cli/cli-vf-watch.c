/* vfnet vf watch PF: report VF changes as they happen (drift made behind
 * vfnet's back), from RTNLGRP_LINK events. */
#include <string.h>
#include <time.h>
#include <linux/rtnetlink.h>

#include "base/error.h"
#include "base/parse.h"
#include "cli/cli-vf-common.h"
#include "cli/commands.h"
#include "kernel/netlink-policy.h"
#include "kernel/vf-program.h"
#include "vf/vf-diff.h"

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether a datagram holds a link event for ifindex; *gone when deleted. */
static bool concerns_link(const void *buf, size_t len, int ifindex, bool *gone)
{
        const struct nlmsghdr *nlh;
        int rem = (int)len;
        bool hit = false;

        nl_msg_for_each(nlh, buf, rem) {
                const struct ifinfomsg *ifi;

                if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
                    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
                        continue;
                ifi = mnl_nlmsg_get_payload(nlh);
                if (ifi->ifi_index != ifindex)
                        continue;
                hit = true;
                if (nlh->nlmsg_type == RTM_DELLINK)
                        *gone = true;
        }
        return hit;
}

static int print_change(const struct cli_ctx *ctx, const char *ifname, const struct vf_change *c)
{
        const char *field = c->field >= 0 ? vf_field_to_string(c->field) : "vf";

        if (ctx->format == OUTPUT_JSON) {
                _cleanup_json_ json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:s}", "pf", ifname, "vf",
                                                     (json_int_t)c->vf, "field", field, "old", c->old,
                                                     "new", c->new);
                _cleanup_free_ char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
                if (!s)
                        return -ENOMEM;
                fprintf(ctx->out, "%s\n", s);
        } else
                fprintf(ctx->out, "%s vf %u %s: %s -> %s\n", ifname, c->vf, field, c->old, c->new);
        fflush(ctx->out);
        return 0;
}

int cli_vf_watch(struct cli_ctx *ctx, int argc, char **argv)
{
        const struct cli_command *cmd = cli_vf_command(cli_vf_watch);
        _cleanup_(nl_sock_freep) struct nl_sock *events = NULL;
        struct vf_session pf = {0};
        const char *pf_arg = NULL;
        uint32_t count = 0, timeout_s = 0, seen = 0;
        int64_t deadline = 0;
        int r;

        for (int k = 1; k < argc; k++) {
                r = cli_take_format(ctx, argc, argv, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (streq(argv[k], "--count") || streq(argv[k], "--timeout")) {
                        uint32_t *dst = argv[k][2] == 'c' ? &count : &timeout_s;
                        if (k + 1 >= argc || parse_u32(argv[k + 1], dst) < 0 || *dst == 0)
                                return cli_usage_error(cmd, "%s needs a positive number", argv[k]);
                        k++;
                } else if (pf_arg)
                        return cli_usage_error(cmd, "unexpected argument '%s'", argv[k]);
                else
                        pf_arg = argv[k];
        }
        if (!pf_arg)
                return cli_usage_error(cmd, "missing PF");

        /* Subscribe before the first read so no change falls in between. */
        r = nl_sock_open(RTNLGRP_LINK, &events);
        if (r < 0)
                return r;
        r = vf_session_open(ctx->root, pf_arg, &pf);
        if (r < 0)
                return r;
        fprintf(stderr, "watching %s (%u VFs)\n", pf.ifname, pf.link->num_vf);
        if (timeout_s)
                deadline = now_ms() + (int64_t)timeout_s * 1000;

        for (;;) {
                _cleanup_(rtnl_link_freep) struct rtnl_link *now = NULL;
                _cleanup_free_ struct vf_change *changes = NULL;
                size_t n_changes = 0;
                const void *buf;
                size_t len;
                bool gone = false;
                int wait = -1;

                if (deadline) {
                        int64_t left = deadline - now_ms();
                        wait = left > 0 ? (int)left : 0;
                }
                r = nl_sock_recv(events, wait, &buf, &len);
                if (r == -ETIMEDOUT) {
                        if (count)
                                r = err_set(-ETIMEDOUT, "%s: saw %u of %u VF changes in %u s", pf.ifname,
                                            seen, count, timeout_s);
                        else
                                r = CLI_EXIT_OK;
                        break;
                }
                /* An overrun loses events, not state: just read again. */
                if (r < 0 && r != -ENOBUFS)
                        break;
                {
                        bool hit = r < 0 || concerns_link(buf, len, pf.link->ifindex, &gone);

                        /* Events come in bursts (one per VF of an apply):
                         * take all that are queued, then read the VFs once. */
                        while ((r = nl_sock_recv(events, 0, &buf, &len)) != -ETIMEDOUT)
                                if (r == -ENOBUFS || (r >= 0 && concerns_link(buf, len, pf.link->ifindex, &gone)))
                                        hit = true;
                                else if (r < 0)
                                        break;
                        if (r < 0 && r != -ETIMEDOUT)
                                break;
                        if (!hit)
                                continue;
                }
                if (gone) {
                        r = err_set(-ENODEV, "%s was removed", pf.ifname);
                        break;
                }
                r = vf_read(pf.sock, pf.ifname, &now);
                if (r < 0)
                        break;
                r = vf_diff(pf.link->vfs, pf.link->n_vfs, now->vfs, now->n_vfs, &changes, &n_changes);
                if (r < 0)
                        break;
                for (size_t i = 0; i < n_changes && (!count || seen < count); i++, seen++) {
                        r = print_change(ctx, pf.ifname, &changes[i]);
                        if (r < 0)
                                break;
                }
                if (r < 0)
                        break;
                rtnl_link_free(pf.link);
                pf.link = TAKE_PTR(now);
                if (count && seen >= count) {
                        r = CLI_EXIT_OK;
                        break;
                }
        }
        vf_session_done(&pf);
        return r;
}
