/* The rtnetlink link codec without a socket: build -> parse round trips,
 * kernel-shaped messages, and malformed or truncated ones (R25, R22). */
#include "test-util.h"

#include "base/error.h"
#include "kernel/netlink-policy.h"
#include "kernel/netlink-socket.h"
#include "kernel/rtnl-link.h"
#include "rtnl-fake.h"

static void assert_vf_equal(const struct vf_config *a, const struct vf_config *b)
{
        assert_int_equal(a->vf, b->vf);
        assert_int_equal(a->fields, b->fields);
        for (int f = 0; f < _VF_FIELD_MAX; f++)
                if (vf_config_has(a, f))
                        assert_true(vf_config_field_equal(a, b, f));
}

static void test_newlink_256_vfs_round_trip(void **state)
{
        enum { N = 256 };
        _cleanup_free_ void *buf = calloc(1, 1 << 20);
        _cleanup_free_ struct vf_config *vfs = calloc(N, sizeof(*vfs));
        _cleanup_(rtnl_link_freep) struct rtnl_link *l = NULL;
        struct nlmsghdr *nlh;

        for (uint32_t i = 0; i < N; i++)
                vfs[i] = fake_vf(i);
        nlh = fake_newlink(buf, 7, "eth0", N, vfs, N);
        assert_true(nlh->nlmsg_len > 32768); /* bigger than a "usual" buffer */
        assert_int_equal(rtnl_link_parse(nlh, &l), 0);
        assert_int_equal(l->ifindex, 7);
        assert_string_equal(l->ifname, "eth0");
        assert_true(l->has_num_vf);
        assert_int_equal(l->num_vf, N);
        assert_int_equal(l->n_vfs, N);
        assert_int_equal(rtnl_link_check_vfs(l), 0);
        for (uint32_t i = 0; i < N; i++)
                assert_vf_equal(rtnl_link_find_vf(l, i), &vfs[i]);
        assert_null(rtnl_link_find_vf(l, N));
}

static void test_unreported_fields(void **state)
{
        _cleanup_free_ void *buf = calloc(1, 8192);
        _cleanup_(rtnl_link_freep) struct rtnl_link *l = NULL;
        struct vf_config c = fake_vf(0);
        const struct vf_config *got;

        /* The kernel pre-fills these with -1; link state 7 is no state. */
        c.fields &= ~(VF_FIELD_BIT(VF_FIELD_SPOOFCHK) | VF_FIELD_BIT(VF_FIELD_TRUST) |
                      VF_FIELD_BIT(VF_FIELD_RSS_QUERY) | VF_FIELD_BIT(VF_FIELD_LINK_STATE));
        c.link_state = 7;
        assert_int_equal(rtnl_link_parse(fake_newlink(buf, 1, "p", 1, &c, 1), &l), 0);
        got = rtnl_link_find_vf(l, 0);
        assert_non_null(got);
        assert_int_equal(got->fields, c.fields);
        assert_false(vf_config_has(got, VF_FIELD_SPOOFCHK));
        assert_true(vf_config_has(got, VF_FIELD_MAC));
}

static void test_no_vfs_and_missing_num_vf(void **state)
{
        _cleanup_free_ void *buf = calloc(1, 8192);
        struct rtnl_link *l = NULL;
        struct vf_config c = fake_vf(0);

        assert_int_equal(rtnl_link_parse(fake_newlink(buf, 1, "lo", -1, NULL, 0), &l), 0);
        assert_false(l->has_num_vf);
        assert_int_equal(rtnl_link_check_vfs(l), 0);
        rtnl_link_free(l);

        assert_int_equal(rtnl_link_parse(fake_newlink(buf, 1, "x", -1, &c, 1), &l), 0);
        assert_int_equal(rtnl_link_check_vfs(l), -EBADMSG);
        rtnl_link_free(l);
}

static void test_truncated_vf_list_is_an_error(void **state)
{
        _cleanup_free_ void *buf = calloc(1, 65536);
        struct vf_config vfs[3] = {fake_vf(0), fake_vf(1), fake_vf(2)};
        struct rtnl_link *l = NULL;

        /* IFLA_NUM_VF says 4, only 3 entries came. */
        assert_int_equal(rtnl_link_parse(fake_newlink(buf, 3, "eth0", 4, vfs, 3), &l), 0);
        err_clear();
        assert_int_equal(rtnl_link_check_vfs(l), -EBADMSG);
        assert_non_null(strstr(err_msg(0), "reports 4 VFs but sent 3"));
        rtnl_link_free(l);

        /* Right count, but VF 1 twice and VF 2 missing. */
        vfs[2] = fake_vf(1);
        assert_int_equal(rtnl_link_parse(fake_newlink(buf, 3, "eth0", 3, vfs, 3), &l), 0);
        assert_int_equal(rtnl_link_check_vfs(l), -EBADMSG);
        assert_non_null(strstr(err_msg(0), "VF 2 is missing"));
        rtnl_link_free(l);
}

/* Build a VF info nest by hand with one attribute. */
static struct nlmsghdr *link_with_vf_attr(void *buf, uint16_t type, const void *data, size_t len)
{
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;
        struct nlattr *list, *info;

        nlh->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_index = 2;
        mnl_attr_put_u32(nlh, IFLA_NUM_VF, 1);
        list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
        info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);
        if (data)
                mnl_attr_put(nlh, type, len, data);
        mnl_attr_nest_end(nlh, info);
        mnl_attr_nest_end(nlh, list);
        return nlh;
}

static void test_malformed_messages(void **state)
{
        _cleanup_free_ void *buf = calloc(1, 8192);
        struct rtnl_link *l = NULL;
        struct ifla_vf_mac mac = {.vf = 0};
        uint32_t short_attr[1] = {0};
        struct nlmsghdr *nlh;

        /* A MAC attribute too short for its struct. */
        assert_int_equal(rtnl_link_parse(link_with_vf_attr(buf, IFLA_VF_MAC, short_attr, 4), &l), -EBADMSG);
        /* A VF entry that carries nothing names no VF. */
        assert_int_equal(rtnl_link_parse(link_with_vf_attr(buf, 0, NULL, 0), &l), -EBADMSG);
        /* A lone MAC is fine: everything else is "not reported". */
        assert_int_equal(rtnl_link_parse(link_with_vf_attr(buf, IFLA_VF_MAC, &mac, sizeof(mac)), &l), 0);
        assert_int_equal(l->vfs[0].fields, VF_FIELD_BIT(VF_FIELD_MAC));
        rtnl_link_free(l);

        /* Attributes disagreeing about the VF index. */
        {
                struct vf_config c = fake_vf(0);
                struct ifla_vf_trust *t;
                nlh = fake_newlink(buf, 1, "e", 1, &c, 1);
                /* find the trust attribute and change its index */
                for (size_t off = 0; off + sizeof(struct nlattr) <= nlh->nlmsg_len; off += 4) {
                        struct nlattr *a = (struct nlattr *)((char *)buf + off);
                        if (a->nla_type == IFLA_VF_TRUST && a->nla_len == MNL_ATTR_HDRLEN + sizeof(*t)) {
                                t = mnl_attr_get_payload(a);
                                t->vf = 9;
                                break;
                        }
                }
                assert_int_equal(rtnl_link_parse(nlh, &l), -EBADMSG);
        }

        /* An unterminated name. */
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth0");
        assert_int_equal(rtnl_link_parse(nlh, &l), -EBADMSG);

        /* Not a link message, or shorter than its header. */
        nlh->nlmsg_type = RTM_NEWNEIGH;
        assert_int_equal(rtnl_link_parse(nlh, &l), -EBADMSG);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
        assert_int_equal(rtnl_link_parse(nlh, &l), -EBADMSG);
}

static void test_every_truncation(void **state)
{
        _cleanup_free_ void *buf = calloc(1, 65536);
        struct vf_config vfs[4] = {fake_vf(0), fake_vf(1), fake_vf(2), fake_vf(3)};
        struct nlmsghdr *nlh = fake_newlink(buf, 5, "eth1", 4, vfs, 4);
        uint32_t full = nlh->nlmsg_len;
        unsigned ok = 0, bad = 0;

        /* Each prefix, in an exactly sized heap copy so ASan sees any
         * over-read: either parsed or refused, never a crash. */
        for (uint32_t len = MNL_NLMSG_HDRLEN; len <= full; len++) {
                _cleanup_free_ char *copy = malloc(len);
                struct rtnl_link *l = NULL;
                int r;

                memcpy(copy, buf, len);
                ((struct nlmsghdr *)copy)->nlmsg_len = len;
                r = rtnl_link_parse((struct nlmsghdr *)copy, &l);
                if (r == 0) {
                        ok++;
                        /* A prefix that parses either stops before
                         * IFLA_NUM_VF (a link without VFs) or is refused
                         * as a truncated VF list. */
                        if (l->has_num_vf && len < full)
                                assert_int_not_equal(rtnl_link_check_vfs(l), 0);
                        rtnl_link_free(l);
                } else {
                        assert_int_equal(r, -EBADMSG);
                        bad++;
                }
        }
        assert_true(ok > 0 && bad > 0);
}

/* RTM_SETLINK carries the same VF attributes as RTM_NEWLINK: parse what we
 * build and get exactly the fields we asked for. */
static void setlink_round_trip(const struct vf_config *c, uint32_t fields)
{
        /* The slot a batch gives each message is enough for any of them. */
        char buf[RTNL_SETLINK_VF_SIZE];
        _cleanup_(rtnl_link_freep) struct rtnl_link *l = NULL;
        struct nlmsghdr *nlh = rtnl_build_setlink_vf(buf, sizeof(buf), 42, c, fields);
        const struct vf_config *got;

        assert_non_null(nlh);
        assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
        assert_true(nlh->nlmsg_flags & NLM_F_ACK);
        nlh->nlmsg_type = RTM_NEWLINK;
        assert_int_equal(rtnl_link_parse(nlh, &l), 0);
        assert_int_equal(l->ifindex, 42);
        assert_int_equal(l->n_vfs, 1);
        got = &l->vfs[0];
        assert_int_equal(got->vf, c->vf);
        assert_int_equal(got->fields, fields);
        for (int f = 0; f < _VF_FIELD_MAX; f++)
                if (fields & VF_FIELD_BIT(f))
                        assert_true(vf_config_field_equal(got, c, f));
}

static void test_setlink_round_trips(void **state)
{
        static const uint32_t singles[] = {
                VF_FIELD_BIT(VF_FIELD_MAC),        VF_FIELDS_VLAN_GROUP,
                VF_FIELDS_RATE_GROUP,              VF_FIELD_BIT(VF_FIELD_SPOOFCHK),
                VF_FIELD_BIT(VF_FIELD_TRUST),      VF_FIELD_BIT(VF_FIELD_LINK_STATE),
                VF_FIELD_BIT(VF_FIELD_RSS_QUERY),  VF_FIELDS_ALL,
        };
        for (uint32_t vf = 0; vf < 6; vf++) {
                struct vf_config c = fake_vf(vf * 51);
                for (size_t i = 0; i < ARRAY_SIZE(singles); i++)
                        setlink_round_trip(&c, singles[i]);
                /* the longest form: 802.1ad goes in a VLAN list */
                c.vlan_proto = VF_VLAN_PROTO_8021AD;
                c.vf = UINT32_MAX - 1;
                setlink_round_trip(&c, VF_FIELDS_ALL);
        }
}

/* The IFLA_VF_* attribute types inside a request's VF info. */
static uint32_t vf_attr_types(const struct nlmsghdr *nlh)
{
        const struct nlattr *list, *info, *a;
        uint32_t m = 0;

        mnl_attr_for_each(list, nlh, sizeof(struct ifinfomsg)) {
                if (mnl_attr_get_type(list) != IFLA_VFINFO_LIST)
                        continue;
                mnl_attr_for_each_nested(info, list) {
                        mnl_attr_for_each_nested(a, info) m |= 1u << mnl_attr_get_type(a);
                }
        }
        return m;
}

static void test_setlink_vlan_encoding(void **state)
{
        char buf[RTNL_REQUEST_SIZE];
        struct vf_config c = fake_vf(3);
        struct nlmsghdr *nlh;

        /* 802.1Q goes as the legacy IFLA_VF_VLAN, 802.1ad as the list. */
        c.vlan_proto = VF_VLAN_PROTO_8021Q;
        nlh = rtnl_build_setlink_vf(buf, sizeof(buf), 1, &c, VF_FIELDS_VLAN_GROUP);
        assert_int_equal(vf_attr_types(nlh), 1u << IFLA_VF_VLAN);
        c.vlan_proto = VF_VLAN_PROTO_8021AD;
        nlh = rtnl_build_setlink_vf(buf, sizeof(buf), 1, &c, VF_FIELDS_VLAN_GROUP);
        assert_int_equal(vf_attr_types(nlh), 1u << IFLA_VF_VLAN_LIST);
        /* Rates only through IFLA_VF_RATE, never the legacy TX rate. */
        nlh = rtnl_build_setlink_vf(buf, sizeof(buf), 1, &c, VF_FIELDS_RATE_GROUP);
        assert_int_equal(vf_attr_types(nlh), 1u << IFLA_VF_RATE);

        /* Half a group, fields not in c, or no room: refused. */
        assert_null(rtnl_build_setlink_vf(buf, sizeof(buf), 1, &c, VF_FIELD_BIT(VF_FIELD_QOS)));
        assert_null(rtnl_build_setlink_vf(buf, sizeof(buf), 1, &c, VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE)));
        c.fields = VF_FIELD_BIT(VF_FIELD_MAC);
        assert_null(rtnl_build_setlink_vf(buf, sizeof(buf), 1, &c, VF_FIELD_BIT(VF_FIELD_TRUST)));
        assert_null(rtnl_build_setlink_vf(buf, 40, 1, &c, VF_FIELD_BIT(VF_FIELD_MAC)));
}

static void test_getlink_request(void **state)
{
        char buf[RTNL_REQUEST_SIZE];
        const struct nlattr *a;
        struct nlmsghdr *nlh = rtnl_build_getlink(buf, sizeof(buf), 0, "eth0",
                                                  RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
        bool name = false, mask = false;

        assert_non_null(nlh);
        assert_int_equal(nlh->nlmsg_type, RTM_GETLINK);
        assert_false(nlh->nlmsg_flags & NLM_F_DUMP); /* one link, never a dump */
        mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
                if (mnl_attr_get_type(a) == IFLA_IFNAME)
                        name = streq(mnl_attr_get_str(a), "eth0");
                if (mnl_attr_get_type(a) == IFLA_EXT_MASK)
                        mask = mnl_attr_get_u32(a) == (RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
        }
        assert_true(name && mask);
        assert_null(rtnl_build_getlink(buf, 8, 0, "eth0", 0));
}

static void test_error_message_with_extack(void **state)
{
        char buf[512], text[64];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct nlmsgerr *e;

        nlh->nlmsg_type = NLMSG_ERROR;
        nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
        e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
        e->error = -EOPNOTSUPP;
        e->msg.nlmsg_len = 200; /* capped: the request is not echoed */
        mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "VF link state not supported");
        assert_int_equal(nl_parse_error(nlh, text, sizeof(text)), -EOPNOTSUPP);
        assert_string_equal(text, "VF link state not supported");

        /* A plain ACK, and an error too short to hold its header. */
        e->error = 0;
        nlh->nlmsg_flags = 0;
        assert_int_equal(nl_parse_error(nlh, text, sizeof(text)), 0);
        assert_string_equal(text, "");
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
        assert_int_equal(nl_parse_error(nlh, text, sizeof(text)), -EBADMSG);
}

static void test_message_walk_refuses_huge_lengths(void **state)
{
        char buf[64] = {0};
        struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
        const struct nlmsghdr *m;
        int rem = sizeof(buf), n = 0;

        /* 0xffffffff read as an int is -1, which mnl_nlmsg_ok() takes for
         * "fits" and the walk then stands still. */
        nlh->nlmsg_len = UINT32_MAX;
        assert_false(nl_msg_ok(nlh, rem));
        nlh->nlmsg_len = sizeof(buf) + 1;
        assert_false(nl_msg_ok(nlh, rem));
        nlh->nlmsg_len = 15;
        assert_false(nl_msg_ok(nlh, rem));
        /* Two 32-byte messages are walked, then the end. */
        nlh->nlmsg_len = 32;
        ((struct nlmsghdr *)(buf + 32))->nlmsg_len = 32;
        nl_msg_for_each(m, buf, rem) n++;
        assert_int_equal(n, 2);
        assert_int_equal(rem, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_newlink_256_vfs_round_trip),
                cmocka_unit_test(test_unreported_fields),
                cmocka_unit_test(test_no_vfs_and_missing_num_vf),
                cmocka_unit_test(test_truncated_vf_list_is_an_error),
                cmocka_unit_test(test_malformed_messages),
                cmocka_unit_test(test_every_truncation),
                cmocka_unit_test(test_setlink_round_trips),
                cmocka_unit_test(test_setlink_vlan_encoding),
                cmocka_unit_test(test_getlink_request),
                cmocka_unit_test(test_error_message_with_extack),
                cmocka_unit_test(test_message_walk_refuses_huge_lengths),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
