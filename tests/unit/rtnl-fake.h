/* Kernel-shaped RTM_NEWLINK messages for codec tests and fuzz seeds, laid
 * out as rtnl_fill_vfinfo() does (MAC, broadcast, VLAN, rate, TX rate,
 * spoofchk, link state, RSS query, trust, VLAN list, stats). */
#pragma once

#include <arpa/inet.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "vf/vf-config.h"

/* UINT32_MAX in a setting means "driver did not report", as the kernel
 * sends it. */
static inline uint32_t fake_setting(const struct vf_config *c, enum vf_field f, bool v)
{
        return vf_config_has(c, f) ? v : UINT32_MAX;
}

static inline void fake_put_vf(struct nlmsghdr *nlh, const struct vf_config *c)
{
        struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_VF_INFO), *vl, *st;
        struct ifla_vf_mac mac = {.vf = c->vf};
        struct ifla_vf_broadcast bc;
        struct ifla_vf_vlan vlan = {.vf = c->vf, .vlan = c->vlan, .qos = c->qos};
        struct ifla_vf_rate rate = {.vf = c->vf, .min_tx_rate = c->min_tx_rate, .max_tx_rate = c->max_tx_rate};
        struct ifla_vf_tx_rate txr = {.vf = c->vf, .rate = c->max_tx_rate};
        struct ifla_vf_spoofchk sc = {.vf = c->vf, .setting = fake_setting(c, VF_FIELD_SPOOFCHK, c->spoofchk)};
        struct ifla_vf_link_state ls = {.vf = c->vf, .link_state = c->link_state};
        struct ifla_vf_rss_query_en rss = {.vf = c->vf, .setting = fake_setting(c, VF_FIELD_RSS_QUERY, c->rss_query)};
        struct ifla_vf_trust tr = {.vf = c->vf, .setting = fake_setting(c, VF_FIELD_TRUST, c->trust)};
        struct ifla_vf_vlan_info vi = {.vf = c->vf, .vlan = c->vlan, .qos = c->qos,
                                       .vlan_proto = htons(vf_vlan_proto_to_ethertype(c->vlan_proto))};

        memset(&bc, 0xff, sizeof(bc));
        memcpy(mac.mac, c->mac, VF_MAC_LEN);
        mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
        mnl_attr_put(nlh, IFLA_VF_BROADCAST, sizeof(bc), &bc);
        mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vlan), &vlan);
        mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rate), &rate);
        mnl_attr_put(nlh, IFLA_VF_TX_RATE, sizeof(txr), &txr);
        mnl_attr_put(nlh, IFLA_VF_SPOOFCHK, sizeof(sc), &sc);
        mnl_attr_put(nlh, IFLA_VF_LINK_STATE, sizeof(ls), &ls);
        mnl_attr_put(nlh, IFLA_VF_RSS_QUERY_EN, sizeof(rss), &rss);
        mnl_attr_put(nlh, IFLA_VF_TRUST, sizeof(tr), &tr);
        vl = mnl_attr_nest_start(nlh, IFLA_VF_VLAN_LIST);
        mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
        mnl_attr_nest_end(nlh, vl);
        st = mnl_attr_nest_start(nlh, IFLA_VF_STATS);
        mnl_attr_put_u64(nlh, IFLA_VF_STATS_RX_PACKETS, 1);
        mnl_attr_nest_end(nlh, st);
        mnl_attr_nest_end(nlh, info);
}

/* A link message with n VFs; num_vf < 0 leaves IFLA_NUM_VF out. */
static inline struct nlmsghdr *fake_newlink(void *buf, int ifindex, const char *name, long num_vf,
                                            const struct vf_config *vfs, size_t n)
{
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;
        struct nlattr *list;

        nlh->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_index = ifindex;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
        if (num_vf >= 0)
                mnl_attr_put_u32(nlh, IFLA_NUM_VF, (uint32_t)num_vf);
        if (n) {
                list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
                for (size_t i = 0; i < n; i++)
                        fake_put_vf(nlh, &vfs[i]);
                mnl_attr_nest_end(nlh, list);
        }
        return nlh;
}

/* A fully reported VF with values derived from its index. */
static inline struct vf_config fake_vf(uint32_t vf)
{
        struct vf_config c = {
                .vf = vf,
                .fields = VF_FIELDS_ALL,
                .mac = {0xfa, 0x16, 0x3e, 0, (uint8_t)(vf >> 8), (uint8_t)vf},
                .vlan = (uint16_t)(vf % 4095 + 1),
                .qos = (uint8_t)(vf % 8),
                .vlan_proto = vf % 3 == 0 ? VF_VLAN_PROTO_8021AD : VF_VLAN_PROTO_8021Q,
                .spoofchk = vf % 2,
                .trust = vf % 3 == 1,
                .link_state = (enum vf_link_state)(vf % 3),
                .min_tx_rate = vf % 5 ? 10 : 0,
                .max_tx_rate = 100 + vf,
                .rss_query = vf % 4 == 0,
        };
        return c;
}
