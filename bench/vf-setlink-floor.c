/* The floor for bench/vf-apply.sh: the least a program can do to program N
 * VFs — one netlink socket, one RTM_SETLINK per VF carrying the same
 * attributes `vfnet vf apply` sends for the benchmark's file (MAC, VLAN
 * with QoS and protocol, rates, spoofchk, link state, trust, RSS query),
 * each ACK read before the next send.  No state read, no checks, no saved
 * state, no output.  Values follow the same formula as the generated file.
 * With "igb" only what the 82576's igb driver accepts is sent (MAC, 802.1Q
 * VLAN with QoS, a max rate, spoofchk, trust): the kernel stops at the
 * first attribute a driver refuses.
 * Usage: vf-setlink-floor IFNAME COUNT [igb] */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

static void put_vf_igb(struct nlmsghdr *nlh, uint32_t v)
{
        struct nlattr *list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
        struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);
        struct ifla_vf_mac mac = {.vf = v, .mac = {0xfa, 0x16, 0x3e, 0, (uint8_t)(v / 256), (uint8_t)(v % 256)}};
        struct ifla_vf_vlan vlan = {.vf = v, .vlan = v + 1, .qos = v % 8};
        struct ifla_vf_rate rate = {.vf = v, .min_tx_rate = 0, .max_tx_rate = 100 + v};
        struct ifla_vf_spoofchk sc = {.vf = v, .setting = v % 2 == 0};
        struct ifla_vf_trust tr = {.vf = v, .setting = v % 3 == 0};

        mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
        mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vlan), &vlan);
        mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rate), &rate);
        mnl_attr_put(nlh, IFLA_VF_SPOOFCHK, sizeof(sc), &sc);
        mnl_attr_put(nlh, IFLA_VF_TRUST, sizeof(tr), &tr);
        mnl_attr_nest_end(nlh, info);
        mnl_attr_nest_end(nlh, list);
}

static void put_vf(struct nlmsghdr *nlh, uint32_t v)
{
        struct nlattr *list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
        struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);
        struct ifla_vf_mac mac = {.vf = v, .mac = {0xfa, 0x16, 0x3e, 0, (uint8_t)(v / 256), (uint8_t)(v % 256)}};
        struct ifla_vf_rate rate = {.vf = v, .min_tx_rate = v % 4 * 10, .max_tx_rate = 100 + v};
        struct ifla_vf_spoofchk sc = {.vf = v, .setting = v % 2 == 0};
        struct ifla_vf_link_state ls = {.vf = v, .link_state = v % 3};
        struct ifla_vf_rss_query_en rss = {.vf = v, .setting = v % 2 == 1};
        struct ifla_vf_trust tr = {.vf = v, .setting = v % 3 == 0};

        mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
        if (v % 5 == 0) {
                struct ifla_vf_vlan_info vi = {.vf = v, .vlan = v + 1, .qos = v % 8, .vlan_proto = htons(0x88a8)};
                struct nlattr *vl = mnl_attr_nest_start(nlh, IFLA_VF_VLAN_LIST);
                mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
                mnl_attr_nest_end(nlh, vl);
        } else {
                struct ifla_vf_vlan vlan = {.vf = v, .vlan = v + 1, .qos = v % 8};
                mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vlan), &vlan);
        }
        mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rate), &rate);
        mnl_attr_put(nlh, IFLA_VF_SPOOFCHK, sizeof(sc), &sc);
        mnl_attr_put(nlh, IFLA_VF_LINK_STATE, sizeof(ls), &ls);
        mnl_attr_put(nlh, IFLA_VF_RSS_QUERY_EN, sizeof(rss), &rss);
        mnl_attr_put(nlh, IFLA_VF_TRUST, sizeof(tr), &tr);
        mnl_attr_nest_end(nlh, info);
        mnl_attr_nest_end(nlh, list);
}

int main(int argc, char **argv)
{
        static char buf[8192];
        struct mnl_socket *nl;
        unsigned ifindex;
        long count;
        bool igb = argc == 4 && strcmp(argv[3], "igb") == 0;

        if ((argc != 3 && !igb) || !(ifindex = if_nametoindex(argv[1])) || (count = atol(argv[2])) <= 0) {
                fprintf(stderr, "usage: vf-setlink-floor IFNAME COUNT [igb]\n");
                return 2;
        }
        nl = mnl_socket_open(NETLINK_ROUTE);
        if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                perror("netlink");
                return 1;
        }
        for (long v = 0; v < count; v++) {
                struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
                struct ifinfomsg *ifi;
                const struct nlmsgerr *e;

                nlh->nlmsg_type = RTM_SETLINK;
                nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
                nlh->nlmsg_seq = (uint32_t)v + 1;
                ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
                ifi->ifi_index = (int)ifindex;
                if (igb)
                        put_vf_igb(nlh, (uint32_t)v);
                else
                        put_vf(nlh, (uint32_t)v);
                if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ||
                    mnl_socket_recvfrom(nl, buf, sizeof(buf)) < 0) {
                        perror("netlink");
                        return 1;
                }
                e = mnl_nlmsg_get_payload((struct nlmsghdr *)buf);
                if (((struct nlmsghdr *)buf)->nlmsg_type != NLMSG_ERROR || e->error) {
                        fprintf(stderr, "VF %ld: %s\n", v, strerror(-e->error));
                        return 1;
                }
        }
        mnl_socket_close(nl);
        return 0;
}
