/* ML2 binding decisions of openvswitch + sriovnicswitch for every vnic_type
 * × segment × agent × vendor case (R10-R12; peers-and-semantics §3.4-3.5). */
#include "test-util.h"

#include "network/binding.h"

static const char *const physnet1[] = {"physnet1"};
static const char *const physnet2[] = {"physnet2"};
static const char *const vxlan[] = {"vxlan"};

enum agent_case {
        AGENTS_NONE,
        AGENT_SRIOV_ALIVE,       /* NIC Switch agent, device_mappings physnet1 */
        AGENT_SRIOV_DEAD,
        AGENT_SRIOV_OTHER_PHYS,  /* alive, maps physnet2 only */
        AGENT_OVS_ALIVE,         /* Open vSwitch agent, bridge_mappings physnet1, vxlan */
        AGENT_DEAD_THEN_ALIVE,   /* a dead NIC Switch agent, then an alive one */
        _AGENT_CASE_MAX,
};

static size_t agents_for(enum agent_case c, struct binding_agent ret[2])
{
        const struct binding_agent sriov = {AGENT_TYPE_NIC_SWITCH, true, physnet1, 1, NULL, 0};
        switch (c) {
        case AGENTS_NONE:
                return 0;
        case AGENT_SRIOV_ALIVE:
                ret[0] = sriov;
                return 1;
        case AGENT_SRIOV_DEAD:
                ret[0] = sriov;
                ret[0].alive = false;
                return 1;
        case AGENT_SRIOV_OTHER_PHYS:
                ret[0] = sriov;
                ret[0].physnets = physnet2;
                return 1;
        case AGENT_OVS_ALIVE:
                ret[0] = (struct binding_agent){AGENT_TYPE_OVS, true, physnet1, 1, vxlan, 1};
                return 1;
        case AGENT_DEAD_THEN_ALIVE:
                ret[0] = sriov;
                ret[0].alive = false;
                ret[1] = sriov;
                return 2;
        default:
                return 0;
        }
}

enum seg_case { SEG_VLAN, SEG_FLAT, SEG_VXLAN, SEG_NONE, _SEG_CASE_MAX };

static size_t segment_for(enum seg_case c, struct binding_segment *ret)
{
        switch (c) {
        case SEG_VLAN: *ret = (struct binding_segment){"vlan", "physnet1", 15}; return 1;
        case SEG_FLAT: *ret = (struct binding_segment){"flat", "physnet1", 0}; return 1;
        case SEG_VXLAN: *ret = (struct binding_segment){"vxlan", NULL, 1001}; return 1;
        default: return 0;
        }
}

enum vendor_case { VENDOR_UNSET, VENDOR_MATCH, VENDOR_MISMATCH, VENDOR_NO_INFO, VENDOR_BAD_INFO,
                   _VENDOR_CASE_MAX };

/* What Neutron does, stated rule by rule (the oracle for the matrix). */
static const char *expected_vif(enum vnic_type v, enum seg_case s, enum agent_case a,
                                enum vendor_case vc, bool agent_required, const char **status)
{
        bool l2 = s == SEG_VLAN || s == SEG_FLAT;
        *status = "DOWN";
        if (v == VNIC_NORMAL) {
                /* openvswitch: an alive OVS agent serving the segment. */
                if (a == AGENT_OVS_ALIVE && s != SEG_NONE)
                        return "ovs";
                return "binding_failed";
        }
        bool sriov_type = v == VNIC_DIRECT || v == VNIC_MACVTAP || v == VNIC_DIRECT_PHYSICAL ||
                          v == VNIC_ACCELERATOR_DIRECT;
        if (!sriov_type)
                return "binding_failed";
        if (vc == VENDOR_MISMATCH || vc == VENDOR_NO_INFO || vc == VENDOR_BAD_INFO)
                return "binding_failed";
        const char *vif = v == VNIC_DIRECT_PHYSICAL ? "hostdev_physical" : "hw_veb";
        if (v == VNIC_DIRECT_PHYSICAL || !agent_required) {
                if (!l2)
                        return "binding_failed";
                *status = "ACTIVE";
                return vif;
        }
        if (l2 && (a == AGENT_SRIOV_ALIVE || a == AGENT_DEAD_THEN_ALIVE))
                return vif;
        return "binding_failed";
}

static void test_matrix(void **state)
{
        static const enum mech_driver drivers[] = {MECH_OPENVSWITCH, MECH_SRIOVNICSWITCH};
        static const char *const vendors[] = {"15b3:1004", "8086:10ca"};
        size_t n = 0;
        for (int req = 0; req < 2; req++)
                for (int v = 0; v < _VNIC_TYPE_MAX; v++)
                        for (int s = 0; s < _SEG_CASE_MAX; s++)
                                for (int a = 0; a < _AGENT_CASE_MAX; a++)
                                        for (int vc = 0; vc < _VENDOR_CASE_MAX; vc++) {
                                                struct binding_config cfg = {
                                                        drivers, 2, req == 0, vc != VENDOR_UNSET,
                                                        vendors, 2};
                                                struct binding_port port = {(enum vnic_type)v, NULL, false};
                                                if (vc == VENDOR_MATCH)
                                                        port.pci_vendor_info = "8086:10CA";
                                                else if (vc == VENDOR_MISMATCH)
                                                        port.pci_vendor_info = "8086:1515";
                                                else if (vc == VENDOR_BAD_INFO)
                                                        port.pci_vendor_info = "8086-10ca";
                                                else if (vc == VENDOR_UNSET)
                                                        port.pci_vendor_info = "ffff:ffff";
                                                struct binding_segment seg;
                                                struct binding_agent agents[2];
                                                size_t ns = segment_for(s, &seg);
                                                size_t na = agents_for(a, agents);
                                                struct binding_result res;
                                                binding_decide(&cfg, &port, &seg, ns, agents, na, &res);
                                                const char *status;
                                                const char *want = expected_vif(v, s, a, vc, req == 0, &status);
                                                /* The vendor check is sriovnicswitch's; OVS ignores it. */
                                                if (v == VNIC_NORMAL)
                                                        want = expected_vif(v, s, a, VENDOR_UNSET, req == 0, &status);
                                                if (!streq(res.vif_type, want) ||
                                                    (res.bound && !streq(res.status, status)))
                                                        fail_msg("vnic %s seg %d agents %d vendor %d "
                                                                 "agent_required %d: got %s/%s want %s/%s (%s)",
                                                                 vnic_type_to_string(v), s, a, vc, req == 0,
                                                                 res.vif_type, res.status, want, status,
                                                                 res.reason);
                                                assert_int_equal(res.bound, !streq(want, "binding_failed"));
                                                if (res.bound && res.driver == MECH_SRIOVNICSWITCH)
                                                        assert_string_equal(res.vlan, s == SEG_VLAN ? "15" : "0");
                                                if (!res.bound)
                                                        assert_true(res.reason[0] != '\0');
                                                n++;
                                        }
        assert_int_equal(n, 2 * _VNIC_TYPE_MAX * _SEG_CASE_MAX * _AGENT_CASE_MAX * _VENDOR_CASE_MAX);
}

static void test_seed_case(void **state)
{
        /* The seed: vlan physnet1:15, NIC Switch agent mapping physnet1. */
        static const enum mech_driver drivers[] = {MECH_OPENVSWITCH, MECH_SRIOVNICSWITCH};
        struct binding_config cfg = {drivers, 2, true, false, NULL, 0};
        struct binding_port port = {VNIC_DIRECT, NULL, false};
        struct binding_segment seg = {"vlan", "physnet1", 15};
        struct binding_agent agent = {AGENT_TYPE_NIC_SWITCH, true, physnet1, 1, NULL, 0};
        struct binding_result res;
        binding_decide(&cfg, &port, &seg, 1, &agent, 1, &res);
        assert_true(res.bound);
        assert_int_equal(res.driver, MECH_SRIOVNICSWITCH);
        assert_string_equal(res.vif_type, "hw_veb");
        assert_string_equal(res.vlan, "15");
        assert_string_equal(res.status, "DOWN");
        assert_false(res.port_filter);
}

static void test_switchdev_and_order(void **state)
{
        struct binding_segment seg = {"vlan", "physnet1", 20};
        struct binding_agent agents[] = {
                {AGENT_TYPE_OVS, true, physnet1, 1, NULL, 0},
                {AGENT_TYPE_NIC_SWITCH, true, physnet1, 1, NULL, 0},
        };
        struct binding_result res;
        /* direct + switchdev: sriovnicswitch refuses, openvswitch binds. */
        static const enum mech_driver sriov_first[] = {MECH_SRIOVNICSWITCH, MECH_OPENVSWITCH};
        struct binding_config cfg = {sriov_first, 2, true, false, NULL, 0};
        struct binding_port port = {VNIC_DIRECT, NULL, true};
        binding_decide(&cfg, &port, &seg, 1, agents, 2, &res);
        assert_string_equal(res.vif_type, "ovs");
        /* No sriovnicswitch configured: direct ports stay unbindable. */
        static const enum mech_driver ovs_only[] = {MECH_OPENVSWITCH};
        cfg.drivers = ovs_only;
        cfg.n_drivers = 1;
        port.switchdev = false;
        binding_decide(&cfg, &port, &seg, 1, agents, 2, &res);
        assert_string_equal(res.vif_type, "binding_failed");
        /* No drivers at all. */
        cfg.n_drivers = 0;
        binding_decide(&cfg, &port, &seg, 1, agents, 2, &res);
        assert_string_equal(res.vif_type, "binding_failed");
}

static void test_names(void **state)
{
        for (int i = 0; i < _VNIC_TYPE_MAX; i++)
                assert_int_equal(vnic_type_from_string(vnic_type_to_string(i)), i);
        assert_int_equal(vnic_type_from_string("Direct"), _VNIC_TYPE_INVALID);
        assert_int_equal(mech_driver_from_string("sriovnicswitch"), MECH_SRIOVNICSWITCH);
        assert_int_equal(mech_driver_from_string("linuxbridge"), _MECH_DRIVER_INVALID);
        assert_int_equal(binding_check_vendor_info("15b3:1004"), 0);
        assert_int_equal(binding_check_vendor_info("15b3-1004"), -EINVAL);
        assert_int_equal(binding_check_vendor_info("15b31004"), -EINVAL);
        assert_int_equal(binding_check_vendor_info("15b3:10g4"), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_matrix),
                cmocka_unit_test(test_seed_case),
                cmocka_unit_test(test_switchdev_and_order),
                cmocka_unit_test(test_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
