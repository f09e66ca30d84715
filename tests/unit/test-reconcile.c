/* One PF's desired VF state from the ports bound to the host: the port's
 * state on its VF, the free state on every other managed VF, nothing on an
 * excluded VF (R19), and each problem named against its port. */
#include "test-util.h"

#include "agent/reconcile.h"
#include "base/error.h"

/* The seed's 82576 port 0: VFs interleave with port 1's (0b:10.0, 10.2,
 * 10.4, 10.6 are port 0's VFs 0..3). */
static const struct agent_vf vfs[] = {
        {0, "0000:0b:10.0"}, {1, "0000:0b:10.2"}, {2, "0000:0b:10.4"}, {3, "0000:0b:10.6"},
};

static char *excluded_none[] = {NULL};
static char *excluded_one[] = {"0000:0b:10.6", NULL};

static struct agent_port make_port(const char *id, const char *slot, const char *physnet,
                                   uint16_t vlan)
{
        struct agent_port p = {.id = id};
        snprintf(p.vf.pci_slot, sizeof(p.vf.pci_slot), "%s", slot);
        p.vf.physnet = physnet;
        p.vf.want = (struct vf_config){
                .fields = VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELDS_VLAN_GROUP |
                          VF_FIELD_BIT(VF_FIELD_SPOOFCHK) | VF_FIELD_BIT(VF_FIELD_LINK_STATE) |
                          VF_FIELD_BIT(VF_FIELD_TRUST),
                .mac = {0xfa, 0x16, 0x3e, 0, 0, (uint8_t)vlan},
                .vlan = vlan,
                .spoofchk = true,
                .link_state = VF_LINK_STATE_ENABLE,
                .vf = 999, /* the planner sets the index */
        };
        return p;
}

static void test_ports_and_free_vfs(void **state)
{
        struct agent_pf_map pf = {"physnet1", "eth0", excluded_one};
        struct agent_port ports[] = {
                make_port("A", "0000:0b:10.2", "physnet1", 15),
                make_port("B", "0000:0b:10.6", "physnet1", 16),
                make_port("C", "0000:0c:10.0", "physnet1", 17), /* another PF's */
        };
        struct reconcile_plan p;
        assert_int_equal(agent_reconcile_pf(&pf, vfs, 4, ports, 3, &p), 0);
        /* VF 3 is excluded: no want at all, not even the free state. */
        assert_int_equal(p.n_wants, 3);
        assert_int_equal(p.wants[0].vf, 0);
        assert_null(p.vf_port[0]);
        assert_true(vf_mac_is_zero(p.wants[0].mac));
        assert_int_equal(p.wants[0].link_state, VF_LINK_STATE_AUTO);
        assert_int_equal(p.wants[1].vf, 1);
        assert_string_equal(p.vf_port[1], "A");
        assert_int_equal(p.wants[1].vlan, 15);
        assert_int_equal(p.wants[1].link_state, VF_LINK_STATE_ENABLE);
        assert_int_equal(p.wants[2].vf, 2);
        assert_null(p.vf_port[2]);
        assert_int_equal(p.n_matched, 1);
        /* B asked for the excluded VF; C is not this PF's business. */
        assert_int_equal(p.n_problems, 1);
        assert_string_equal(p.problems[0].port_id, "B");
        assert_int_equal(p.problems[0].kind, RECONCILE_EXCLUDED);
        assert_int_equal(p.problems[0].vf, 3);
        char buf[256];
        assert_string_equal(reconcile_problem_text(&p.problems[0], "eth0", buf, sizeof(buf)),
                            "port B: eth0 VF 3 is in exclude_devices; it is not programmed");
        reconcile_plan_done(&p);
}

static void test_two_ports_one_vf(void **state)
{
        struct agent_pf_map pf = {"physnet1", "eth0", excluded_none};
        struct agent_port ports[] = {
                make_port("A", "0000:0b:10.0", "physnet1", 15),
                make_port("B", "0000:0b:10.0", "physnet1", 16),
        };
        struct reconcile_plan p;
        assert_int_equal(agent_reconcile_pf(&pf, vfs, 4, ports, 2, &p), 0);
        /* VF 0 is left as it is; the other three are free. */
        assert_int_equal(p.n_wants, 3);
        for (size_t i = 0; i < p.n_wants; i++) {
                assert_int_not_equal(p.wants[i].vf, 0);
                assert_null(p.vf_port[i]);
        }
        assert_int_equal(p.n_problems, 2);
        assert_string_equal(p.problems[0].port_id, "A");
        assert_string_equal(p.problems[1].port_id, "B");
        assert_int_equal(p.problems[1].kind, RECONCILE_VF_TAKEN);
        assert_int_equal(p.n_matched, 0);
        reconcile_plan_done(&p);
}

static void test_wrong_physnet(void **state)
{
        struct agent_pf_map pf = {"physnet1", "eth0", excluded_none};
        struct agent_port ports[] = {
                make_port("A", "0000:0b:10.4", "physnet2", 15),
                make_port("B", "0000:0b:10.2", NULL, 16), /* no physnet in the profile: trusted */
        };
        struct reconcile_plan p;
        assert_int_equal(agent_reconcile_pf(&pf, vfs, 4, ports, 2, &p), 0);
        assert_int_equal(p.n_wants, 3);
        assert_int_equal(p.n_matched, 1);
        assert_string_equal(p.vf_port[1], "B");
        assert_int_equal(p.n_problems, 1);
        assert_int_equal(p.problems[0].kind, RECONCILE_WRONG_PHYSNET);
        char buf[256];
        assert_non_null(strstr(reconcile_problem_text(&p.problems[0], "eth0", buf, sizeof(buf)),
                               "port A: eth0 VF 2 is on another physical network"));
        reconcile_plan_done(&p);
}

static void test_no_vfs(void **state)
{
        struct agent_pf_map pf = {"physnet1", "eth0", excluded_none};
        struct agent_port ports[] = {make_port("A", "0000:0b:10.0", "physnet1", 15)};
        struct reconcile_plan p;
        assert_int_equal(agent_reconcile_pf(&pf, NULL, 0, ports, 1, &p), 0);
        assert_int_equal(p.n_wants, 0);
        assert_int_equal(p.n_problems, 0);
        assert_int_equal(p.n_matched, 0);
        reconcile_plan_done(&p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ports_and_free_vfs),
                cmocka_unit_test(test_two_ports_one_vf),
                cmocka_unit_test(test_wrong_physnet),
                cmocka_unit_test(test_no_vfs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
