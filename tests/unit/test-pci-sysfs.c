/* `vfnet pci list` on fixture hosts shaped like real ones (R5, R8): the
 * seed's 82576 with interleaved VFs, a ConnectX-5 with VFs on vfio-pci and a
 * PF with 0 VFs, a NIC without SR-IOV. */
#include "sysfs-fixture.h"

#include "kernel/pci-sysfs.h"

static json_t *find_row(json_t *rows, const char *address)
{
        size_t i;
        json_t *o;

        json_array_foreach(rows, i, o) if (streq(json_string_value(json_object_get(o, "address")), address)) return o;
        fail_msg("no row %s", address);
        return NULL;
}

static void assert_json_equal(json_t *got, const char *want_text)
{
        json_error_t e;
        _cleanup_json_ json_t *want = json_loads(want_text, 0, &e);

        assert_non_null(want);
        if (!json_equal(got, want)) {
                _cleanup_free_ char *g = json_dumps(got, JSON_PRESERVE_ORDER);
                fail_msg("got  %s\nwant %s", g, want_text);
        }
}

static void test_seed_82576(void **state)
{
        char *root = fixture_make("seed-82576"), *out = NULL;
        _cleanup_json_ json_t *rows = NULL;
        static const char *const pf0_vfs[] = {"0000:0b:10.0", "0000:0b:10.2", "0000:0b:10.4", "0000:0b:10.6",
                                              "0000:0b:11.0", "0000:0b:11.2", "0000:0b:11.4"};

        assert_int_equal(fixture_run(root, &out, "pci", "list", "-f", "json", NULL), 0);
        rows = fixture_json(out);
        /* 2 PFs + 14 VFs; the SATA controller is neither a NIC nor SR-IOV. */
        assert_int_equal(json_array_size(rows), 16);
        assert_json_equal(find_row(rows, "0000:0b:00.0"),
                          "{\"address\": \"0000:0b:00.0\", \"vendor_id\": \"8086\", \"product_id\": \"10c9\","
                          " \"vendor_name\": \"Intel Corporation\", \"product_name\": \"82576 Gigabit Network Connection\","
                          " \"class\": \"0x020000\", \"driver\": \"igb\", \"netdevs\": [\"em1\"], \"dev_type\": \"type-PF\","
                          " \"parent_addr\": null, \"vf_index\": null, \"sriov_totalvfs\": 7, \"sriov_numvfs\": 7,"
                          " \"numa_node\": 0, \"iommu_group\": 10, \"link_state\": \"up\"}");
        /* Interleaved: PF 0b:00.1's VF 3 is 0b:10.7, its VF 4 is 0b:11.1. */
        assert_json_equal(find_row(rows, "0000:0b:11.1"),
                          "{\"address\": \"0000:0b:11.1\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\","
                          " \"vendor_name\": \"Intel Corporation\", \"product_name\": \"82576 Virtual Function\","
                          " \"class\": \"0x020000\", \"driver\": \"igbvf\", \"netdevs\": [\"enp11s17f1\"],"
                          " \"dev_type\": \"type-VF\", \"parent_addr\": \"0000:0b:00.1\", \"vf_index\": 4,"
                          " \"sriov_totalvfs\": null, \"sriov_numvfs\": null, \"numa_node\": 0, \"iommu_group\": 29,"
                          " \"link_state\": null}");
        for (size_t i = 0; i < ARRAY_SIZE(pf0_vfs); i++) {
                json_t *vf = find_row(rows, pf0_vfs[i]);
                assert_string_equal(json_string_value(json_object_get(vf, "parent_addr")), "0000:0b:00.0");
                assert_int_equal(json_integer_value(json_object_get(vf, "vf_index")), i);
        }
        /* rows come sorted by address */
        assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 2), "address")), "0000:0b:10.0");
        free(out);

        /* The table nests each PF's VFs under it, in VF order. */
        assert_int_equal(fixture_run(root, &out, "pci", "list", NULL), 0);
        {
                const char *pf1 = strstr(out, "| 0000:0b:00.1 "), *v0 = strstr(out, "`- 0000:0b:10.1 "),
                           *v6 = strstr(out, "`- 0000:0b:11.5 "), *pf0v6 = strstr(out, "`- 0000:0b:11.4 ");
                assert_non_null(pf1);
                assert_non_null(v0);
                assert_non_null(v6);
                assert_true(pf0v6 < pf1 && pf1 < v0 && v0 < v6);
                assert_non_null(strstr(out, "| 7/7 "));
        }
        free(out);
        fixture_remove(root);
}

static void test_cx5_vfio_and_zero_vfs(void **state)
{
        char *root = fixture_make("cx5-vfio"), *out = NULL;
        _cleanup_json_ json_t *rows = NULL;

        assert_int_equal(fixture_run(root, &out, "pci", "list", "--sriov", "--format=json", NULL), 0);
        rows = fixture_json(out);
        assert_int_equal(json_array_size(rows), 6);
        /* A VF on vfio-pci has no netdev and is listed all the same. */
        assert_json_equal(find_row(rows, "0000:3b:00.3"),
                          "{\"address\": \"0000:3b:00.3\", \"vendor_id\": \"15b3\", \"product_id\": \"1018\","
                          " \"vendor_name\": \"Mellanox Technologies\","
                          " \"product_name\": \"MT27800 Family [ConnectX-5 Virtual Function]\","
                          " \"class\": \"0x020000\", \"driver\": \"vfio-pci\", \"netdevs\": [], \"dev_type\": \"type-VF\","
                          " \"parent_addr\": \"0000:3b:00.0\", \"vf_index\": 1, \"sriov_totalvfs\": null,"
                          " \"sriov_numvfs\": null, \"numa_node\": 1, \"iommu_group\": 41, \"link_state\": null}");
        /* The PF with 0 VFs, its link down. */
        assert_json_equal(find_row(rows, "0000:3b:00.1"),
                          "{\"address\": \"0000:3b:00.1\", \"vendor_id\": \"15b3\", \"product_id\": \"1017\","
                          " \"vendor_name\": \"Mellanox Technologies\", \"product_name\": \"MT27800 Family [ConnectX-5]\","
                          " \"class\": \"0x020000\", \"driver\": \"mlx5_core\", \"netdevs\": [\"ens1f1np1\"],"
                          " \"dev_type\": \"type-PF\", \"parent_addr\": null, \"vf_index\": null, \"sriov_totalvfs\": 8,"
                          " \"sriov_numvfs\": 0, \"numa_node\": 1, \"iommu_group\": 31, \"link_state\": \"down\"}");
        free(out);
        fixture_remove(root);
}

static void test_plain_nic(void **state)
{
        char *root = fixture_make("plain-nic"), *out = NULL;
        _cleanup_json_ json_t *rows = NULL;

        assert_int_equal(fixture_run(root, &out, "pci", "list", "-fjson", NULL), 0);
        rows = fixture_json(out);
        assert_json_equal(rows,
                          "[{\"address\": \"0000:02:00.0\", \"vendor_id\": \"8086\", \"product_id\": \"10d3\","
                          " \"vendor_name\": \"Intel Corporation\", \"product_name\": \"82574L Gigabit Network Connection\","
                          " \"class\": \"0x020000\", \"driver\": \"e1000e\", \"netdevs\": [\"eth0\"],"
                          " \"dev_type\": \"type-PCI\", \"parent_addr\": null, \"vf_index\": null,"
                          " \"sriov_totalvfs\": null, \"sriov_numvfs\": null, \"numa_node\": null,"
                          " \"iommu_group\": null, \"link_state\": null}]");
        free(out);
        /* --sriov: nothing; the table still prints its header. */
        assert_int_equal(fixture_run(root, &out, "pci", "list", "--sriov", "-f", "json", NULL), 0);
        assert_string_equal(out, "[]\n");
        free(out);
        assert_int_equal(fixture_run(root, &out, "pci", "list", "--sriov", NULL), 0);
        assert_non_null(strstr(out, "ADDRESS"));
        free(out);
        fixture_remove(root);
}

static void test_unbound_pf_and_names_fallback(void **state)
{
        char *root = fixture_make("intel-noir"), *out = NULL;
        _cleanup_json_ json_t *rows = NULL;
        json_t *pf;

        /* An id missing from the database reads as lspci shows it. */
        setenv("VFNET_PCI_IDS", "/nonexistent/pci.ids", 1);
        assert_int_equal(fixture_run(root, &out, "pci", "list", "-f", "json", NULL), 0);
        unsetenv("VFNET_PCI_IDS");
        rows = fixture_json(out);
        pf = find_row(rows, "0000:05:00.0");
        assert_true(json_is_null(json_object_get(pf, "driver")));
        assert_string_equal(json_string_value(json_object_get(pf, "product_name")), "Device 10c9");
        assert_true(json_is_null(json_object_get(pf, "link_state")));
        free(out);
        fixture_remove(root);
}

/* `vfnet pci list [A1 A2]` with the library $VFNET_LIBPCI names missing. */
static int run_without_libpci(const char *root, char **out, char **err, const char *a1, const char *a2)
{
        int r;

        setenv("VFNET_LIBPCI", "/nonexistent/libpci.so.3", 1);
        r = fixture_run_err(root, out, err, "pci", "list", a1, a2, NULL);
        unsetenv("VFNET_LIBPCI");
        return r;
}

/* Names are a courtesy: without libpci (the library $VFNET_LIBPCI names
 * is missing) the list is the same with null names, the table shows the
 * ids, one warning says why, and the command succeeds. */
static void test_list_without_libpci(void **state)
{
        char *root = fixture_make("seed-82576"), *out = NULL, *err = NULL;
        _cleanup_json_ json_t *rows = NULL;
        json_t *row;
        size_t i;

        /* With libpci: names and nothing on stderr. */
        assert_int_equal(fixture_run_err(root, &out, &err, "pci", "list", "-f", "json", NULL), 0);
        assert_string_equal(err, "");
        free(out);
        free(err);

        assert_int_equal(run_without_libpci(root, &out, &err, "-f", "json"), 0);
        assert_string_equal(err, "vfnet: warning: showing PCI names needs libpci (apt-get install libpci3): "
                                 "/nonexistent/libpci.so.3: cannot open shared object file: No such file or "
                                 "directory; the ids are shown without names\n");
        rows = fixture_json(out);
        assert_int_equal(json_array_size(rows), 16);
        assert_json_equal(find_row(rows, "0000:0b:00.0"),
                          "{\"address\": \"0000:0b:00.0\", \"vendor_id\": \"8086\", \"product_id\": \"10c9\","
                          " \"vendor_name\": null, \"product_name\": null,"
                          " \"class\": \"0x020000\", \"driver\": \"igb\", \"netdevs\": [\"em1\"], \"dev_type\": \"type-PF\","
                          " \"parent_addr\": null, \"vf_index\": null, \"sriov_totalvfs\": 7, \"sriov_numvfs\": 7,"
                          " \"numa_node\": 0, \"iommu_group\": 10, \"link_state\": \"up\"}");
        json_array_foreach(rows, i, row) {
                assert_true(json_is_null(json_object_get(row, "vendor_name")));
                assert_true(json_is_null(json_object_get(row, "product_name")));
        }
        free(out);
        free(err);

        /* The table: the ids as `lspci -n` shows them, one warning. */
        assert_int_equal(run_without_libpci(root, &out, &err, NULL, NULL), 0);
        assert_non_null(strstr(out, "| 0000:0b:00.0 "));
        assert_non_null(strstr(out, "| 8086:10c9 "));
        assert_non_null(strstr(out, "| 8086:10ca "));
        assert_null(strstr(out, "82576"));
        assert_non_null(strstr(err, "warning: showing PCI names needs libpci"));
        assert_int_equal(fixture_lines(err), 1);
        free(out);
        free(err);
        fixture_remove(root);
}

static void test_bad_arguments_and_missing_sysfs(void **state)
{
        char *out = NULL;

        assert_int_equal(fixture_run(TEST_BOGUS_ROOT, &out, "pci", "list", "--bogus", NULL), 2);
        assert_non_null(strstr(err_msg(0), "unknown argument '--bogus'"));
        free(out);
        assert_int_equal(fixture_run(TEST_BOGUS_ROOT, &out, "pci", "list", "-f", "xml", NULL), 2);
        free(out);
        assert_int_equal(fixture_run(TEST_BOGUS_ROOT, &out, "pci", "list", NULL), 1);
        assert_non_null(strstr(err_msg(0), "cannot read " TEST_BOGUS_ROOT "/sys/bus/pci/devices"));
        free(out);
}

static void test_resolve(void **state)
{
        char *root = fixture_make("seed-82576");
        char addr[16];

        assert_int_equal(pci_sysfs_resolve(root, "em2", addr), 0);
        assert_string_equal(addr, "0000:0b:00.1");
        assert_int_equal(pci_sysfs_resolve(root, "0b:00.0", addr), 0);
        assert_string_equal(addr, "0000:0b:00.0");
        assert_int_equal(pci_sysfs_resolve(root, "0000:0B:10.1", addr), 0);
        assert_string_equal(addr, "0000:0b:10.1");
        assert_int_equal(pci_sysfs_resolve(root, "0000:0c:00.0", addr), -ENODEV);
        assert_non_null(strstr(err_msg(0), "no PCI device 0000:0c:00.0"));
        assert_int_equal(pci_sysfs_resolve(root, "eth9", addr), -ENODEV);
        assert_non_null(strstr(err_msg(0), "no PCI device or network interface named 'eth9'"));
        assert_int_equal(pci_sysfs_resolve(root, "../x", addr), -ENODEV);
        fixture_remove(root);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_82576),
                cmocka_unit_test(test_cx5_vfio_and_zero_vfs),
                cmocka_unit_test(test_plain_nic),
                cmocka_unit_test(test_unbound_pf_and_names_fallback),
                cmocka_unit_test(test_list_without_libpci),
                cmocka_unit_test(test_bad_arguments_and_missing_sysfs),
                cmocka_unit_test(test_resolve),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
