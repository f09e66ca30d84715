/* rtnetlink link messages for VF programming: build RTM_GETLINK and
 * RTM_SETLINK (VF info), parse RTM_NEWLINK (name, IFLA_NUM_VF and every
 * IFLA_VF_INFO).  A pure codec: messages are built into and parsed from
 * caller memory, no socket (systemd sd-netlink's split). */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <libmnl/libmnl.h>

#include "base/macro.h"
#include "vf/vf-config.h"

/* Room for any request built here. */
#define RTNL_REQUEST_SIZE 512
/* Room for rtnl_build_setlink_vf() with every field (about 170 bytes):
 * batches of hundreds of them are built side by side. */
#define RTNL_SETLINK_VF_SIZE 256

struct rtnl_link {
        int ifindex;
        char ifname[IF_NAMESIZE];
        bool has_num_vf;
        uint32_t num_vf;  /* IFLA_NUM_VF */
        size_t n_vfs;     /* IFLA_VF_INFO entries received */
        struct vf_config *vfs; /* in the order received; .fields = what the driver reported */
};

void rtnl_link_free(struct rtnl_link *l);
DEFINE_POINTER_CLEANUP(struct rtnl_link, rtnl_link_free)

/* RTM_GETLINK for one link, by ifindex (> 0) or else by name, asking for
 * ext_mask (RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS to read VFs).  NULL
 * when buf is too small. */
struct nlmsghdr *rtnl_build_getlink(void *buf, size_t size, int ifindex, const char *ifname,
                                    uint32_t ext_mask);

/* RTM_SETLINK setting the fields of `c` listed in `fields` on VF c->vf.
 * VLAN id, QoS and protocol go together (802.1Q through the legacy
 * IFLA_VF_VLAN, 802.1ad through IFLA_VF_VLAN_LIST), and so do the two rates
 * (IFLA_VF_RATE); a partial group must already be completed by the caller.
 * NULL when buf is too small or a group is incomplete. */
struct nlmsghdr *rtnl_build_setlink_vf(void *buf, size_t size, int ifindex, const struct vf_config *c,
                                       uint32_t fields);

/* Parse an RTM_NEWLINK message whose nlmsg_len the caller has checked
 * against the buffer (nl_msg_ok).  -EBADMSG for a malformed message. */
int rtnl_link_parse(const struct nlmsghdr *nlh, struct rtnl_link **ret);

/* The link's VF by index, or NULL. */
const struct vf_config *rtnl_link_find_vf(const struct rtnl_link *l, uint32_t vf);

/* Check that the VF entries are exactly VFs 0..IFLA_NUM_VF-1, each once: a
 * truncated or inconsistent list is an error, never silently short.
 * Records a message. */
int rtnl_link_check_vfs(const struct rtnl_link *l);
