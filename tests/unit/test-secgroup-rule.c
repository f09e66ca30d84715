/* Security group rules as Neutron checks them: each conversion and each
 * refusal with its exception name and text, and the duplicate key. */
#include "test-util.h"

#include "network/secgroup-rule.h"

static struct sg_rule rule(const char *ethertype, const char *protocol, long min, long max,
                           const char *prefix)
{
        struct sg_rule r = {0};
        snprintf(r.security_group_id, sizeof(r.security_group_id), "g1");
        snprintf(r.direction, sizeof(r.direction), "ingress");
        snprintf(r.ethertype, sizeof(r.ethertype), "%s", ethertype);
        snprintf(r.protocol, sizeof(r.protocol), "%s", protocol);
        r.has_min = min >= -1000;
        r.min = min;
        r.has_max = max >= -1000;
        r.max = max;
        snprintf(r.remote_ip_prefix, sizeof(r.remote_ip_prefix), "%s", prefix);
        return r;
}
#define NONE (-10000)

static void refused(struct sg_rule r, const char *type, const char *message)
{
        struct sg_error e = {0};
        assert_int_equal(sg_rule_validate(&r, &e), -EINVAL);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.type, type);
        assert_string_equal(e.message, message);
}

static void accepted(struct sg_rule r)
{
        struct sg_error e = {0};
        if (sg_rule_validate(&r, &e) < 0)
                fail_msg("refused: %s", e.message);
}

static void test_protocol(void **state)
{
        char p[SG_TEXT_LEN];
        struct sg_error e = {0};
        assert_int_equal(sg_protocol_convert("TCP", p, &e), 0);
        assert_string_equal(p, "tcp");
        assert_int_equal(sg_protocol_convert("6", p, &e), 0);
        assert_string_equal(p, "6");
        assert_int_equal(sg_protocol_convert("255", p, &e), 0);
        assert_int_equal(sg_protocol_convert("0", p, &e), 0);
        assert_int_equal(sg_protocol_convert(NULL, p, &e), 0);
        assert_string_equal(p, "");
        assert_int_equal(sg_protocol_convert("ipv6-icmp", p, &e), 0);
        static const char *const bad[] = {"256", "-1", "foo", "tcp6", "?"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                assert_int_equal(sg_protocol_convert(bad[i], p, &e), -EINVAL);
                assert_string_equal(e.type, "SecurityGroupRuleInvalidProtocol");
        }
        assert_int_equal(sg_protocol_convert("foo", p, &e), -EINVAL);
        assert_non_null(strstr(e.message, "Security group rule protocol foo not supported. Only "
                                          "protocol values [None, 'ah', 'dccp'"));
        assert_non_null(strstr(e.message, "'vrrp'] and integer representations [0 to 255] are "
                                          "supported."));
        assert_int_equal(sg_protocol_number("tcp"), 6);
        assert_int_equal(sg_protocol_number("17"), 17);
        assert_int_equal(sg_protocol_number("icmpv6"), 58);
        assert_int_equal(sg_protocol_number(""), -1);
}

static void test_ethertype_and_prefix(void **state)
{
        char et[8], p[SG_TEXT_LEN], n[SG_TEXT_LEN];
        int v;
        struct sg_error e = {0};
        assert_int_equal(sg_ethertype_convert("ipv6", et), 0);
        assert_string_equal(et, "IPv6");
        assert_int_equal(sg_ethertype_convert("IPv5", et), -EINVAL);
        assert_int_equal(sg_prefix_convert("10.0.0.1", p, n, &v, &e), 0);
        assert_string_equal(p, "10.0.0.1/32");
        assert_string_equal(n, "10.0.0.1/32");
        assert_int_equal(v, 4);
        assert_int_equal(sg_prefix_convert("10.1.2.3/8", p, n, &v, &e), 0);
        assert_string_equal(p, "10.1.2.3/8");
        assert_string_equal(n, "10.0.0.0/8");
        assert_int_equal(sg_prefix_convert("2001:DB8::1/64", p, n, &v, &e), 0);
        assert_string_equal(p, "2001:db8::1/64");
        assert_string_equal(n, "2001:db8::/64");
        assert_int_equal(v, 6);
        assert_int_equal(sg_prefix_convert("0.0.0.0/0", p, n, &v, &e), 0);
        assert_string_equal(n, "0.0.0.0/0");
        static const char *const bad[] = {"10.0.0.0/33", "10.0.0/8", "x", "10.0.0.0/", "::/129",
                                          "10.0.0.0/8/8"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                assert_int_equal(sg_prefix_convert(bad[i], p, n, &v, &e), -EINVAL);
                assert_string_equal(e.type, "InvalidCIDR");
        }
        assert_string_equal(e.message, "Invalid CIDR 10.0.0.0/8/8 given as IP prefix.");
}

static void test_ports(void **state)
{
        accepted(rule("IPv4", "tcp", 22, 22, ""));
        accepted(rule("IPv4", "6", 1, 65535, ""));
        accepted(rule("IPv4", "", NONE, NONE, ""));
        refused(rule("IPv4", "", 22, 22, ""), "SecurityGroupProtocolRequiredWithPorts",
                "Must also specify protocol if port range is given.");
        refused(rule("IPv4", "tcp", 30, 20, ""), "SecurityGroupInvalidPortRange",
                "For TCP/UDP protocols, port_range_min must be <= port_range_max");
        refused(rule("IPv4", "udp", 22, NONE, ""), "SecurityGroupInvalidPortRange",
                "For TCP/UDP protocols, port_range_min must be <= port_range_max");
        refused(rule("IPv4", "tcp", 0, 10, ""), "SecurityGroupInvalidPortValue",
                "Invalid value for port 0");
        refused(rule("IPv4", "gre", 1, 2, ""), "SecurityGroupInvalidProtocolForPort",
                "Invalid protocol 47 for port range, only supported for TCP, UDP, DCCP, SCTP, "
                "UDPLITE protocols.");
        accepted(rule("IPv4", "sctp", 5, 6, ""));
}

static void test_icmp(void **state)
{
        /* ICMP type and code, not a port range: max may be below min. */
        accepted(rule("IPv4", "icmp", 8, 0, ""));
        accepted(rule("IPv4", "icmp", 0, NONE, ""));
        accepted(rule("IPv4", "1", 255, 255, ""));
        refused(rule("IPv4", "icmp", 256, 0, ""), "SecurityGroupInvalidIcmpValue",
                "Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255.");
        refused(rule("IPv4", "icmp", 8, 300, ""), "SecurityGroupInvalidIcmpValue",
                "Invalid value for ICMP code (port_range_max) 300. It must be 0 to 255.");
        refused(rule("IPv4", "icmp", NONE, 0, ""), "SecurityGroupMissingIcmpType",
                "ICMP code (port-range-max) 0 is provided but ICMP type (port-range-min) is "
                "missing.");
        /* IPv6: the legacy names become ipv6-icmp. */
        struct sg_rule r = rule("IPv6", "icmp", 128, 0, "");
        struct sg_error e = {0};
        assert_int_equal(sg_rule_validate(&r, &e), 0);
        assert_string_equal(r.protocol, "ipv6-icmp");
        r = rule("IPv6", "1", NONE, NONE, "");
        assert_int_equal(sg_rule_validate(&r, &e), 0);
        assert_string_equal(r.protocol, "58");
        refused(rule("IPv6", "ipv6-icmp", 1, 256, ""), "SecurityGroupInvalidIcmpValue",
                "Invalid value for ICMP code (port_range_max) 256. It must be 0 to 255.");
}

static void test_ethertype_conflicts(void **state)
{
        refused(rule("IPv6", "", NONE, NONE, "10.0.0.0/8"), "SecurityGroupRuleParameterConflict",
                "Conflicting value ethertype IPv6 for CIDR 10.0.0.0/8");
        refused(rule("IPv4", "", NONE, NONE, "2001:db8::/64"),
                "SecurityGroupRuleParameterConflict",
                "Conflicting value ethertype IPv4 for CIDR 2001:db8::/64");
        accepted(rule("IPv6", "", NONE, NONE, "::/0"));
        refused(rule("IPv4", "ipv6-icmp", NONE, NONE, ""),
                "SecurityGroupEthertypeConflictWithProtocol",
                "Invalid ethertype IPv4 for protocol ipv6-icmp.");
        refused(rule("IPv4", "58", NONE, NONE, ""), "SecurityGroupEthertypeConflictWithProtocol",
                "Invalid ethertype IPv4 for protocol 58.");
        accepted(rule("IPv6", "ipv6-frag", NONE, NONE, ""));
        struct sg_rule r = rule("IPv4", "", NONE, NONE, "10.0.0.0/8");
        snprintf(r.remote_group_id, sizeof(r.remote_group_id), "g2");
        refused(r, "SecurityGroupRemoteGroupAndRemoteIpPrefix",
                "Only remote_ip_prefix or remote_group_id may be provided.");
}

static void test_duplicates(void **state)
{
        struct sg_rule a = rule("IPv4", "tcp", 22, 22, ""), b = rule("IPv4", "6", 22, 22, "0.0.0.0/0");
        assert_true(sg_rule_same(&a, &b));
        b = rule("IPv4", "tcp", 22, 23, "");
        assert_false(sg_rule_same(&a, &b));
        b = rule("IPv4", "tcp", 22, 22, "10.0.0.0/8");
        assert_false(sg_rule_same(&a, &b));
        b = rule("IPv6", "tcp", 22, 22, "::/0");
        assert_false(sg_rule_same(&a, &b));
        b = rule("IPv4", "", 22, 22, "");
        assert_false(sg_rule_same(&a, &b));
        b = a;
        snprintf(b.direction, sizeof(b.direction), "egress");
        assert_false(sg_rule_same(&a, &b));
        b = a;
        snprintf(b.security_group_id, sizeof(b.security_group_id), "g9");
        assert_false(sg_rule_same(&a, &b));
        b = a;
        snprintf(b.remote_group_id, sizeof(b.remote_group_id), "g1");
        assert_false(sg_rule_same(&a, &b));
        /* Two names of one number are two protocols, as in Neutron's key. */
        a = rule("IPv4", "ip", NONE, NONE, "");
        b = rule("IPv4", "hopopt", NONE, NONE, "");
        assert_false(sg_rule_same(&a, &b));
        b = rule("IPv4", "0", NONE, NONE, "");
        assert_true(sg_rule_same(&a, &b));
        a = rule("IPv4", "", NONE, NONE, "");
        b = rule("IPv4", "", NONE, NONE, "0.0.0.0/0");
        assert_true(sg_rule_same(&a, &b));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_protocol),
                cmocka_unit_test(test_ethertype_and_prefix),
                cmocka_unit_test(test_ports),
                cmocka_unit_test(test_icmp),
                cmocka_unit_test(test_ethertype_conflicts),
                cmocka_unit_test(test_duplicates),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
