/* Drift detection between two reads and the plan of what to send. */
#include "test-util.h"

#include "base/error.h"
#include "vf/vf-diff.h"
#include "rtnl-fake.h"

static void test_no_change(void **state)
{
        struct vf_config a[3] = {fake_vf(0), fake_vf(1), fake_vf(2)};
        struct vf_change *ch = NULL;
        size_t n = 99;

        assert_int_equal(vf_diff(a, 3, a, 3, &ch, &n), 0);
        assert_int_equal(n, 0);
        free(ch);
}

static void test_field_changes(void **state)
{
        struct vf_config a[3] = {fake_vf(0), fake_vf(1), fake_vf(2)};
        struct vf_config b[3] = {fake_vf(0), fake_vf(1), fake_vf(2)};
        struct vf_change *ch = NULL;
        size_t n;

        b[1].vlan = 999;
        b[1].spoofchk = !a[1].spoofchk;
        b[2].fields &= ~VF_FIELD_BIT(VF_FIELD_TRUST); /* no longer reported */
        b[0].mac[5] = 0x77;
        assert_int_equal(vf_diff(a, 3, b, 3, &ch, &n), 0);
        assert_int_equal(n, 4);
        /* ordered by VF, then field */
        assert_int_equal(ch[0].vf, 0);
        assert_int_equal(ch[0].field, VF_FIELD_MAC);
        assert_string_equal(ch[0].old, "fa:16:3e:00:00:00");
        assert_string_equal(ch[0].new, "fa:16:3e:00:00:77");
        assert_int_equal(ch[1].vf, 1);
        assert_int_equal(ch[1].field, VF_FIELD_VLAN);
        assert_string_equal(ch[1].old, "2");
        assert_string_equal(ch[1].new, "999");
        assert_int_equal(ch[2].field, VF_FIELD_SPOOFCHK);
        assert_string_equal(ch[2].old, "on");
        assert_string_equal(ch[2].new, "off");
        assert_int_equal(ch[3].vf, 2);
        assert_int_equal(ch[3].field, VF_FIELD_TRUST);
        assert_string_equal(ch[3].new, "-");
        free(ch);
}

static void test_vfs_appear_and_vanish(void **state)
{
        struct vf_config a[2] = {fake_vf(0), fake_vf(1)};
        struct vf_config b[3] = {fake_vf(2), fake_vf(0)}; /* any order */
        struct vf_change *ch = NULL;
        size_t n;

        assert_int_equal(vf_diff(a, 2, b, 2, &ch, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(ch[0].vf, 1);
        assert_int_equal(ch[0].field, _VF_FIELD_INVALID);
        assert_string_equal(ch[0].old, "present");
        assert_string_equal(ch[0].new, "absent");
        assert_int_equal(ch[1].vf, 2);
        assert_string_equal(ch[1].new, "present");
        free(ch);

        assert_int_equal(vf_diff(NULL, 0, NULL, 0, &ch, &n), 0);
        assert_int_equal(n, 0);
        free(ch);
}

static void test_plan_changes_only_what_differs(void **state)
{
        struct vf_config cur = fake_vf(5), want = {.vf = 5}, send;
        uint32_t changed;

        /* Same values: nothing to send. */
        want = cur;
        assert_int_equal(vf_plan(&cur, &want, &send, &changed), 0);
        assert_int_equal(changed, 0);
        assert_int_equal(send.fields, 0);

        /* Only trust differs. */
        want.trust = !cur.trust;
        assert_int_equal(vf_plan(&cur, &want, &send, &changed), 0);
        assert_int_equal(changed, VF_FIELD_BIT(VF_FIELD_TRUST));
        assert_int_equal(send.fields, VF_FIELD_BIT(VF_FIELD_TRUST));
}

static void test_plan_completes_groups(void **state)
{
        struct vf_config cur = fake_vf(7), want = {.vf = 7}, send;
        uint32_t changed;

        /* A new QoS alone still sends the whole VLAN group, from want. */
        want.fields = VF_FIELDS_VLAN_GROUP;
        want.vlan = cur.vlan;
        want.vlan_proto = cur.vlan_proto;
        want.qos = (uint8_t)((cur.qos + 1) % 8);
        assert_int_equal(vf_plan(&cur, &want, &send, &changed), 0);
        assert_int_equal(changed, VF_FIELD_BIT(VF_FIELD_QOS));
        assert_int_equal(send.fields, VF_FIELDS_VLAN_GROUP);
        assert_int_equal(send.vlan, cur.vlan);

        /* Max rate alone keeps the current min rate. */
        want = (struct vf_config){.vf = 7, .fields = VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE), .max_tx_rate = 500};
        assert_int_equal(vf_plan(&cur, &want, &send, &changed), 0);
        assert_int_equal(changed, VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE));
        assert_int_equal(send.fields, VF_FIELDS_RATE_GROUP);
        assert_int_equal(send.min_tx_rate, cur.min_tx_rate);
        assert_int_equal(send.max_tx_rate, 500);

        /* ... and refuses a max below the current min. */
        cur.min_tx_rate = 600;
        err_clear();
        assert_int_equal(vf_plan(&cur, &want, &send, &changed), -EINVAL);
        assert_non_null(strstr(err_msg(0), "min rate 600 Mbps would be above max rate 500"));

        /* A field the driver does not report is always sent. */
        cur.fields &= ~VF_FIELD_BIT(VF_FIELD_LINK_STATE);
        want = (struct vf_config){.vf = 7, .fields = VF_FIELD_BIT(VF_FIELD_LINK_STATE),
                                  .link_state = cur.link_state};
        assert_int_equal(vf_plan(&cur, &want, &send, &changed), 0);
        assert_int_equal(changed, VF_FIELD_BIT(VF_FIELD_LINK_STATE));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_no_change),
                cmocka_unit_test(test_field_changes),
                cmocka_unit_test(test_vfs_appear_and_vanish),
                cmocka_unit_test(test_plan_changes_only_what_differs),
                cmocka_unit_test(test_plan_completes_groups),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
