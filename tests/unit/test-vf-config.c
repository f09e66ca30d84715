/* VF values, their names and the checks done before anything is sent. */
#include "test-util.h"

#include "base/error.h"
#include "vf/vf-config.h"

static void test_mac(void **state)
{
        uint8_t mac[VF_MAC_LEN];
        char buf[VF_MAC_STRLEN];
        static const char *const bad[] = {"", "fa:16:3e:00:00", "fa:16:3e:00:00:0g", "fa-16-3e-00-00-01",
                                          "fa:16:3e:00:00:011", "fa:16:3e:00:00:1", " fa:16:3e:00:00:01",
                                          "fa:16:3e:00:00:01:", "fa::16:3e:00:00:0"};

        assert_int_equal(vf_mac_parse("FA:16:3e:0A:00:01", mac), 0);
        assert_string_equal(vf_mac_format(mac, buf), "fa:16:3e:0a:00:01");
        assert_false(vf_mac_is_zero(mac));
        assert_int_equal(vf_mac_parse("00:00:00:00:00:00", mac), 0);
        assert_true(vf_mac_is_zero(mac));
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(vf_mac_parse(bad[i], mac), -EINVAL);
        assert_int_equal(vf_mac_parse(NULL, mac), -EINVAL);
}

static void test_names(void **state)
{
        for (int f = 0; f < _VF_FIELD_MAX; f++)
                assert_int_equal(vf_field_from_string(vf_field_to_string(f)), f);
        assert_int_equal(vf_field_from_string("speed"), _VF_FIELD_INVALID);
        assert_null(vf_field_to_string(_VF_FIELD_MAX));

        assert_string_equal(vf_link_state_to_string(VF_LINK_STATE_DISABLE), "disable");
        assert_int_equal(vf_link_state_from_string("auto"), 0);   /* kernel value 0 */
        assert_int_equal(vf_link_state_from_string("enable"), 1); /* 1 */
        assert_int_equal(vf_link_state_from_string("disable"), 2);
        assert_int_equal(vf_link_state_from_string("down"), _VF_LINK_STATE_INVALID);

        assert_int_equal(vf_vlan_proto_from_string("802.1ad"), VF_VLAN_PROTO_8021AD);
        assert_int_equal(vf_vlan_proto_from_string("802.1q"), VF_VLAN_PROTO_8021Q);
        assert_int_equal(vf_vlan_proto_from_string("qinq"), _VF_VLAN_PROTO_INVALID);
        assert_int_equal(vf_vlan_proto_to_ethertype(VF_VLAN_PROTO_8021AD), 0x88a8);
        assert_int_equal(vf_vlan_proto_from_ethertype(0x8100), VF_VLAN_PROTO_8021Q);
        assert_int_equal(vf_vlan_proto_from_ethertype(0x0800), _VF_VLAN_PROTO_INVALID);
        assert_int_equal(vf_vlan_proto_from_ethertype(0), VF_VLAN_PROTO_8021Q); /* never set */

        /* Names inside a longer text, as the apply file's parser meets them:
         * exact length, exact case (the protocol in either case). */
        assert_int_equal(vf_field_from_text("vlan_proto\": 1", 10), VF_FIELD_VLAN_PROTO);
        assert_int_equal(vf_field_from_text("vlan_proto", 4), VF_FIELD_VLAN);
        assert_int_equal(vf_field_from_text("vla", 3), _VF_FIELD_INVALID);
        assert_int_equal(vf_field_from_text("MAC", 3), _VF_FIELD_INVALID);
        assert_int_equal(vf_field_from_text("", 0), _VF_FIELD_INVALID);
        assert_int_equal(vf_link_state_from_text("enabled", 6), VF_LINK_STATE_ENABLE);
        assert_int_equal(vf_link_state_from_text("Auto", 4), _VF_LINK_STATE_INVALID);
        assert_int_equal(vf_vlan_proto_from_text("802.1AD\"", 7), VF_VLAN_PROTO_8021AD);
        assert_int_equal(vf_vlan_proto_from_text("802.1Qx", 6), VF_VLAN_PROTO_8021Q);
        assert_int_equal(vf_vlan_proto_from_text("802.1", 5), _VF_VLAN_PROTO_INVALID);
        assert_int_equal(vf_vlan_proto_from_text("902.1Q", 6), _VF_VLAN_PROTO_INVALID);
}

static void test_field_text(void **state)
{
        struct vf_config c = {.fields = VF_FIELD_BIT(VF_FIELD_VLAN) | VF_FIELD_BIT(VF_FIELD_SPOOFCHK) |
                                        VF_FIELD_BIT(VF_FIELD_VLAN_PROTO),
                              .vlan = 100, .spoofchk = true, .vlan_proto = VF_VLAN_PROTO_8021AD};
        char buf[32];

        assert_string_equal(vf_config_field_text(&c, VF_FIELD_VLAN, buf, sizeof(buf)), "100");
        assert_string_equal(vf_config_field_text(&c, VF_FIELD_SPOOFCHK, buf, sizeof(buf)), "on");
        assert_string_equal(vf_config_field_text(&c, VF_FIELD_VLAN_PROTO, buf, sizeof(buf)), "802.1ad");
        assert_string_equal(vf_config_field_text(&c, VF_FIELD_TRUST, buf, sizeof(buf)), "-");
}

static struct vf_config want(uint32_t vf, uint32_t fields)
{
        struct vf_config c = {.vf = vf, .fields = fields};
        return c;
}

static void test_validate(void **state)
{
        struct vf_config c;

        c = want(3, VF_FIELDS_VLAN_GROUP);
        c.vlan = 4095;
        c.qos = 7;
        assert_int_equal(vf_config_validate(&c, 4), 0);

        /* VF index against IFLA_NUM_VF */
        c.vf = 4;
        err_clear();
        assert_int_equal(vf_config_validate(&c, 4), -EINVAL);
        assert_non_null(strstr(err_msg(0), "VF 4 is out of range: the PF has 4 VFs"));

        c = want(0, VF_FIELDS_VLAN_GROUP);
        c.vlan = 5000;
        assert_int_equal(vf_config_validate(&c, 1), -EINVAL);
        assert_non_null(strstr(err_msg(0), "VLAN 5000 is out of range 0-4095"));

        c = want(0, VF_FIELD_BIT(VF_FIELD_QOS));
        c.qos = 3;
        assert_int_equal(vf_config_validate(&c, 1), -EINVAL);
        assert_non_null(strstr(err_msg(0), "need a VLAN id"));

        c = want(0, VF_FIELDS_VLAN_GROUP);
        c.qos = 3; /* vlan 0 */
        assert_int_equal(vf_config_validate(&c, 1), -EINVAL);
        c.vlan = 1;
        c.qos = 8;
        assert_int_equal(vf_config_validate(&c, 1), -EINVAL);

        c = want(0, VF_FIELD_BIT(VF_FIELD_MAC));
        c.mac[0] = 0x01; /* multicast */
        assert_int_equal(vf_config_validate(&c, 1), -EINVAL);
        assert_non_null(strstr(err_msg(0), "multicast"));
        memset(c.mac, 0, sizeof(c.mac)); /* all zero clears */
        assert_int_equal(vf_config_validate(&c, 1), 0);

        c = want(0, VF_FIELDS_RATE_GROUP);
        c.min_tx_rate = 200;
        c.max_tx_rate = 100;
        assert_int_equal(vf_config_validate(&c, 1), -EINVAL);
        c.max_tx_rate = 0; /* no limit */
        assert_int_equal(vf_config_validate(&c, 1), 0);
        c.max_tx_rate = 200;
        assert_int_equal(vf_config_validate(&c, 1), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_mac),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_field_text),
                cmocka_unit_test(test_validate),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
