/* IPv4 IPAM and MAC generation: Neutron's defaults, pool checks and
 * messages, never the same address twice. */
#include "test-util.h"

#include "base/error.h"
#include "network/ipam.h"
#include "network/mac.h"

static void test_cidr(void **state)
{
        struct ipv4_net n;
        char b[IP_STR_LEN];
        assert_int_equal(ipv4_net_parse("192.0.2.0/24", &n), 0);
        assert_int_equal(n.prefix, 24);
        ipv4_format(n.addr, b);
        assert_string_equal(b, "192.0.2.0");
        ipv4_format(ipv4_net_broadcast(&n), b);
        assert_string_equal(b, "192.0.2.255");
        err_clear();
        assert_int_equal(ipv4_net_parse("192.0.2.1/24", &n), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "'192.0.2.0/24' is recommended"));
        static const char *const bad[] = {"192.0.2.0", "192.0.2.0/33", "192.0.2/24",
                                          "x/24", "192.0.2.0/", "192.0.2.0/-1", "", "2001:db8::/64"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                if (ipv4_net_parse(bad[i], &n) != -EINVAL)
                        fail_msg("'%s' parsed", bad[i]);
}

static void test_defaults(void **state)
{
        struct ipv4_net n;
        struct ipv4_pool p[2];
        char a[IP_STR_LEN], b[IP_STR_LEN];
        assert_int_equal(ipv4_net_parse("192.0.2.0/24", &n), 0);
        uint32_t gw = ipv4_default_gateway(&n);
        ipv4_format(gw, a);
        assert_string_equal(a, "192.0.2.1");
        assert_int_equal(ipv4_default_pools(&n, true, gw, p), 1);
        ipv4_format(p[0].start, a);
        ipv4_format(p[0].end, b);
        assert_string_equal(a, "192.0.2.2");
        assert_string_equal(b, "192.0.2.254");
        /* A gateway in the middle splits the pool. */
        uint32_t mid;
        assert_int_equal(ipv4_parse("192.0.2.100", &mid), 0);
        assert_int_equal(ipv4_default_pools(&n, true, mid, p), 2);
        ipv4_format(p[0].end, a);
        ipv4_format(p[1].start, b);
        assert_string_equal(a, "192.0.2.99");
        assert_string_equal(b, "192.0.2.101");
        /* No gateway: every host address. */
        assert_int_equal(ipv4_default_pools(&n, false, 0, p), 1);
        ipv4_format(p[0].start, a);
        assert_string_equal(a, "192.0.2.1");
}

static void expect_pool_error(const char *s, const char *e, const char *text)
{
        struct ipv4_net n;
        struct ipv4_pool p;
        assert_int_equal(ipv4_net_parse("10.0.0.0/24", &n), 0);
        assert_int_equal(ipv4_parse(s, &p.start), 0);
        assert_int_equal(ipv4_parse(e, &p.end), 0);
        err_clear();
        assert_int_equal(ipv4_pools_validate(&n, &p, 1, true, n.addr + 1), -EINVAL);
        if (!strstr(err_msg(-EINVAL), text))
                fail_msg("%s-%s: '%s' lacks '%s'", s, e, err_msg(-EINVAL), text);
}

static void test_pool_validation(void **state)
{
        expect_pool_error("10.0.0.9", "10.0.0.5", "Start IP (10.0.0.9) is greater than end IP");
        expect_pool_error("10.0.0.5", "10.0.1.5", "spans beyond the subnet cidr");
        expect_pool_error("10.0.0.1", "10.0.0.5", "Gateway ip 10.0.0.1 conflicts with allocation pool");
        struct ipv4_net n;
        struct ipv4_pool p[2] = {{0x0a000005, 0x0a00000a}, {0x0a00000a, 0x0a000010}};
        assert_int_equal(ipv4_net_parse("10.0.0.0/24", &n), 0);
        err_clear();
        assert_int_equal(ipv4_pools_validate(&n, p, 2, false, 0), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "Found overlapping allocation pools"));
        p[1].start = 0x0a00000b;
        assert_int_equal(ipv4_pools_validate(&n, p, 2, false, 0), 0);
}

static uint32_t rnd_value;
static uint32_t rnd_fixed(uint32_t n)
{
        return rnd_value % n;
}

static int cmp(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

static void test_pick_never_twice(void **state)
{
        /* Two pools, 10 addresses: ten picks give ten distinct addresses in
         * the pools, the eleventh finds none. */
        struct ipv4_pool p[2] = {{100, 104}, {200, 204}};
        uint32_t used[16];
        size_t n = 0;
        for (int i = 0; i < 10; i++) {
                uint32_t a;
                rnd_value = (uint32_t)(i * 7 + 3);
                assert_int_equal(ipv4_pools_pick(p, 2, used, n, rnd_fixed, &a), 0);
                assert_true(ipv4_pools_contain(p, 2, a));
                for (size_t j = 0; j < n; j++)
                        assert_int_not_equal(used[j], a);
                used[n++] = a;
                qsort(used, n, sizeof(uint32_t), cmp);
        }
        uint32_t a;
        assert_int_equal(ipv4_pools_pick(p, 2, used, n, rnd_fixed, &a), -ENOSPC);
}

static void test_pick_kth_free(void **state)
{
        struct ipv4_pool p = {10, 20};
        uint32_t used[] = {5, 10, 11, 13, 25}; /* outside ones are ignored */
        uint32_t a;
        rnd_value = 0;
        assert_int_equal(ipv4_pools_pick(&p, 1, used, 5, rnd_fixed, &a), 0);
        assert_int_equal(a, 12);
        rnd_value = 1;
        assert_int_equal(ipv4_pools_pick(&p, 1, used, 5, rnd_fixed, &a), 0);
        assert_int_equal(a, 14);
        rnd_value = 7; /* free: 12,14..20 = 8 addresses, the last */
        assert_int_equal(ipv4_pools_pick(&p, 1, used, 5, rnd_fixed, &a), 0);
        assert_int_equal(a, 20);
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
                cmocka_unit_test(test_cidr),
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_pool_validation),
                cmocka_unit_test(test_pick_never_twice),
                cmocka_unit_test(test_pick_kth_free),
                cmocka_unit_test(test_mac),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
