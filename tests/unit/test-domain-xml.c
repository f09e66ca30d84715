/* The libvirt domain XML for each vnic type, as Nova's libvirt driver
 * writes it (direct: hostdev interface with MAC and VLAN; direct-physical:
 * the PF as a hostdev; macvtap: a passthrough direct interface, lifting
 * R30), and descriptions libvirt would refuse. */
#include "test-util.h"

#include "agent/domain-xml.h"
#include "base/error.h"

static const char uuid[] = "9d2e1c0a-1b2c-4d5e-8f90-a1b2c3d4e5f6";

static void test_each_vnic_type(void **state)
{
        struct domain_nic nics[] = {
                {.type = DOMAIN_NIC_DIRECT, .mac = {0xfa, 0x16, 0x3e, 0x11, 0x22, 0x33}, .vlan = 15,
                 .pci_address = "0000:0b:10.1"},
                {.type = DOMAIN_NIC_DIRECT, .mac = {0xfa, 0x16, 0x3e, 0, 0, 1}, .vlan = 0,
                 .pci_address = "0000:0b:1f.7"},
                {.type = DOMAIN_NIC_DIRECT_PHYSICAL, .pci_address = "0000:05:00.0"},
                {.type = DOMAIN_NIC_MACVTAP, .mac = {0xfa, 0x16, 0x3e, 0xaa, 0xbb, 0xcc}, .vlan = 15,
                 .netdev = "enp11s16f1"},
        };
        struct domain_spec s = {.virt_type = "test", .name = "instance-00000001", .uuid = uuid,
                                .vcpus = 2, .memory_mib = 2048, .arch = "x86_64",
                                .nics = nics, .n_nics = ARRAY_SIZE(nics)};
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(domain_xml_build(&s, &xml), 0);
        assert_string_equal(xml,
                "<domain type='test'>\n"
                "  <name>instance-00000001</name>\n"
                "  <uuid>9d2e1c0a-1b2c-4d5e-8f90-a1b2c3d4e5f6</uuid>\n"
                "  <memory unit='MiB'>2048</memory>\n"
                "  <vcpu>2</vcpu>\n"
                "  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n"
                "  <devices>\n"
                "    <interface type='hostdev' managed='yes'>\n"
                "      <mac address='fa:16:3e:11:22:33'/>\n"
                "      <source>\n"
                "        <address type='pci' domain='0x0000' bus='0x0b' slot='0x10' function='0x1'/>\n"
                "      </source>\n"
                "      <vlan>\n        <tag id='15'/>\n      </vlan>\n"
                "    </interface>\n"
                /* flat: no <vlan> at all */
                "    <interface type='hostdev' managed='yes'>\n"
                "      <mac address='fa:16:3e:00:00:01'/>\n"
                "      <source>\n"
                "        <address type='pci' domain='0x0000' bus='0x0b' slot='0x1f' function='0x7'/>\n"
                "      </source>\n"
                "    </interface>\n"
                "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                "      <source>\n"
                "        <address domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
                "      </source>\n"
                "    </hostdev>\n"
                /* macvtap: the VLAN is the VF's, not the domain's */
                "    <interface type='direct'>\n"
                "      <mac address='fa:16:3e:aa:bb:cc'/>\n"
                "      <source dev='enp11s16f1' mode='passthrough'/>\n"
                "    </interface>\n"
                "  </devices>\n"
                "</domain>\n");
}

static void test_name_escaped(void **state)
{
        struct domain_spec s = {.virt_type = "kvm", .name = "web<1>&'db'\"", .uuid = uuid,
                                .vcpus = 1, .memory_mib = 512};
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(domain_xml_build(&s, &xml), 0);
        assert_non_null(strstr(xml, "<name>web&lt;1&gt;&amp;&apos;db&apos;&quot;</name>"));
        assert_non_null(strstr(xml, "<domain type='kvm'>"));
        assert_non_null(strstr(xml, "<type arch='x86_64'>hvm</type>")); /* the default arch */
        assert_non_null(strstr(xml, "  <devices>\n  </devices>\n"));
        assert_null(strstr(xml, "<title>")); /* none given, none written */
}

static void test_title(void **state)
{
        struct domain_spec s = {.virt_type = "kvm", .name = "instance-1", .title = "web & <db>",
                                .uuid = uuid, .vcpus = 1, .memory_mib = 512};
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(domain_xml_build(&s, &xml), 0);
        assert_non_null(strstr(xml, "  <name>instance-1</name>\n"
                                    "  <title>web &amp; &lt;db&gt;</title>\n"
                                    "  <uuid>"));
}

static void assert_refused(struct domain_spec s, const char *message)
{
        char *xml = NULL;
        err_clear();
        assert_int_equal(domain_xml_build(&s, &xml), -EINVAL);
        assert_null(xml);
        if (!strstr(err_msg(-EINVAL), message))
                fail_msg("expected '%s' in '%s'", message, err_msg(-EINVAL));
}

static void test_refused(void **state)
{
        struct domain_spec ok = {.virt_type = "kvm", .name = "i", .uuid = uuid, .vcpus = 1,
                                 .memory_mib = 64};
        struct domain_spec s = ok;
        s.name = "";
        assert_refused(s, "needs a name");
        s.name = "a\nb";
        assert_refused(s, "needs a name of printable characters");
        s = ok;
        s.title = "two\nlines";
        assert_refused(s, "title must be one line");
        s = ok;
        s.uuid = "not-a-uuid";
        assert_refused(s, "'not-a-uuid' is not a UUID");
        s = ok;
        s.virt_type = "kvm'/><x";
        assert_refused(s, "is not a libvirt domain type");
        s = ok;
        s.vcpus = 0;
        assert_refused(s, "at least one vCPU");

        struct domain_nic bad[][1] = {
                {{.type = DOMAIN_NIC_DIRECT, .pci_address = "0b:10.1"}},
                {{.type = DOMAIN_NIC_DIRECT, .pci_address = NULL}},
                {{.type = DOMAIN_NIC_DIRECT, .pci_address = "0000:0b:20.1"}},
                {{.type = DOMAIN_NIC_DIRECT, .pci_address = "0000:0b:10.1", .vlan = 4096}},
                {{.type = DOMAIN_NIC_DIRECT_PHYSICAL, .pci_address = "0000:05:00.8"}},
                {{.type = DOMAIN_NIC_MACVTAP, .netdev = NULL}},
                {{.type = DOMAIN_NIC_MACVTAP, .netdev = "a'b"}},
                {{.type = DOMAIN_NIC_MACVTAP, .netdev = "sixteen-chars-xx"}},
        };
        const char *const messages[] = {
                "NIC 0 (direct): '0b:10.1' is not a VF's PCI address",
                "NIC 0 (direct): '' is not",
                "'0000:0b:20.1' is not",
                "VLAN 4096 is out of range",
                "NIC 0 (direct-physical): '0000:05:00.8' is not a PF's PCI address",
                "NIC 0 (macvtap): '' is not a netdev name",
                "'a'b' is not a netdev name",
                "'sixteen-chars-xx' is not a netdev name",
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                s = ok;
                s.nics = bad[i];
                s.n_nics = 1;
                assert_refused(s, messages[i]);
        }
}

static void test_type_names(void **state)
{
        assert_int_equal(domain_nic_type_from_string("direct"), DOMAIN_NIC_DIRECT);
        assert_int_equal(domain_nic_type_from_string("direct-physical"),
                         DOMAIN_NIC_DIRECT_PHYSICAL);
        assert_int_equal(domain_nic_type_from_string("macvtap"), DOMAIN_NIC_MACVTAP);
        assert_int_equal(domain_nic_type_from_string("normal"), -EINVAL);
        assert_int_equal(domain_nic_type_from_string(NULL), -EINVAL);
        assert_string_equal(domain_nic_type_to_string(DOMAIN_NIC_MACVTAP), "macvtap");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_each_vnic_type),
                cmocka_unit_test(test_name_escaped),
                cmocka_unit_test(test_title),
                cmocka_unit_test(test_refused),
                cmocka_unit_test(test_type_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
