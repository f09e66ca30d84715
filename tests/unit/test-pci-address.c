#include "test-util.h"

#include "pci/pci-address.h"

static void test_parse_valid(void **state)
{
        struct pci_address a;
        char buf[PCI_ADDRESS_STRLEN];

        assert_int_equal(pci_address_parse("0000:0b:10.1", &a), 0);
        assert_int_equal(a.bus, 0x0b);
        assert_int_equal(a.slot, 0x10);
        assert_int_equal(a.function, 1);
        assert_string_equal(pci_address_format(&a, buf), "0000:0b:10.1");

        assert_int_equal(pci_address_parse("0B:11.5", &a), 0);
        assert_string_equal(pci_address_format(&a, buf), "0000:0b:11.5");
        assert_int_equal(pci_address_parse("ffff:ff:1f.7", &a), 0);
        assert_string_equal(pci_address_format(&a, buf), "ffff:ff:1f.7");
}

static void test_parse_invalid(void **state)
{
        static const char *const bad[] = {
                "",        "0000",         "0000:0b",      "0000:0b:10",  "0000:0b:10.8",
                "0b:20.0", "10000:00:00.0", "0000:100:00.0", "0000:0b:10.1x", "0000:0b:10.",
                "::.",     "0000:0b:.1",   "g000:0b:10.1", "0000:0b:10.1.1",
        };
        struct pci_address a;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                if (pci_address_parse(bad[i], &a) != -EINVAL)
                        fail_msg("'%s' parsed but is not a PCI address", bad[i]);
        }
        assert_int_equal(pci_address_parse(NULL, &a), -EINVAL);
}

static void test_compare(void **state)
{
        struct pci_address a, b;

        assert_int_equal(pci_address_parse("0000:0b:10.0", &a), 0);
        assert_int_equal(pci_address_parse("0000:0b:10.1", &b), 0);
        assert_true(pci_address_compare(&a, &b) < 0);
        assert_true(pci_address_compare(&b, &a) > 0);
        assert_false(pci_address_equal(&a, &b));
        b.function = 0;
        assert_true(pci_address_equal(&a, &b));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_valid),
                cmocka_unit_test(test_parse_invalid),
                cmocka_unit_test(test_compare),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
