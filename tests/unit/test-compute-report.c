/* The compute report of a host: its resources read under a root (CPU list,
 * MemTotal, the instances' file system, NUMA nodes), the report built from facts, the
 * whole report gathered on fixture hosts (its devices are those of
 * `vfnet pci list -f json`, and the scheduler's parser pools the mapped
 * PF's VFs with the host's device_spec), inventory comparison and which
 * device events may change it. */
#include <sys/statvfs.h>
#include <sys/utsname.h>

#include "agent/agent-config.h"
#include "agent/compute-report.h"
#include "base/json-util.h"
#include "compute/host-state.h"
#include "sysfs-fixture.h"

/* /proc/stat's btime line: when the host booted. */
static void test_stat_btime(void **state)
{
        assert_int_equal(host_stat_btime("cpu  1 2 3\nbtime 1767312000\nprocesses 9\n"),
                         1767312000);
        assert_int_equal(host_stat_btime("cpu  1 2 3\n"), -EINVAL);
        assert_int_equal(host_stat_btime("btime x\n"), -EINVAL);
}

static void test_cpu_list(void **state)
{
        assert_int_equal(host_cpu_list_count("0\n"), 1);
        assert_int_equal(host_cpu_list_count("0-7\n"), 8);
        assert_int_equal(host_cpu_list_count("0-31,64-95\n"), 64);
        assert_int_equal(host_cpu_list_count("0,2,4-5"), 4);
        assert_int_equal(host_cpu_list_count("3-3\n"), 1);
        static const char *const bad[] = {"", "\n", "-1", "3-1", "0-", "0,", ",0", "0-3,,5",
                                          "a", "0 1", "0-3\n\n", "0-99999999999999999999"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                if (host_cpu_list_count(bad[i]) != -EINVAL)
                        fail_msg("accepted '%s'", bad[i]);
}

static void test_meminfo(void **state)
{
        assert_int_equal(host_meminfo_total_kb("MemTotal:       16393436 kB\nMemFree: 1 kB\n"),
                         16393436);
        assert_int_equal(host_meminfo_total_kb("MemFree: 1 kB\nMemTotal:\t2048 kB"), 2048);
        assert_int_equal(host_meminfo_total_kb("MemFree: 1 kB\n"), -EINVAL);
        assert_int_equal(host_meminfo_total_kb("MemTotal: 2048 MB\n"), -EINVAL);
        assert_int_equal(host_meminfo_total_kb("MemTotal: kB\n"), -EINVAL);
        assert_int_equal(host_meminfo_total_kb("MemTotal: 12x kB\n"), -EINVAL);
        assert_int_equal(host_meminfo_total_kb(""), -EINVAL);
}

static long fs_gb(const char *path)
{
        struct statvfs st;
        assert_int_equal(statvfs(path, &st), 0);
        return (long)((unsigned long long)st.f_blocks * st.f_frsize >> 30);
}

static void test_resources_on_fixtures(void **state)
{
        struct utsname u;
        assert_int_equal(uname(&u), 0);
        char *root = fixture_make("seed-82576");
        struct host_resources h;
        assert_int_equal(host_resources_read(root, COMPUTE_INSTANCES_PATH, &h), 0);
        assert_int_equal(h.vcpus, 8);
        assert_int_equal(h.memory_mb, 16393436 / 1024);
        /* No instances directory in the tree: the file system it would be on. */
        assert_int_equal(h.disk_gb, fs_gb(root));
        assert_string_equal(h.arch, u.machine);
        assert_string_equal(h.cpu_vendor, "Intel");
        assert_false(h.kvm);
        assert_int_equal(h.n_cells, 1);
        assert_int_equal(h.cells[0].id, 0);
        assert_int_equal(h.cells[0].socket, 0);

        char p[4096];
        snprintf(p, sizeof(p), "%s/dev/kvm", root);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fclose(f);
        assert_int_equal(host_resources_read(root, COMPUTE_INSTANCES_PATH, &h), 0);
        assert_true(h.kvm);

        /* A broken or missing source names the file. */
        snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/online", root);
        f = fopen(p, "w");
        assert_non_null(f);
        fputs("0-\n", f);
        fclose(f);
        assert_int_equal(host_resources_read(root, COMPUTE_INSTANCES_PATH, &h), -EBADMSG);
        assert_non_null(strstr(err_msg(-EBADMSG), "/sys/devices/system/cpu/online: not a CPU list"));
        assert_int_equal(unlink(p), 0);
        assert_int_equal(host_resources_read(root, COMPUTE_INSTANCES_PATH, &h), -ENOENT);
        assert_non_null(strstr(err_msg(-ENOENT), "cannot read "));
        assert_non_null(strstr(err_msg(-ENOENT), "/sys/devices/system/cpu/online"));
        fixture_remove(root);

        root = fixture_make("cx5-vfio");
        assert_int_equal(host_resources_read(root, "/", &h), 0);
        assert_int_equal(h.vcpus, 64);
        assert_int_equal(h.memory_mb, 257735);
        assert_string_equal(h.cpu_vendor, "AMD");
        assert_int_equal(h.n_cells, 2);
        assert_int_equal(h.cells[0].id, 0);
        assert_int_equal(h.cells[0].socket, 0);
        assert_int_equal(h.cells[1].id, 1);
        assert_int_equal(h.cells[1].socket, 1);
        /* A node whose CPUs' package is not shown: socket unknown; a
         * kernel without NUMA: no cells. */
        snprintf(p, sizeof(p), "%s/sys/devices/system/cpu/cpu16/topology/physical_package_id", root);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(host_resources_read(root, "/", &h), 0);
        assert_int_equal(h.n_cells, 2);
        assert_int_equal(h.cells[1].socket, -1);
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -r %s/sys/devices/system/node", root);
        assert_int_equal(system(cmd), 0);
        assert_int_equal(host_resources_read(root, "/", &h), 0);
        assert_int_equal(h.n_cells, 0);
        snprintf(p, sizeof(p), "%s/proc/meminfo", root);
        f = fopen(p, "w");
        assert_non_null(f);
        fputs("MemFree: 12 kB\n", f);
        fclose(f);
        assert_int_equal(host_resources_read(root, "/", &h), -EBADMSG);
        assert_non_null(strstr(err_msg(-EBADMSG), "no 'MemTotal: N kB' line"));
        fixture_remove(root);

        assert_int_equal(host_resources_read(TEST_BOGUS_ROOT, "/", &h), -ENOENT);
}

static char *dump(const json_t *j)
{
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        assert_non_null(s);
        return s;
}

static void test_report_json(void **state)
{
        _cleanup_json_ json_t *devs = json_loads(
                "[{\"address\":\"0000:0b:00.0\",\"vendor_id\":\"8086\",\"product_id\":\"10c9\","
                "\"dev_type\":\"type-PF\",\"netdevs\":[\"em1\"]}]", 0, NULL);
        assert_non_null(devs);
        _cleanup_ini_ struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf",
                                         "[pci]\ndevice_spec = {\"devname\": \"em1\", "
                                         "\"physical_network\": \"physnet1\"}\n"
                                         "device_spec = [{\"vendor_id\": \"15b3\"}, "
                                         "{\"address\": \"0000:3b:00.*\"}]\n"),
                         0);
        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;
        assert_int_equal(pci_whitelist_from_ini(ini, &wl), 0);
        struct compute_facts f = {
                .hostname = "compute1",
                .resources = {.vcpus = 8, .memory_mb = 16009, .disk_gb = 200, .arch = "x86_64",
                              .cpu_vendor = "Intel", .kvm = true, .n_cells = 2,
                              .cells = {{.id = 0, .socket = 0}, {.id = 1, .socket = -1}}},
                .pci_devices = devs,
                .device_spec = wl,
        };
        _cleanup_json_ json_t *doc = NULL;
        assert_int_equal(compute_report_json(&f, &doc), 0);
        _cleanup_free_ char *s = dump(doc);
        assert_string_equal(
                s, "{\"capabilities\":{\"cpu_info\":{\"arch\":\"x86_64\",\"vendor\":\"Intel\"},"
                   "\"hypervisor_type\":\"QEMU\"},"
                   "\"device_spec\":[\"{\\\"devname\\\":\\\"em1\\\",\\\"physical_network\\\":"
                   "\\\"physnet1\\\"}\",\"{\\\"vendor_id\\\":\\\"15b3\\\"}\","
                   "\"{\\\"address\\\":\\\"0000:3b:00.*\\\"}\"],"
                   "\"disk_gb\":200,\"hostname\":\"compute1\",\"memory_mb\":16009,"
                   "\"numa_cells\":[{\"id\":0,\"socket\":0},{\"id\":1,\"socket\":null}],"
                   "\"pci_devices\":[{\"address\":\"0000:0b:00.0\",\"dev_type\":\"type-PF\","
                   "\"netdevs\":[\"em1\"],\"product_id\":\"10c9\",\"vendor_id\":\"8086\"}],"
                   "\"supported_instances\":[[\"x86_64\",\"kvm\",\"hvm\"],[\"x86_64\",\"qemu\","
                   "\"hvm\"]],\"vcpus\":8}");

        /* Without KVM, a vendor or a device_spec of its own. */
        f.resources.kvm = false;
        f.resources.cpu_vendor[0] = '\0';
        strcpy(f.resources.arch, "aarch64");
        f.device_spec = NULL;
        f.resources.n_cells = 0;
        json_decref(doc);
        assert_int_equal(compute_report_json(&f, &doc), 0);
        free(s);
        s = dump(json_object_get(doc, "supported_instances"));
        assert_string_equal(s, "[[\"aarch64\",\"qemu\",\"hvm\"]]");
        free(s);
        s = dump(json_object_get(doc, "capabilities"));
        assert_string_equal(s, "{\"cpu_info\":{\"arch\":\"aarch64\"},\"hypervisor_type\":\"QEMU\"}");
        assert_null(json_object_get(doc, "device_spec"));
        assert_null(json_object_get(doc, "numa_cells"));
        assert_null(json_object_get(doc, "boot_time"));

        /* The boot time when /proc/stat gave it. */
        f.resources.boot_time = 1767312000;
        json_decref(doc);
        assert_int_equal(compute_report_json(&f, &doc), 0);
        assert_int_equal(json_integer_value(json_object_get(doc, "boot_time")), 1767312000);
}

/* The devices without their names: pci list adds names from pci.ids when
 * libpci is there; the report does not need them. */
static void drop_names(json_t *devs)
{
        size_t i;
        json_t *d;
        json_array_foreach(devs, i, d) {
                json_object_del(d, "vendor_name");
                json_object_del(d, "product_name");
        }
}

static void test_gather_seed_82576(void **state)
{
        char *root = fixture_make("seed-82576");
        _cleanup_ini_ struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "sriov_agent.ini",
                                         "[sriov_nic]\nphysical_device_mappings = physnet1:em1\n"),
                         0);
        assert_int_equal(ini_load_string(ini, "nova.conf",
                                         "[pci]\ndevice_spec = {\"devname\": \"em1\", "
                                         "\"physical_network\": \"physnet1\"}\n"
                                         "[neutron]\nauth_url = http://c/v3\nusername = n\n"
                                         "password = p\nproject_name = service\n"),
                         0);
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        assert_int_equal(agent_config_load(ini, &c), 0);
        _cleanup_json_ json_t *doc = NULL;
        assert_int_equal(compute_report_gather(root, c, "compute1", NULL, &doc), 0);
        assert_string_equal(json_string_value(json_object_get(doc, "hostname")), "compute1");
        assert_int_equal(json_integer_value(json_object_get(doc, "vcpus")), 8);
        assert_int_equal(json_integer_value(json_object_get(doc, "memory_mb")), 16009);

        /* The devices are what `vfnet pci list -f json` prints. */
        _cleanup_free_ char *out = NULL;
        assert_int_equal(fixture_run(root, &out, "pci", "list", "-f", "json", NULL), 0);
        _cleanup_json_ json_t *listed = json_loads(out, 0, NULL);
        assert_non_null(listed);
        assert_int_equal(json_array_size(listed), 16);
        drop_names(listed);
        _cleanup_json_ json_t *sent = json_deep_copy(json_object_get(doc, "pci_devices"));
        drop_names(sent);
        assert_true(json_equal(listed, sent));

        /* An inventory given (the one last read, while device events say
         * nothing changed) is sent as it is; the resources are read anew. */
        _cleanup_json_ json_t *kept = json_pack("[{s:s}]", "address", "0000:0b:00.0");
        _cleanup_json_ json_t *again = NULL;
        assert_int_equal(compute_report_gather(root, c, "compute1", kept, &again), 0);
        assert_true(json_equal(json_object_get(again, "pci_devices"), kept));
        assert_int_equal(json_integer_value(json_object_get(again, "memory_mb")), 16009);

        /* The scheduler's parser pools em1's seven VFs on physnet1 (and em1
         * itself, as nova's devname of a PF selects it too), nothing of em2,
         * which the device spec does not select. */
        _cleanup_host_state_ struct host_state *hs = NULL;
        assert_int_equal(host_state_from_json(doc, NULL, &hs), 0);
        assert_int_equal(hs->pools.n, 2);
        assert_int_equal(hs->pools.free_total, 8);
        for (size_t i = 0; i < hs->pools.n; i++) {
                const struct pci_pool *p = &hs->pools.v[i];
                char addr[PCI_ADDRESS_STRLEN];
                assert_string_equal(pci_address_format(&p->address, addr), "0000:0b:00.0");
                assert_int_equal(p->count, p->dev_type == PCI_NOVA_TYPE_VF ? 7 : 1);
                assert_string_equal(p->product_id,
                                    p->dev_type == PCI_NOVA_TYPE_VF ? "10ca" : "10c9");
                bool found = false;
                for (size_t t = 0; t < p->n_tags; t++)
                        if (streq(p->tags[t].key, "physical_network"))
                                found = p->tags[t].value && streq(p->tags[t].value, "physnet1");
                assert_true(found);
        }
        assert_int_equal(hs->vcpus, 8);
        assert_int_equal(hs->n_cells, 1);
        assert_int_equal(hs->cell_ids[0], 0);
        assert_int_equal(hs->cell_sockets[0], 0);
        fixture_remove(root);
}

static void test_inventory_equal(void **state)
{
        char *root = fixture_make("seed-82576");
        _cleanup_json_ json_t *a = NULL, *b = NULL;
        assert_int_equal(compute_inventory_read(root, &a), 0);
        assert_int_equal(compute_inventory_read(root, &b), 0);
        assert_true(compute_inventory_equal(a, b));

        /* A PF's link going down is not an inventory change... */
        json_object_set_new(json_array_get(b, 0), "link_state", json_string("down"));
        assert_true(compute_inventory_equal(a, b));
        /* ...a VF's driver rebound is, and so is one VF fewer. */
        json_object_set_new(json_array_get(b, 3), "driver", json_string("vfio-pci"));
        assert_false(compute_inventory_equal(a, b));
        json_decref(b);
        assert_int_equal(compute_inventory_read(root, &b), 0);
        json_array_remove(b, json_array_size(b) - 1);
        assert_false(compute_inventory_equal(a, b));
        json_array_append_new(b, json_object());
        assert_false(compute_inventory_equal(a, b));
        assert_false(compute_inventory_equal(a, NULL));
        assert_false(compute_inventory_equal(NULL, a));
        /* A key more or less is a difference. */
        json_decref(b);
        b = json_deep_copy(a);
        json_object_set_new(json_array_get(b, 0), "extra", json_true());
        assert_false(compute_inventory_equal(a, b));

        assert_int_equal(compute_inventory_read(TEST_BOGUS_ROOT, &b), -ENOENT);
        fixture_remove(root);
}

static void test_uevent_matters(void **state)
{
        static const struct {
                const char *text;
                bool matters;
        } cases[] = {
                {"add@/devices/p/0000:3b:00.2|ACTION=add|DEVPATH=/devices/p/0000:3b:00.2|SUBSYSTEM=pci|SEQNUM=1", true},
                {"remove@/devices/p/0000:3b:00.2|ACTION=remove|DEVPATH=/devices/p/0000:3b:00.2|SUBSYSTEM=pci|SEQNUM=2", true},
                {"bind@/devices/p/0000:3b:00.2|ACTION=bind|DEVPATH=/devices/p/0000:3b:00.2|SUBSYSTEM=pci|DRIVER=vfio-pci|SEQNUM=3", true},
                {"unbind@/devices/p/0000:3b:00.2|ACTION=unbind|DEVPATH=/devices/p/0000:3b:00.2|SUBSYSTEM=pci|SEQNUM=4", true},
                {"change@/devices/p/0000:3b:00.0|ACTION=change|DEVPATH=/devices/p/0000:3b:00.0|SUBSYSTEM=pci|SEQNUM=5", true},
                {"add@/devices/p/0000:3b:00.2/net/eth5|ACTION=add|DEVPATH=/devices/p/0000:3b:00.2/net/eth5|SUBSYSTEM=net|INTERFACE=eth5|SEQNUM=6", true},
                {"move@/devices/p/0000:3b:00.2/net/enp59s0v0|ACTION=move|DEVPATH=/devices/p/0000:3b:00.2/net/enp59s0v0|SUBSYSTEM=net|DEVPATH_OLD=/devices/p/0000:3b:00.2/net/eth5|SEQNUM=7", true},
                {"add@/devices/virtual/block/loop0|ACTION=add|DEVPATH=/devices/virtual/block/loop0|SUBSYSTEM=block|SEQNUM=8", false},
                {"add@/module/vfio_pci|ACTION=add|DEVPATH=/module/vfio_pci|SUBSYSTEM=module|SEQNUM=9", false},
                {"online@/devices/system/cpu/cpu3|ACTION=online|DEVPATH=/devices/system/cpu/cpu3|SUBSYSTEM=cpu|SEQNUM=10", false},
                {"offline@/devices/p/0000:3b:00.0|ACTION=offline|DEVPATH=/devices/p/0000:3b:00.0|SUBSYSTEM=pci|SEQNUM=11", false},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                char buf[512];
                size_t n = strlen(cases[i].text);
                memcpy(buf, cases[i].text, n + 1);
                for (size_t k = 0; k < n; k++)
                        if (buf[k] == '|')
                                buf[k] = '\0';
                struct uevent u;
                assert_int_equal(uevent_parse(buf, n + 1, &u), 0);
                if (compute_uevent_matters(&u) != cases[i].matters)
                        fail_msg("case %zu: %s", i, cases[i].text);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cpu_list),
                cmocka_unit_test(test_stat_btime),
                cmocka_unit_test(test_meminfo),
                cmocka_unit_test(test_resources_on_fixtures),
                cmocka_unit_test(test_report_json),
                cmocka_unit_test(test_gather_seed_82576),
                cmocka_unit_test(test_inventory_equal),
                cmocka_unit_test(test_uevent_matters),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
