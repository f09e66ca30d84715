/* IPv6 IPAM: CIDRs, Neutron's defaults, pools, no address twice,
 * exhaustion, EUI-64 from the MAC and the ipv6 mode rules. */
#include "test-util.h"

#include "base/error.h"
#include "network/ipam6.h"

static ipv6_t A(const char *s)
{
        ipv6_t a;
        assert_int_equal(ipv6_parse(s, &a), 0);
        return a;
}

static void assert_addr(ipv6_t a, const char *want)
{
        char b[IP6_STR_LEN];
        ipv6_format(a, b);
        assert_string_equal(b, want);
}

static void test_cidr(void **state)
{
        struct ipv6_net n;
        assert_int_equal(ipv6_net_parse("2001:db8::/64", &n), 0);
        assert_int_equal(n.prefix, 64);
        assert_addr(n.addr, "2001:db8::");
        assert_addr(ipv6_net_last(&n), "2001:db8::ffff:ffff:ffff:ffff");
        assert_true(ipv6_net_contains(&n, A("2001:db8::1234")));
        assert_false(ipv6_net_contains(&n, A("2001:db8:0:1::1")));
        err_clear();
        assert_int_equal(ipv6_net_parse("2001:db8::1/64", &n), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "'2001:db8::1/64' isn't a recognized IP subnet cidr, "
                                              "'2001:db8::/64' is recommended");
        static const char *const bad[] = {"2001:db8::", "2001:db8::/129", "10.0.0.0/8", "x/64",
                                          "2001:db8::/", "2001:db8::/-1", ""};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                if (ipv6_net_parse(bad[i], &n) != -EINVAL)
                        fail_msg("'%s' parsed", bad[i]);
        struct ipv6_net m;
        assert_int_equal(ipv6_net_parse("2001:db8::/48", &m), 0);
        assert_true(ipv6_nets_overlap(&n, &m));
        assert_int_equal(ipv6_net_parse("2001:db9::/64", &m), 0);
        assert_false(ipv6_nets_overlap(&n, &m));
}

static void test_defaults(void **state)
{
        struct ipv6_net n;
        struct ipv6_pool p[2];
        assert_int_equal(ipv6_net_parse("2001:db8::/64", &n), 0);
        ipv6_t gw = ipv6_default_gateway(&n);
        assert_addr(gw, "2001:db8::1");
        assert_int_equal(ipv6_default_pools(&n, true, gw, p), 1);
        assert_addr(p[0].start, "2001:db8::2");
        assert_addr(p[0].end, "2001:db8::ffff:ffff:ffff:ffff");
        /* A gateway inside splits the pool; no gateway: all but the anycast. */
        assert_int_equal(ipv6_default_pools(&n, true, A("2001:db8::10"), p), 2);
        assert_addr(p[0].end, "2001:db8::f");
        assert_addr(p[1].start, "2001:db8::11");
        assert_int_equal(ipv6_default_pools(&n, false, 0, p), 1);
        assert_addr(p[0].start, "2001:db8::1");
        assert_int_equal(ipv6_net_parse("2001:db8::/127", &n), 0);
        assert_int_equal(ipv6_default_pools(&n, true, ipv6_default_gateway(&n), p), 0);
}

static void test_pool_validation(void **state)
{
        struct ipv6_net n;
        assert_int_equal(ipv6_net_parse("2001:db8::/64", &n), 0);
        ipv6_t gw = A("2001:db8::1");
        struct ipv6_pool ok[] = {{A("2001:db8::10"), A("2001:db8::20")},
                                 {A("2001:db8::30"), A("2001:db8::40")}};
        assert_int_equal(ipv6_pools_validate(&n, ok, 2, true, gw), 0);
        struct ipv6_pool rev = {A("2001:db8::20"), A("2001:db8::10")};
        assert_int_equal(ipv6_pools_validate(&n, &rev, 1, true, gw), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "Invalid input for operation: Start IP "
                                              "(2001:db8::20) is greater than end IP (2001:db8::10).");
        struct ipv6_pool out = {A("2001:db8::10"), A("2001:db8:1::")};
        assert_int_equal(ipv6_pools_validate(&n, &out, 1, true, gw), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "The allocation pool 2001:db8::10-2001:db8:1:: "
                                              "spans beyond the subnet cidr.");
        struct ipv6_pool g = {A("2001:db8::1"), A("2001:db8::5")};
        assert_int_equal(ipv6_pools_validate(&n, &g, 1, true, gw), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "Gateway ip 2001:db8::1 conflicts with allocation "
                                              "pool 2001:db8::1-2001:db8::5.");
        struct ipv6_pool ov[] = {{A("2001:db8::10"), A("2001:db8::20")},
                                 {A("2001:db8::20"), A("2001:db8::30")}};
        assert_int_equal(ipv6_pools_validate(&n, ov, 2, true, gw), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "Found overlapping allocation pools"));
}

static uint32_t seq;
static uint32_t rnd_seq(uint32_t n)
{
        return n ? seq++ % n : 0;
}

static int cmp(const void *a, const void *b)
{
        ipv6_t x = *(const ipv6_t *)a, y = *(const ipv6_t *)b;
        return x < y ? -1 : x > y;
}

/* Every address of a small pool exactly once, then -ENOSPC. */
static void test_pick_never_twice_and_exhaustion(void **state)
{
        struct ipv6_pool p[] = {{A("2001:db8::2"), A("2001:db8::9")},
                                {A("2001:db8::20"), A("2001:db8::23")}};
        ipv6_t used[12];
        size_t n = 0;
        for (int i = 0; i < 12; i++) {
                ipv6_t a;
                assert_int_equal(ipv6_pools_pick(p, 2, used, n, rnd_seq, &a), 0);
                bool in = (a >= p[0].start && a <= p[0].end) || (a >= p[1].start && a <= p[1].end);
                assert_true(in);
                for (size_t j = 0; j < n; j++)
                        assert_false(used[j] == a);
                used[n++] = a;
                qsort(used, n, sizeof(ipv6_t), cmp);
        }
        ipv6_t a;
        assert_int_equal(ipv6_pools_pick(p, 2, used, n, rnd_seq, &a), -ENOSPC);
        /* A /64's pool is never exhausted by a few: a pick lands inside. */
        struct ipv6_net net;
        assert_int_equal(ipv6_net_parse("2001:db8::/64", &net), 0);
        struct ipv6_pool big[2];
        size_t k = ipv6_default_pools(&net, true, ipv6_default_gateway(&net), big);
        assert_int_equal(ipv6_pools_pick(big, k, NULL, 0, rnd_seq, &a), 0);
        assert_true(a >= big[0].start && a <= big[0].end);
}

static void test_eui64(void **state)
{
        struct ipv6_net n;
        assert_int_equal(ipv6_net_parse("2001:db8::/64", &n), 0);
        const uint8_t mac[6] = {0xfa, 0x16, 0x3e, 0x12, 0x34, 0x56};
        assert_addr(ipv6_eui64(&n, mac), "2001:db8::f816:3eff:fe12:3456");
        /* The universal/local bit flips either way. */
        const uint8_t local[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
        assert_addr(ipv6_eui64(&n, local), "2001:db8::211:22ff:fe33:4455");
        /* Two MACs, two addresses. */
        const uint8_t other[6] = {0xfa, 0x16, 0x3e, 0x12, 0x34, 0x57};
        assert_false(ipv6_eui64(&n, mac) == ipv6_eui64(&n, other));
}

static void test_modes(void **state)
{
        assert_int_equal(ipv6_modes_validate(6, "slaac", "slaac", true, 64, "2001:db8::/64"), 0);
        assert_int_equal(ipv6_modes_validate(6, NULL, "dhcpv6-stateful", true, 120, "x"), 0);
        assert_int_equal(ipv6_modes_validate(6, NULL, NULL, false, 120, "x"), 0);
        assert_int_equal(ipv6_modes_validate(4, "slaac", NULL, true, 24, "x"), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "Invalid input for operation: ipv6_ra_mode is not "
                                              "valid when ip_version is 4.");
        assert_int_equal(ipv6_modes_validate(4, NULL, "slaac", true, 24, "x"), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "Invalid input for operation: ipv6_address_mode is "
                                              "not valid when ip_version is 4.");
        assert_int_equal(ipv6_modes_validate(6, "slaac", "dhcpv6-stateful", true, 64, "x"),
                         -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "Invalid input for operation: ipv6_ra_mode set to "
                                              "'slaac' with ipv6_address_mode set to "
                                              "'dhcpv6-stateful' is not valid. If both attributes "
                                              "are set, they must be the same value.");
        assert_int_equal(ipv6_modes_validate(6, NULL, "slaac", false, 64, "x"), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "Cannot disable enable_dhcp with ipv6 attributes"));
        assert_int_equal(ipv6_modes_validate(6, NULL, "dhcpv6-stateless", true, 80,
                                             "2001:db8::/80"), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "Invalid input for operation: Invalid CIDR "
                                              "2001:db8::/80 for IPv6 address mode. OpenStack uses "
                                              "the EUI-64 address format, which requires the "
                                              "prefix to be /64.");
        assert_true(ipv6_mode_is_auto("slaac"));
        assert_true(ipv6_mode_is_auto("dhcpv6-stateless"));
        assert_false(ipv6_mode_is_auto("dhcpv6-stateful"));
        assert_false(ipv6_mode_is_auto(NULL));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cidr),
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_pool_validation),
                cmocka_unit_test(test_pick_never_twice_and_exhaustion),
                cmocka_unit_test(test_eui64),
                cmocka_unit_test(test_modes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
