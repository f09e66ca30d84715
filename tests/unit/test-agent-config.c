/* vfnet-agent's configuration: sriov_agent.ini (R18, R19) and nova.conf's
 * [pci] and [neutron] sections, with Neutron's grammar and messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent-config.h"
#include "base/error.h"
#include "base/macro.h"

static const char *const credential = "[neutron]\n"
                                      "auth_type = password\n"
                                      "auth_url = http://controller:9696/v3\n"
                                      "username = nova\n"
                                      "password = secret\n"
                                      "project_name = service\n";

/* Loads sriov_agent.ini text (as "sriov_agent.ini") plus a nova.conf with
 * the credential, and returns what agent_config_load() returned. */
static int load(const char *agent_ini, struct agent_config **ret)
{
        _cleanup_ini_ struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "sriov_agent.ini", agent_ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", credential), 0);
        *ret = NULL;
        return agent_config_load(ini, ret);
}

static void assert_refused(const char *agent_ini, const char *message)
{
        struct agent_config *c = NULL;
        assert_int_equal(load(agent_ini, &c), -EINVAL);
        assert_null(c);
        if (!strstr(err_msg(-EINVAL), message))
                fail_msg("expected '%s' in '%s'", message, err_msg(-EINVAL));
}

static void test_seed_snippet(void **state)
{
        /* The seed's section 20.6 step 3, verbatim (R18, R19 empty). */
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(load("[sriov_nic]\n"
                              "physical_device_mappings = physnet1:enp4s0f1\n"
                              "exclude_devices =\n", &c), 0);
        assert_int_equal(c->n_pfs, 1);
        assert_string_equal(c->pfs[0].physnet, "physnet1");
        assert_string_equal(c->pfs[0].device, "enp4s0f1");
        assert_null(c->pfs[0].excluded[0]);
        assert_false(agent_pf_excludes(&c->pfs[0], "0000:07:00.2"));
        assert_int_equal(c->report_interval, 30);
        assert_false(c->polling_interval_set);
        assert_null(c->host);
        assert_string_equal(c->credential.auth_url, "http://controller:9696/v3");
        assert_string_equal(c->credential.user_domain_name, "Default");
        assert_string_equal(c->credential.project_domain_name, "Default");
        assert_null(c->credential.endpoint_override);
        assert_int_equal(c->whitelist->n_specs, 0);
}

static void test_seed_exclude_devices(void **state)
{
        /* The seed's step 4 value, with both PFs mapped. */
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(load("[sriov_nic]\n"
                              "physical_device_mappings = physnet1:eth1, physnet2:eth2\n"
                              "exclude_devices = eth1:0000:07:00.2; 0000:07:00.3, "
                              "eth2:0000:05:00.1; 0000:05:00.2\n", &c), 0);
        assert_int_equal(c->n_pfs, 2);
        const struct agent_pf_map *eth1 = agent_config_pf(c, "eth1");
        const struct agent_pf_map *eth2 = agent_config_pf(c, "eth2");
        assert_non_null(eth1);
        assert_non_null(eth2);
        assert_null(agent_config_pf(c, "eth3"));
        assert_string_equal(eth1->physnet, "physnet1");
        assert_string_equal(eth2->physnet, "physnet2");
        assert_true(agent_pf_excludes(eth1, "0000:07:00.2"));
        assert_true(agent_pf_excludes(eth1, "0000:07:00.3"));
        assert_false(agent_pf_excludes(eth1, "0000:05:00.1"));
        assert_true(agent_pf_excludes(eth2, "0000:05:00.1"));
        assert_true(agent_pf_excludes(eth2, "0000:05:00.2"));
        /* Exact match on the virtfnN basename, as Neutron: no short forms. */
        assert_false(agent_pf_excludes(eth1, "07:00.2"));
}

static void test_seed_exclude_without_mapping(void **state)
{
        /* The seed's step 4 value with its step 3 mapping: Neutron's agent
         * refuses to start, and so does vfnet-agent. */
        assert_refused("[sriov_nic]\n"
                       "physical_device_mappings = physnet1:enp4s0f1\n"
                       "exclude_devices = eth1:0000:07:00.2; 0000:07:00.3, "
                       "eth2:0000:05:00.1; 0000:05:00.2\n",
                       "sriov_agent.ini:3: [sriov_nic] exclude_devices: Invalid exclude_devices: "
                       "Device name eth1 is missing from physical_device_mappings");
}

static void test_several_pfs_per_physnet(void **state)
{
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(load("[sriov_nic]\n"
                              "physical_device_mappings = physnet1:ens1f0,physnet1:ens1f1 , "
                              ",physnet2:ens2f0, physnet1:ens1f0\n", &c), 0);
        /* The repeated pair collapses; order is the file's. */
        assert_int_equal(c->n_pfs, 3);
        assert_string_equal(c->pfs[0].device, "ens1f0");
        assert_string_equal(c->pfs[1].device, "ens1f1");
        assert_string_equal(c->pfs[1].physnet, "physnet1");
        assert_string_equal(c->pfs[2].device, "ens2f0");
        assert_string_equal(c->pfs[2].physnet, "physnet2");
}

static void test_mapping_errors(void **state)
{
        assert_refused("[sriov_nic]\nphysical_device_mappings = physnet1\n",
                       "sriov_agent.ini:2: [sriov_nic] physical_device_mappings: "
                       "Invalid mapping: 'physnet1'");
        assert_refused("[sriov_nic]\nphysical_device_mappings = a:b:c\n",
                       "Invalid mapping: 'a:b:c'");
        assert_refused("[sriov_nic]\nphysical_device_mappings = :eth1\n",
                       "Missing key in mapping: ':eth1'");
        assert_refused("[sriov_nic]\nphysical_device_mappings = physnet1: \n",
                       "Missing value in mapping: 'physnet1:'");
        assert_refused("[sriov_nic]\nphysical_device_mappings = physnet1:eth1,physnet2:eth1\n",
                       "device eth1 is mapped to both physnet1 and physnet2");
        assert_refused("[sriov_nic]\n", "[sriov_nic] physical_device_mappings is not set");
        assert_refused("[sriov_nic]\nphysical_device_mappings =\n",
                       "[sriov_nic] physical_device_mappings is not set");
}

static void test_exclude_errors(void **state)
{
        const char *maps = "[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n";
        char buf[512];

        snprintf(buf, sizeof(buf), "%sexclude_devices = eth1\n", maps);
        assert_refused(buf, "sriov_agent.ini:3: [sriov_nic] exclude_devices: "
                            "Invalid mapping: 'eth1'");
        snprintf(buf, sizeof(buf), "%sexclude_devices = :0000:07:00.2\n", maps);
        assert_refused(buf, "Missing key in mapping: ':0000:07:00.2'");
        snprintf(buf, sizeof(buf),
                 "%sexclude_devices = eth1:0000:07:00.2, eth1:0000:07:00.3\n", maps);
        assert_refused(buf, "Device eth1 in mapping: eth1:0000:07:00.3 not unique");
}

static void test_exclude_empty_addresses(void **state)
{
        /* Empty items between ';' are dropped; an entry with no address
         * excludes nothing. */
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(load("[sriov_nic]\n"
                              "physical_device_mappings = physnet1:eth1,physnet2:eth2\n"
                              "exclude_devices = eth1: ;0000:07:00.2;; 0000:07:00.2 ;, eth2:\n",
                              &c), 0);
        const struct agent_pf_map *eth1 = agent_config_pf(c, "eth1");
        assert_string_equal(eth1->excluded[0], "0000:07:00.2");
        assert_null(eth1->excluded[1]);
        assert_null(agent_config_pf(c, "eth2")->excluded[0]);
}

static void test_agent_options(void **state)
{
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        /* Section names other than DEFAULT are case-insensitive ([AGENT] as
         * Neutron's sample has it). */
        assert_int_equal(load("[DEFAULT]\nhost = compute-7\n"
                              "[AGENT]\nreport_interval = 5\npolling_interval = 2\n"
                              "[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n", &c), 0);
        assert_string_equal(c->host, "compute-7");
        assert_int_equal(c->report_interval, 5);
        assert_true(c->polling_interval_set);

        assert_refused("[agent]\nreport_interval = 0\n"
                       "[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n",
                       "report_interval");
        assert_refused("[agent]\nreport_interval = soon\n"
                       "[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n",
                       "report_interval");
}

static void test_device_spec(void **state)
{
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(load("[sriov_nic]\nphysical_device_mappings = physnet1:enp4s0f1\n"
                              "[pci]\ndevice_spec = {\"devname\": \"enp4s0f1\", "
                              "\"physical_network\": \"physnet1\"}\n", &c), 0);
        assert_int_equal(c->whitelist->n_specs, 1);
        assert_string_equal(pci_devspec_tag(c->whitelist->specs[0], "physical_network", NULL),
                            "physnet1");

        /* Nova's own message for a bad spec, naming the line. */
        assert_refused("[sriov_nic]\nphysical_device_mappings = physnet1:enp4s0f1\n"
                       "[pci]\npassthrough_whitelist = {\"devname\": \"enp4s0f1\", "
                       "\"address\": \"0000:00:01.0\"}\n",
                       "sriov_agent.ini:4");
}

static void test_credential(void **state)
{
        _cleanup_ini_ struct ini *ini = NULL;
        struct agent_config *c = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "sriov_agent.ini",
                                         "[sriov_nic]\nphysical_device_mappings = p:e\n"), 0);
        assert_int_equal(agent_config_load(ini, &c), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "[neutron] auth_url is not set"));

        assert_int_equal(ini_load_string(ini, "nova.conf",
                                         "[neutron]\nauth_url = http://c/v3\nusername = u\n"
                                         "project_name = service\n"), 0);
        assert_int_equal(agent_config_load(ini, &c), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "[neutron] password is not set"));

        assert_int_equal(ini_load_string(ini, "nova2.conf",
                                         "[neutron]\npassword = p\nauth_type = token\n"), 0);
        assert_int_equal(agent_config_load(ini, &c), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "nova2.conf:3: [neutron] auth_type: 'token'"));

        assert_int_equal(ini_load_string(ini, "nova3.conf",
                                         "[neutron]\nauth_type = v3password\n"
                                         "endpoint_override = http://c:9696\n"
                                         "user_domain_name = corp\n"), 0);
        assert_int_equal(agent_config_load(ini, &c), 0);
        assert_string_equal(c->credential.endpoint_override, "http://c:9696");
        assert_string_equal(c->credential.user_domain_name, "corp");
        assert_string_equal(c->credential.project_domain_name, "Default");
        agent_config_free(c);
}

static void test_libvirt_options(void **state)
{
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        /* Nova's defaults: kvm on the system qemu driver. */
        assert_int_equal(load("[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n", &c), 0);
        assert_string_equal(c->libvirt_uri, "qemu:///system");
        assert_string_equal(c->virt_type, "kvm");
        agent_config_free(TAKE_PTR(c));

        /* An empty connection_uri is the virt_type's default, as in Nova. */
        assert_int_equal(load("[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n"
                              "[libvirt]\nvirt_type = qemu\nconnection_uri =\n", &c), 0);
        assert_string_equal(c->libvirt_uri, "qemu:///system");
        assert_string_equal(c->virt_type, "qemu");
        agent_config_free(TAKE_PTR(c));

        assert_int_equal(load("[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n"
                              "[libvirt]\nconnection_uri = qemu+ssh://root@compute1/system\n",
                              &c), 0);
        assert_string_equal(c->libvirt_uri, "qemu+ssh://root@compute1/system");
        assert_string_equal(c->virt_type, "kvm");

        assert_refused("[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n"
                       "[libvirt]\nvirt_type = lxc\n",
                       "sriov_agent.ini:4: [libvirt] virt_type: 'lxc' is not supported");
        assert_refused("[sriov_nic]\nphysical_device_mappings = physnet1:eth1\n"
                       "[libvirt]\nconnection_uri = system\n",
                       "sriov_agent.ini:4: [libvirt] connection_uri: 'system' is not a libvirt URI");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_snippet),
                cmocka_unit_test(test_seed_exclude_devices),
                cmocka_unit_test(test_seed_exclude_without_mapping),
                cmocka_unit_test(test_several_pfs_per_physnet),
                cmocka_unit_test(test_mapping_errors),
                cmocka_unit_test(test_exclude_errors),
                cmocka_unit_test(test_exclude_empty_addresses),
                cmocka_unit_test(test_agent_options),
                cmocka_unit_test(test_device_spec),
                cmocka_unit_test(test_credential),
                cmocka_unit_test(test_libvirt_options),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
