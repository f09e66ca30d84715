/* vfnet-agent's start: the devices of sriov_agent.ini checked against a
 * host's sysfs (the seed's 82576, a ConnectX-5, a NIC without SR-IOV), the
 * report it sends as Neutron's SR-IOV agent, and its retry backoff. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent-config.h"
#include "agent/agent-devices.h"
#include "agent/agent-report.h"
#include "base/error.h"
#include "base/json-util.h"
#include "sysfs-fixture.h"

static const char *const credential = "[neutron]\n"
                                      "auth_url = http://controller:9696/v3\n"
                                      "username = nova\n"
                                      "password = secret\n"
                                      "project_name = service\n";

/* Loads sriov_agent.ini text and checks it against ROOT. */
static int check(const char *root, const char *agent_ini, struct agent_config **ret)
{
        _cleanup_ini_ struct ini *ini = NULL;
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "sriov_agent.ini", agent_ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", credential), 0);
        assert_int_equal(agent_config_load(ini, &c), 0);
        int r = agent_devices_check(root, ini, c);
        if (ret)
                *ret = TAKE_PTR(c);
        return r;
}

static void assert_refused(const char *root, const char *agent_ini, int err, const char *msg)
{
        assert_int_equal(check(root, agent_ini, NULL), err);
        if (!strstr(err_msg(err), msg))
                fail_msg("expected '%s' in '%s'", msg, err_msg(err));
}

static void test_seed_82576(void **state)
{
        char *root = fixture_make("seed-82576");
        /* Both PFs, VFs excluded on each (the 82576 interleaves them). */
        assert_int_equal(check(root, "[sriov_nic]\n"
                                     "physical_device_mappings = physnet1:em1, physnet2:em2\n"
                                     "exclude_devices = em1:0000:0b:10.0; 0000:0b:11.4, "
                                     "em2:0000:0b:10.1\n",
                               NULL),
                         0);
        assert_refused(root, "[sriov_nic]\nphysical_device_mappings = physnet1:em3\n", -ENODEV,
                       "sriov_agent.ini:2: [sriov_nic] physical_device_mappings: device em3 of "
                       "physnet1: no PCI device or network interface named 'em3'");
        assert_refused(root, "[sriov_nic]\nphysical_device_mappings = physnet1:enp11s17f5\n",
                       -ENODEV, "sriov_agent.ini:2: [sriov_nic] physical_device_mappings: "
                       "device enp11s17f5 (0000:0b:11.5) is not an SR-IOV PF (type-VF)");
        /* 0000:0b:10.1 is em2's VF 0. */
        assert_refused(root, "[sriov_nic]\nphysical_device_mappings = physnet1:em1, physnet2:em2\n"
                             "exclude_devices = em1:0000:0b:10.0; 0000:0b:10.1\n",
                       -EINVAL, "sriov_agent.ini:3: Invalid exclude_devices: 0000:0b:10.1 is not "
                                "a VF of em1 (0000:0b:00.0)");
        /* The PF itself and a device that is not there. */
        assert_refused(root, "[sriov_nic]\nphysical_device_mappings = physnet1:em1\n"
                             "exclude_devices = em1:0000:0b:00.0\n",
                       -EINVAL, "0000:0b:00.0 is not a VF of em1");
        assert_refused(root, "[sriov_nic]\nphysical_device_mappings = physnet1:em1\n"
                             "exclude_devices = em1:0000:0b:12.0\n",
                       -EINVAL, "0000:0b:12.0 is not a VF of em1");
        fixture_remove(root);
}

static void test_other_hosts(void **state)
{
        char *root = fixture_make("cx5-vfio");
        /* A PF with VFs on vfio-pci, and a PF with none: both are PFs. */
        assert_int_equal(check(root, "[sriov_nic]\nphysical_device_mappings = "
                                     "physnet1:ens1f0np0, physnet2:ens1f1np1\n"
                                     "exclude_devices = ens1f0np0:0000:3b:00.5\n",
                               NULL),
                         0);
        fixture_remove(root);
        root = fixture_make("plain-nic");
        assert_refused(root, "[sriov_nic]\nphysical_device_mappings = physnet1:eth0\n", -ENODEV,
                       "device eth0 (0000:02:00.0) is not an SR-IOV PF (type-PCI)");
        fixture_remove(root);
}

static void test_report(void **state)
{
        char *root = fixture_make("seed-82576");
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(check(root, "[agent]\nreport_interval = 7\n[sriov_nic]\n"
                                     "physical_device_mappings = physnet1:em1,physnet2:em2,"
                                     "physnet1:em1\n",
                               &c),
                         0);
        fixture_remove(root);
        _cleanup_json_ json_t *doc = NULL, *want = NULL;
        assert_int_equal(agent_report_json(c, "compute1", "id-1", true, false, 0, &doc), 0);
        want = json_pack("{s:{s:s,s:s,s:s,s:s,s:b,s:{s:{s:[s],s:[s]},s:[],s:i},s:s,s:i,s:b}}",
                         "agent", "binary", "neutron-sriov-nic-agent", "host", "compute1",
                         "agent_type", "NIC Switch agent", "topic", "N/A", "start_flag", 1,
                         "configurations", "device_mappings", "physnet1", "em1", "physnet2",
                         "em2", "extensions", "devices", 0, "instance_id", "id-1",
                         "report_interval", 7, "stopping", 0);
        if (!json_equal(doc, want)) {
                char *s = json_dumps(doc, JSON_SORT_KEYS);
                fail_msg("report: %s", s);
        }
        json_decref(doc);
        doc = NULL;
        assert_int_equal(agent_report_json(c, "compute1", "id-1", false, true, 3, &doc), 0);
        json_t *a = json_object_get(doc, "agent");
        assert_false(json_is_true(json_object_get(a, "start_flag")));
        assert_true(json_is_true(json_object_get(a, "stopping")));
        assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "configurations"),
                                                            "devices")), 3);
}

static void test_report_several_pfs_per_physnet(void **state)
{
        _cleanup_ini_ struct ini *ini = NULL;
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        _cleanup_json_ json_t *doc = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "a.ini", "[sriov_nic]\nphysical_device_mappings = "
                                                       "physnet1:ens1f0, physnet1:ens1f1\n"), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", credential), 0);
        assert_int_equal(agent_config_load(ini, &c), 0);
        assert_int_equal(agent_report_json(c, "h", "i", true, false, 0, &doc), 0);
        char *s = json_dumps(json_object_get(json_object_get(json_object_get(doc, "agent"),
                                                             "configurations"), "device_mappings"),
                             JSON_COMPACT);
        assert_string_equal(s, "{\"physnet1\":[\"ens1f0\",\"ens1f1\"]}");
        free(s);
}

static void test_backoff(void **state)
{
        long want[] = {1, 2, 4, 8, 16, 30, 30, 30};
        long w = 0;
        for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
                w = agent_backoff_next(w);
                assert_int_equal(w, want[i]);
        }
        assert_int_equal(agent_backoff_next(-5), 1);
        assert_int_equal(agent_backoff_next(29), 30);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_82576),
                cmocka_unit_test(test_other_hosts),
                cmocka_unit_test(test_report),
                cmocka_unit_test(test_report_several_pfs_per_physnet),
                cmocka_unit_test(test_backoff),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
