/* `vfnet vf` and `vfnet fdb` as a user meets them when the input is wrong:
 * one clear message, a non-zero exit, nothing touched.  Also PF naming by
 * netdev or PCI address on a fixture sysfs. */
#include <ftw.h>
#include <sys/stat.h>

#include "test-util.h"

#include "base/error.h"
#include "base/fileio.h"
#include "cli/cli.h"
#include "kernel/netdev-resolve.h"
#include "kernel/sysroot.h"

static int run_argv(char **argv)
{
        char *out = NULL;
        size_t len = 0;
        int argc = 0, r;
        FILE *f = open_memstream(&out, &len);

        while (argv[argc])
                argc++;
        r = cli_main(argc, argv, f);
        fclose(f);
        free(out);
        return r;
}

#define RUN(...) run_argv((char *[]){"vfnet", "--root", TEST_BOGUS_ROOT, __VA_ARGS__, NULL})

static void expect(int got, int want_exit, const char *msg)
{
        assert_int_equal(got, want_exit);
        if (!strstr(err_msg(0), msg))
                fail_msg("'%s' does not contain '%s'", err_msg(0), msg);
}

static void test_set_bad_values(void **state)
{
        expect(RUN("vf", "set", "eth0", "0", "mac", "zz:16:3e:00:00:01"), 2, "bad MAC address 'zz:16:3e:00:00:01'");
        expect(RUN("vf", "set", "eth0", "0", "mac", "01:00:5e:00:00:01"), 2, "multicast");
        expect(RUN("vf", "set", "eth0", "0", "vlan", "5000"), 2, "vlan 5000 is not valid: a VLAN id must be 0-4095");
        expect(RUN("vf", "set", "eth0", "0", "qos", "3"), 2, "qos needs a VLAN");
        expect(RUN("vf", "set", "eth0", "0", "vlan", "0", "qos", "3"), 2, "qos 3 needs a VLAN id");
        expect(RUN("vf", "set", "eth0", "0", "vlan", "10", "qos", "8"), 2, "a QoS priority must be 0-7");
        expect(RUN("vf", "set", "eth0", "0", "proto", "802.1ad"), 2, "proto needs a VLAN");
        expect(RUN("vf", "set", "eth0", "0", "vlan", "10", "proto", "qinq"), 2, "proto must be 802.1Q or 802.1ad");
        expect(RUN("vf", "set", "eth0", "0", "spoofchk", "maybe"), 2, "spoofchk must be on or off");
        expect(RUN("vf", "set", "eth0", "0", "state", "up"), 2, "state must be auto, enable or disable");
        expect(RUN("vf", "set", "eth0", "0", "min-rate", "200", "max-rate", "100"), 2, "min-rate 200 is above max-rate 100");
        expect(RUN("vf", "set", "eth0", "0", "max-rate", "-1"), 2, "a rate in Mbps");
        expect(RUN("vf", "set", "eth0", "0", "colour", "red"), 2, "unknown setting 'colour'");
        expect(RUN("vf", "set", "eth0", "0", "trust"), 2, "'trust' needs a value");
        expect(RUN("vf", "set", "eth0", "0"), 2, "nothing to set");
        expect(RUN("vf", "set", "eth0"), 2, "missing VF");
}

static void test_unknown_pf(void **state)
{
        expect(RUN("vf", "set", "nosuchpf", "0", "vlan", "10"), 1, "no network interface 'nosuchpf'");
        expect(RUN("vf", "list", "nosuchpf"), 1, "no network interface 'nosuchpf'");
        expect(RUN("vf", "list", "0000:99:00.0"), 1, "no PCI device 0000:99:00.0");
        expect(RUN("vf", "reset", "nosuchpf", "1"), 1, "no network interface");
        expect(RUN("vf", "watch", "nosuchpf", "--count", "1"), 1, "no network interface");
        expect(RUN("vf", "watch", "eth0", "--count", "x"), 2, "--count needs a positive number");
        expect(RUN("fdb", "add", "nosuchpf", "fa:16:3e:00:00:01"), 1, "no network interface");
        expect(RUN("fdb", "add", "eth0", "ff:ff:ff:ff:ff:ff"), 2, "not a unicast address");
        expect(RUN("fdb", "del", "eth0"), 2, "missing MAC");
        expect(RUN("vf", "list"), 2, "missing PF");
}

static void test_apply_file_errors(void **state)
{
        char path[] = "/tmp/vfnet-test-apply-XXXXXX";
        int fd = mkstemp(path);
        const char *text = "{\"eth0\": [{\"vf\": 0, \"vlan\": 5000}]}";

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        expect(RUN("vf", "apply", path), 2, "eth0[0]: \"vlan\" must be an integer 0-4095");
        unlink(path);
        expect(RUN("vf", "apply", path), 1, "cannot read");
        expect(RUN("vf", "apply"), 2, "missing FILE");
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
        return remove(p);
}

static void test_resolve_pf_names(void **state)
{
        char root[] = "/tmp/vfnet-test-resolve-XXXXXX";
        _cleanup_free_ char *dev = NULL, *two = NULL, *nonet = NULL, *cls = NULL, *lnk = NULL;
        char *name = NULL;

        assert_non_null(mkdtemp(root));
        dev = sysroot_path(root, "/sys/bus/pci/devices/0000:3b:00.0/net/enp59s0f0");
        two = sysroot_path(root, "/sys/bus/pci/devices/0000:3b:00.1/net/a");
        nonet = sysroot_path(root, "/sys/bus/pci/devices/0000:3b:00.2");
        cls = sysroot_path(root, "/sys/class/net/enp59s0f0");
        lnk = sysroot_path(root, "/sys/class/net/enp59s0f0/device");
        assert_int_equal(mkdir_parents(dev, 0755), 0);
        assert_int_equal(mkdir_parents(two, 0755), 0);
        free(two);
        two = sysroot_path(root, "/sys/bus/pci/devices/0000:3b:00.1/net/b");
        assert_int_equal(mkdir_parents(two, 0755), 0);
        assert_int_equal(mkdir_parents(nonet, 0755), 0);
        assert_int_equal(mkdir_parents(cls, 0755), 0);
        assert_int_equal(symlink("../../../bus/pci/devices/0000:3b:00.0", lnk), 0);

        assert_int_equal(netdev_resolve(root, "0000:3b:00.0", &name), 0);
        assert_string_equal(name, "enp59s0f0");
        free(name);
        assert_int_equal(netdev_resolve(root, "enp59s0f0", &name), 0);
        assert_string_equal(name, "enp59s0f0");
        free(name);
        assert_int_equal(netdev_device_id(root, "enp59s0f0", &name), 0);
        assert_string_equal(name, "0000:3b:00.0");
        free(name);
        assert_int_equal(netdev_device_id(root, "dummy0", &name), 0);
        assert_string_equal(name, "dummy0");
        free(name);

        err_clear();
        assert_int_equal(netdev_resolve(root, "0000:3b:00.1", &name), -EINVAL);
        assert_non_null(strstr(err_msg(0), "has 2 network interfaces"));
        assert_int_equal(netdev_resolve(root, "0000:3b:00.2", &name), -ENODEV);
        assert_non_null(strstr(err_msg(0), "has no network interface"));
        assert_int_equal(netdev_resolve(root, "eth9", &name), -ENODEV);
        assert_int_equal(netdev_resolve(root, "../../etc", &name), -ENODEV);
        assert_int_equal(netdev_resolve(root, "averyveryverylongname", &name), -ENODEV);
        assert_int_equal(netdev_resolve(root, "", &name), -EINVAL);
        nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_set_bad_values),
                cmocka_unit_test(test_unknown_pf),
                cmocka_unit_test(test_apply_file_errors),
                cmocka_unit_test(test_resolve_pf_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
