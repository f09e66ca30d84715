/* [pci] device_spec (R15, R16): every rule and message of nova's devspec.py
 * and whitelist.py, the seed's two lines, glob and regex addresses,
 * PF-implies-VFs and devname. */
#include "test-util.h"

#include "base/error.h"
#include "base/ini.h"
#include "pci/devspec.h"

static char *pf_netdevs[] = {"enp5s0f1", NULL};
static char *vf_netdevs[] = {"enp5s0f1v0", NULL};
static char *other_netdevs[] = {"eno1", NULL};

/* The seed's 82576: PF 0000:0b:00.0 (8086:10c9), VFs 8086:10ca at 0b:10.x. */
static struct pci_dev_view pf(void)
{
        struct pci_dev_view d = {.vendor_id = "8086", .product_id = "10c9", .dev_type = PCI_NOVA_TYPE_PF,
                                 .is_pf = true, .netdevs = pf_netdevs};
        assert_int_equal(pci_address_parse("0000:0b:00.0", &d.address), 0);
        return d;
}

static struct pci_dev_view vf(const char *addr)
{
        struct pci_dev_view d = {.vendor_id = "8086", .product_id = "10ca", .dev_type = PCI_NOVA_TYPE_VF,
                                 .has_parent = true, .netdevs = vf_netdevs, .parent_netdevs = pf_netdevs};
        assert_int_equal(pci_address_parse(addr, &d.address), 0);
        assert_int_equal(pci_address_parse("0000:0b:00.0", &d.parent), 0);
        return d;
}

static struct pci_dev_view plain(const char *addr, const char *vendor, const char *product)
{
        struct pci_dev_view d = {.dev_type = PCI_NOVA_TYPE_PCI, .netdevs = other_netdevs};
        assert_int_equal(pci_address_parse(addr, &d.address), 0);
        snprintf(d.vendor_id, sizeof(d.vendor_id), "%s", vendor);
        snprintf(d.product_id, sizeof(d.product_id), "%s", product);
        return d;
}

static struct pci_devspec *spec(const char *json)
{
        json_error_t e;
        json_t *j = json_loads(json, 0, &e);
        struct pci_devspec *s = NULL;

        assert_non_null(j);
        if (pci_devspec_new(j, false, &s) < 0)
                fail_msg("spec %s refused: %s", json, err_msg(-EINVAL));
        json_decref(j);
        return s;
}

/* The message a refused entry gives (through the whitelist, with origin). */
static void assert_refused(const char *text, const char *msg)
{
        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;

        assert_int_equal(pci_whitelist_new(&wl), 0);
        err_clear();
        assert_int_equal(pci_whitelist_add(wl, text, "nova.conf:7", false), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), msg);
        assert_int_equal(wl->n_specs, 0);
}

static bool matches(const char *json, struct pci_dev_view d)
{
        struct pci_devspec *s = spec(json);
        bool m = pci_devspec_match(s, &d);
        pci_devspec_free(s);
        return m;
}

static void test_seed_lines_load_verbatim(void **state)
{
        _cleanup_ini_ struct ini *ini = NULL;
        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;
        struct pci_dev_view p = pf(), v = vf("0000:0b:10.1");
        struct pci_dev_view x540 = plain("0000:05:00.0", "8086", "10ac");
        size_t idx = 99;

        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(
                ini_load_string(ini, "nova.conf",
                                "[DEFAULT]\n"
                                "pci_passthrough_whitelist={\"devname\": \"enp5s0f1\", \"physical_network\":\"physnet1\"}\n"
                                "pci_passthrough_whitelist = \\{\"vendor_id\": \"8086\",\"product_id\": \"10ac\", "
                                "\"physical_network\":\"physnet1\"}\n"),
                0);
        assert_int_equal(pci_whitelist_from_ini(ini, &wl), 0);
        assert_int_equal(wl->n_specs, 2);
        assert_string_equal(pci_devspec_origin(wl->specs[0]), "nova.conf:2");
        assert_string_equal(pci_devspec_origin(wl->specs[1]), "nova.conf:3");
        assert_string_equal(pci_devspec_tag(wl->specs[0], "physical_network", NULL), "physnet1");
        assert_string_equal(pci_devspec_vendor_id(wl->specs[1]), "8086");
        assert_string_equal(pci_devspec_product_id(wl->specs[1]), "10ac");

        /* devname of a PF: the PF and its VFs; the second line: 8086:10ac. */
        assert_ptr_equal(pci_whitelist_match(wl, &p, &idx), wl->specs[0]);
        assert_int_equal(idx, 0);
        assert_ptr_equal(pci_whitelist_match(wl, &v, &idx), wl->specs[0]);
        assert_ptr_equal(pci_whitelist_match(wl, &x540, &idx), wl->specs[1]);
        assert_int_equal(idx, 1);
        struct pci_dev_view other = plain("0000:06:00.0", "15b3", "1017");
        assert_null(pci_whitelist_match(wl, &other, NULL));
}

static void test_option_names_and_precedence(void **state)
{
        const char *cases[][2] = {
                {"[pci]\ndevice_spec = {\"vendor_id\": \"8086\"}\n"
                 "passthrough_whitelist = {\"vendor_id\": \"15b3\"}\n",
                 "8086"},
                {"[pci]\npassthrough_whitelist = {\"vendor_id\": \"15b3\"}\n"
                 "[DEFAULT]\npci_passthrough_whitelist = {\"vendor_id\": \"1af4\"}\n",
                 "15b3"},
                {"[DEFAULT]\npci_passthrough_whitelist = {\"vendor_id\": \"1af4\"}\n", "1af4"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_ini_ struct ini *ini = NULL;
                _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;
                assert_int_equal(ini_new(&ini), 0);
                assert_int_equal(ini_load_string(ini, "n.conf", cases[i][0]), 0);
                assert_int_equal(pci_whitelist_from_ini(ini, &wl), 0);
                assert_int_equal(wl->n_specs, 1);
                assert_string_equal(pci_devspec_vendor_id(wl->specs[0]), cases[i][1]);
        }
}

static void test_multi_valued_and_lists(void **state)
{
        _cleanup_ini_ struct ini *ini = NULL;
        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;

        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "a.conf",
                                         "[pci]\ndevice_spec = [{\"vendor_id\": \"8086\"}, {\"vendor_id\": \"15b3\"}]\n"
                                         "device_spec =\n"),
                         0);
        assert_int_equal(ini_load_string(ini, "b.conf", "[pci]\ndevice_spec = {\"address\": \"0b:10.1\"}\n"), 0);
        assert_int_equal(pci_whitelist_from_ini(ini, &wl), 0);
        assert_int_equal(wl->n_specs, 3);
        assert_string_equal(pci_devspec_origin(wl->specs[1]), "a.conf:2");
        assert_string_equal(pci_devspec_origin(wl->specs[2]), "b.conf:2");
}

static void test_entry_errors(void **state)
{
        assert_refused("{\"vendor_id\": ", "nova.conf:7: Invalid [pci]device_spec config: Invalid entry: "
                                           "'{\"vendor_id\": '");
        assert_refused("\"8086\"", "nova.conf:7: Invalid [pci]device_spec config: Invalid entry: '\"8086\"'; "
                                   "Expecting list or dict");
        assert_refused("42", "nova.conf:7: Invalid [pci]device_spec config: Invalid entry: '42'; "
                             "Expecting list or dict");
        assert_refused("[{\"vendor_id\": \"8086\"}, \"x\"]",
                       "nova.conf:7: Invalid [pci]device_spec config: Invalid entry: '\"x\"'; Expecting dict");
        /* A bad second element refuses the whole line: nothing half-loaded. */
        assert_refused("[{\"vendor_id\": \"8086\"}, {\"vendor_id\": \"zz\"}]",
                       "nova.conf:7: Invalid [pci]device_spec config: property vendor_id ('zz') does not "
                       "parse as a hex number.");
}

static void test_vendor_product_rules(void **state)
{
        struct pci_devspec *s = spec("{\"vendor_id\": \" 8086 \", \"product_id\": \"0x10CA\"}");
        assert_string_equal(pci_devspec_vendor_id(s), "8086");
        assert_string_equal(pci_devspec_product_id(s), "10ca");
        pci_devspec_free(s);
        s = spec("{\"vendor_id\": \"86\", \"product_id\": \"*\"}");
        assert_string_equal(pci_devspec_vendor_id(s), "0086");
        assert_string_equal(pci_devspec_product_id(s), "*");
        pci_devspec_free(s);
        s = spec("{}");
        assert_string_equal(pci_devspec_vendor_id(s), "*");
        assert_string_equal(pci_devspec_product_id(s), "*");
        pci_devspec_free(s);

        assert_refused("{\"vendor_id\": \"10000\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property vendor_id (10000) is greater "
                       "than the maximum allowable value (FFFF).");
        assert_refused("{\"product_id\": \"1g\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property product_id ('1g') does not "
                       "parse as a hex number.");
        assert_refused("{\"product_id\": 4321}",
                       "nova.conf:7: Invalid [pci]device_spec config: property product_id ('4321') does not "
                       "parse as a hex number.");

        assert_true(matches("{\"vendor_id\": \"8086\", \"product_id\": \"10ca\"}", vf("0000:0b:10.0")));
        assert_false(matches("{\"vendor_id\": \"8086\", \"product_id\": \"10ca\"}", pf()));
        assert_false(matches("{\"vendor_id\": \"15b3\"}", vf("0000:0b:10.0")));
        assert_true(matches("{\"vendor_id\": \"*\", \"product_id\": \"*\"}", pf()));
}

static void test_glob_address_forms(void **state)
{
        struct pci_dev_view v = vf("0000:0b:10.1");

        assert_true(matches("{\"address\": \"0000:0b:10.1\"}", v));
        assert_true(matches("{\"address\": \"0b:10.1\"}", v));
        assert_true(matches("{\"address\": \"10.1\"}", v));
        assert_true(matches("{\"address\": \".1\"}", v));
        assert_true(matches("{\"address\": \"10\"}", v));
        assert_true(matches("{\"address\": \"10.\"}", v));
        assert_true(matches("{\"address\": \":0b:10.\"}", v));
        assert_true(matches("{\"address\": \"*:0b:*.*\"}", v));
        assert_true(matches("{\"address\": \"*:0B:10.*\"}", v));
        assert_true(matches("{\"address\": \" 0000 : 0b : 10 . 1 \"}", v));
        assert_true(matches("{\"address\": \"b:10.1\"}", v));
        assert_true(matches("{\"address\": \"\"}", v)); /* empty = every device */
        assert_false(matches("{\"address\": \"0b:10.2\"}", v));
        assert_false(matches("{\"address\": \"0001:0b:10.1\"}", v));
        assert_false(matches("{\"address\": \"0c:*.*\"}", v));
        assert_false(matches("{\"address\": \"11\"}", v));
}

static void test_glob_address_errors(void **state)
{
        assert_refused("{\"address\": \"0000:0b:10:00.1\"}",
                       "nova.conf:7: The PCI address 0000:0b:10:00.1 has an incorrect format.");
        assert_refused("{\"address\": \"0000:0b:1g.1\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property slot ('1g') does not parse "
                       "as a hex number.");
        assert_refused("{\"address\": \"0000:0b:20.1\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property slot (20) is greater than the "
                       "maximum allowable value (1F).");
        assert_refused("{\"address\": \"0000:100:00.1\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property bus (100) is greater than the "
                       "maximum allowable value (FF).");
        assert_refused("{\"address\": \"10000:00:00.1\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property domain (10000) is greater "
                       "than the maximum allowable value (FFFF).");
        assert_refused("{\"address\": \"00:00.8\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property func (8) is greater than the "
                       "maximum allowable value (7).");
        assert_refused("{\"address\": \"00:00.1.2\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property func ('1.2') does not parse "
                       "as a hex number.");
        assert_refused("{\"address\": \"0?:00.1\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: property bus ('0?') does not parse "
                       "as a hex number.");
        assert_refused("{\"address\": 12}", "nova.conf:7: The PCI address 12 has an incorrect format.");
        assert_refused("{\"address\": [\"0b:10.1\"]}",
                       "nova.conf:7: The PCI address [\"0b:10.1\"] has an incorrect format.");
}

static void test_regex_address(void **state)
{
        struct pci_dev_view v = vf("0000:0b:10.1");

        assert_true(matches("{\"address\": {\"domain\": \".*\", \"bus\": \"0b\", \"slot\": \"1[01]\", "
                            "\"function\": \"[0-2]\"}}",
                            v));
        assert_false(matches("{\"address\": {\"bus\": \"0b\", \"function\": \"[2-7]\"}}", v));
        /* Anchored at the start only, like Python's re.match. */
        assert_true(matches("{\"address\": {\"bus\": \"0\"}}", v));
        assert_false(matches("{\"address\": {\"bus\": \"b\"}}", v));
        assert_true(matches("{\"address\": {\"slot\": \"0|1\"}}", v));
        assert_false(matches("{\"address\": {\"slot\": \"2|3\"}}", v));
        assert_true(matches("{\"address\": {\"domain\": \"0000$\"}}", v));
        /* An empty dict is "no address" (Python truthiness): every device. */
        assert_true(matches("{\"address\": {}}", v));

        assert_refused("{\"address\": {\"bus\": \"((\"}}",
                       "nova.conf:7: The PCI address {\"bus\":\"((\"} has an incorrect format.");
        assert_refused("{\"address\": {\"slot\": 16}}",
                       "nova.conf:7: The PCI address {\"slot\":16} has an incorrect format.");
        /* Stacked repetition would make regcomp() grow exponentially. */
        assert_refused("{\"address\": {\"bus\": \"0++++++++++++++++++++++++++++++\"}}",
                       "nova.conf:7: The PCI address {\"bus\":\"0++++++++++++++++++++++++++++++\"} has an incorrect format.");
        assert_refused("{\"address\": {\"bus\": \"0*?\"}}",
                       "nova.conf:7: The PCI address {\"bus\":\"0*?\"} has an incorrect format.");
        /* Ordinary repetition, also inside brackets and bounds, is fine. */
        assert_true(matches("{\"address\": {\"bus\": \"[0-9a-f]{2}\", \"slot\": \"[+*]?1+0\"}}", v));
}

static void test_pf_address_implies_vfs(void **state)
{
        /* A concrete PF address: the PF and its VFs. */
        assert_true(matches("{\"address\": \"0000:0b:00.0\"}", pf()));
        assert_true(matches("{\"address\": \"0000:0b:00.0\"}", vf("0000:0b:10.3")));
        /* Without the domain the address is a glob (domain '*'): no VFs, as in nova. */
        assert_false(matches("{\"address\": \"0b:00.0\"}", vf("0000:0b:11.5")));
        assert_true(matches("{\"address\": \"0b:00.0\"}", pf()));
        /* ... restricted by product id: only the VFs. */
        assert_true(matches("{\"address\": \"0000:0b:00.0\", \"product_id\": \"10ca\"}", vf("0000:0b:10.3")));
        assert_false(matches("{\"address\": \"0000:0b:00.0\", \"product_id\": \"10ca\"}", pf()));
        /* A glob never implies VFs. */
        assert_false(matches("{\"address\": \"0000:0b:00.*\"}", vf("0000:0b:10.3")));
        assert_false(matches("{\"address\": \"*:0b:00.0\"}", vf("0000:0b:10.3")));
        /* A regex dict whose four fields are plain hex is a single address too. */
        assert_true(matches("{\"address\": {\"domain\": \"0000\", \"bus\": \"0b\", \"slot\": \"00\", "
                            "\"function\": \"0\"}}",
                            vf("0000:0b:10.3")));
        assert_false(matches("{\"address\": {\"bus\": \"0b\", \"slot\": \"00\", \"function\": \"0\"}}",
                             vf("0000:0b:10.3")));
        /* A VF's own address selects that VF only. */
        assert_true(matches("{\"address\": \"0000:0b:10.3\"}", vf("0000:0b:10.3")));
        assert_false(matches("{\"address\": \"0000:0b:10.3\"}", vf("0000:0b:10.4")));
}

static void test_devname(void **state)
{
        char *vf2[] = {"enp5s0f1v2", NULL};
        struct pci_dev_view v = vf("0000:0b:10.2");

        assert_true(matches("{\"devname\": \"enp5s0f1\"}", pf()));
        assert_true(matches("{\"devname\": \"enp5s0f1\"}", v));
        assert_false(matches("{\"devname\": \"eno1\"}", v));
        /* A VF's devname: that VF only. */
        v.netdevs = vf2;
        assert_true(matches("{\"devname\": \"enp5s0f1v2\"}", v));
        assert_false(matches("{\"devname\": \"enp5s0f1v2\"}", vf("0000:0b:10.3")));
        /* A VF bound to vfio has no netdev: its PF's devname still covers it. */
        v.netdevs = NULL;
        assert_true(matches("{\"devname\": \"enp5s0f1\"}", v));
        /* A devname that does not exist matches nothing. */
        assert_false(matches("{\"devname\": \"gone0\"}", pf()));
        /* vendor/product still apply. */
        assert_false(matches("{\"devname\": \"enp5s0f1\", \"product_id\": \"10c9\"}", vf("0000:0b:10.2")));

        assert_refused("{\"devname\": \"enp5s0f1\", \"address\": \"0b:00.0\"}",
                       "nova.conf:7: Invalid PCI Whitelist: The PCI whitelist can specify devname or address, "
                       "but not both");
        /* Empty devname is as good as none. */
        assert_true(matches("{\"devname\": \"\", \"address\": \"0b:00.0\"}", pf()));
}

static void test_tags(void **state)
{
        struct pci_devspec *s = spec("{\"vendor_id\": \"8086\", \"physical_network\": null, \"trusted\": true, "
                                     "\"Foo\": \"BaR\", \"n\": 3, \"resource_class\": \"CUSTOM_X\"}");
        size_t n;
        const struct pci_tag *t = pci_devspec_tags(s, &n);
        bool found = false;

        assert_int_equal(n, 5);
        assert_string_equal(t[0].key, "physical_network");
        assert_null(t[0].value);
        assert_null(pci_devspec_tag(s, "physical_network", &found));
        assert_true(found);
        assert_string_equal(t[1].value, "true");
        assert_string_equal(t[2].value, "BaR");
        assert_string_equal(t[2].value_lc, "bar");
        assert_string_equal(t[3].value, "3");
        assert_string_equal(t[4].key, "resource_class");
        assert_null(pci_devspec_tag(s, "absent", &found));
        assert_false(found);
        pci_devspec_free(s);
}

static void test_strict_bool_tags(void **state)
{
        const char *yes[] = {"\"yes\"", "\"True\"", "\"1\"", "\"on\"", "\"T\"", "\" y \"", "true", "1"};
        const char *no[] = {"\"no\"", "\"FALSE\"", "\"0\"", "\"off\"", "\"f\"", "false", "0"};

        for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
                for (int k = 0; k < 2; k++) {
                        char json[128];
                        snprintf(json, sizeof(json), "{\"%s\": %s}", k ? "live_migratable" : "managed", yes[i]);
                        struct pci_devspec *s = spec(json);
                        assert_string_equal(pci_devspec_tag(s, k ? "live_migratable" : "managed", NULL), "true");
                        pci_devspec_free(s);
                }
        for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
                char json[128];
                snprintf(json, sizeof(json), "{\"managed\": %s}", no[i]);
                struct pci_devspec *s = spec(json);
                assert_string_equal(pci_devspec_tag(s, "managed", NULL), "false");
                pci_devspec_free(s);
        }
        assert_refused("{\"managed\": \"maybe\"}",
                       "nova.conf:7: Invalid [pci]device_spec config: Cannot parse tag 'managed': "
                       "Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', "
                       "'off', 'on', 't', 'true', 'y', 'yes'");
        assert_refused("{\"live_migratable\": 2}",
                       "nova.conf:7: Invalid [pci]device_spec config: Cannot parse tag 'live_migratable': "
                       "Unrecognized value '2', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', "
                       "'off', 'on', 't', 'true', 'y', 'yes'");
}

static void test_remote_managed_and_placement_tags(void **state)
{
        struct pci_dev_view v = vf("0000:0b:10.0");

        /* remote_managed VFs need a card serial number; PFs never match. */
        assert_false(matches("{\"vendor_id\": \"8086\", \"remote_managed\": \"true\"}", v));
        v.card_serial_number = "MT2113X00000";
        assert_true(matches("{\"vendor_id\": \"8086\", \"remote_managed\": \"true\"}", v));
        struct pci_dev_view p = pf();
        p.card_serial_number = "MT2113X00000";
        assert_false(matches("{\"vendor_id\": \"8086\", \"remote_managed\": \"true\"}", p));
        assert_true(matches("{\"vendor_id\": \"8086\", \"remote_managed\": \"false\"}", p));

        assert_refused("{\"vendor_id\": \"8086\", \"one_time_use\": true}",
                       "nova.conf:7: Invalid [pci]device_spec config: one_time_use=true requires "
                       "[pci]report_in_placement to be enabled");
        struct pci_devspec *s = spec("{\"one_time_use\": false}");
        pci_devspec_free(s);

        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;
        assert_int_equal(pci_whitelist_new(&wl), 0);
        assert_int_equal(pci_whitelist_add(wl, "{\"one_time_use\": true, \"address\": \"0b:10.1\"}", "x:1", true),
                         0);
        assert_int_equal(pci_whitelist_add(wl, "{\"devname\": \"eth0\"}", "x:2", true), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "x:2: Invalid [pci]device_spec config: devname is not supported "
                                              "when [pci]report_in_placement is enabled; use address");
}

static void test_first_match_wins(void **state)
{
        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;
        struct pci_dev_view v = vf("0000:0b:10.1");
        size_t idx;

        assert_int_equal(pci_whitelist_new(&wl), 0);
        assert_int_equal(pci_whitelist_add(wl, "{\"address\": \"0b:10.1\", \"physical_network\": \"a\"}", "f:1",
                                           false),
                         0);
        assert_int_equal(pci_whitelist_add(wl, "{\"vendor_id\": \"8086\", \"physical_network\": \"b\"}", "f:2",
                                           false),
                         0);
        assert_string_equal(pci_devspec_tag(pci_whitelist_match(wl, &v, &idx), "physical_network", NULL), "a");
        assert_int_equal(idx, 0);
        v = vf("0000:0b:10.2");
        assert_string_equal(pci_devspec_tag(pci_whitelist_match(wl, &v, &idx), "physical_network", NULL), "b");
        assert_int_equal(idx, 1);
}

static void test_dev_type_names(void **state)
{
        assert_string_equal(pci_nova_type_to_string(PCI_NOVA_TYPE_PF), "type-PF");
        assert_int_equal(pci_nova_type_from_string("type-VF"), PCI_NOVA_TYPE_VF);
        assert_int_equal(pci_nova_type_from_string("vdpa"), PCI_NOVA_TYPE_VDPA);
        assert_int_equal(pci_nova_type_from_string("type-vf"), -EINVAL);
        assert_null(pci_nova_type_to_string(_PCI_NOVA_TYPE_MAX));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_lines_load_verbatim),
                cmocka_unit_test(test_option_names_and_precedence),
                cmocka_unit_test(test_multi_valued_and_lists),
                cmocka_unit_test(test_entry_errors),
                cmocka_unit_test(test_vendor_product_rules),
                cmocka_unit_test(test_glob_address_forms),
                cmocka_unit_test(test_glob_address_errors),
                cmocka_unit_test(test_regex_address),
                cmocka_unit_test(test_pf_address_implies_vfs),
                cmocka_unit_test(test_devname),
                cmocka_unit_test(test_tags),
                cmocka_unit_test(test_strict_bool_tags),
                cmocka_unit_test(test_remote_managed_and_placement_tags),
                cmocka_unit_test(test_first_match_wins),
                cmocka_unit_test(test_dev_type_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
