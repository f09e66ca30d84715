/* `vfnet sched explain` and `vfnet pci match` on the fixture hosts and the
 * seed's nova.conf (R14-R16): the chosen host and VF, the explaining
 * NoValidHost with exit 1, the matched whitelist entries, clear usage
 * errors. */
#include "test-util.h"
#include "sysfs-fixture.h"

#include <jansson.h>

#include "base/error.h"
#include "base/fileio.h"
#include "cli/cli.h"

static char *out;

static int run_argv(char **argv)
{
        size_t len = 0;
        int argc = 0, r;
        FILE *f;

        free(out);
        out = NULL;
        f = open_memstream(&out, &len);
        while (argv[argc])
                argc++;
        r = cli_main(argc, argv, f);
        fclose(f);
        return r;
}

#define RUN(...) run_argv((char *[]){"vfnet", __VA_ARGS__, NULL})

static char fx[8][4096];
static char *F(int slot, const char *name)
{
        snprintf(fx[slot], sizeof(fx[slot]), "%s/sched/%s", test_fixtures_dir(), name);
        return fx[slot];
}

static void write_json(const char *path, json_t *j)
{
        assert_int_equal(json_dump_file(j, path, 0), 0);
        json_decref(j);
}

static void test_explain_seed_boot(void **state)
{
        assert_int_equal(RUN("sched", "explain", "--config", F(0, "nova.conf"), "--hosts", F(1, "hosts.json"),
                             "--flavor", F(2, "flavor-tiny.json"), "--port", F(3, "port-direct.json")),
                         0);
        assert_non_null(strstr(out, "host: compute1\n"));
        assert_non_null(strstr(out, "pci claim: 0000:0b:10.1\n"));
        assert_non_null(strstr(out, "| PciPassthroughFilter      | 3        | 2       |"));

        assert_int_equal(RUN("sched", "explain", "--config", F(0, "nova.conf"), "--hosts", F(1, "hosts.json"),
                             "--flavor", F(2, "flavor-tiny.json"), "-f", "json"),
                         0);
        json_t *j = json_loads(out, 0, NULL);
        assert_non_null(j);
        /* No PCI request: RAM and CPU weighers (most free: compute2) outweigh the PCI one. */
        assert_string_equal(json_string_value(json_object_get(j, "host")), "compute2");
        assert_int_equal(json_array_size(json_object_get(j, "alternates")), 2);
        assert_int_equal(json_array_size(json_object_get(j, "pci_claim")), 0);
        json_decref(j);
}

static void test_explain_no_valid_host(void **state)
{
        char path[] = "/tmp/vfnet-test-hostsXXXXXX";
        int fd = mkstemp(path);
        json_error_t e;
        json_t *hosts = json_load_file(F(1, "hosts.json"), 0, &e);

        assert_true(fd >= 0);
        close(fd);
        assert_non_null(hosts);
        json_object_set_new(json_array_get(hosts, 0), "pci_claimed",
                            json_pack("[s,s,s,s,s,s,s]", "0000:0b:10.1", "0000:0b:10.3", "0000:0b:10.5", "0000:0b:10.7",
                                      "0000:0b:11.1", "0000:0b:11.3", "0000:0b:11.5"));
        write_json(path, hosts);
        assert_int_equal(RUN("sched", "explain", "--config", F(0, "nova.conf"), "--hosts", path, "--flavor",
                             F(2, "flavor-tiny.json"), "--port", F(3, "port-direct.json")),
                         1);
        assert_non_null(strstr(out, "No valid host was found. There are not enough hosts available.\n"
                                    "  PciPassthroughFilter: 3 of 3 hosts have no free VF on physnet 'physnet1' "
                                    "(1 host has VFs on it, all claimed)\n"));
        /* A retry that already tried compute3 and compute2, for a flavor without PCI. */
        assert_int_equal(RUN("sched", "explain", "--config", F(0, "nova.conf"), "--hosts", path, "--flavor",
                             F(2, "flavor-tiny.json"), "--tried", "compute3", "--tried", "compute2", "-f", "json"),
                         0);
        json_t *j = json_loads(out, 0, NULL);
        assert_string_equal(json_string_value(json_object_get(j, "host")), "compute1");
        json_decref(j);
        unlink(path);
}

static void test_explain_errors(void **state)
{
        char path[] = "/tmp/vfnet-test-confXXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_true(write(fd, "[filter_scheduler]\nenabled_filters = ComputeFilter, FooFilter\n", 62) == 62);
        close(fd);

        assert_int_equal(RUN("sched", "explain", "--hosts", F(1, "hosts.json")), 2);
        assert_non_null(strstr(err_msg(-EINVAL), "--hosts and --flavor are required"));
        assert_int_equal(RUN("sched", "explain", "--config", path, "--hosts", F(1, "hosts.json"), "--flavor",
                             F(2, "flavor-tiny.json")),
                         2);
        assert_non_null(strstr(err_msg(-EINVAL), ":2: unknown scheduler filter 'FooFilter'"));
        assert_int_equal(RUN("sched", "explain", "--hosts", F(2, "flavor-tiny.json"), "--flavor", F(2, "flavor-tiny.json")),
                         2);
        assert_non_null(strstr(err_msg(-EINVAL), "the host reports must be a JSON list"));
        assert_int_equal(RUN("sched", "explain", "--hosts", "/nonexistent.json", "--flavor", F(2, "flavor-tiny.json")),
                         1);
        assert_non_null(strstr(err_msg(-ENOENT), "cannot read /nonexistent.json"));
        assert_int_equal(RUN("sched", "explain", "--hosts", F(1, "hosts.json"), "--flavor", F(2, "flavor-tiny.json"),
                             "--bogus"),
                         2);
        assert_non_null(strstr(err_msg(-EINVAL), "unexpected argument '--bogus'"));
        unlink(path);
}

static void test_pci_match(void **state)
{
        char path[] = "/tmp/vfnet-test-devsXXXXXX";
        int fd = mkstemp(path);
        json_error_t e;
        json_t *host = json_load_file(F(1, "host-82576.json"), 0, &e);

        assert_true(fd >= 0);
        close(fd);
        assert_non_null(host);
        write_json(path, json_incref(json_object_get(host, "pci_devices")));
        json_decref(host);
        assert_int_equal(RUN("pci", "match", "--config", F(0, "nova.conf"), "--devices", path, "-f", "json"), 0);
        json_t *rows = json_loads(out, 0, NULL);
        size_t i;
        json_t *row;
        int seen = 0;
        assert_non_null(rows);
        json_array_foreach(rows, i, row) {
                const char *addr = json_string_value(json_object_get(row, "address"));
                if (streq(addr, "0000:0b:10.1")) {
                        assert_string_equal(json_string_value(json_object_get(row, "spec")),
                                            strcat(strcpy((char[4200]){0}, F(4, "nova.conf")), ":5"));
                        assert_string_equal(json_string_value(json_object_get(row, "pool")), "0000:0b:00.1");
                        assert_string_equal(json_string_value(json_object_get(json_object_get(row, "tags"),
                                                                              "physical_network")),
                                            "physnet1");
                        seen++;
                }
                if (streq(addr, "0000:0b:10.0")) {
                        assert_true(json_is_null(json_object_get(row, "spec")));
                        assert_true(json_is_null(json_object_get(row, "pool")));
                        seen++;
                }
        }
        assert_int_equal(seen, 2);
        json_decref(rows);

        /* The seed's second line (8086:10ac) selects nothing on this host: said on stderr. */
        char errpath[] = "/tmp/vfnet-test-stderrXXXXXX";
        int errfd = mkstemp(errpath), saved = dup(STDERR_FILENO);
        _cleanup_free_ char *errtext = NULL;
        assert_true(errfd >= 0 && saved >= 0);
        fflush(stderr);
        assert_true(dup2(errfd, STDERR_FILENO) >= 0);
        assert_int_equal(RUN("pci", "match", "--config", F(0, "nova.conf"), "--devices", path), 0);
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
        close(errfd);
        assert_int_equal(read_full_file(errpath, 1 << 20, &errtext, NULL), 0);
        assert_non_null(strstr(errtext, "nova.conf:6: device_spec "
                                        "{\"vendor_id\":\"8086\",\"product_id\":\"10ac\",\"physical_network\":"
                                        "\"physnet1\"} matches no device of"));
        assert_null(strstr(errtext, "nova.conf:5: device_spec"));
        assert_null(strstr(errtext, "RetryFilter")); /* filters do not matter here */
        unlink(errpath);

        assert_int_equal(RUN("pci", "match", "--devices", path), 2);
        assert_non_null(strstr(err_msg(-EINVAL), "--config and --devices are required"));
        unlink(path);
}

/* What `vfnet pci list -f json` prints on a host is what the scheduler
 * pools: the ConnectX-5 fixture with its VFs on vfio-pci (no netdev), selected
 * through the PF's devname. */
static void test_pci_list_output_feeds_the_scheduler(void **state)
{
        char *root = fixture_make("cx5-vfio"), *list = NULL;
        char devs[] = "/tmp/vfnet-test-listXXXXXX", conf[] = "/tmp/vfnet-test-novaXXXXXX",
             hosts[] = "/tmp/vfnet-test-hostsXXXXXX";
        const char *text = "[pci]\ndevice_spec = {\"devname\": \"ens1f0np0\", \"physical_network\": \"physnet1\"}\n";
        int fd;

        assert_int_equal(fixture_run(root, &list, "pci", "list", "-f", "json", NULL), 0);
        json_t *devices = json_loads(list, 0, NULL);
        assert_non_null(devices);
        free(list);
        fd = mkstemp(devs);
        assert_true(fd >= 0);
        close(fd);
        write_json(devs, json_incref(devices));
        fd = mkstemp(conf);
        assert_true(fd >= 0);
        assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
        close(fd);

        assert_int_equal(RUN("pci", "match", "--config", conf, "--devices", devs, "-f", "json"), 0);
        json_t *rows = json_loads(out, 0, NULL), *row;
        size_t i, pooled = 0;
        json_array_foreach(rows, i, row) {
                if (json_is_null(json_object_get(row, "pool")))
                        continue;
                assert_string_equal(json_string_value(json_object_get(row, "pool")), "0000:3b:00.0");
                pooled++;
        }
        assert_int_equal(pooled, 5); /* the PF and its 4 VFs */
        json_decref(rows);

        fd = mkstemp(hosts);
        assert_true(fd >= 0);
        close(fd);
        write_json(hosts, json_pack("[{s:s, s:i, s:i, s:i, s:o}]", "hostname", "cx", "vcpus", 4, "memory_mb", 4096,
                                    "disk_gb", 10, "pci_devices", devices));
        assert_int_equal(RUN("sched", "explain", "--config", conf, "--hosts", hosts, "--flavor", F(2, "flavor-tiny.json"),
                             "--port", F(3, "port-direct.json")),
                         0);
        assert_non_null(strstr(out, "host: cx\n"));
        assert_non_null(strstr(out, "pci claim: 0000:3b:00.2\n"));
        unlink(devs);
        unlink(conf);
        unlink(hosts);
        fixture_remove(root);
}

static int teardown(void **state)
{
        free(out);
        out = NULL;
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_teardown(test_explain_seed_boot, teardown),
                cmocka_unit_test_teardown(test_explain_no_valid_host, teardown),
                cmocka_unit_test_teardown(test_explain_errors, teardown),
                cmocka_unit_test_teardown(test_pci_match, teardown),
                cmocka_unit_test_teardown(test_pci_list_output_feeds_the_scheduler, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
