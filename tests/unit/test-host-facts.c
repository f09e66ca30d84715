/* `vfnet host check` end to end on fixture hosts: what is read from /proc,
 * /sys, /dev/kmsg and /etc, the verdicts, the exit status (R4-R8, R27-R29). */
#include <fcntl.h>
#include <sys/stat.h>

#include "sysfs-fixture.h"

#include "kernel/host-facts.h"
#include "kernel/kmsg.h"

struct want {
        const char *id, *verdict, *evidence;
};

static void check_host(const char *host, int exit_code, const struct want *w, size_t n, const char *log)
{
        char *root = fixture_make(host), *out = NULL;
        _cleanup_json_ json_t *rows = NULL;

        if (log)
                assert_int_equal(fixture_run(root, &out, "host", "check", "-f", "json", "--kernel-log", log, NULL),
                                 exit_code);
        else
                assert_int_equal(fixture_run(root, &out, "host", "check", "-f", "json", NULL), exit_code);
        rows = fixture_json(out);
        assert_int_equal(json_array_size(rows), HOST_CHECK_COUNT);
        for (size_t i = 0; i < n; i++) {
                json_t *row = NULL, *o;
                size_t k;

                json_array_foreach(rows, k, o) if (streq(json_string_value(json_object_get(o, "id")), w[i].id)) row = o;
                assert_non_null(row);
                if (!streq(json_string_value(json_object_get(row, "verdict")), w[i].verdict) ||
                    !strstr(json_string_value(json_object_get(row, "evidence")), w[i].evidence))
                        fail_msg("%s %s: got %s \"%s\", want %s with \"%s\"", host, w[i].id,
                                 json_string_value(json_object_get(row, "verdict")),
                                 json_string_value(json_object_get(row, "evidence")), w[i].verdict, w[i].evidence);
                /* every row has the four keys; remedy is a string or null */
                assert_true(json_is_string(json_object_get(row, "remedy")) || json_is_null(json_object_get(row, "remedy")));
        }
        free(out);
        fixture_remove(root);
}

static void test_seed_82576(void **state)
{
        static const struct want w[] = {
                {"cpu-virt", "ok", "vmx"},
                {"iommu-firmware", "ok", "ACPI DMAR (Intel VT-d) table present (/sys/firmware/acpi/tables)"},
                {"iommu-active", "ok", "/sys/class/iommu: dmar0; 17 IOMMU groups"},
                {"kernel-cmdline", "warn", "intel_iommu=pt is ignored"},
                {"kernel-cmdline", "warn", "kernel log: \"DMAR: Unknown option - 'pt'\""},
                {"irq-remapping", "ok", "dmar0 ecap f0207e (bit 3 set); kernel log: \"DMAR-IR: Enabled IRQ remapping in x2apic mode\""},
                {"unsafe-interrupts", "ok", "allow_unsafe_interrupts=N"},
                {"sriov-driver", "ok", "0000:0b:00.1: igb (module igb loaded)"},
                /* the seed persists with igb.max_vfs=7 on the kernel command line */
                {"vf-count", "ok", "0000:0b:00.0: 7 VFs live, 7 persisted (igb.max_vfs=7 on the kernel command line)"},
                {"iommu-isolation", "ok", "14 VFs, each alone in its IOMMU group"},
        };
        check_host("seed-82576", 0, w, ARRAY_SIZE(w), NULL);
}

static void test_seed_modprobe_d(void **state)
{
        char *root = fixture_make("seed-82576"), *out = NULL, p[4096];
        _cleanup_json_ json_t *rows = NULL;
        FILE *f;

        /* The seed's other way: options in /etc/modprobe.d, here saying 4. */
        snprintf(p, sizeof(p), "%s/proc/cmdline", root);
        f = fopen(p, "w");
        assert_non_null(f);
        fputs("BOOT_IMAGE=/vmlinuz ro intel_iommu=on iommu=pt\n", f);
        fclose(f);
        snprintf(p, sizeof(p), "%s/etc/modprobe.d", root);
        assert_int_equal(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/etc/modprobe.d/igb.conf", root);
        f = fopen(p, "w");
        assert_non_null(f);
        fputs("options igb max_vfs=4\n", f);
        fclose(f);
        assert_int_equal(fixture_run(root, &out, "host", "check", "-f", "json", NULL), 1);
        rows = fixture_json(out);
        assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 7), "verdict")), "fail");
        assert_non_null(strstr(json_string_value(json_object_get(json_array_get(rows, 7), "evidence")),
                               "0000:0b:00.0: 7 VFs live, 4 persisted (options igb max_vfs=4 in /etc/modprobe.d/igb.conf)"));
        free(out);
        fixture_remove(root);
}

static void test_cx5_amd(void **state)
{
        static const struct want w[] = {
                {"cpu-virt", "ok", "svm"},
                {"iommu-firmware", "ok", "IVRS"},
                {"iommu-active", "ok", "ivhd0"},
                {"kernel-cmdline", "warn", "amd_iommu=on is ignored"},
                {"irq-remapping", "ok", "AMD-Vi: Interrupt remapping enabled"},
                {"unsafe-interrupts", "ok", "N"},
                {"sriov-driver", "ok", "mlx5_core (module mlx5_core loaded)"},
                {"vf-count", "ok", "0000:3b:00.0: 4 VFs live, 4 persisted; 0000:3b:00.1: 0 of 8 VFs, none persisted"},
                {"iommu-isolation", "warn", "0000:3b:00.4 shares IOMMU group 42 with 0000:3b:00.5"},
        };
        check_host("cx5-vfio", 0, w, ARRAY_SIZE(w), NULL);
}

static void test_plain_nic_no_iommu(void **state)
{
        static const struct want w[] = {
                {"cpu-virt", "fail", "neither vmx nor svm"},
                {"iommu-firmware", "fail", "no ACPI DMAR or IVRS"},
                {"iommu-active", "fail", "no IOMMU units"},
                {"kernel-cmdline", "fail", "intel_iommu=on missing"},
                {"irq-remapping", "fail", "no IOMMU"},
                {"unsafe-interrupts", "fail", "N (module not loaded)"},
                {"sriov-driver", "skip", "no SR-IOV"},
                {"vf-count", "skip", "no SR-IOV"},
                {"iommu-isolation", "skip", "no VFs"},
        };
        check_host("plain-nic", 1, w, ARRAY_SIZE(w), NULL);
}

static void test_intel_noir(void **state)
{
        static const struct want w[] = {
                {"kernel-cmdline", "ok", "/proc/cmdline: intel_iommu=on"},
                {"irq-remapping", "fail", "dmar0 ecap f00f42 (bit 3 clear)"},
                {"unsafe-interrupts", "warn", "allow_unsafe_interrupts=Y; interrupt remapping is missing"},
                {"sriov-driver", "fail", "0000:05:00.0: no driver bound"},
                {"vf-count", "ok", "0 of 7 VFs"},
        };
        check_host("intel-noir", 1, w, ARRAY_SIZE(w), NULL);
}

static void test_kernel_log_file(void **state)
{
        static const struct want w[] = {{"irq-remapping", "fail", "dmar0 ecap f00f42 (bit 3 clear)"}};
        char log[1024], *root, *out = NULL, p[4096];
        FILE *f;

        /* --kernel-log replaces /dev/kmsg. */
        snprintf(log, sizeof(log), "%s/kernel-log/intel-noir.dmesg", test_fixtures_dir());
        check_host("plain-nic", 1, w, ARRAY_SIZE(w), log);

        /* A log that no longer reaches back to boot, and a unit whose ecap
         * says "supported": whether remapping is on cannot be told. */
        snprintf(log, sizeof(log), "%s/kernel-log/rotated.dmesg", test_fixtures_dir());
        root = fixture_make("intel-noir");
        snprintf(p, sizeof(p), "%s/sys/class/iommu/dmar0/intel-iommu/ecap", root);
        f = fopen(p, "w");
        assert_non_null(f);
        fputs("f020df\n", f);
        fclose(f);
        assert_int_equal(fixture_run(root, &out, "host", "check", "--kernel-log", log, NULL), 1);
        assert_non_null(strstr(out, "does not reach back to boot"));
        assert_non_null(strstr(out, "| irq-remapping     | warn"));
        free(out);
        fixture_remove(root);

        assert_int_equal(fixture_run(TEST_BOGUS_ROOT, &out, "host", "check", "--kernel-log", "/nonexistent.log", NULL), 1);
        assert_non_null(strstr(err_msg(0), "cannot read the kernel log /nonexistent.log"));
        free(out);
        assert_int_equal(fixture_run(TEST_BOGUS_ROOT, &out, "host", "check", "--kernel-log", NULL), 2);
        free(out);
}

static void test_nothing_readable(void **state)
{
        char *out = NULL;
        _cleanup_json_ json_t *rows = NULL;

        /* Everything missing: no crash, skips and a warning for the log. */
        assert_int_equal(fixture_run(TEST_BOGUS_ROOT, &out, "host", "check", "-f", "json", NULL), 1);
        rows = fixture_json(out);
        assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "verdict")), "skip");
        assert_non_null(strstr(json_string_value(json_object_get(json_array_get(rows, 4), "evidence")),
                               "kernel log not readable (/dev/kmsg: No such file or directory)"));
        free(out);
}

/* /dev/kmsg never ends a read with EOF: it answers EAGAIN when the records
 * run out.  A FIFO with an open writer behaves the same. */
static void test_kmsg_reads_until_eagain(void **state)
{
        char tmpl[] = "/tmp/vfnet-kmsg-XXXXXX", p[256], src[128];
        static const char rec[] = "6,209,121003,-;DMAR-IR: Enabled IRQ remapping in xapic mode\n SUBSYSTEM=x\n";
        _cleanup_free_ char *text = NULL;
        size_t len;
        int w;

        assert_non_null(mkdtemp(tmpl));
        snprintf(p, sizeof(p), "%s/dev", tmpl);
        assert_int_equal(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/dev/kmsg", tmpl);
        assert_int_equal(mkfifo(p, 0600), 0);
        w = open(p, O_RDWR | O_NONBLOCK);
        assert_true(w >= 0);
        assert_int_equal(write(w, rec, sizeof(rec) - 1), (ssize_t)(sizeof(rec) - 1));
        assert_int_equal(kmsg_read(tmpl, NULL, &text, &len, src, sizeof(src)), 0);
        assert_int_equal(len, sizeof(rec) - 1);
        assert_string_equal(src, "/dev/kmsg");
        assert_string_equal(text, rec);
        close(w);
        unlink(p);
        snprintf(p, sizeof(p), "%s/dev", tmpl);
        rmdir(p);
        rmdir(tmpl);
}

static void test_table_output(void **state)
{
        char *root = fixture_make("cx5-vfio"), *out = NULL;

        assert_int_equal(fixture_run(root, &out, "host", "check", NULL), 0);
        assert_non_null(strstr(out, "| CHECK "));
        assert_non_null(strstr(out, "| iommu-isolation   | warn "));
        free(out);
        assert_int_equal(fixture_run(root, &out, "host", "check", "--bogus", NULL), 2);
        assert_non_null(strstr(err_msg(0), "unexpected argument '--bogus'"));
        free(out);
        fixture_remove(root);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_82576),
                cmocka_unit_test(test_seed_modprobe_d),
                cmocka_unit_test(test_cx5_amd),
                cmocka_unit_test(test_plain_nic_no_iommu),
                cmocka_unit_test(test_intel_noir),
                cmocka_unit_test(test_kernel_log_file),
                cmocka_unit_test(test_nothing_readable),
                cmocka_unit_test(test_kmsg_reads_until_eagain),
                cmocka_unit_test(test_table_output),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
