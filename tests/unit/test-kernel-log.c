/* The kernel-log parser on samples shaped like real boots (R28): VT-d ecap
 * bit 3, "Enabled IRQ remapping", AMD-Vi, firmware bugs, unknown options,
 * in /dev/kmsg, dmesg and journalctl line formats. */
#include "test-util.h"

#include "base/fileio.h"
#include "host/kernel-log.h"

static void parse_sample(const char *name, struct kernel_log_facts *f)
{
        char path[1024];
        _cleanup_free_ char *text = NULL;
        size_t len;

        snprintf(path, sizeof(path), "%s/kernel-log/%s", test_fixtures_dir(), name);
        assert_int_equal(read_full_file(path, 1 << 20, &text, &len), 0);
        kernel_log_parse(text, len, f);
}

static void test_intel_ir_enabled_kmsg(void **state)
{
        struct kernel_log_facts f;

        parse_sample("intel-ir.kmsg", &f);
        assert_true(f.from_boot);
        assert_true(f.acpi_dmar);
        assert_false(f.acpi_ivrs);
        assert_true(f.dmar_iommu_enabled);
        assert_int_equal(f.n_dmar, 1);
        assert_string_equal(f.dmar[0].name, "dmar0");
        assert_int_equal(f.dmar[0].ecap, 0xf00f4a);
        assert_int_equal(kernel_log_dmar_ir_capable(&f), 1);
        assert_true(f.dmar_ir_enabled);
        assert_string_equal(f.dmar_ir_mode, "xapic");
        assert_false(f.ir_disabled_by_kernel);
        assert_int_equal(f.n_unknown, 0);
}

static void test_intel_no_ir_dmesg(void **state)
{
        struct kernel_log_facts f;

        parse_sample("intel-noir.dmesg", &f);
        assert_true(f.from_boot);
        assert_int_equal(f.n_dmar, 1);
        assert_int_equal(f.dmar[0].ecap, 0xf00f42);
        assert_int_equal(kernel_log_dmar_ir_capable(&f), 0);
        assert_false(f.dmar_ir_enabled);
        assert_true(f.vfio_no_ir);
}

static void test_intel_two_units_not_enabled(void **state)
{
        struct kernel_log_facts f;

        parse_sample("intel-intremap-off.dmesg", &f);
        assert_int_equal(f.n_dmar, 2);
        assert_string_equal(f.dmar[1].name, "dmar1");
        assert_int_equal(kernel_log_dmar_ir_capable(&f), 2);
        assert_false(f.dmar_ir_enabled);
}

static void test_seed_intel_iommu_pt_journal(void **state)
{
        struct kernel_log_facts f;

        parse_sample("intel-pt-unknown.journal", &f);
        assert_int_equal(f.n_unknown, 1);
        assert_string_equal(f.unknown[0].source, "DMAR");
        assert_string_equal(f.unknown[0].value, "pt");
        assert_true(f.dmar_ir_enabled);
        assert_string_equal(f.dmar_ir_mode, "x2apic");
        /* ecap f0207e: bit 3 set */
        assert_int_equal(kernel_log_dmar_ir_capable(&f), 1);
}

static void test_amd_ir_enabled(void **state)
{
        struct kernel_log_facts f;

        parse_sample("amd-ir.journal", &f);
        assert_true(f.acpi_ivrs);
        assert_true(f.amd_iommu_found);
        assert_true(f.amd_ir_enabled);
        assert_false(f.dmar_ir_enabled);
        assert_int_equal(f.n_dmar, 0);
        assert_int_equal(f.n_unknown, 1);
        assert_string_equal(f.unknown[0].source, "AMD-Vi");
        assert_string_equal(f.unknown[0].value, "on");
}

static void test_amd_firmware_bug_disables(void **state)
{
        struct kernel_log_facts f;

        parse_sample("amd-fwbug.dmesg", &f);
        assert_true(f.amd_iommu_found);
        assert_false(f.amd_ir_enabled);
        assert_true(f.ir_disabled_by_kernel);
        assert_non_null(strstr(f.ir_disabled_line, "AMD-Vi: Disabling interrupt remapping"));
}

static void test_no_iommu_and_rotated(void **state)
{
        struct kernel_log_facts f;

        parse_sample("no-iommu.kmsg", &f);
        assert_true(f.from_boot);
        assert_false(f.acpi_dmar);
        assert_int_equal(f.n_dmar, 0);
        assert_false(f.dmar_ir_enabled);

        parse_sample("rotated.dmesg", &f);
        assert_false(f.from_boot);
}

static void test_malformed_lines(void **state)
{
        static const char text[] =
                "DMAR: dmar0: reg_base_addr fed90000 ecap\n"          /* no value */
                "DMAR: dmar1: ecap zz\n"                              /* not hex */
                "DMAR: dmar2: ecap 11112222333344445\n"               /* 17 digits */
                "DMAR: dmar3 ecap 8\n"                                /* no colon after name */
                "DMAR: dmarAVeryLongUnitName0: ecap 8\n"              /* name too long */
                "DMAR: dmar4: reg ecap 0x8\n"                         /* 0x prefix: ok */
                "DMAR: dmar4: reg ecap 0\n"                           /* logged twice: last wins */
                "DMAR: Unknown option - 'pt,sm_on'\n"                 /* up to the comma */
                "foo: Unknown option - 'x'\n"                         /* not an IOMMU source */
                "DMAR-IR: Enabled IRQ remapping in ";                 /* cut, no newline */
        struct kernel_log_facts f;

        kernel_log_parse(text, sizeof(text) - 1, &f);
        assert_int_equal(f.n_dmar, 1);
        assert_string_equal(f.dmar[0].name, "dmar4");
        assert_int_equal(f.dmar[0].ecap, 0);
        assert_int_equal(f.n_unknown, 1);
        assert_string_equal(f.unknown[0].value, "pt");
        assert_true(f.dmar_ir_enabled);
        assert_string_equal(f.dmar_ir_mode, "");

        kernel_log_parse("", 0, &f);
        assert_int_equal(f.n_dmar, 0);
}

static void test_many_units_bounded(void **state)
{
        char text[KLOG_MAX_UNITS * 2 * 64];
        size_t len = 0;
        struct kernel_log_facts f;

        for (int i = 0; i < KLOG_MAX_UNITS * 2; i++)
                len += (size_t)snprintf(text + len, sizeof(text) - len, "DMAR: dmar%d: ecap 8\n", i);
        kernel_log_parse(text, len, &f);
        assert_int_equal(f.n_dmar, KLOG_MAX_UNITS);
        assert_int_equal(kernel_log_dmar_ir_capable(&f), KLOG_MAX_UNITS);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_intel_ir_enabled_kmsg),
                cmocka_unit_test(test_intel_no_ir_dmesg),
                cmocka_unit_test(test_intel_two_units_not_enabled),
                cmocka_unit_test(test_seed_intel_iommu_pt_journal),
                cmocka_unit_test(test_amd_ir_enabled),
                cmocka_unit_test(test_amd_firmware_bug_disables),
                cmocka_unit_test(test_no_iommu_and_rotated),
                cmocka_unit_test(test_malformed_lines),
                cmocka_unit_test(test_many_units_bounded),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
