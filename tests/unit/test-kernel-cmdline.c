/* The kernel command-line reader against what Linux 6.1's parsers do with
 * intel_iommu=, amd_iommu=, iommu=, iommu.passthrough=, intremap= (R7). */
#include "test-util.h"

#include "host/kernel-cmdline.h"

static void test_seed_intel_iommu_pt(void **state)
{
        struct kernel_cmdline_facts f;

        kernel_cmdline_parse("BOOT_IMAGE=/vmlinuz-3.10.0-123.el7.x86_64 root=UUID=4718717c ro "
                             "console=ttyS0,115200 intel_iommu=pt igb.max_vfs=7\n",
                             &f);
        assert_int_equal(f.intel_iommu, -1); /* not on: the word was ignored */
        assert_int_equal(f.passthrough, -1); /* and not passthrough */
        assert_int_equal(f.n_ignored, 1);
        assert_string_equal(f.ignored[0].param, "intel_iommu=pt");
        assert_non_null(strstr(f.ignored[0].reason, "Unknown option"));
        assert_string_equal(f.ignored[0].fix, "intel_iommu=on iommu=pt");
        assert_string_equal(f.relevant, "intel_iommu=pt");
}

static void test_recommended_form(void **state)
{
        struct kernel_cmdline_facts f;

        kernel_cmdline_parse("ro quiet intel_iommu=on iommu=pt", &f);
        assert_int_equal(f.intel_iommu, 1);
        assert_int_equal(f.passthrough, 1);
        assert_int_equal(f.n_ignored, 0);
        assert_false(f.iommu_off);
        assert_false(f.intremap_off);
        assert_string_equal(f.relevant, "intel_iommu=on iommu=pt");
}

static void test_intel_every_known_word(void **state)
{
        struct kernel_cmdline_facts f;

        kernel_cmdline_parse("intel_iommu=on,igfx_off,forcedac,strict,sp_off,sm_on,sm_off,tboot_noforce", &f);
        assert_int_equal(f.intel_iommu, 1);
        assert_int_equal(f.n_ignored, 0);
        /* prefix comparison, as strncmp in the kernel: "onx" is "on" */
        kernel_cmdline_parse("intel_iommu=onx", &f);
        assert_int_equal(f.intel_iommu, 1);
        /* last one wins; ",," separators are skipped */
        kernel_cmdline_parse("intel_iommu=on intel-iommu=off,,sp_off", &f);
        assert_int_equal(f.intel_iommu, 0);
        assert_int_equal(f.n_ignored, 0);
        kernel_cmdline_parse("intel_iommu=on,bogus,pt", &f);
        assert_int_equal(f.intel_iommu, 1);
        assert_int_equal(f.n_ignored, 2);
        assert_string_equal(f.ignored[0].param, "intel_iommu=bogus");
        assert_non_null(strstr(f.ignored[0].fix, "sm_on"));
        assert_string_equal(f.ignored[1].param, "intel_iommu=pt");
        /* "intel_iommu" without a value does nothing */
        kernel_cmdline_parse("intel_iommu", &f);
        assert_int_equal(f.intel_iommu, -1);
        assert_int_equal(f.n_ignored, 0);
}

static void test_amd(void **state)
{
        struct kernel_cmdline_facts f;

        kernel_cmdline_parse("amd_iommu=on iommu=pt", &f);
        assert_false(f.amd_iommu_off);
        assert_int_equal(f.n_ignored, 1);
        assert_string_equal(f.ignored[0].param, "amd_iommu=on");
        assert_non_null(strstr(f.ignored[0].reason, "AMD-Vi: Unknown option"));
        kernel_cmdline_parse("amd_iommu=fullflush,force_enable,force_isolation,pgtbl_v1,pgtbl_v2", &f);
        assert_int_equal(f.n_ignored, 0);
        kernel_cmdline_parse("amd_iommu=off", &f);
        assert_true(f.amd_iommu_off);
        kernel_cmdline_parse("amd_iommu=frobnicate", &f);
        assert_int_equal(f.n_ignored, 1);
        assert_non_null(strstr(f.ignored[0].fix, "force_isolation"));
}

static void test_iommu_values(void **state)
{
        struct kernel_cmdline_facts f;

        kernel_cmdline_parse("iommu=off", &f);
        assert_true(f.iommu_off);
        kernel_cmdline_parse("iommu=pt iommu=nopt", &f);
        assert_int_equal(f.passthrough, 0);
        kernel_cmdline_parse("iommu=soft,nomerge,memaper=2,64M,noagp", &f);
        assert_int_equal(f.n_ignored, 0);
        kernel_cmdline_parse("iommu=on", &f);
        assert_int_equal(f.n_ignored, 1);
        assert_string_equal(f.ignored[0].param, "iommu=on");
        assert_non_null(strstr(f.ignored[0].fix, "intel_iommu=on"));
        kernel_cmdline_parse("iommu=xyz", &f);
        assert_int_equal(f.n_ignored, 1);
        kernel_cmdline_parse("iommu.passthrough=1", &f);
        assert_int_equal(f.passthrough, 1);
        kernel_cmdline_parse("iommu.passthrough=off", &f);
        assert_int_equal(f.passthrough, 0);
        kernel_cmdline_parse("iommu.passthrough=maybe", &f);
        assert_int_equal(f.passthrough, -1);
}

static void test_intremap(void **state)
{
        struct kernel_cmdline_facts f;

        kernel_cmdline_parse("intel_iommu=on intremap=off", &f);
        assert_true(f.intremap_off);
        assert_string_equal(f.intremap_word, "intremap=off");
        kernel_cmdline_parse("intremap=off intremap=on", &f);
        assert_false(f.intremap_off);
        kernel_cmdline_parse("nointremap", &f);
        assert_true(f.intremap_off);
        assert_string_equal(f.intremap_word, "nointremap");
        kernel_cmdline_parse("intremap=nosid,no_x2apic_optout,nopost", &f);
        assert_false(f.intremap_off);
        assert_int_equal(f.n_ignored, 0);
        kernel_cmdline_parse("intremap=disable", &f);
        assert_false(f.intremap_off);
        assert_int_equal(f.n_ignored, 1);
        assert_string_equal(f.ignored[0].param, "intremap=disable");
}

static void test_quotes_and_init_args(void **state)
{
        struct kernel_cmdline_facts f;

        kernel_cmdline_parse("foo=\"a b intel_iommu=off\" intel_iommu=\"on\"", &f);
        assert_int_equal(f.intel_iommu, 1);
        kernel_cmdline_parse("quiet -- intel_iommu=off", &f);
        assert_int_equal(f.intel_iommu, -1);
        kernel_cmdline_parse("", &f);
        assert_int_equal(f.intel_iommu, -1);
        assert_string_equal(f.relevant, "");
        kernel_cmdline_parse("   \t\n", &f);
        assert_int_equal(f.n_ignored, 0);
        kernel_cmdline_parse("\"unterminated intel_iommu=on", &f);
        assert_int_equal(f.intel_iommu, -1);
}

static void test_ignored_bounded(void **state)
{
        char line[4096] = "intel_iommu=";
        struct kernel_cmdline_facts f;

        for (int i = 0; i < 40; i++)
                strcat(line, "x,");
        kernel_cmdline_parse(line, &f);
        assert_int_equal(f.n_ignored, CMDLINE_MAX_IGNORED);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_intel_iommu_pt),
                cmocka_unit_test(test_recommended_form),
                cmocka_unit_test(test_intel_every_known_word),
                cmocka_unit_test(test_amd),
                cmocka_unit_test(test_iommu_values),
                cmocka_unit_test(test_intremap),
                cmocka_unit_test(test_quotes_and_init_args),
                cmocka_unit_test(test_ignored_bounded),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
