/* IPAM of both families and MAC generation: Neutron's defaults, pool
 * checks and messages, never the same address twice, EUI-64 addresses,
 * the IPv6 address-mode rules. */
#include <time.h>

#include "test-util.h"

#include "base/error.h"
#include "network/ipam.h"
#include "network/ipv6-mode.h"
#include "network/mac.h"

static ip_value v4(const char *s)
{
        ip_value a;
        if (ip_parse_family(s, IP_V4, &a) < 0)
                fail_msg("'%s' is no IPv4 address", s);
        return a;
}

static ip_value v6(const char *s)
{
        ip_value a;
        if (ip_parse_family(s, IP_V6, &a) < 0)
                fail_msg("'%s' is no IPv6 address", s);
        return a;
}

static void assert_ip(int family, ip_value a, const char *want)
{
        char b[IP_STR_LEN];
        ip_format(family, a, b);
        assert_string_equal(b, want);
}

static void test_parse(void **state)
{
        int f;
        ip_value a;
        assert_int_equal(ip_parse("192.0.2.1", &f, &a), 0);
        assert_int_equal(f, IP_V4);
        assert_true(a == 0xc0000201);
        /* IPv4-mapped text stays IPv6; IPv4 is its own family. */
        assert_int_equal(ip_parse("::ffff:192.0.2.1", &f, &a), 0);
        assert_int_equal(f, IP_V6);
        assert_true(a == (((ip_value)0xffff << 32) | 0xc0000201));
        assert_int_equal(ip_parse_family("192.0.2.1", IP_V6, &a), -EINVAL);
        assert_int_equal(ip_parse_family("2001:db8::1", IP_V4, &a), -EINVAL);
        /* Canonical text: what is claimed and shown is one spelling. */
        assert_ip(IP_V6, v6("2001:DB8:0:0:0::0001"), "2001:db8::1");
        assert_ip(IP_V6, v6("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");
        static const char *const bad[] = {"", "1.2.3", "1.2.3.4.5", "2001:db8::1::2", "::g",
                                          "1.2.3.4/32", " 1.2.3.4", "2001:db8:1:2:3:4:5:6:7"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                if (ip_parse(bad[i], &f, &a) != -EINVAL)
                        fail_msg("'%s' parsed", bad[i]);
}

static void test_cidr(void **state)
{
        struct ip_net n;
        char b[IP_NET_STR_LEN];
        assert_int_equal(ip_net_parse("192.0.2.0/24", &n), 0);
        assert_int_equal(n.family, IP_V4);
        assert_int_equal(n.prefix, 24);
        assert_ip(IP_V4, ip_net_last(&n), "192.0.2.255");
        err_clear();
        assert_int_equal(ip_net_parse("192.0.2.1/24", &n), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "'192.0.2.0/24' is recommended"));

        assert_int_equal(ip_net_parse("2001:DB8:1::/64", &n), 0);
        assert_int_equal(n.family, IP_V6);
        ip_net_format(&n, b);
        assert_string_equal(b, "2001:db8:1::/64");
        assert_ip(IP_V6, ip_net_last(&n), "2001:db8:1:0:ffff:ffff:ffff:ffff");
        assert_true(ip_net_contains(&n, v6("2001:db8:1::abcd")));
        assert_false(ip_net_contains(&n, v6("2001:db8:2::1")));
        err_clear();
        assert_int_equal(ip_net_parse("2001:db8:1::1/64", &n), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "'2001:db8:1::1/64' isn't a recognized IP subnet "
                                              "cidr, '2001:db8:1::/64' is recommended");
        static const char *const bad[] = {"192.0.2.0", "192.0.2.0/33", "192.0.2/24", "x/24",
                                          "192.0.2.0/", "192.0.2.0/-1", "", "2001:db8::/129",
                                          "2001:db8::/64/1", "2001:db8::/6x"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                if (ip_net_parse(bad[i], &n) != -EINVAL)
                        fail_msg("'%s' parsed", bad[i]);
        /* A /0 and a /128 are CIDRs; the service refuses /0 for subnets. */
        assert_int_equal(ip_net_parse("::/0", &n), 0);
        assert_true(ip_net_last(&n) == ~(ip_value)0);
        assert_int_equal(ip_net_parse("2001:db8::5/128", &n), 0);
        assert_true(ip_net_last(&n) == n.addr);
}

static void test_overlap_per_family(void **state)
{
        struct ip_net a, b, c, d;
        assert_int_equal(ip_net_parse("10.0.0.0/8", &a), 0);
        assert_int_equal(ip_net_parse("10.1.0.0/16", &b), 0);
        assert_int_equal(ip_net_parse("::/96", &c), 0);
        assert_int_equal(ip_net_parse("2001:db8::/48", &d), 0);
        assert_true(ip_nets_overlap(&a, &b));
        assert_true(ip_nets_overlap(&b, &a));
        /* ::/96 holds the value of 10.0.0.0, but families never overlap. */
        assert_false(ip_nets_overlap(&a, &c));
        assert_false(ip_nets_overlap(&c, &d));
        struct ip_net e;
        assert_int_equal(ip_net_parse("2001:db8:0:ff::/64", &e), 0);
        assert_true(ip_nets_overlap(&d, &e));
}

static void test_defaults_v4(void **state)
{
        struct ip_net n;
        struct ip_pool p[2];
        assert_int_equal(ip_net_parse("192.0.2.0/24", &n), 0);
        ip_value gw = ip_default_gateway(&n);
        assert_ip(IP_V4, gw, "192.0.2.1");
        assert_int_equal(ip_default_pools(&n, true, gw, p), 1);
        assert_ip(IP_V4, p[0].start, "192.0.2.2");
        assert_ip(IP_V4, p[0].end, "192.0.2.254");
        /* A gateway in the middle splits the pool. */
        assert_int_equal(ip_default_pools(&n, true, v4("192.0.2.100"), p), 2);
        assert_ip(IP_V4, p[0].end, "192.0.2.99");
        assert_ip(IP_V4, p[1].start, "192.0.2.101");
        /* No gateway: every host address. */
        assert_int_equal(ip_default_pools(&n, false, 0, p), 1);
        assert_ip(IP_V4, p[0].start, "192.0.2.1");
        assert_false(ip_net_host_valid(&n, v4("192.0.2.0")));
        assert_false(ip_net_host_valid(&n, v4("192.0.2.255")));
        assert_true(ip_net_host_valid(&n, v4("192.0.2.254")));
}

static void test_defaults_v6(void **state)
{
        struct ip_net n;
        struct ip_pool p[2];
        assert_int_equal(ip_net_parse("2001:db8:1::/64", &n), 0);
        ip_value gw = ip_default_gateway(&n);
        assert_ip(IP_V6, gw, "2001:db8:1::1");
        /* Neutron's generate_pools: the subnet-router anycast address (the
         * prefix itself) and the gateway are left out; IPv6 has no
         * broadcast, so the last address is in. */
        assert_int_equal(ip_default_pools(&n, true, gw, p), 1);
        assert_ip(IP_V6, p[0].start, "2001:db8:1::2");
        assert_ip(IP_V6, p[0].end, "2001:db8:1:0:ffff:ffff:ffff:ffff");
        assert_true(ip_pools_size(p, 1) == ((ip_value)1 << 64) - 2);
        assert_int_equal(ip_default_pools(&n, false, 0, p), 1);
        assert_ip(IP_V6, p[0].start, "2001:db8:1::1");
        assert_int_equal(ip_default_pools(&n, true, v6("2001:db8:1::ff"), p), 2);
        assert_ip(IP_V6, p[0].end, "2001:db8:1::fe");
        assert_ip(IP_V6, p[1].start, "2001:db8:1::100");
        /* The anycast address is no host address; the last one is. */
        assert_false(ip_net_host_valid(&n, n.addr));
        assert_true(ip_net_host_valid(&n, ip_net_last(&n)));
        /* A /127 pool is its last address; a /128 is its only address. */
        assert_int_equal(ip_net_parse("2001:db8::/127", &n), 0);
        assert_int_equal(ip_default_pools(&n, false, 0, p), 1);
        assert_ip(IP_V6, p[0].start, "2001:db8::1");
        assert_ip(IP_V6, p[0].end, "2001:db8::1");
        assert_int_equal(ip_net_parse("2001:db8::7/128", &n), 0);
        assert_int_equal(ip_default_pools(&n, false, 0, p), 1);
        assert_true(p[0].start == n.addr && p[0].end == n.addr);
}

static void expect_pool_error(const char *cidr, const char *s, const char *e, const char *text)
{
        struct ip_net n;
        struct ip_pool p;
        int f;
        assert_int_equal(ip_net_parse(cidr, &n), 0);
        assert_int_equal(ip_parse(s, &f, &p.start), 0);
        assert_int_equal(ip_parse(e, &f, &p.end), 0);
        err_clear();
        assert_int_equal(ip_pools_validate(&n, &p, 1, true, n.addr + 1), -EINVAL);
        if (!strstr(err_msg(-EINVAL), text))
                fail_msg("%s-%s: '%s' lacks '%s'", s, e, err_msg(-EINVAL), text);
}

static void test_pool_validation(void **state)
{
        expect_pool_error("10.0.0.0/24", "10.0.0.9", "10.0.0.5",
                          "Start IP (10.0.0.9) is greater than end IP (10.0.0.5)");
        expect_pool_error("10.0.0.0/24", "10.0.0.5", "10.0.1.5",
                          "The allocation pool 10.0.0.5-10.0.1.5 spans beyond the subnet cidr "
                          "10.0.0.0/24.");
        expect_pool_error("10.0.0.0/24", "10.0.0.5", "10.0.0.255", "spans beyond");
        expect_pool_error("10.0.0.0/24", "10.0.0.1", "10.0.0.5",
                          "Gateway ip 10.0.0.1 conflicts with allocation pool 10.0.0.1-10.0.0.5");
        expect_pool_error("2001:db8::/64", "2001:db8::9", "2001:db8::5",
                          "Start IP (2001:db8::9) is greater than end IP (2001:db8::5)");
        expect_pool_error("2001:db8::/64", "2001:db8::", "2001:db8::5", "spans beyond");
        expect_pool_error("2001:db8::/64", "2001:db8::5", "2001:db8:0:1::1",
                          "The allocation pool 2001:db8::5-2001:db8:0:1::1 spans beyond the "
                          "subnet cidr 2001:db8::/64.");
        expect_pool_error("2001:db8::/64", "2001:db8::1", "2001:db8::5",
                          "Gateway ip 2001:db8::1 conflicts with allocation pool");
        struct ip_net n;
        struct ip_pool p[2] = {{v6("2001:db8::5"), v6("2001:db8::a")},
                               {v6("2001:db8::a"), v6("2001:db8::10")}};
        assert_int_equal(ip_net_parse("2001:db8::/64", &n), 0);
        err_clear();
        assert_int_equal(ip_pools_validate(&n, p, 2, false, 0), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "Found overlapping allocation pools: "
                                              "2001:db8::5-2001:db8::a and "
                                              "2001:db8::a-2001:db8::10.");
        p[1].start = v6("2001:db8::b");
        assert_int_equal(ip_pools_validate(&n, p, 2, false, 0), 0);
        /* The last address of an IPv6 subnet may be pooled. */
        p[1].end = ip_net_last(&n);
        assert_int_equal(ip_pools_validate(&n, p, 2, true, n.addr + 1), 0);
}

static ip_value rnd_value;
static ip_value rnd_fixed(ip_value n)
{
        return rnd_value % n;
}

/* The last free address, whatever the count: the worst case. */
static ip_value rnd_last(ip_value n)
{
        return n - 1;
}

static void pick_all(const struct ip_pool *p, size_t n_pools, size_t total)
{
        ip_value used[32];
        size_t n = 0;
        assert_true(total <= ARRAY_SIZE(used));
        for (size_t i = 0; i < total; i++) {
                ip_value a;
                rnd_value = (ip_value)(i * 7 + 3);
                assert_int_equal(ip_pools_pick(p, n_pools, used, n, rnd_fixed, &a), 0);
                assert_true(ip_pools_contain(p, n_pools, a));
                for (size_t j = 0; j < n; j++)
                        assert_false(used[j] == a);
                used[n++] = a;
                qsort(used, n, sizeof(ip_value), ip_value_cmp);
        }
        ip_value a;
        assert_int_equal(ip_pools_pick(p, n_pools, used, n, rnd_fixed, &a), -ENOSPC);
}

static void test_pick_never_twice(void **state)
{
        /* Two pools of ten addresses in all: ten picks give ten distinct
         * addresses in the pools, the eleventh finds none — in both
         * families. */
        struct ip_pool p4[2] = {{v4("10.0.0.100"), v4("10.0.0.104")},
                                {v4("10.0.0.200"), v4("10.0.0.204")}};
        pick_all(p4, 2, 10);
        struct ip_pool p6[2] = {{v6("2001:db8::1:fffe"), v6("2001:db8::2:2")},
                                {v6("2001:db8:0:0:ffff:ffff:ffff:fffe"),
                                 v6("2001:db8:0:0:ffff:ffff:ffff:ffff")}};
        pick_all(p6, 2, 7);
}

static void test_pick_kth_free(void **state)
{
        struct ip_pool p = {10, 20};
        ip_value used[] = {5, 10, 11, 11, 13, 25}; /* outside ones ignored, duplicates once */
        ip_value a;
        rnd_value = 0;
        assert_int_equal(ip_pools_pick(&p, 1, used, 6, rnd_fixed, &a), 0);
        assert_true(a == 12);
        rnd_value = 1;
        assert_int_equal(ip_pools_pick(&p, 1, used, 6, rnd_fixed, &a), 0);
        assert_true(a == 14);
        /* free: 12, 14..20 = 8 addresses; the last. */
        assert_int_equal(ip_pools_pick(&p, 1, used, 6, rnd_last, &a), 0);
        assert_true(a == 20);
}

static void test_pick_large_prefixes(void **state)
{
        /* A /64 with its first 2000 and last 2000 addresses taken: the
         * pick is exact at both ends and never walks the range. */
        struct ip_net n;
        struct ip_pool p[2];
        assert_int_equal(ip_net_parse("2001:db8:1::/64", &n), 0);
        size_t k = ip_default_pools(&n, true, ip_default_gateway(&n), p);
        assert_int_equal(k, 1);
        static ip_value used[4000];
        for (size_t i = 0; i < 2000; i++) {
                used[i] = p[0].start + i;
                used[2000 + i] = p[0].end - 1999 + i;
        }
        ip_value a;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(ip_pools_pick(p, 1, used, 4000, rnd_last, &a), 0);
        assert_ip(IP_V6, a, "2001:db8:1:0:ffff:ffff:ffff:f82f");
        rnd_value = 0;
        assert_int_equal(ip_pools_pick(p, 1, used, 4000, rnd_fixed, &a), 0);
        assert_ip(IP_V6, a, "2001:db8:1::7d2");
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (ms > 500)
                fail_msg("two picks on a /64 took %.1f ms", ms);
        /* A /1: sizes beyond 64 bits. */
        assert_int_equal(ip_net_parse("8000::/1", &n), 0);
        assert_int_equal(ip_default_pools(&n, true, ip_default_gateway(&n), p), 1);
        assert_true(ip_pools_size(p, 1) == ((ip_value)1 << 127) - 2);
        assert_int_equal(ip_pools_pick(p, 1, NULL, 0, rnd_last, &a), 0);
        assert_ip(IP_V6, a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        /* A pool whose only address is used is exhausted. */
        struct ip_pool one = {v6("2001:db8::2"), v6("2001:db8::2")};
        ip_value taken = v6("2001:db8::2");
        assert_int_equal(ip_pools_pick(&one, 1, &taken, 1, rnd_last, &a), -ENOSPC);
        assert_true(ip_pools_nth(p, 1, 0) == p[0].start);
}

static void test_eui64(void **state)
{
        struct ip_net n;
        uint8_t m[6];
        /* Neutron's test_ipv6_utils: prefix 2001:db8::/64, MAC
         * 00:16:3e:33:44:55 → 2001:db8::216:3eff:fe33:4455. */
        assert_int_equal(ip_net_parse("2001:db8::/64", &n), 0);
        assert_int_equal(mac_parse("00:16:3e:33:44:55", m), 0);
        ip_value a = ip_eui64(&n, m);
        assert_ip(IP_V6, a, "2001:db8::216:3eff:fe33:4455");
        assert_true(ip_is_eui64(IP_V6, a));
        /* The universal/local bit is flipped both ways. */
        assert_int_equal(mac_parse("fa:16:3e:01:02:03", m), 0);
        assert_ip(IP_V6, ip_eui64(&n, m), "2001:db8::f816:3eff:fe01:203");
        assert_false(ip_is_eui64(IP_V6, v6("2001:db8::2")));
        assert_false(ip_is_eui64(IP_V4, v4("10.255.254.1")));
        /* Another MAC, another address: one port's is never another's. */
        uint8_t m2[6] = {0xfa, 0x16, 0x3e, 0x01, 0x02, 0x04};
        assert_false(ip_eui64(&n, m) == ip_eui64(&n, m2));
}

static void expect_mode_error(int version, const char *ra, const char *addr, bool dhcp,
                              unsigned prefix, const char *want)
{
        err_clear();
        assert_int_equal(ipv6_modes_validate(version, ra, addr, dhcp, prefix, "2001:db8::/48"),
                         -EINVAL);
        assert_string_equal(err_msg(-EINVAL), want);
}

static void test_ipv6_modes(void **state)
{
        assert_true(ipv6_mode_known("slaac"));
        assert_true(ipv6_mode_known("dhcpv6-stateful"));
        assert_true(ipv6_mode_known("dhcpv6-stateless"));
        assert_false(ipv6_mode_known("SLAAC"));
        assert_false(ipv6_mode_known(NULL));
        assert_true(ipv6_mode_is_auto("slaac", NULL));
        assert_true(ipv6_mode_is_auto(NULL, "dhcpv6-stateless"));
        assert_true(ipv6_mode_is_auto("dhcpv6-stateful", "slaac"));
        assert_false(ipv6_mode_is_auto("dhcpv6-stateful", "dhcpv6-stateful"));
        assert_false(ipv6_mode_is_auto(NULL, NULL));

        expect_mode_error(4, "slaac", NULL, true, 24, "ipv6_ra_mode is not valid when ip_version is 4");
        expect_mode_error(4, NULL, "slaac", true, 24,
                          "ipv6_address_mode is not valid when ip_version is 4");
        expect_mode_error(6, "slaac", NULL, false, 64,
                          "ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is "
                          "set to False");
        expect_mode_error(6, "slaac", "dhcpv6-stateful", true, 64,
                          "ipv6_ra_mode set to 'slaac' with ipv6_address_mode set to "
                          "'dhcpv6-stateful' is not valid. If both attributes are set, they "
                          "must be the same value");
        expect_mode_error(6, NULL, "slaac", true, 48,
                          "Invalid CIDR 2001:db8::/48 for IPv6 address mode. OpenStack uses the "
                          "EUI-64 address format, which requires the prefix to be /64");
        expect_mode_error(6, "dhcpv6-stateless", NULL, true, 80,
                          "Invalid CIDR 2001:db8::/48 for IPv6 address mode. OpenStack uses the "
                          "EUI-64 address format, which requires the prefix to be /64");
        /* Stateful addresses come from the pools: any prefix. */
        assert_int_equal(ipv6_modes_validate(6, "dhcpv6-stateful", "dhcpv6-stateful", true, 48,
                                             "2001:db8::/48"), 0);
        assert_int_equal(ipv6_modes_validate(6, "slaac", "slaac", true, 64, "2001:db8::/64"), 0);
        assert_int_equal(ipv6_modes_validate(6, NULL, NULL, false, 120, "2001:db8::/120"), 0);
        assert_int_equal(ipv6_modes_validate(4, NULL, NULL, true, 24, "10.0.0.0/24"), 0);
}

static void test_mac(void **state)
{
        uint8_t base[6], m[6];
        char s[MAC_STR_LEN];
        const uint8_t rnd[6] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
        assert_int_equal(mac_parse("fa:16:3e:00:00:00", base), 0);
        mac_generate(base, rnd, s);
        assert_string_equal(s, "fa:16:3e:44:55:66");
        /* A non-zero fourth octet of base_mac is kept (neutron get_random_mac). */
        assert_int_equal(mac_parse("FA:16:3E:AB:00:00", base), 0);
        mac_generate(base, rnd, s);
        assert_string_equal(s, "fa:16:3e:ab:55:66");
        assert_int_equal(mac_parse("fa:16:3e:ab:55:66", m), 0);
        static const char *const bad[] = {"", "fa:16:3e:00:00", "fa:16:3e:00:00:0g",
                                          "fa-16-3e-00-00-00", "fa:16:3e:00:00:000"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(mac_parse(bad[i], m), -EINVAL);
        assert_int_equal(mac_validate_port("fa:16:3e:00:00:01"), 0);
        assert_int_equal(mac_validate_port("01:00:5e:00:00:01"), -EINVAL); /* multicast */
        assert_int_equal(mac_validate_port("00:00:00:00:00:00"), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_cidr),
                cmocka_unit_test(test_overlap_per_family),
                cmocka_unit_test(test_defaults_v4),
                cmocka_unit_test(test_defaults_v6),
                cmocka_unit_test(test_pool_validation),
                cmocka_unit_test(test_pick_never_twice),
                cmocka_unit_test(test_pick_kth_free),
                cmocka_unit_test(test_pick_large_prefixes),
                cmocka_unit_test(test_eui64),
                cmocka_unit_test(test_ipv6_modes),
                cmocka_unit_test(test_mac),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
