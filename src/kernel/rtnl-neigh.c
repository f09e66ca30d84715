#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kernel/netlink-policy.h"
#include "kernel/rtnl-neigh.h"

static struct nlmsghdr *put_ndmsg(void *buf, size_t size, uint16_t type, uint16_t flags, int ifindex,
                                  struct ndmsg **ret_ndm)
{
        struct nlmsghdr *nlh;
        struct ndmsg *ndm;

        if (size < MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct ndmsg)))
                return NULL;
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = flags;
        ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
        ndm->ndm_family = AF_BRIDGE;
        ndm->ndm_ifindex = ifindex;
        *ret_ndm = ndm;
        return nlh;
}

struct nlmsghdr *rtnl_build_fdb(void *buf, size_t size, uint16_t type, int ifindex,
                                const uint8_t mac[VF_MAC_LEN])
{
        struct nlmsghdr *nlh;
        struct ndmsg *ndm;
        uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

        if (type == RTM_NEWNEIGH)
                flags |= NLM_F_CREATE | NLM_F_EXCL;
        else if (type != RTM_DELNEIGH)
                return NULL;
        nlh = put_ndmsg(buf, size, type, flags, ifindex, &ndm);
        if (!nlh)
                return NULL;
        /* A static entry on the device itself, not on a bridge master. */
        ndm->ndm_state = NUD_PERMANENT;
        ndm->ndm_flags = NTF_SELF;
        if (!mnl_attr_put_check(nlh, size, NDA_LLADDR, VF_MAC_LEN, mac))
                return NULL;
        return nlh;
}

struct nlmsghdr *rtnl_build_fdb_dump(void *buf, size_t size)
{
        struct ndmsg *ndm;

        /* A bare ndmsg (no attributes) asks for every entry unfiltered. */
        return put_ndmsg(buf, size, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, 0, &ndm);
}

static const struct nl_attr_policy neigh_policy[NDA_MAX + 1] = {
        [NDA_LLADDR] = {NL_ATTR_BINARY, 0},
        [NDA_VLAN] = {NL_ATTR_U16},
};

int rtnl_fdb_parse(const struct nlmsghdr *nlh, struct rtnl_fdb_entry *ret)
{
        const struct nlattr *tb[NDA_MAX + 1];
        const struct ndmsg *ndm;
        struct rtnl_fdb_entry e = {0};
        size_t hdr = MNL_ALIGN(sizeof(struct ndmsg));
        int r;

        if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdr || nlh->nlmsg_type != RTM_NEWNEIGH)
                return -EBADMSG;
        ndm = mnl_nlmsg_get_payload(nlh);
        r = nl_attr_parse((const char *)ndm + hdr, nlh->nlmsg_len - MNL_NLMSG_HDRLEN - hdr, neigh_policy,
                          NDA_MAX, tb);
        if (r < 0)
                return r;
        if (ndm->ndm_family != AF_BRIDGE || !tb[NDA_LLADDR] ||
            mnl_attr_get_payload_len(tb[NDA_LLADDR]) != ETH_ALEN)
                return -ENOENT;
        e.ifindex = ndm->ndm_ifindex;
        memcpy(e.mac, mnl_attr_get_payload(tb[NDA_LLADDR]), VF_MAC_LEN);
        e.state = ndm->ndm_state;
        e.flags = ndm->ndm_flags;
        if (tb[NDA_VLAN]) {
                e.has_vlan = true;
                e.vlan = mnl_attr_get_u16(tb[NDA_VLAN]);
        }
        *ret = e;
        return 0;
}
