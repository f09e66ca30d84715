/* Security group rule conversion and checks with Neutron's messages. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "network/secgroup-rule.h"

/* neutron-lib's IP_PROTOCOL_MAP, in its order (the refusal lists it). */
static const struct {
        const char *name;
        int number;
} protocols[] = {
        {"ah", 51},          {"dccp", 33},        {"egp", 8},         {"esp", 50},
        {"gre", 47},         {"hopopt", 0},       {"icmp", 1},        {"igmp", 2},
        {"ip", 0},           {"ipip", 4},         {"ipv6-encap", 41}, {"ipv6-frag", 44},
        {"ipv6-icmp", 58},   {"icmpv6", 58},      {"ipv6-nonxt", 59}, {"ipv6-opts", 60},
        {"ipv6-route", 43},  {"ospf", 89},        {"pgm", 113},       {"rsvp", 46},
        {"sctp", 132},       {"tcp", 6},          {"udp", 17},        {"udplite", 136},
        {"vrrp", 112},
};

/* The protocols whose rules take a port range (SG_PORT_PROTO_NUMS). */
static bool is_port_protocol(int n)
{
        return n == 6 || n == 17 || n == 33 || n == 132 || n == 136;
}

static int fail(struct sg_error *err, unsigned status, const char *type, const char *fmt, ...)
        _printf_(4, 5);
static int fail(struct sg_error *err, unsigned status, const char *type, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
        err->status = status;
        err->type = type;
        return -EINVAL;
}

/* Python's int() of a protocol text: blanks around, a sign, digits. */
static bool int_text(const char *s, long *ret)
{
        char *end;
        while (isspace((unsigned char)*s))
                s++;
        if (!*s || !(isdigit((unsigned char)*s) || ((*s == '-' || *s == '+') && isdigit((unsigned char)s[1]))))
                return false;
        errno = 0;
        long v = strtol(s, &end, 10);
        while (isspace((unsigned char)*end))
                end++;
        if (*end || errno)
                return false;
        *ret = v;
        return true;
}

int sg_protocol_convert(const char *given, char ret[SG_TEXT_LEN], struct sg_error *err)
{
        long n;
        *ret = '\0';
        if (!given || !*given)
                return 0;
        if (int_text(given, &n)) {
                if (n < 0 || n > 255)
                        goto bad;
                snprintf(ret, SG_TEXT_LEN, "%s", given);
                return 0;
        }
        for (size_t i = 0; i < ARRAY_SIZE(protocols); i++)
                if (strcasecmp(given, protocols[i].name) == 0) {
                        snprintf(ret, SG_TEXT_LEN, "%s", protocols[i].name);
                        return 0;
                }
bad:;
        char values[512] = "[None";
        for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
                size_t l = strlen(values);
                snprintf(values + l, sizeof(values) - l, ", '%s'", protocols[i].name);
        }
        strncat(values, "]", sizeof(values) - strlen(values) - 1);
        return fail(err, 400, "SecurityGroupRuleInvalidProtocol",
                    "Security group rule protocol %.40s not supported. Only protocol values %s "
                    "and integer representations [0 to 255] are supported.", given, values);
}

int sg_protocol_number(const char *protocol)
{
        long n;
        if (!protocol || !*protocol)
                return -1;
        if (int_text(protocol, &n))
                return n >= 0 && n <= 255 ? (int)n : -1;
        for (size_t i = 0; i < ARRAY_SIZE(protocols); i++)
                if (streq(protocol, protocols[i].name))
                        return protocols[i].number;
        return -1;
}

int sg_ethertype_convert(const char *given, char ret[8])
{
        static const char *const types[] = {"IPv4", "IPv6"};
        for (size_t i = 0; given && i < ARRAY_SIZE(types); i++)
                if (strcasecmp(given, types[i]) == 0) {
                        snprintf(ret, 8, "%s", types[i]);
                        return 0;
                }
        return -EINVAL;
}

int sg_prefix_convert(const char *given, char ret[SG_TEXT_LEN], char normalized[SG_TEXT_LEN],
                      int *version, struct sg_error *err)
{
        char addr[64];
        unsigned char bin[16];
        const char *slash = strchr(given, '/');
        size_t n = slash ? (size_t)(slash - given) : strlen(given);
        long prefix = -1;
        if (n >= sizeof(addr))
                goto bad;
        memcpy(addr, given, n);
        addr[n] = '\0';
        int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
        int bits = family == AF_INET6 ? 128 : 32;
        if (inet_pton(family, addr, bin) != 1)
                goto bad;
        if (slash) {
                char *end;
                if (!isdigit((unsigned char)slash[1]))
                        goto bad;
                prefix = strtol(slash + 1, &end, 10);
                if (*end || prefix > bits)
                        goto bad;
        } else
                prefix = bits;
        char text[INET6_ADDRSTRLEN];
        inet_ntop(family, bin, text, sizeof(text));
        snprintf(ret, SG_TEXT_LEN, "%s/%ld", text, prefix);
        for (int i = 0; i < bits / 8; i++) {
                int keep = (int)prefix - i * 8;
                bin[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
        }
        inet_ntop(family, bin, text, sizeof(text));
        snprintf(normalized, SG_TEXT_LEN, "%s/%ld", text, prefix);
        *version = family == AF_INET6 ? 6 : 4;
        return 0;
bad:
        return fail(err, 400, "InvalidCIDR", "Invalid CIDR %.80s given as IP prefix.", given);
}

static int validate_port_range(const struct sg_rule *r, struct sg_error *err)
{
        if (!r->has_min && !r->has_max)
                return 0;
        if (!*r->protocol)
                return fail(err, 400, "SecurityGroupProtocolRequiredWithPorts",
                            "Must also specify protocol if port range is given.");
        int proto = sg_protocol_number(r->protocol);
        if (is_port_protocol(proto)) {
                if ((r->has_min && r->min == 0) || (r->has_max && r->max == 0))
                        return fail(err, 400, "SecurityGroupInvalidPortValue",
                                    "Invalid value for port 0");
                if (r->has_min && r->has_max && r->min <= r->max)
                        return 0;
                return fail(err, 400, "SecurityGroupInvalidPortRange",
                            "For TCP/UDP protocols, port_range_min must be <= port_range_max");
        }
        if (proto == 1 || proto == 58) {
                if (r->has_min && (r->min < 0 || r->min > 255))
                        return fail(err, 400, "SecurityGroupInvalidIcmpValue",
                                    "Invalid value for ICMP type (port_range_min) %ld. It must "
                                    "be 0 to 255.", r->min);
                if (r->has_max && (r->max < 0 || r->max > 255))
                        return fail(err, 400, "SecurityGroupInvalidIcmpValue",
                                    "Invalid value for ICMP code (port_range_max) %ld. It must "
                                    "be 0 to 255.", r->max);
                if (!r->has_min && r->has_max)
                        return fail(err, 400, "SecurityGroupMissingIcmpType",
                                    "ICMP code (port-range-max) %ld is provided but ICMP type "
                                    "(port-range-min) is missing.", r->max);
                return 0;
        }
        return fail(err, 400, "SecurityGroupInvalidProtocolForPort",
                    "Invalid protocol %d for port range, only supported for TCP, UDP, DCCP, "
                    "SCTP, UDPLITE protocols.", proto);
}

static bool is_ipv6_only_protocol(const char *p)
{
        static const char *const v6[] = {"ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6",
                                         "ipv6-nonxt", "ipv6-opts", "ipv6-route", "41", "44",
                                         "58", "59", "60", "43"};
        for (size_t i = 0; i < ARRAY_SIZE(v6); i++)
                if (streq(p, v6[i]))
                        return true;
        return false;
}

int sg_rule_validate(struct sg_rule *r, struct sg_error *err)
{
        if (streq(r->ethertype, "IPv6")) {
                if (streq(r->protocol, "icmp") || streq(r->protocol, "icmpv6"))
                        snprintf(r->protocol, sizeof(r->protocol), "ipv6-icmp");
                else if (streq(r->protocol, "1"))
                        snprintf(r->protocol, sizeof(r->protocol), "58");
        }
        int k = validate_port_range(r, err);
        if (k < 0)
                return k;
        if (*r->remote_ip_prefix) {
                bool v6 = strchr(r->remote_ip_prefix, ':') != NULL;
                if (!streq(r->ethertype, v6 ? "IPv6" : "IPv4"))
                        return fail(err, 400, "SecurityGroupRuleParameterConflict",
                                    "Conflicting value ethertype %s for CIDR %s", r->ethertype,
                                    r->remote_ip_prefix);
        }
        if (streq(r->ethertype, "IPv4") && is_ipv6_only_protocol(r->protocol))
                return fail(err, 400, "SecurityGroupEthertypeConflictWithProtocol",
                            "Invalid ethertype %s for protocol %s.", r->ethertype, r->protocol);
        if (*r->remote_ip_prefix && *r->remote_group_id)
                return fail(err, 400, "SecurityGroupRemoteGroupAndRemoteIpPrefix",
                            "Only remote_ip_prefix or remote_group_id may be provided.");
        return 0;
}

/* _get_ip_proto_name_and_num's name: a name as is, a number by the last
 * name of that number in the map (IP_PROTOCOL_NUM_TO_NAME_MAP), other
 * text as is — so "tcp" and "6" are one protocol, "ip" and "hopopt" not. */
static const char *protocol_key(const char *p)
{
        for (size_t i = 0; i < ARRAY_SIZE(protocols); i++)
                if (streq(p, protocols[i].name))
                        return p;
        const char *name = p;
        char num[8];
        for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
                snprintf(num, sizeof(num), "%d", protocols[i].number);
                if (streq(p, num))
                        name = protocols[i].name;
        }
        return name;
}

static bool any_prefix(const char *p)
{
        return !*p || streq(p, "0.0.0.0/0") || streq(p, "::/0");
}

bool sg_rule_same(const struct sg_rule *a, const struct sg_rule *b)
{
        if (!streq(a->direction, b->direction) || !streq(a->ethertype, b->ethertype) ||
            a->has_min != b->has_min || a->has_max != b->has_max ||
            (a->has_min && a->min != b->min) || (a->has_max && a->max != b->max) ||
            !streq(a->remote_group_id, b->remote_group_id) ||
            !streq(a->security_group_id, b->security_group_id))
                return false;
        if (any_prefix(a->remote_ip_prefix) != any_prefix(b->remote_ip_prefix) ||
            (!any_prefix(a->remote_ip_prefix) && !streq(a->remote_ip_prefix, b->remote_ip_prefix)))
                return false;
        if (!*a->protocol || !*b->protocol)
                return !*a->protocol && !*b->protocol;
        return streq(protocol_key(a->protocol), protocol_key(b->protocol));
}
