/* network_vlan_ranges grammar and project VLAN allocation (R9; neutron-lib
 * parse_network_vlan_ranges, type_vlan.py). */
#include "test-util.h"

#include "base/error.h"
#include "network/vlan-ranges.h"

static struct vlan_ranges *parse(const char *const *items)
{
        struct vlan_ranges *r = NULL;
        assert_int_equal(vlan_ranges_parse((char *const *)items, &r), 0);
        return r;
}

static void test_parse_seed(void **state)
{
        const char *items[] = {"physnet1:15:20", NULL};
        struct vlan_ranges *r = parse(items);
        assert_int_equal(r->n, 1);
        assert_string_equal(r->items[0].physnet, "physnet1");
        assert_int_equal(r->items[0].min, 15);
        assert_int_equal(r->items[0].max, 20);
        assert_true(vlan_ranges_contains(r, "physnet1", 15));
        assert_true(vlan_ranges_contains(r, "physnet1", 20));
        assert_false(vlan_ranges_contains(r, "physnet1", 14));
        assert_false(vlan_ranges_contains(r, "physnet1", 21));
        assert_false(vlan_ranges_contains(r, "physnet2", 15));
        vlan_ranges_free(r);
}

static void test_parse_bare_and_multi(void **state)
{
        const char *items[] = {"physnet2", "physnet1:10:11", "physnet1:30:30", NULL};
        struct vlan_ranges *r = parse(items);
        assert_int_equal(r->n, 3);
        /* A bare physnet allocates from every VLAN (neutron-lib 02e070fe). */
        assert_true(vlan_ranges_contains(r, "physnet2", 1));
        assert_true(vlan_ranges_contains(r, "physnet2", 4094));
        assert_true(vlan_ranges_contains(r, "physnet1", 30));
        assert_false(vlan_ranges_contains(r, "physnet1", 20));
        assert_true(vlan_ranges_has_physnet(r, "physnet1"));
        assert_false(vlan_ranges_has_physnet(r, "physnet3"));
        vlan_ranges_free(r);

        const char *none[] = {NULL};
        r = parse(none);
        assert_int_equal(r->n, 0);
        assert_false(vlan_ranges_has_physnet(r, "physnet1"));
        vlan_ranges_free(r);
}

static void expect_error(const char *item, const char *text)
{
        const char *items[] = {item, NULL};
        struct vlan_ranges *r = NULL;
        err_clear();
        assert_int_equal(vlan_ranges_parse((char *const *)items, &r), -EINVAL);
        assert_null(r);
        if (!strstr(err_msg(-EINVAL), text))
                fail_msg("'%s': message '%s' lacks '%s'", item, err_msg(-EINVAL), text);
}

static void test_parse_errors(void **state)
{
        expect_error("physnet1:15", "Need exactly two values for VLAN range");
        expect_error("physnet1:15:20:30", "Need exactly two values for VLAN range");
        expect_error("physnet1:0:20", "0 is not a valid VLAN tag");
        expect_error("physnet1:1:4095", "4095 is not a valid VLAN tag");
        expect_error("physnet1:x:20", "x is not a valid VLAN tag");
        expect_error("physnet1:-1:20", "is not a valid VLAN tag");
        expect_error("physnet1:20:15", "End of VLAN range is less than start of VLAN range");
        expect_error(":15:20", "Missing physical network name");
        expect_error("physnet1::20", "is not a valid VLAN tag");
}

static unsigned used_set[4096];

static bool is_used(const char *physnet, unsigned vlan, void *userdata)
{
        const char *only = userdata;
        return (!only || streq(only, physnet)) && used_set[vlan];
}

static uint32_t rnd_first(uint32_t n)
{
        return 0;
}

static uint32_t rnd_last(uint32_t n)
{
        return n - 1;
}

static void test_pick(void **state)
{
        const char *items[] = {"physnet1:15:20", "physnet2:100:101", NULL};
        struct vlan_ranges *r = parse(items);
        const char *pn;
        unsigned v;
        memset(used_set, 0, sizeof(used_set));
        assert_int_equal(vlan_ranges_pick(r, is_used, NULL, rnd_first, &pn, &v), 0);
        assert_string_equal(pn, "physnet1");
        assert_int_equal(v, 15);
        assert_int_equal(vlan_ranges_pick(r, is_used, NULL, rnd_last, &pn, &v), 0);
        assert_int_equal(v, 20);
        /* Random: every free VLAN reachable, taken ones never chosen. */
        used_set[15] = used_set[17] = 1;
        assert_int_equal(vlan_ranges_pick(r, is_used, NULL, rnd_first, &pn, &v), 0);
        assert_int_equal(v, 16);
        assert_int_equal(vlan_ranges_pick(r, is_used, NULL, rnd_last, &pn, &v), 0);
        assert_int_equal(v, 20);
        /* physnet1 full: the next physnet in config order. */
        for (unsigned i = 15; i <= 20; i++)
                used_set[i] = 1;
        assert_int_equal(vlan_ranges_pick(r, is_used, (void *)"physnet1", rnd_first, &pn, &v), 0);
        assert_string_equal(pn, "physnet2");
        assert_int_equal(v, 100);
        /* Everything full: NoNetworkAvailable. */
        used_set[100] = used_set[101] = 1;
        assert_int_equal(vlan_ranges_pick(r, is_used, NULL, rnd_first, &pn, &v), -ENOSPC);
        vlan_ranges_free(r);
}

static void test_pick_overlapping_ranges(void **state)
{
        /* The same physnet twice, overlapping: each VLAN counts once. */
        const char *items[] = {"p:10:12", "p:11:13", NULL};
        struct vlan_ranges *r = parse(items);
        const char *pn;
        unsigned v;
        memset(used_set, 0, sizeof(used_set));
        assert_int_equal(vlan_ranges_pick(r, is_used, NULL, rnd_last, &pn, &v), 0);
        assert_int_equal(v, 13);
        for (unsigned i = 10; i <= 13; i++)
                used_set[i] = 1;
        assert_int_equal(vlan_ranges_pick(r, is_used, NULL, rnd_last, &pn, &v), -ENOSPC);
        vlan_ranges_free(r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_seed),
                cmocka_unit_test(test_parse_bare_and_multi),
                cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_pick),
                cmocka_unit_test(test_pick_overlapping_ranges),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
