/* The VF state a bound port asks for (R17 link state from admin_state_up,
 * R25 spoof check from port security, the segment's VLAN, the port's MAC,
 * trust from binding:profile), and what is not the agent's to program. */
#include "test-util.h"

#include <jansson.h>

#include "agent/port-vf.h"
#include "base/error.h"

/* The seed's port after Nova bound it to compute1 (notes: nova-wire). */
static json_t *seed_port(void)
{
        json_t *p = json_loads(
                "{\"id\": \"5e3e9c5c-0000-4000-8000-000000000001\","
                " \"mac_address\": \"fa:16:3e:11:22:33\","
                " \"admin_state_up\": true, \"port_security_enabled\": true,"
                " \"binding:host_id\": \"compute1\", \"binding:vif_type\": \"hw_veb\","
                " \"binding:vnic_type\": \"direct\","
                " \"binding:vif_details\": {\"port_filter\": false, \"connectivity\": \"l2\","
                "                           \"vlan\": \"15\"},"
                " \"binding:profile\": {\"pci_slot\": \"0000:0b:10.1\","
                "                       \"pci_vendor_info\": \"8086:10ca\","
                "                       \"physical_network\": \"physnet1\"}}",
                0, NULL);
        assert_non_null(p);
        return p;
}

static void test_seed_port(void **state)
{
        _cleanup_(json_decrefp) json_t *p = seed_port();
        struct port_vf pv;
        assert_int_equal(port_vf_from_port(p, "compute1", &pv), 0);
        assert_string_equal(pv.pci_slot, "0000:0b:10.1");
        assert_string_equal(pv.physnet, "physnet1");
        char mac[VF_MAC_STRLEN];
        assert_string_equal(vf_mac_format(pv.want.mac, mac), "fa:16:3e:11:22:33");
        assert_int_equal(pv.want.vlan, 15);
        assert_int_equal(pv.want.qos, 0);
        assert_int_equal(pv.want.vlan_proto, VF_VLAN_PROTO_8021Q);
        assert_true(pv.want.spoofchk);
        assert_false(pv.want.trust);
        assert_int_equal(pv.want.link_state, VF_LINK_STATE_ENABLE);
        /* Every field the agent owns is set; rates are left alone. */
        assert_true(vf_config_has(&pv.want, VF_FIELD_MAC));
        assert_true(vf_config_has(&pv.want, VF_FIELD_VLAN));
        assert_true(vf_config_has(&pv.want, VF_FIELD_SPOOFCHK));
        assert_true(vf_config_has(&pv.want, VF_FIELD_TRUST));
        assert_true(vf_config_has(&pv.want, VF_FIELD_LINK_STATE));
        assert_false(vf_config_has(&pv.want, VF_FIELD_MAX_TX_RATE));
        assert_false(vf_config_has(&pv.want, VF_FIELD_MIN_TX_RATE));
}

static void test_port_attributes(void **state)
{
        _cleanup_(json_decrefp) json_t *p = seed_port();
        struct port_vf pv;

        /* R17: `port set --disable` → link disable. */
        json_object_set_new(p, "admin_state_up", json_false());
        assert_int_equal(port_vf_from_port(p, "compute1", &pv), 0);
        assert_int_equal(pv.want.link_state, VF_LINK_STATE_DISABLE);

        /* R25: port security off → spoof check off. */
        json_object_set_new(p, "port_security_enabled", json_false());
        assert_int_equal(port_vf_from_port(p, "compute1", &pv), 0);
        assert_false(pv.want.spoofchk);

        /* A flat network's segment is "0": no VLAN. */
        json_object_set_new(json_object_get(p, "binding:vif_details"), "vlan", json_string("0"));
        assert_int_equal(port_vf_from_port(p, "compute1", &pv), 0);
        assert_int_equal(pv.want.vlan, 0);

        /* Absent attributes take Neutron's defaults (up, port security on). */
        json_object_del(p, "admin_state_up");
        json_object_del(p, "port_security_enabled");
        assert_int_equal(port_vf_from_port(p, "compute1", &pv), 0);
        assert_int_equal(pv.want.link_state, VF_LINK_STATE_ENABLE);
        assert_true(pv.want.spoofchk);

        /* Nova may write the slot in upper case; the VF is the same. */
        json_object_set_new(json_object_get(p, "binding:profile"), "pci_slot",
                            json_string("0000:0B:1F.7"));
        assert_int_equal(port_vf_from_port(p, "compute1", &pv), 0);
        assert_string_equal(pv.pci_slot, "0000:0b:1f.7");
}

static void test_trusted(void **state)
{
        static const struct {
                const char *json;
                bool trusted;
        } cases[] = {
                {"true", true},      {"false", false},  {"\"true\"", true}, {"\"True\"", true},
                {"\"yes\"", true},   {"\"Y\"", true},   {"\"on\"", true},   {"\"1\"", true},
                {"\" t \"", true},   {"1", true},       {"\"no\"", false},  {"\"0\"", false},
                {"\"\"", false},     {"0", false},      {"null", false},    {"\"trusted\"", false},
                {"[true]", false},   {"2", false},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_(json_decrefp) json_t *p = seed_port();
                json_t *v = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
                assert_non_null(v);
                json_object_set_new(json_object_get(p, "binding:profile"), "trusted", v);
                struct port_vf pv;
                assert_int_equal(port_vf_from_port(p, "compute1", &pv), 0);
                if (pv.want.trust != cases[i].trusted)
                        fail_msg("trusted=%s: got %d", cases[i].json, pv.want.trust);
        }
}

static void test_not_ours(void **state)
{
        struct port_vf pv;
        _cleanup_(json_decrefp) json_t *p = seed_port();
        assert_int_equal(port_vf_from_port(p, "compute2", &pv), -ENOENT);

        json_object_set_new(p, "binding:host_id", json_string(""));
        assert_int_equal(port_vf_from_port(p, "", &pv), -ENOENT);

        static const char *const vifs[] = {"hostdev_physical", "binding_failed", "unbound", "ovs"};
        for (size_t i = 0; i < ARRAY_SIZE(vifs); i++) {
                _cleanup_(json_decrefp) json_t *q = seed_port();
                json_object_set_new(q, "binding:vif_type", json_string(vifs[i]));
                assert_int_equal(port_vf_from_port(q, "compute1", &pv), -ENOENT);
        }
}

static void assert_bad(const char *attr, json_t *value, const char *message)
{
        _cleanup_(json_decrefp) json_t *p = seed_port();
        json_t *where = p;
        const char *key = attr;
        if (strncmp(attr, "profile.", 8) == 0) {
                where = json_object_get(p, "binding:profile");
                key = attr + 8;
        } else if (strncmp(attr, "details.", 8) == 0) {
                where = json_object_get(p, "binding:vif_details");
                key = attr + 8;
        }
        if (value)
                json_object_set_new(where, key, value);
        else
                json_object_del(where, key);
        struct port_vf pv;
        err_clear();
        assert_int_equal(port_vf_from_port(p, "compute1", &pv), -EINVAL);
        if (!strstr(err_msg(-EINVAL), message))
                fail_msg("%s: expected '%s' in '%s'", attr, message, err_msg(-EINVAL));
}

static void test_bad_documents(void **state)
{
        assert_bad("profile.pci_slot", NULL,
                   "port 5e3e9c5c-0000-4000-8000-000000000001: binding:profile.pci_slot is "
                   "missing is not a PCI address");
        assert_bad("profile.pci_slot", json_string("0b:10.1"), "pci_slot '0b:10.1' is not a PCI");
        assert_bad("profile.pci_slot", json_string("0000:0b:10.1x"), "'0000:0b:10.1x'");
        assert_bad("profile.pci_slot", json_string("0000:0g:10.1"), "'0000:0g:10.1'");
        assert_bad("profile.pci_slot", json_integer(7), "pci_slot is missing");
        assert_bad("mac_address", json_string("fa:16:3e:11:22"), "mac_address fa:16:3e:11:22 is "
                                                                  "not a unicast MAC");
        assert_bad("mac_address", json_string("01:00:5e:00:00:01"), "not a unicast MAC");
        assert_bad("mac_address", json_string("00:00:00:00:00:00"), "not a unicast MAC");
        assert_bad("mac_address", NULL, "mac_address (missing)");
        assert_bad("details.vlan", json_string("4096"), "binding:vif_details.vlan 4096 is not a "
                                                        "VLAN id");
        assert_bad("details.vlan", json_string("-1"), "vlan -1");
        assert_bad("details.vlan", json_string("fifteen"), "vlan fifteen");
        assert_bad("details.vlan", json_integer(15), "vlan (missing)");
        assert_bad("details.vlan", NULL, "vlan (missing)");
}

static void test_free_state(void **state)
{
        struct vf_config c;
        port_vf_free_state(6, &c);
        assert_int_equal(c.vf, 6);
        assert_true(vf_mac_is_zero(c.mac));
        assert_int_equal(c.vlan, 0);
        assert_int_equal(c.qos, 0);
        assert_true(c.spoofchk);
        assert_false(c.trust);
        assert_int_equal(c.link_state, VF_LINK_STATE_AUTO);
        assert_true(vf_config_has(&c, VF_FIELD_MAC) && vf_config_has(&c, VF_FIELD_VLAN) &&
                    vf_config_has(&c, VF_FIELD_SPOOFCHK) && vf_config_has(&c, VF_FIELD_TRUST) &&
                    vf_config_has(&c, VF_FIELD_LINK_STATE));
        assert_false(vf_config_has(&c, VF_FIELD_MAX_TX_RATE));
        /* What the kernel would be sent is valid. */
        assert_int_equal(vf_config_validate(&c, 7), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_port),
                cmocka_unit_test(test_port_attributes),
                cmocka_unit_test(test_trusted),
                cmocka_unit_test(test_not_ours),
                cmocka_unit_test(test_bad_documents),
                cmocka_unit_test(test_free_state),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
