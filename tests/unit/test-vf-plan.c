/* Planning a change of many VFs of one PF (what the VF session sends) and
 * reading its per-field results. */
#include "test-util.h"

#include "base/error.h"
#include "vf/vf-plan.h"
#include "rtnl-fake.h"

enum { N_CUR = 8 };

static void fill_cur(struct vf_config cur[N_CUR])
{
        for (uint32_t i = 0; i < N_CUR; i++)
                cur[i] = fake_vf(i);
}

static void test_plan_in_the_order_asked(void **state)
{
        struct vf_config cur[N_CUR], wants[3] = {0};
        struct vf_change_plan p = {0};

        fill_cur(cur);
        /* VF 5: a new VLAN id only; VF 2: its current MAC (nothing to do);
         * VF 0: trust flipped and a max rate. */
        wants[0] = (struct vf_config){.vf = 5, .fields = VF_FIELD_BIT(VF_FIELD_VLAN), .vlan = 42};
        wants[1] = (struct vf_config){.vf = 2, .fields = VF_FIELD_BIT(VF_FIELD_MAC)};
        memcpy(wants[1].mac, cur[2].mac, VF_MAC_LEN);
        wants[2] = (struct vf_config){.vf = 0,
                                      .fields = VF_FIELD_BIT(VF_FIELD_TRUST) | VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE),
                                      .trust = !cur[0].trust,
                                      .max_tx_rate = 500};

        assert_int_equal(vf_change_plan_make(cur, N_CUR, N_CUR, wants, 3, &p), 0);
        assert_int_equal(p.n, 3);
        assert_int_equal(p.n_changing, 2);

        /* Entry i is wants[i], with the VF as it was. */
        assert_int_equal(p.before[0].vf, 5);
        assert_memory_equal(&p.before[0], &cur[5], sizeof(cur[5]));
        assert_int_equal(p.changed[0], VF_FIELD_BIT(VF_FIELD_VLAN));
        /* The VLAN group goes whole: untagged defaults for what was not asked. */
        assert_int_equal(p.sends[0].fields, VF_FIELDS_VLAN_GROUP);
        assert_int_equal(p.sends[0].vlan, 42);
        assert_int_equal(p.sends[0].qos, 0);
        assert_int_equal(p.sends[0].vlan_proto, VF_VLAN_PROTO_8021Q);

        assert_int_equal(p.before[1].vf, 2);
        assert_int_equal(p.changed[1], 0);
        assert_int_equal(p.sends[1].fields, 0);

        assert_int_equal(p.before[2].vf, 0);
        assert_int_equal(p.changed[2], VF_FIELD_BIT(VF_FIELD_TRUST) | VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE));
        /* The rate pair goes whole: the min rate kept from the VF. */
        assert_int_equal(p.sends[2].fields, VF_FIELD_BIT(VF_FIELD_TRUST) | VF_FIELDS_RATE_GROUP);
        assert_int_equal(p.sends[2].min_tx_rate, cur[0].min_tx_rate);
        assert_int_equal(p.sends[2].max_tx_rate, 500);
        assert_int_equal(p.sends[2].trust, !cur[0].trust);
        vf_change_plan_done(&p);
        assert_null(p.sends);
        assert_int_equal(p.n, 0);
}

static void test_unreported_field_counts_as_changed(void **state)
{
        struct vf_config cur[N_CUR], want = {.vf = 3, .fields = VF_FIELD_BIT(VF_FIELD_TRUST)};
        struct vf_change_plan p = {0};

        fill_cur(cur);
        want.trust = cur[3].trust;
        cur[3].fields &= ~VF_FIELD_BIT(VF_FIELD_TRUST);
        assert_int_equal(vf_change_plan_make(cur, N_CUR, N_CUR, &want, 1, &p), 0);
        assert_int_equal(p.n_changing, 1);
        assert_int_equal(p.changed[0], VF_FIELD_BIT(VF_FIELD_TRUST));
        vf_change_plan_done(&p);
}

static void test_empty_plan(void **state)
{
        struct vf_config cur[N_CUR];
        struct vf_change_plan p = {0};

        fill_cur(cur);
        assert_int_equal(vf_change_plan_make(cur, N_CUR, N_CUR, NULL, 0, &p), 0);
        assert_int_equal(p.n, 0);
        assert_int_equal(p.n_changing, 0);
        vf_change_plan_done(&p);
}

/* One bad entry fails the whole plan, with a message naming the VF; the
 * entries before it are not returned. */
static void test_bad_entry_fails_the_plan(void **state)
{
        struct vf_config cur[N_CUR], wants[2];
        struct vf_change_plan p = {0};

        fill_cur(cur);
        wants[0] = (struct vf_config){.vf = 1, .fields = VF_FIELD_BIT(VF_FIELD_VLAN), .vlan = 7};

        wants[1] = (struct vf_config){.vf = N_CUR, .fields = VF_FIELD_BIT(VF_FIELD_VLAN), .vlan = 7};
        err_clear();
        assert_int_equal(vf_change_plan_make(cur, N_CUR, N_CUR, wants, 2, &p), -EINVAL);
        assert_string_equal(err_msg(0), "VF 8 is out of range: the PF has 8 VFs (0-7)");
        assert_null(p.sends);

        wants[1] = (struct vf_config){.vf = 4, .fields = VF_FIELD_BIT(VF_FIELD_MAC), .mac = {0x01, 0, 0, 0, 0, 1}};
        err_clear();
        assert_int_equal(vf_change_plan_make(cur, N_CUR, N_CUR, wants, 2, &p), -EINVAL);
        assert_string_equal(err_msg(0), "VF 4: MAC 01:00:00:00:00:01 is a multicast address; give a unicast MAC");

        /* A min rate above the max the VF keeps. */
        wants[1] = (struct vf_config){.vf = 4, .fields = VF_FIELD_BIT(VF_FIELD_MIN_TX_RATE), .min_tx_rate = 5000};
        err_clear();
        assert_int_equal(vf_change_plan_make(cur, N_CUR, N_CUR, wants, 2, &p), -EINVAL);
        assert_string_equal(err_msg(0), "VF 4: min rate 5000 Mbps would be above max rate 104 Mbps");

        /* In range, but the PF's list lacks it. */
        wants[1] = (struct vf_config){.vf = 6, .fields = VF_FIELD_BIT(VF_FIELD_TRUST)};
        err_clear();
        assert_int_equal(vf_change_plan_make(cur, 6, N_CUR, wants, 2, &p), -ENODEV);
        assert_string_equal(err_msg(0), "VF 6: the PF did not report it");
        assert_null(p.sends);
}

static void test_find_in_any_order(void **state)
{
        struct vf_config cur[3] = {fake_vf(2), fake_vf(0), fake_vf(7)};

        assert_ptr_equal(vf_config_find(cur, 3, 2), &cur[0]);
        assert_ptr_equal(vf_config_find(cur, 3, 0), &cur[1]);
        assert_ptr_equal(vf_config_find(cur, 3, 7), &cur[2]);
        assert_null(vf_config_find(cur, 3, 1));
        assert_null(vf_config_find(cur, 0, 0));
}

static void test_failed_fields(void **state)
{
        const struct vf_failure f[] = {
                {.vf = 3, .field = VF_FIELD_TRUST, .error = -EOPNOTSUPP},
                {.vf = 4, .field = VF_FIELD_MAC, .error = -EINVAL},
                {.vf = 3, .field = VF_FIELD_LINK_STATE, .error = -EOPNOTSUPP},
        };

        assert_int_equal(vf_failed_fields(f, 3, 3), VF_FIELD_BIT(VF_FIELD_TRUST) | VF_FIELD_BIT(VF_FIELD_LINK_STATE));
        assert_int_equal(vf_failed_fields(f, 3, 4), VF_FIELD_BIT(VF_FIELD_MAC));
        assert_int_equal(vf_failed_fields(f, 3, 5), 0);
        assert_int_equal(vf_failed_fields(NULL, 0, 3), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plan_in_the_order_asked),
                cmocka_unit_test(test_unreported_field_counts_as_changed),
                cmocka_unit_test(test_empty_plan),
                cmocka_unit_test(test_bad_entry_fails_the_plan),
                cmocka_unit_test(test_find_in_any_order),
                cmocka_unit_test(test_failed_fields),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
