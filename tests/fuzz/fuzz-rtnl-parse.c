/* Fuzz the rtnetlink parsers with what a kernel (or anything on the other
 * end of a netlink socket) could send: a buffer of netlink messages, each
 * parsed as a link with VFs, an FDB entry or an error/ACK. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "kernel/netlink-policy.h"
#include "kernel/netlink-socket.h"
#include "kernel/rtnl-link.h"
#include "kernel/rtnl-neigh.h"
#include "vf/vf-diff.h"
#include "vf/vf-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_link(const struct nlmsghdr *nlh)
{
        struct rtnl_link *l = NULL;
        struct vf_change *ch = NULL;
        size_t n = 0;

        if (rtnl_link_parse(nlh, &l) < 0)
                return;
        (void)rtnl_link_check_vfs(l);
        for (size_t i = 0; i < l->n_vfs; i++) {
                json_t *o = vf_config_to_json(&l->vfs[i]);
                json_decref(o);
        }
        if (vf_diff(l->vfs, l->n_vfs, l->vfs, l->n_vfs / 2, &ch, &n) == 0)
                free(ch);
        rtnl_link_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* Netlink buffers are 4-byte aligned; so is this copy. */
        void *buf = malloc(size + 4);
        const struct nlmsghdr *nlh;
        int rem = (int)size;

        if (!buf || size > (1u << 24)) {
                free(buf);
                return 0;
        }
        memcpy(buf, data, size);
        nl_msg_for_each(nlh, buf, rem) {
                struct rtnl_fdb_entry e;
                char extack[64];

                switch (nlh->nlmsg_type) {
                case RTM_NEWLINK:
                        parse_link(nlh);
                        break;
                case RTM_NEWNEIGH:
                        (void)rtnl_fdb_parse(nlh, &e);
                        break;
                case NLMSG_ERROR:
                        (void)nl_parse_error(nlh, extack, sizeof(extack));
                        break;
                default:
                        break;
                }
        }
        free(buf);
        return 0;
}
