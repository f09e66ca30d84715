/* VF counts persisted as module options outside vfnet: the seed's
 * igb.max_vfs=7 on the kernel command line, options in /etc/modprobe.d. */
#include "test-util.h"

#include "host/module-options.h"

static void test_cmdline(void **state)
{
        char v[32];

        assert_true(module_option_from_cmdline("ro intel_iommu=pt igb.max_vfs=7", "igb", "max_vfs", v, sizeof(v)));
        assert_string_equal(v, "7");
        /* the last one wins; '-' and '_' alike in the module name */
        assert_true(module_option_from_cmdline("my-drv.max_vfs=2 my_drv.max_vfs=3", "my_drv", "max_vfs", v, sizeof(v)));
        assert_string_equal(v, "3");
        assert_false(module_option_from_cmdline("igb.max_vfs=7", "ixgbe", "max_vfs", v, sizeof(v)));
        assert_false(module_option_from_cmdline("max_vfs=7 igb.max_vfsx=1 igb.max_vfs", "igb", "max_vfs", v, sizeof(v)));
        assert_false(module_option_from_cmdline("quiet -- igb.max_vfs=7", "igb", "max_vfs", v, sizeof(v)));
        assert_false(module_option_from_cmdline("", "igb", "max_vfs", v, sizeof(v)));
        /* values longer than the buffer are cut, not overrun */
        assert_true(module_option_from_cmdline("igb.max_vfs=123456789012345678901234567890123456789", "igb", "max_vfs",
                                               v, 8));
        assert_string_equal(v, "1234567");
}

static void test_modprobe(void **state)
{
        char v[32];

        assert_true(module_option_from_modprobe("options igb max_vfs=7\n", "igb", "max_vfs", v, sizeof(v)));
        assert_string_equal(v, "7");
        assert_true(module_option_from_modprobe("# the seed's line\n  options  igb  debug=1   max_vfs=4  # trailing\n"
                                                "options igb max_vfs=6\n",
                                                "igb", "max_vfs", v, sizeof(v)));
        assert_string_equal(v, "6");
        assert_false(module_option_from_modprobe("#options igb max_vfs=7\n", "igb", "max_vfs", v, sizeof(v)));
        assert_false(module_option_from_modprobe("options ixgbe max_vfs=7\n", "igb", "max_vfs", v, sizeof(v)));
        assert_false(module_option_from_modprobe("install igb max_vfs=7\noptionsigb max_vfs=1\n", "igb", "max_vfs", v,
                                                 sizeof(v)));
        assert_false(module_option_from_modprobe("options igb\n", "igb", "max_vfs", v, sizeof(v)));
        assert_false(module_option_from_modprobe("", "igb", "max_vfs", v, sizeof(v)));
        assert_true(module_option_from_modprobe("options vfio_iommu_type1 allow_unsafe_interrupts=1", "vfio-iommu-type1",
                                                "allow_unsafe_interrupts", v, sizeof(v)));
        assert_string_equal(v, "1");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cmdline),
                cmocka_unit_test(test_modprobe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
