/* OpenStack-style config files, R9/R13/R18/R19: the seed's snippets load as written. */
#include "test-util.h"

#include "base/error.h"
#include "base/ini.h"

static struct ini *load(const char *text)
{
        struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        if (ini_load_string(ini, "test.conf", text) < 0)
                fail_msg("load failed: %s", err_msg(-EINVAL));
        return ini;
}

static void test_seed_ml2_conf(void **state)
{
        _cleanup_ini_ struct ini *ini = load("[ml2]\n"
                                             "tenant_network_types = vlan\n"
                                             "type_drivers = vlan\n"
                                             "mechanism_drivers = openvswitch, sriovnicswitch\n"
                                             "[ml2_type_vlan]\n"
                                             "network_vlan_ranges = physnet1:15:20\n"
                                             "[ml2_sriov]\n"
                                             "supported_pci_vendor_devs = 15b3:1004,8086:10ca\n"
                                             "agent_required = True\n");
        _cleanup_strv_free_ char **mech = NULL;
        bool b = false;

        assert_string_equal(ini_get(ini, "ml2_type_vlan", "network_vlan_ranges"), "physnet1:15:20");
        assert_int_equal(ini_get_list(ini, "ml2", "mechanism_drivers", &mech), 0);
        assert_string_equal(mech[0], "openvswitch");
        assert_string_equal(mech[1], "sriovnicswitch");
        assert_null(mech[2]);
        assert_int_equal(ini_get_bool(ini, "ml2_sriov", "agent_required", false, &b), 0);
        assert_true(b);
        assert_string_equal(ini_origin(ini, "ml2_sriov", "agent_required"), "test.conf:9");
}

static void test_seed_sriov_agent_ini(void **state)
{
        _cleanup_ini_ struct ini *ini =
                load("[sriov_nic]\n"
                     "physical_device_mappings = physnet1:enp4s0f1\n"
                     "exclude_devices =\n"
                     "exclude_devices = eth1:0000:07:00.2; 0000:07:00.3, eth2:0000:05:00.1; 0000:05:00.2\n");

        /* '=' comes before ':' so the key is the whole name; ';' is no comment. */
        assert_string_equal(ini_get(ini, "sriov_nic", "physical_device_mappings"), "physnet1:enp4s0f1");
        assert_string_equal(ini_get(ini, "sriov_nic", "exclude_devices"),
                            "eth1:0000:07:00.2; 0000:07:00.3, eth2:0000:05:00.1; 0000:05:00.2");
}

static void test_seed_nova_whitelist_multi(void **state)
{
        _cleanup_ini_ struct ini *ini = load(
                "[DEFAULT]\n"
                "scheduler_default_filters=RetryFilter,AvailabilityZoneFilter,RamFilter,ComputeFilter,"
                "ComputeCapabilitiesFilter,ImagePropertiesFilter,CoreFilter, PciPassthroughFilter\n"
                "pci_passthrough_whitelist={\"devname\": \"enp5s0f1\", \"physical_network\":\"physnet1\"}\n"
                "pci_passthrough_whitelist = {\"vendor_id\": \"8086\",\"product_id\": \"10ac\", "
                "\"physical_network\":\"physnet1\"}\n");
        _cleanup_free_ const char **all = NULL;
        _cleanup_strv_free_ char **filters = NULL;

        assert_int_equal(ini_get_all(ini, "DEFAULT", "pci_passthrough_whitelist", &all), 2);
        assert_string_equal(all[0], "{\"devname\": \"enp5s0f1\", \"physical_network\":\"physnet1\"}");
        assert_non_null(strstr(all[1], "10ac"));
        assert_int_equal(ini_get_list(ini, "DEFAULT", "scheduler_default_filters", &filters), 0);
        assert_string_equal(filters[7], "PciPassthroughFilter");
        assert_null(filters[8]);
}

static void test_later_file_wins_and_multi_accumulates(void **state)
{
        _cleanup_ini_ struct ini *ini = load("[pci]\ndevice_spec = {\"a\": 1}\n[agent]\npolling_interval = 2\n");
        _cleanup_free_ const char **all = NULL;
        long v = 0;

        assert_int_equal(ini_load_string(ini, "second.conf",
                                         "[PCI]\ndevice_spec = {\"b\": 2}\n[agent]\npolling_interval: 5\n"),
                         0);
        assert_int_equal(ini_get_all(ini, "pci", "device_spec", &all), 2);
        assert_int_equal(ini_get_int(ini, "agent", "polling_interval", 2, 1, 3600, &v), 0);
        assert_int_equal(v, 5);
        assert_string_equal(ini_origin(ini, "agent", "polling_interval"), "second.conf:4");
        assert_int_equal(ini_get_int(ini, "agent", "missing", 7, 1, 10, &v), 0);
        assert_int_equal(v, 7);
}

static void test_continuation_quotes_comments(void **state)
{
        _cleanup_ini_ struct ini *ini = load("# comment\n; another\n[s]\n"
                                             "alias = {\"name\": \"a\",\n"
                                             "    \"product_id\": \"10ca\"}\n"
                                             "\n"
                                             "q = \"quoted value\"\n"
                                             "q2 = 'x'\n"
                                             "mixed = \"a'\n"
                                             "empty =\n"
                                             "crlf = v\r\n");

        assert_string_equal(ini_get(ini, "s", "alias"), "{\"name\": \"a\",\n\"product_id\": \"10ca\"}");
        assert_string_equal(ini_get(ini, "s", "q"), "quoted value");
        assert_string_equal(ini_get(ini, "s", "q2"), "x");
        assert_string_equal(ini_get(ini, "s", "mixed"), "\"a'");
        assert_string_equal(ini_get(ini, "s", "empty"), "");
        assert_string_equal(ini_get(ini, "s", "crlf"), "v");
        assert_null(ini_get(ini, "s", "nope"));
        assert_null(ini_get(ini, "other", "q"));
}

static void expect_error(const char *text, const char *needle)
{
        _cleanup_ini_ struct ini *ini = NULL;

        assert_int_equal(ini_new(&ini), 0);
        err_clear();
        assert_int_equal(ini_load_string(ini, "bad.conf", text), -EINVAL);
        if (!strstr(err_msg(-EINVAL), needle))
                fail_msg("error '%s' does not mention '%s'", err_msg(-EINVAL), needle);
}

static void test_syntax_errors_name_file_and_line(void **state)
{
        expect_error("[s]\nnovalue\n", "bad.conf:2: no ':' or '=' found");
        expect_error("[s\n", "bad.conf:1: invalid section (must end with ])");
        expect_error("[]\n", "bad.conf:1: empty section name");
        expect_error("  leading\n", "bad.conf:1: unexpected continuation line");
        expect_error("[s]\n= v\n", "bad.conf:2: key cannot be empty");
        expect_error("k = v\n", "bad.conf:1: option 'k' comes before any [section]");
}

static void test_typed_errors(void **state)
{
        _cleanup_ini_ struct ini *ini = load("[a]\nb = maybe\nn = 12x\nbig = 99\n");
        bool b;
        long n;

        assert_int_equal(ini_get_bool(ini, "a", "b", false, &b), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "test.conf:2: [a] b = 'maybe' is not a boolean"));
        assert_int_equal(ini_get_int(ini, "a", "n", 0, 0, 100, &n), -EINVAL);
        assert_int_equal(ini_get_int(ini, "a", "big", 0, 0, 50, &n), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "from 0 to 50"));
}

static void test_section_keys(void **state)
{
        _cleanup_ini_ struct ini *ini = load("[a]\nx = 1\ny = 2\nx = 3\n[b]\nz = 1\n");
        _cleanup_strv_free_ char **keys = NULL;

        assert_int_equal(ini_section_keys(ini, "A", &keys), 0);
        assert_string_equal(keys[0], "x");
        assert_string_equal(keys[1], "y");
        assert_null(keys[2]);
}

static void test_missing_file(void **state)
{
        _cleanup_ini_ struct ini *ini = NULL;

        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_file(ini, "/nonexistent/neutron.conf"), -ENOENT);
        assert_non_null(strstr(err_msg(-ENOENT), "cannot read config file /nonexistent/neutron.conf"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_ml2_conf),
                cmocka_unit_test(test_seed_sriov_agent_ini),
                cmocka_unit_test(test_seed_nova_whitelist_multi),
                cmocka_unit_test(test_later_file_wins_and_multi_accumulates),
                cmocka_unit_test(test_continuation_quotes_comments),
                cmocka_unit_test(test_syntax_errors_name_file_and_line),
                cmocka_unit_test(test_typed_errors),
                cmocka_unit_test(test_section_keys),
                cmocka_unit_test(test_missing_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
