#include <arpa/inet.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "base/error.h"
#include "kernel/netlink-policy.h"
#include "kernel/rtnl-link.h"
#include "vf/vf-plan.h"

void rtnl_link_free(struct rtnl_link *l)
{
        if (!l)
                return;
        free(l->vfs);
        free(l);
}

struct nlmsghdr *rtnl_build_getlink(void *buf, size_t size, int ifindex, const char *ifname,
                                    uint32_t ext_mask)
{
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifi;

        if (size < MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct ifinfomsg)))
                return NULL;
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex > 0 ? ifindex : 0;
        if (ifindex <= 0 && ifname && !mnl_attr_put_strz_check(nlh, size, IFLA_IFNAME, ifname))
                return NULL;
        if (ext_mask && !mnl_attr_put_u32_check(nlh, size, IFLA_EXT_MASK, ext_mask))
                return NULL;
        return nlh;
}

struct nlmsghdr *rtnl_build_setlink_vf(void *buf, size_t size, int ifindex, const struct vf_config *c,
                                       uint32_t fields)
{
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifi;
        struct nlattr *list, *info;
        uint32_t vlan_part = fields & VF_FIELDS_VLAN_GROUP, rate_part = fields & VF_FIELDS_RATE_GROUP;

        if ((vlan_part && vlan_part != VF_FIELDS_VLAN_GROUP) ||
            (rate_part && rate_part != VF_FIELDS_RATE_GROUP) || (fields & ~c->fields))
                return NULL;
        if (size < MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct ifinfomsg)))
                return NULL;
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_SETLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;

        list = mnl_attr_nest_start_check(nlh, size, IFLA_VFINFO_LIST);
        if (!list)
                return NULL;
        info = mnl_attr_nest_start_check(nlh, size, IFLA_VF_INFO);
        if (!info)
                return NULL;

        if (fields & VF_FIELD_BIT(VF_FIELD_MAC)) {
                struct ifla_vf_mac m = {.vf = c->vf};
                memcpy(m.mac, c->mac, VF_MAC_LEN);
                if (!mnl_attr_put_check(nlh, size, IFLA_VF_MAC, sizeof(m), &m))
                        return NULL;
        }
        if (vlan_part && c->vlan_proto == VF_VLAN_PROTO_8021AD) {
                /* 802.1ad exists only in the list form. */
                struct ifla_vf_vlan_info v = {
                        .vf = c->vf,
                        .vlan = c->vlan,
                        .qos = c->qos,
                        .vlan_proto = htons(vf_vlan_proto_to_ethertype(c->vlan_proto)),
                };
                struct nlattr *vl = mnl_attr_nest_start_check(nlh, size, IFLA_VF_VLAN_LIST);
                if (!vl || !mnl_attr_put_check(nlh, size, IFLA_VF_VLAN_INFO, sizeof(v), &v))
                        return NULL;
                mnl_attr_nest_end(nlh, vl);
        } else if (vlan_part) {
                /* 802.1Q through the legacy attribute, which every driver
                 * with ndo_set_vf_vlan accepts (iproute2 does the same). */
                struct ifla_vf_vlan v = {.vf = c->vf, .vlan = c->vlan, .qos = c->qos};
                if (!mnl_attr_put_check(nlh, size, IFLA_VF_VLAN, sizeof(v), &v))
                        return NULL;
        }
        if (rate_part) {
                struct ifla_vf_rate r = {.vf = c->vf, .min_tx_rate = c->min_tx_rate,
                                         .max_tx_rate = c->max_tx_rate};
                if (!mnl_attr_put_check(nlh, size, IFLA_VF_RATE, sizeof(r), &r))
                        return NULL;
        }
        if (fields & VF_FIELD_BIT(VF_FIELD_SPOOFCHK)) {
                struct ifla_vf_spoofchk s = {.vf = c->vf, .setting = c->spoofchk};
                if (!mnl_attr_put_check(nlh, size, IFLA_VF_SPOOFCHK, sizeof(s), &s))
                        return NULL;
        }
        if (fields & VF_FIELD_BIT(VF_FIELD_LINK_STATE)) {
                struct ifla_vf_link_state s = {.vf = c->vf, .link_state = (uint32_t)c->link_state};
                if (!mnl_attr_put_check(nlh, size, IFLA_VF_LINK_STATE, sizeof(s), &s))
                        return NULL;
        }
        if (fields & VF_FIELD_BIT(VF_FIELD_RSS_QUERY)) {
                struct ifla_vf_rss_query_en s = {.vf = c->vf, .setting = c->rss_query};
                if (!mnl_attr_put_check(nlh, size, IFLA_VF_RSS_QUERY_EN, sizeof(s), &s))
                        return NULL;
        }
        if (fields & VF_FIELD_BIT(VF_FIELD_TRUST)) {
                struct ifla_vf_trust s = {.vf = c->vf, .setting = c->trust};
                if (!mnl_attr_put_check(nlh, size, IFLA_VF_TRUST, sizeof(s), &s))
                        return NULL;
        }
        mnl_attr_nest_end(nlh, info);
        mnl_attr_nest_end(nlh, list);
        return nlh;
}

static const struct nl_attr_policy link_policy[IFLA_MAX + 1] = {
        [IFLA_IFNAME] = {NL_ATTR_STRING},
        [IFLA_NUM_VF] = {NL_ATTR_U32},
        [IFLA_VFINFO_LIST] = {NL_ATTR_NESTED},
};

static const struct nl_attr_policy vfinfo_list_policy[IFLA_VF_INFO_MAX + 1] = {
        [IFLA_VF_INFO] = {NL_ATTR_NESTED},
};

static const struct nl_attr_policy vf_policy[IFLA_VF_MAX + 1] = {
        [IFLA_VF_MAC] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_mac)},
        [IFLA_VF_VLAN] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_vlan)},
        [IFLA_VF_TX_RATE] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_tx_rate)},
        [IFLA_VF_SPOOFCHK] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_spoofchk)},
        [IFLA_VF_LINK_STATE] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_link_state)},
        [IFLA_VF_RATE] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_rate)},
        [IFLA_VF_RSS_QUERY_EN] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_rss_query_en)},
        [IFLA_VF_TRUST] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_trust)},
        [IFLA_VF_VLAN_LIST] = {NL_ATTR_NESTED},
};

static const struct nl_attr_policy vlan_list_policy[IFLA_VF_VLAN_INFO_MAX + 1] = {
        [IFLA_VF_VLAN_INFO] = {NL_ATTR_BINARY, sizeof(struct ifla_vf_vlan_info)},
};

/* Every IFLA_VF_* struct starts with the VF index; they must agree. */
static int take_vf_index(const struct nlattr *a, bool *have, uint32_t *vf)
{
        uint32_t v;

        memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
        if (*have && v != *vf)
                return -EBADMSG;
        *have = true;
        *vf = v;
        return 0;
}

/* The kernel pre-fills spoofchk, trust and rss_query with -1 before asking
 * the driver (rtnl_fill_vfinfo), so -1 means "the driver did not say". */
static bool setting_reported(uint32_t setting)
{
        return setting != UINT32_MAX;
}

static int parse_vf(const struct nlattr *nest, struct vf_config *ret)
{
        const struct nlattr *tb[IFLA_VF_MAX + 1];
        struct vf_config c = {0};
        bool have_index = false;
        int r;

        r = nl_attr_parse_nested(nest, vf_policy, IFLA_VF_MAX, tb);
        if (r < 0)
                return r;
        for (int t = 0; t <= IFLA_VF_MAX; t++)
                if (tb[t] && t != IFLA_VF_VLAN_LIST && take_vf_index(tb[t], &have_index, &c.vf) < 0)
                        return -EBADMSG;

        if (tb[IFLA_VF_MAC]) {
                const struct ifla_vf_mac *m = mnl_attr_get_payload(tb[IFLA_VF_MAC]);
                memcpy(c.mac, m->mac, VF_MAC_LEN);
                c.fields |= VF_FIELD_BIT(VF_FIELD_MAC);
        }
        if (tb[IFLA_VF_VLAN]) {
                struct ifla_vf_vlan v;
                memcpy(&v, mnl_attr_get_payload(tb[IFLA_VF_VLAN]), sizeof(v));
                c.vlan = (uint16_t)v.vlan;
                c.qos = (uint8_t)v.qos;
                c.vlan_proto = VF_VLAN_PROTO_8021Q;
                c.fields |= VF_FIELDS_VLAN_GROUP;
                if (v.vlan > VF_VLAN_MAX || v.qos > 0xff)
                        return -EBADMSG;
        }
        if (tb[IFLA_VF_VLAN_LIST]) {
                /* The list form carries the protocol; the kernel reports
                 * one entry. */
                const struct nlattr *vtb[IFLA_VF_VLAN_INFO_MAX + 1];
                r = nl_attr_parse_nested(tb[IFLA_VF_VLAN_LIST], vlan_list_policy, IFLA_VF_VLAN_INFO_MAX, vtb);
                if (r < 0)
                        return r;
                if (vtb[IFLA_VF_VLAN_INFO]) {
                        struct ifla_vf_vlan_info v;
                        enum vf_vlan_proto p;

                        memcpy(&v, mnl_attr_get_payload(vtb[IFLA_VF_VLAN_INFO]), sizeof(v));
                        if (take_vf_index(vtb[IFLA_VF_VLAN_INFO], &have_index, &c.vf) < 0 ||
                            v.vlan > VF_VLAN_MAX || v.qos > 0xff)
                                return -EBADMSG;
                        c.vlan = (uint16_t)v.vlan;
                        c.qos = (uint8_t)v.qos;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_VLAN) | VF_FIELD_BIT(VF_FIELD_QOS);
                        p = vf_vlan_proto_from_ethertype(ntohs(v.vlan_proto));
                        if (p >= 0) {
                                c.vlan_proto = p;
                                c.fields |= VF_FIELD_BIT(VF_FIELD_VLAN_PROTO);
                        } else
                                c.fields &= ~VF_FIELD_BIT(VF_FIELD_VLAN_PROTO);
                }
        }
        if (tb[IFLA_VF_RATE]) {
                struct ifla_vf_rate v;
                memcpy(&v, mnl_attr_get_payload(tb[IFLA_VF_RATE]), sizeof(v));
                c.min_tx_rate = v.min_tx_rate;
                c.max_tx_rate = v.max_tx_rate;
                c.fields |= VF_FIELDS_RATE_GROUP;
        } else if (tb[IFLA_VF_TX_RATE]) {
                struct ifla_vf_tx_rate v;
                memcpy(&v, mnl_attr_get_payload(tb[IFLA_VF_TX_RATE]), sizeof(v));
                c.max_tx_rate = v.rate;
                c.fields |= VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE);
        }
        if (tb[IFLA_VF_SPOOFCHK]) {
                struct ifla_vf_spoofchk v;
                memcpy(&v, mnl_attr_get_payload(tb[IFLA_VF_SPOOFCHK]), sizeof(v));
                if (setting_reported(v.setting)) {
                        c.spoofchk = v.setting != 0;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_SPOOFCHK);
                }
        }
        if (tb[IFLA_VF_TRUST]) {
                struct ifla_vf_trust v;
                memcpy(&v, mnl_attr_get_payload(tb[IFLA_VF_TRUST]), sizeof(v));
                if (setting_reported(v.setting)) {
                        c.trust = v.setting != 0;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_TRUST);
                }
        }
        if (tb[IFLA_VF_RSS_QUERY_EN]) {
                struct ifla_vf_rss_query_en v;
                memcpy(&v, mnl_attr_get_payload(tb[IFLA_VF_RSS_QUERY_EN]), sizeof(v));
                if (setting_reported(v.setting)) {
                        c.rss_query = v.setting != 0;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_RSS_QUERY);
                }
        }
        if (tb[IFLA_VF_LINK_STATE]) {
                struct ifla_vf_link_state v;
                memcpy(&v, mnl_attr_get_payload(tb[IFLA_VF_LINK_STATE]), sizeof(v));
                if (v.link_state < _VF_LINK_STATE_MAX) {
                        c.link_state = (enum vf_link_state)v.link_state;
                        c.fields |= VF_FIELD_BIT(VF_FIELD_LINK_STATE);
                }
        }
        if (!have_index)
                return -EBADMSG; /* an entry that names no VF cannot be placed */
        *ret = c;
        return 0;
}

int rtnl_link_parse(const struct nlmsghdr *nlh, struct rtnl_link **ret)
{
        _cleanup_(rtnl_link_freep) struct rtnl_link *l = NULL;
        const struct nlattr *tb[IFLA_MAX + 1];
        const struct ifinfomsg *ifi;
        size_t hdr = MNL_ALIGN(sizeof(struct ifinfomsg));
        int r;

        if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdr || nlh->nlmsg_type != RTM_NEWLINK)
                return -EBADMSG;
        ifi = mnl_nlmsg_get_payload(nlh);
        r = nl_attr_parse((const char *)ifi + hdr, nlh->nlmsg_len - MNL_NLMSG_HDRLEN - hdr, link_policy,
                          IFLA_MAX, tb);
        if (r < 0)
                return r;

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->ifindex = ifi->ifi_index;
        if (tb[IFLA_IFNAME]) {
                /* The policy has checked the NUL; the kernel's names fit. */
                const char *name = mnl_attr_get_str(tb[IFLA_IFNAME]);
                size_t len = strnlen(name, sizeof(l->ifname) - 1);
                memcpy(l->ifname, name, len);
                l->ifname[len] = '\0';
        }
        if (tb[IFLA_NUM_VF]) {
                l->has_num_vf = true;
                l->num_vf = mnl_attr_get_u32(tb[IFLA_NUM_VF]);
        }
        if (tb[IFLA_VFINFO_LIST]) {
                const struct nlattr *a;
                size_t n = 0;

                mnl_attr_for_each_nested(a, tb[IFLA_VFINFO_LIST]) n++;
                l->vfs = calloc(n ? n : 1, sizeof(*l->vfs));
                if (!l->vfs)
                        return -ENOMEM;
                /* Validate the list's framing first, then each entry. */
                {
                        const struct nlattr *ltb[IFLA_VF_INFO_MAX + 1];
                        r = nl_attr_parse_nested(tb[IFLA_VFINFO_LIST], vfinfo_list_policy,
                                                 IFLA_VF_INFO_MAX, ltb);
                        if (r < 0)
                                return r;
                }
                mnl_attr_for_each_nested(a, tb[IFLA_VFINFO_LIST]) {
                        if (mnl_attr_get_type(a) != IFLA_VF_INFO)
                                continue;
                        r = parse_vf(a, &l->vfs[l->n_vfs]);
                        if (r < 0)
                                return r;
                        l->n_vfs++;
                }
        }
        *ret = TAKE_PTR(l);
        return 0;
}

const struct vf_config *rtnl_link_find_vf(const struct rtnl_link *l, uint32_t vf)
{
        return vf_config_find(l->vfs, l->n_vfs, vf);
}

int rtnl_link_check_vfs(const struct rtnl_link *l)
{
        const char *name = l->ifname[0] ? l->ifname : "link";

        if (!l->has_num_vf)
                return l->n_vfs == 0 ? 0
                                     : err_set(-EBADMSG, "%s: VF entries without IFLA_NUM_VF", name);
        if (l->n_vfs != l->num_vf)
                return err_set(-EBADMSG,
                               "%s: the kernel reports %u VFs but sent %zu VF entries; refusing a "
                               "truncated VF list",
                               name, l->num_vf, l->n_vfs);
        for (uint32_t i = 0; i < l->num_vf; i++)
                if (!rtnl_link_find_vf(l, i))
                        return err_set(-EBADMSG, "%s: VF %u is missing from the kernel's VF list", name, i);
        return 0;
}
