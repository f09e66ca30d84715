/* Every Neutron resource vfnet serves and each of its attributes, declared
 * once.  Flags: P = settable on create, U = on update, R = required,
 * AW/AR = admin-only write/read, N = nullable. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "network/binding.h"
#include "network/ipv6-mode.h"

#define P ATTR_POST
#define U ATTR_PUT
#define R ATTR_REQUIRED
#define AW ATTR_ADMIN_WRITE
#define AR ATTR_ADMIN_READ
#define N ATTR_NULLABLE
#define NF ATTR_NO_FILTER

static int check_vnic_type(const json_t *v, char *why, size_t len)
{
        if (vnic_type_from_string(json_string_value(v)) >= 0)
                return 0;
        snprintf(why, len, "'%s' is not in the list of valid vnic types (normal, direct, macvtap, "
                 "baremetal, direct-physical, virtio-forwarder, smart-nic, vdpa, "
                 "accelerator-direct, accelerator-direct-physical, remote-managed)",
                 json_string_value(v));
        return -1;
}

static int check_network_type(const json_t *v, char *why, size_t len)
{
        const char *s = json_string_value(v);
        if (streq(s, "flat") || streq(s, "vlan"))
                return 0;
        snprintf(why, len, "network_type value '%s' not supported", s);
        return -1;
}

static int check_ip_version(const json_t *v, char *why, size_t len)
{
        if (json_integer_value(v) == 4 || json_integer_value(v) == 6)
                return 0;
        snprintf(why, len, "%lld is not in [4, 6]", (long long)json_integer_value(v));
        return -1;
}

static int check_ipv6_mode(const json_t *v, char *why, size_t len)
{
        if (ipv6_mode_known(json_string_value(v)))
                return 0;
        snprintf(why, len, "'%s' is not in ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']",
                 json_string_value(v));
        return -1;
}

static int check_direction(const json_t *v, char *why, size_t len)
{
        const char *s = json_string_value(v);
        if (streq(s, "ingress") || streq(s, "egress"))
                return 0;
        snprintf(why, len, "'%s' is not in ['ingress', 'egress']", s);
        return -1;
}

static int check_ethertype(const json_t *v, char *why, size_t len)
{
        const char *s = json_string_value(v);
        /* Neutron's convert_ethertype_to_case_insensitive: "ipv4" too. */
        if (strcasecmp(s, "IPv4") == 0 || strcasecmp(s, "IPv6") == 0)
                return 0;
        snprintf(why, len, "'%s' is not in ['IPv4', 'IPv6']", s);
        return -1;
}

static int check_uuid_list(const json_t *v, char *why, size_t len)
{
        static const struct attr_def uuid = {"", ATTR_UUID, 0, NULL, NULL, NULL};
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) if (resource_check_value(&uuid, e, why, len) < 0) return -1;
        return 0;
}

static bool is_ip(const char *s)
{
        unsigned char buf[16];
        return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

/* "a.b.c.d/n" or an IPv6 CIDR; a bare address counts as a host route. */
static bool is_ip_or_cidr(const char *s)
{
        char buf[64];
        const char *slash = s ? strchr(s, '/') : NULL;
        if (!slash)
                return is_ip(s);
        size_t n = (size_t)(slash - s);
        if (n >= sizeof(buf) || !slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1))
                return false;
        memcpy(buf, s, n);
        buf[n] = '\0';
        long prefix = strtol(slash + 1, NULL, 10);
        return is_ip(buf) && prefix <= (strchr(buf, ':') ? 128 : 32);
}

static int check_nameservers(const json_t *v, char *why, size_t len)
{
        size_t i, j;
        json_t *e, *f;
        json_array_foreach(v, i, e) {
                if (!is_ip(json_string_value(e))) {
                        snprintf(why, len, "'%s' is not a valid nameserver", json_is_string(e) ? json_string_value(e) : "?");
                        return -1;
                }
                json_array_foreach(v, j, f) if (j < i && json_equal(e, f)) {
                        snprintf(why, len, "Duplicate nameserver '%s'", json_string_value(e));
                        return -1;
                }
        }
        return 0;
}

static int check_host_routes(const json_t *v, char *why, size_t len)
{
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
                if (!json_is_object(e) || json_object_size(e) != 2 ||
                    !is_ip_or_cidr(json_string_value(json_object_get(e, "destination"))) ||
                    !is_ip(json_string_value(json_object_get(e, "nexthop")))) {
                        snprintf(why, len, "Invalid data format for hostroute: entry %zu must be "
                                 "{\"destination\": CIDR, \"nexthop\": IP}", i);
                        return -1;
                }
        }
        return 0;
}

static int check_address_pairs(const json_t *v, char *why, size_t len)
{
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
                const char *key;
                json_t *val;
                if (!json_is_object(e) || !json_object_get(e, "ip_address")) {
                        snprintf(why, len, "AllowedAddressPair must contain ip_address");
                        return -1;
                }
                json_object_foreach(e, key, val) if (!streq(key, "ip_address") &&
                                                     !streq(key, "mac_address")) {
                        snprintf(why, len, "Unrecognized attribute(s) '%s'", key);
                        return -1;
                }
                if (!is_ip_or_cidr(json_string_value(json_object_get(e, "ip_address")))) {
                        snprintf(why, len, "'%s' is not a valid IP address",
                                 json_is_string(json_object_get(e, "ip_address"))
                                         ? json_string_value(json_object_get(e, "ip_address")) : "?");
                        return -1;
                }
                json_t *mac = json_object_get(e, "mac_address");
                static const struct attr_def mac_attr = {"", ATTR_MAC, 0, NULL, NULL, NULL};
                if (mac && resource_check_value(&mac_attr, mac, why, len) < 0)
                        return -1;
        }
        return 0;
}

static int check_string_list(const json_t *v, char *why, size_t len)
{
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) if (!json_is_string(e) || json_string_length(e) > 255) {
                snprintf(why, len, "entry %zu is not a string of at most 255 characters", i);
                return -1;
        }
        return 0;
}

#define COMMON_TAIL                                                                                \
        {"description", ATTR_STRING, P | U, "\"\"", NULL, "free text"},                            \
        {"project_id", ATTR_STRING, P | AW, NULL, NULL, "owning project"},                         \
        {"tenant_id", ATTR_STRING, P | AW, NULL, NULL, "owning project (old name)"},               \
        {"tags", ATTR_LIST, NF, NULL, NULL, "tags (read-only here)"},                              \
        {"created_at", ATTR_STRING, 0, NULL, NULL, "creation time"},                               \
        {"updated_at", ATTR_STRING, 0, NULL, NULL, "last update time"},                            \
        {"revision_number", ATTR_INT, 0, NULL, NULL, "bumped on every update"}

static const struct attr_def network_attrs[] = {
        {"id", ATTR_UUID, 0, NULL, NULL, "network id"},
        {"name", ATTR_STRING, P | U, "\"\"", NULL, "name"},
        {"admin_state_up", ATTR_BOOL, P | U, "true", NULL, "administrative state"},
        {"shared", ATTR_BOOL, P | U | AW, "false", NULL, "visible to every project"},
        {"status", ATTR_STRING, 0, NULL, NULL, "ACTIVE"},
        {"subnets", ATTR_LIST, NF, NULL, NULL, "ids of its subnets"},
        {"mtu", ATTR_INT, 0, NULL, NULL, "[DEFAULT] global_physnet_mtu"},
        {"port_security_enabled", ATTR_BOOL, P | U, "true", NULL, "default for its ports"},
        {"router:external", ATTR_BOOL, P | U | AW, "false", NULL, "external network"},
        {"provider:network_type", ATTR_STRING, P | AW | AR | N, NULL, check_network_type,
         "flat or vlan (ML2 type driver)"},
        {"provider:physical_network", ATTR_STRING, P | AW | AR | N, NULL, NULL,
         "physnet of the segment"},
        {"provider:segmentation_id", ATTR_INT, P | AW | AR | N, NULL, NULL, "VLAN id"},
        {"availability_zone_hints", ATTR_LIST, P | NF, "[]", check_string_list, "accepted, not used"},
        {"availability_zones", ATTR_LIST, NF, NULL, NULL, "always []"},
        {"ipv4_address_scope", ATTR_STRING, N, NULL, NULL, "always null"},
        {"ipv6_address_scope", ATTR_STRING, N, NULL, NULL, "always null"},
        COMMON_TAIL,
};

static const struct attr_def subnet_attrs[] = {
        {"id", ATTR_UUID, 0, NULL, NULL, "subnet id"},
        {"name", ATTR_STRING, P | U, "\"\"", NULL, "name"},
        {"network_id", ATTR_UUID, P | R, NULL, NULL, "its network"},
        {"ip_version", ATTR_INT, P | R, NULL, check_ip_version, "4 or 6"},
        {"cidr", ATTR_STRING, P | R, NULL, NULL,
         "e.g. 192.0.2.0/24 (/8 to /30) or 2001:db8::/64 (/1 to /128)"},
        {"gateway_ip", ATTR_STRING, P | U | N, NULL, NULL, "default: prefix + 1"},
        {"allocation_pools", ATTR_LIST, P | U | NF, NULL, NULL,
         "[{start, end}], default: prefix + 1 to the last host, but the gateway"},
        {"enable_dhcp", ATTR_BOOL, P | U, "true", NULL, "recorded"},
        {"dns_nameservers", ATTR_LIST, P | U | NF, "[]", check_nameservers, "IP addresses, recorded"},
        {"host_routes", ATTR_LIST, P | U | NF, "[]", check_host_routes,
         "[{destination, nexthop}], recorded"},
        {"ipv6_address_mode", ATTR_STRING, P | N, "null", check_ipv6_mode,
         "slaac, dhcpv6-stateful, dhcpv6-stateless (slaac, stateless: EUI-64 from the MAC)"},
        {"ipv6_ra_mode", ATTR_STRING, P | N, "null", check_ipv6_mode,
         "slaac, dhcpv6-stateful, dhcpv6-stateless (recorded)"},
        {"service_types", ATTR_LIST, NF, NULL, NULL, "always []"},
        {"subnetpool_id", ATTR_STRING, N, NULL, NULL, "always null"},
        COMMON_TAIL,
};

static const struct attr_def port_attrs[] = {
        {"id", ATTR_UUID, 0, NULL, NULL, "port id"},
        {"name", ATTR_STRING, P | U, "\"\"", NULL, "name"},
        {"network_id", ATTR_UUID, P | R, NULL, NULL, "its network"},
        {"admin_state_up", ATTR_BOOL, P | U, "true", NULL, "VF link state enable/disable"},
        {"mac_address", ATTR_MAC, P | U, NULL, NULL,
         "default: from [DEFAULT] base_mac; admins and the network's owner may choose it"},
        {"fixed_ips", ATTR_LIST, P | U | ATTR_KVP_FILTER, NULL, NULL,
         "[{subnet_id, ip_address}]; ?fixed_ips=ip_address=A or subnet_id=S"},
        {"device_id", ATTR_STRING, P | U, "\"\"", NULL, "instance using it"},
        {"device_owner", ATTR_STRING, P | U, "\"\"", NULL, "e.g. compute:nova"},
        {"status", ATTR_STRING, 0, NULL, NULL, "DOWN until the agent reports it up"},
        {"security_groups", ATTR_LIST, P | U | ATTR_LIST_FILTER, NULL, check_uuid_list,
         "default: the project's default group; ?security_groups=X: the ports in group X"},
        {"port_security_enabled", ATTR_BOOL, P | U, NULL, NULL, "VF spoof checking"},
        {"allowed_address_pairs", ATTR_LIST, P | U | NF, "[]", check_address_pairs,
         "[{ip_address, mac_address?}], recorded"},
        {"extra_dhcp_opts", ATTR_LIST, NF, NULL, NULL, "always []"},
        {"binding:vnic_type", ATTR_STRING, P | U, "\"normal\"", check_vnic_type,
         "normal, direct, macvtap, direct-physical, ..."},
        {"binding:host_id", ATTR_STRING, P | U | AW | AR, "\"\"", NULL,
         "setting it binds the port (as Nova does)"},
        {"binding:profile", ATTR_DICT, P | U | AW | AR | NF, "{}", NULL,
         "pci_slot, pci_vendor_info, physical_network, trusted, ..."},
        {"binding:vif_type", ATTR_STRING, AR, NULL, NULL, "unbound, hw_veb, hostdev_physical, ovs, binding_failed"},
        {"binding:vif_details", ATTR_DICT, AR | NF, NULL, NULL,
         "{port_filter, connectivity, vlan}"},
        COMMON_TAIL,
};

static const struct attr_def sg_attrs[] = {
        {"id", ATTR_UUID, 0, NULL, NULL, "group id"},
        {"name", ATTR_STRING, P | U, "\"\"", NULL, "name (\"default\" is made per project)"},
        {"stateful", ATTR_BOOL, P, "true", NULL, "recorded"},
        {"security_group_rules", ATTR_LIST, NF, NULL, NULL, "its rules"},
        COMMON_TAIL,
};

static const struct attr_def sg_rule_attrs[] = {
        {"id", ATTR_UUID, 0, NULL, NULL, "rule id"},
        {"security_group_id", ATTR_UUID, P | R, NULL, NULL, "its group"},
        {"direction", ATTR_STRING, P | R, NULL, check_direction, "ingress or egress"},
        {"ethertype", ATTR_STRING, P, "\"IPv4\"", check_ethertype, "IPv4 or IPv6"},
        {"protocol", ATTR_ANY, P | N, "null", NULL,
         "a name (tcp, udp, icmp, ...) or a number 0-255"},
        {"port_range_min", ATTR_INT, P | N | ATTR_PORT_NUMBER, "null", NULL,
         "first port, or the ICMP type"},
        {"port_range_max", ATTR_INT, P | N | ATTR_PORT_NUMBER, "null", NULL,
         "last port, or the ICMP code"},
        {"remote_ip_prefix", ATTR_STRING, P | N, "null", NULL, "CIDR"},
        /* Neutron validates no UUID here: any id that is no group is 404. */
        {"remote_group_id", ATTR_STRING, P | N, "null", NULL, "group"},
        {"remote_address_group_id", ATTR_STRING, N, NULL, NULL, "always null"},
        {"normalized_cidr", ATTR_STRING, N | NF, NULL, NULL, "remote_ip_prefix normalised"},
        COMMON_TAIL,
};

static const struct attr_def agent_attrs[] = {
        {"id", ATTR_UUID, 0, NULL, NULL, "agent id"},
        {"agent_type", ATTR_STRING, 0, NULL, NULL, "NIC Switch agent, Open vSwitch agent"},
        {"binary", ATTR_STRING, 0, NULL, NULL, "e.g. neutron-sriov-nic-agent"},
        {"host", ATTR_STRING, 0, NULL, NULL, "compute host name"},
        {"topic", ATTR_STRING, 0, NULL, NULL, "N/A"},
        {"admin_state_up", ATTR_BOOL, U, NULL, NULL, "administrative state"},
        {"alive", ATTR_BOOL, 0, NULL, NULL, "heartbeat within [DEFAULT] agent_down_time"},
        {"availability_zone", ATTR_STRING, N, NULL, NULL, "null"},
        {"configurations", ATTR_DICT, NF, NULL, NULL, "device_mappings, devices, ..."},
        {"description", ATTR_STRING, U | N, NULL, NULL, "free text"},
        {"heartbeat_timestamp", ATTR_STRING, 0, NULL, NULL, "last report"},
        {"started_at", ATTR_STRING, 0, NULL, NULL, "first report after a start"},
        {"created_at", ATTR_STRING, 0, NULL, NULL, "first report"},
        {"resources_synced", ATTR_BOOL, N, NULL, NULL, "null"},
};

#define RES(var, sing, plur, nf, disp, shared, table)                                              \
        const struct resource_def var = {sing, plur, nf, disp, shared, NULL, table, ARRAY_SIZE(table)}

/* An external network is seen by every project (Neutron's
 * access_as_external), not written by them. */
const struct resource_def resource_network = {"network", "networks", "NetworkNotFound", "Network",
                                              "shared", "router:external", network_attrs,
                                              ARRAY_SIZE(network_attrs)};
/* A shared network's subnets are seen by every project (Neutron's
 * get_subnet "rule:shared"), by a hidden mark netsvc keeps. */
RES(resource_subnet, "subnet", "subnets", "SubnetNotFound", "Subnet", "_shared", subnet_attrs);
RES(resource_port, "port", "ports", "PortNotFound", "Port", NULL, port_attrs);
RES(resource_security_group, "security_group", "security_groups", "SecurityGroupNotFound",
    "Security group", NULL, sg_attrs);
RES(resource_security_group_rule, "security_group_rule", "security_group_rules",
    "SecurityGroupRuleNotFound", "Security group rule", NULL, sg_rule_attrs);
RES(resource_agent, "agent", "agents", "AgentNotFound", "Agent", NULL, agent_attrs);

const struct resource_def *const resource_all[] = {
        &resource_network,        &resource_subnet, &resource_port, &resource_security_group,
        &resource_security_group_rule, &resource_agent, NULL,
};
