/* The netlink transport against the running kernel, in a network namespace
 * of its own (iproute2's testsuite way): batches of more requests than the
 * window, per-field failure attribution when a device has no VF support
 * (every attribute answers EOPNOTSUPP, as link state does on some NICs,
 * R22), the kernel's extack text in errors, dumps.  Needs CAP_SYS_ADMIN for
 * unshare(CLONE_NEWNET) (or user namespaces); a TAP skip without either. */
#include <net/if.h>
#include <sched.h>
#include <linux/rtnetlink.h>

#include "test-util.h"

#include "base/error.h"
#include "kernel/netlink-socket.h"
#include "kernel/rtnl-neigh.h"
#include "kernel/vf-program.h"

static void test_read_link_without_vfs(void **state)
{
        _cleanup_(nl_sock_freep) struct nl_sock *s = NULL;
        _cleanup_(rtnl_link_freep) struct rtnl_link *l = NULL;

        assert_int_equal(nl_sock_open(0, &s), 0);
        assert_int_equal(vf_read(s, "lo", &l), 0);
        assert_string_equal(l->ifname, "lo");
        assert_int_equal(l->ifindex, (int)if_nametoindex("lo"));
        assert_int_equal(l->n_vfs, 0);

        err_clear();
        assert_int_equal(vf_read(s, "nosuch0", &l), -ENODEV);
        assert_string_equal(err_msg(0), "no network interface 'nosuch0'");
        /* The socket is still usable after an error. */
        rtnl_link_free(l);
        l = NULL;
        assert_int_equal(vf_read(s, "lo", &l), 0);
}

static void test_batch_failures_are_per_field(void **state)
{
        enum { N = 150 }; /* more than the in-flight window */
        _cleanup_(nl_sock_freep) struct nl_sock *s = NULL;
        _cleanup_free_ struct vf_config *sends = calloc(N, sizeof(*sends));
        struct vf_failure *failures = NULL;
        size_t n_failures = 0;

        for (uint32_t i = 0; i < N; i++) {
                sends[i].vf = i;
                sends[i].fields = i % 10 == 7 ? 0 /* nothing to send */
                                              : VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELD_BIT(VF_FIELD_TRUST);
                sends[i].mac[0] = 0xfa;
                sends[i].mac[5] = (uint8_t)i;
                sends[i].trust = true;
        }
        assert_int_equal(nl_sock_open(0, &s), 0);
        /* lo has no VF operations: the kernel refuses each attribute. */
        assert_int_equal(vf_program(s, (int)if_nametoindex("lo"), sends, N, &failures, &n_failures), 0);
        assert_int_equal(n_failures, 2 * (N - N / 10));
        for (size_t k = 0, i = 0; i < N; i++) {
                if (i % 10 == 7)
                        continue;
                assert_int_equal(failures[k].vf, i);
                assert_int_equal(failures[k].field, VF_FIELD_MAC);
                assert_int_equal(failures[k].error, -EOPNOTSUPP);
                assert_int_equal(failures[k + 1].vf, i);
                assert_int_equal(failures[k + 1].field, VF_FIELD_TRUST);
                assert_int_equal(failures[k + 1].error, -EOPNOTSUPP);
                k += 2;
        }
        free(failures);

        /* Same socket, again: sequence numbers keep matching. */
        assert_int_equal(vf_program(s, (int)if_nametoindex("lo"), sends, 3, &failures, &n_failures), 0);
        assert_int_equal(n_failures, 6);
        free(failures);
}

static void test_extack_text_in_errors(void **state)
{
        _cleanup_(nl_sock_freep) struct nl_sock *s = NULL;
        static const uint8_t mac[VF_MAC_LEN] = {0xfa, 0x16, 0x3e, 0, 0, 1};
        char buf[RTNL_NEIGH_REQUEST_SIZE];
        struct nlmsghdr *req;

        assert_int_equal(nl_sock_open(0, &s), 0);
        req = rtnl_build_fdb(buf, sizeof(buf), RTM_NEWNEIGH, (int)if_nametoindex("lo"), mac);
        err_clear();
        assert_int_equal(nl_sock_call(s, req, NULL, NULL), -EINVAL);
        /* The kernel's own words, e.g. "FDB add only supported for
         * Ethernet devices". */
        assert_non_null(strstr(err_msg(0), "(kernel: "));
        assert_non_null(strstr(err_msg(0), "FDB"));
}

static int count_entry(const struct nlmsghdr *nlh, void *userdata)
{
        (*(int *)userdata)++;
        return 0;
}

static void test_dump_ends(void **state)
{
        _cleanup_(nl_sock_freep) struct nl_sock *s = NULL;
        char buf[RTNL_NEIGH_REQUEST_SIZE];
        int n = 0;

        assert_int_equal(nl_sock_open(0, &s), 0);
        assert_int_equal(nl_sock_call(s, rtnl_build_fdb_dump(buf, sizeof(buf)), count_entry, &n), 0);
        assert_true(n >= 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read_link_without_vfs),
                cmocka_unit_test(test_batch_failures_are_per_field),
                cmocka_unit_test(test_extack_text_in_errors),
                cmocka_unit_test(test_dump_ends),
        };
        /* As root a plain new netns; otherwise inside a user namespace,
         * where the new netns is ours to administer. */
        if (unshare(CLONE_NEWNET) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
                printf("1..0 # SKIP needs CAP_SYS_ADMIN for a network namespace\n");
                return 0;
        }
        return cmocka_run_group_tests(tests, NULL, NULL);
}
