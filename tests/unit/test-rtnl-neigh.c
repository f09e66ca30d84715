/* The FDB codec: what `bridge fdb add MAC dev PF` sends, and parsing the
 * kernel's entries. */
#include "test-util.h"

#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kernel/rtnl-neigh.h"

static const uint8_t mac[VF_MAC_LEN] = {0xfa, 0x16, 0x3e, 0x12, 0x34, 0x56};

static void test_add_del_round_trip(void **state)
{
        char buf[RTNL_NEIGH_REQUEST_SIZE];
        struct rtnl_fdb_entry e;
        struct nlmsghdr *nlh;
        struct ndmsg *ndm;

        nlh = rtnl_build_fdb(buf, sizeof(buf), RTM_NEWNEIGH, 9, mac);
        assert_non_null(nlh);
        assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
        ndm = mnl_nlmsg_get_payload(nlh);
        assert_int_equal(ndm->ndm_family, AF_BRIDGE);
        assert_int_equal(ndm->ndm_flags, NTF_SELF);
        assert_int_equal(ndm->ndm_state, NUD_PERMANENT);
        assert_int_equal(rtnl_fdb_parse(nlh, &e), 0);
        assert_int_equal(e.ifindex, 9);
        assert_memory_equal(e.mac, mac, VF_MAC_LEN);
        assert_int_equal(e.state, NUD_PERMANENT);
        assert_false(e.has_vlan);

        nlh = rtnl_build_fdb(buf, sizeof(buf), RTM_DELNEIGH, 9, mac);
        assert_non_null(nlh);
        assert_false(nlh->nlmsg_flags & NLM_F_CREATE);
        assert_int_equal(rtnl_fdb_parse(nlh, &e), -EBADMSG); /* not a NEWNEIGH */

        assert_null(rtnl_build_fdb(buf, sizeof(buf), RTM_GETNEIGH, 9, mac));
        assert_null(rtnl_build_fdb(buf, 20, RTM_NEWNEIGH, 9, mac));
        nlh = rtnl_build_fdb_dump(buf, sizeof(buf));
        assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
        assert_int_equal(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ndmsg)));
}

static void test_parse_odd_entries(void **state)
{
        char buf[256];
        struct rtnl_fdb_entry e;
        struct nlmsghdr *nlh = rtnl_build_fdb(buf, sizeof(buf), RTM_NEWNEIGH, 3, mac);
        struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);

        mnl_attr_put_u16(nlh, NDA_VLAN, 42);
        assert_int_equal(rtnl_fdb_parse(nlh, &e), 0);
        assert_true(e.has_vlan);
        assert_int_equal(e.vlan, 42);

        /* An IPv4 neighbour is not an FDB entry. */
        ndm->ndm_family = AF_INET;
        assert_int_equal(rtnl_fdb_parse(nlh, &e), -ENOENT);
        ndm->ndm_family = AF_BRIDGE;

        /* A short VLAN attribute, or a message cut inside its header. */
        nlh = rtnl_build_fdb(buf, sizeof(buf), RTM_NEWNEIGH, 3, mac);
        mnl_attr_put(nlh, NDA_VLAN, 1, "x");
        assert_int_equal(rtnl_fdb_parse(nlh, &e), -EBADMSG);
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 3;
        assert_int_equal(rtnl_fdb_parse(nlh, &e), -EBADMSG);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_add_del_round_trip),
                cmocka_unit_test(test_parse_odd_entries),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
