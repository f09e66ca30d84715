/* Subnets of both families: CIDRs, gateway and pools checked and
 * defaulted as Neutron does (network/ipam), IPv6 address modes
 * (network/ipv6-mode), no overlap on a network; an auto-address subnet
 * gives every port of its network the address from its MAC, and takes it
 * back when deleted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/time-format.h"
#include "identity/policy-rules.h"
#include "identity/token.h"
#include "netsvc/ips.h"
#include "netsvc/netsvc.h"
#include "netsvc/port-row.h"
#include "network/ipam.h"
#include "network/ipv6-mode.h"

static int invalid(struct service_error *err, const char *msg)
{
        return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                            "Invalid input for operation: %s.", msg);
}

/* Neutron's _validate_ip_version: an address or CIDR of the subnet's
 * family. */
static int check_version(int family, const char *text, const char *name,
                         struct service_error *err)
{
        char buf[IP_STR_LEN];
        const char *slash = text ? strchr(text, '/') : NULL;
        size_t n = slash ? (size_t)(slash - text) : (text ? strlen(text) : 0);
        int f;
        ip_value a;
        if (!text || n >= sizeof(buf))
                return 0;
        memcpy(buf, text, n);
        buf[n] = '\0';
        if (ip_parse(buf, &f, &a) < 0 || f == family)
                return 0;
        return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                            "Invalid input for operation: %s '%s' does not match the ip_version "
                            "'%d'.", name, text, family);
}

/* dns_nameservers and host_routes of the subnet's family. */
static int check_lists(int family, const json_t *dns, const json_t *routes,
                       struct service_error *err)
{
        size_t i;
        json_t *e;
        int r;
        json_array_foreach(dns, i, e)
                if ((r = check_version(family, json_string_value(e), "dns_nameserver", err)) < 0)
                        return r;
        json_array_foreach(routes, i, e) {
                if ((r = check_version(family, json_str(e, "nexthop"), "nexthop", err)) < 0 ||
                    (r = check_version(family, json_str(e, "destination"), "destination", err)) < 0)
                        return r;
        }
        return 0;
}

/* Pools from [{start, end}] as given by the user, of the subnet's
 * family. */
static int parse_pools(int family, const json_t *arr, struct ip_pool *pools, size_t max,
                       size_t *ret_n, struct service_error *err)
{
        size_t i;
        json_t *p;
        if (json_array_size(arr) > max)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Invalid input for allocation_pools. Reason: at most %zu pools "
                                    "are supported.", max);
        json_array_foreach(arr, i, p) {
                const char *s = json_str(p, "start"), *e = json_str(p, "end");
                int fs = 0, fe = 0;
                if (!json_is_object(p) || json_object_size(p) != 2 ||
                    ip_parse(s, &fs, &pools[i].start) < 0 || ip_parse(e, &fe, &pools[i].end) < 0)
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                            "Invalid input for allocation_pools. Reason: each "
                                            "pool must be {\"start\": IP, \"end\": IP}.");
                if (fs != family || fe != family)
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidAllocationPool",
                                            "The allocation pool %s-%s is not valid.", s, e);
        }
        *ret_n = json_array_size(arr);
        return 0;
}

/* A gateway of the subnet: its family, a host address of it (Neutron's
 * check_gateway_invalid_in_subnet; outside the subnet is refused too). */
static int check_gateway(const struct ip_net *cidr, const char *text, ip_value *ret,
                         struct service_error *err)
{
        int family, r;
        if (ip_parse(text, &family, ret) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Invalid input for gateway_ip. Reason: '%s' is not a valid "
                                    "IP address.", text ?: "");
        if ((r = check_version(cidr->family, text, "gateway_ip", err)) < 0)
                return r;
        if (!ip_net_host_valid(cidr, *ret))
                return invalid(err, "Gateway is not valid on subnet");
        return 0;
}

/* Whether a new subnet has DHCP (Neutron's default: yes). */
static bool dhcp_on(const struct netsvc_subnet_create *in)
{
        return !in->has_enable_dhcp || in->enable_dhcp;
}

/* The subnet's CIDR and the rules of its family, as _validate_subnet
 * checks them on create. */
static int check_cidr(const struct netsvc_subnet_create *in, struct ip_net *cidr,
                      struct service_error *err)
{
        int version = in->ip_version;
        if (ip_net_parse(in->cidr, cidr) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Invalid input for cidr. Reason: %s.", err_msg(-EINVAL));
        int r = check_version(version, in->cidr, "cidr", err);
        if (r < 0)
                return r;
        if (version == IP_V4 && (cidr->prefix > 30 || cidr->prefix < 8))
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                    "Invalid input for operation: prefix length /%u is not "
                                    "supported (8 through 30).", cidr->prefix);
        if (version == IP_V6) {
                if (cidr->prefix == 0)
                        return invalid(err, "0 is not allowed as CIDR prefix length");
                if (dhcp_on(in) && cidr->prefix > 126)
                        return invalid(err, "Subnet has a prefix length that is incompatible "
                                       "with DHCP service enabled");
        }
        if (ipv6_modes_validate(version, in->ipv6_ra_mode, in->ipv6_address_mode,
                                dhcp_on(in), cidr->prefix, in->cidr) < 0)
                return invalid(err, err_msg(-EINVAL));
        return check_lists(version, in->dns_nameservers, in->host_routes, err);
}

struct overlap {
        struct ip_net net;
        bool found;
};

static int overlap_cb(const struct store_subnet *s, void *userdata)
{
        struct overlap *o = userdata;
        struct ip_net other;
        if (s->cidr && ip_net_parse(s->cidr, &other) == 0 && ip_nets_overlap(&o->net, &other))
                o->found = true;
        return 0;
}

/* The rows of a network's ports, to edit one by one. */
struct port_rows {
        struct port_row *v;
        size_t n;
};

static void port_rows_done(struct port_rows *l)
{
        for (size_t i = 0; i < l->n; i++)
                port_row_done(&l->v[i]);
        free(l->v);
        *l = (struct port_rows){0};
}

static int collect_port(const struct store_port *p, void *userdata)
{
        struct port_rows *l = userdata;
        struct port_row *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        l->v = v;
        int r = port_row_from(p, &v[l->n]);
        if (r >= 0)
                l->n++;
        return r;
}

static int network_ports(const struct netsvc *svc, const char *net_id, struct port_rows *ret)
{
        const char *v[] = {net_id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        return store_port_list(svc->store, &q, collect_port, ret);
}

/* Neutron's add_auto_addrs_on_network_ports: every port already on the
 * network gets its EUI-64 address on a new auto-address subnet. */
static int add_auto_addresses(const struct netsvc *svc, const struct store_subnet *sub,
                              struct service_error *err)
{
        struct subnet_info s;
        _cleanup_(port_rows_done) struct port_rows ports = {0};
        int r = ips_subnet_info(sub, &s);
        if (r < 0 || (r = network_ports(svc, sub->network_id, &ports)) < 0)
                return r;
        for (size_t i = 0; i < ports.n; i++) {
                struct port_row *row = &ports.v[i];
                char ip[IP_STR_LEN];
                if ((r = ips_claim_eui64(svc, &s, row->p.mac_address, row->p.id, ip, err)) < 0 ||
                    (r = port_ips_add(&row->ips, s.id, ip)) < 0 ||
                    (r = port_row_stamp(svc, row, false)) < 0 ||
                    (r = port_row_put(svc, row, false)) < 0)
                        return r;
        }
        return 0;
}

/* A list the user gave as the JSON array text a row keeps (NULL: []). */
static int list_text(const json_t *list, char **ret)
{
        *ret = list ? json_dumps(list, JSON_COMPACT | JSON_PRESERVE_ORDER) : strdup("[]");
        return *ret ? 0 : -ENOMEM;
}

/* The time a create or update stamps, as the API shows it. */
static void stamp_time(const struct netsvc *svc, char ret[40])
{
        time_format_iso8601(svc->now(), false, ret);
}

int netsvc_subnet_create(const struct netsvc *svc, const struct auth_context *auth,
                         const struct netsvc_subnet_create *in, struct store_subnet **ret,
                         struct service_error *err)
{
        _cleanup_network_ struct store_network *net = NULL;
        struct ip_net cidr;
        if (!in->owner || !in->network_id || !in->cidr)
                return -EINVAL;
        int r = check_cidr(in, &cidr, err);
        if (r < 0)
                return r;
        r = netsvc_quota_check(svc, "subnet", in->owner, err);
        if (r < 0)
                return r;

        bool has_gw = !in->has_gateway_ip || in->gateway_ip;
        ip_value gw = ip_default_gateway(&cidr);
        if (in->has_gateway_ip && in->gateway_ip &&
            (r = check_gateway(&cidr, in->gateway_ip, &gw, err)) < 0)
                return r;
        struct ip_pool pools[16];
        size_t n_pools = 0;
        if (in->allocation_pools) {
                r = parse_pools(cidr.family, in->allocation_pools, pools, ARRAY_SIZE(pools),
                                &n_pools, err);
                if (r < 0)
                        return r;
                if (ip_pools_validate(&cidr, pools, n_pools, has_gw, gw) < 0)
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest", "%s",
                                            err_msg(-EINVAL));
        } else
                n_pools = ip_default_pools(&cidr, has_gw, gw, pools);

        const char *net_id = in->network_id;
        r = netsvc_network_find(svc, auth, net_id, false, &net);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "NetworkNotFound",
                                    "Network %s could not be found.", net_id);
        if (r < 0)
                return r;
        struct policy_target tg = {.network_owner = net->project_id};
        if (!policy_rule_allows(PR_CREATE_SUBNET, auth, &tg))
                return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                    "(rule:create_subnet) is disallowed by policy");
        char cidr_text[IP_NET_STR_LEN], gw_text[IP_STR_LEN], now[40];
        ip_net_format(&cidr, cidr_text);
        ip_format(cidr.family, gw, gw_text);
        struct overlap ov = {.net = cidr};
        const char *v[] = {net_id};
        struct store_filter f = {"network_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        r = store_subnet_list(svc->store, &q, overlap_cb, &ov);
        if (r >= 0 && ov.found)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                    "Invalid input for operation: Requested subnet with cidr: %s "
                                    "for network: %s overlaps with another subnet.",
                                    cidr_text, net_id);
        if (r < 0)
                return r;

        char id[37], pool_text[ARRAY_SIZE(pools)][2][IP_STR_LEN];
        struct store_ip_range ranges[ARRAY_SIZE(pools)];
        for (size_t i = 0; i < n_pools; i++) {
                ip_format(cidr.family, pools[i].start, pool_text[i][0]);
                ip_format(cidr.family, pools[i].end, pool_text[i][1]);
                ranges[i] = (struct store_ip_range){pool_text[i][0], pool_text[i][1]};
        }
        _cleanup_free_ char *dns = NULL, *routes = NULL;
        if ((r = list_text(in->dns_nameservers, &dns)) < 0 ||
            (r = list_text(in->host_routes, &routes)) < 0)
                return r;
        random_uuid(id);
        stamp_time(svc, now);
        struct store_subnet row = {
                .id = id,
                .project_id = in->owner,
                .network_id = net_id,
                .name = in->name ?: "",
                .description = in->description ?: "",
                .ip_version = in->ip_version,
                .cidr = cidr_text,
                .gateway_ip = has_gw ? gw_text : NULL,
                .enable_dhcp = dhcp_on(in),
                /* Neutron's get_subnet "rule:shared": a shared network's
                 * subnets are every project's to see (a hidden mark, kept
                 * with the network's shared by netsvc_network_shared()). */
                .shared = net->shared,
                .ipv6_ra_mode = in->ipv6_ra_mode,
                .ipv6_address_mode = in->ipv6_address_mode,
                .dns_nameservers = dns,
                .host_routes = routes,
                .created_at = now,
                .updated_at = now,
                .pools = ranges,
                .n_pools = n_pools,
        };
        r = store_subnet_put(svc->store, &row, true);
        if (r >= 0)
                r = netsvc_network_subnet_add(svc, net, id);
        if (r >= 0 && cidr.family == IP_V6 &&
            ipv6_mode_is_auto(in->ipv6_ra_mode, in->ipv6_address_mode))
                r = add_auto_addresses(svc, &row, err);
        if (r < 0)
                return r;
        if (!(*ret = store_subnet_dup(&row)))
                return -ENOMEM;
        return 0;
}

/* Neutron's _remove_subnet_ip_allocations_from_ports for an auto-address
 * subnet: its addresses leave every port of the network. */
static int remove_auto_addresses(const struct netsvc *svc, const struct store_subnet *sub)
{
        _cleanup_(port_rows_done) struct port_rows ports = {0};
        const char *id = sub->id;
        int r = network_ports(svc, sub->network_id ?: "", &ports);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ports.n; i++) {
                struct port_row *row = &ports.v[i];
                bool changed = false;
                for (size_t j = 0; j < row->ips.n;) {
                        if (!streq(row->ips.v[j].subnet_id, id)) {
                                j++;
                                continue;
                        }
                        if ((r = ips_release(svc, id, row->ips.v[j].ip_address)) < 0)
                                return r;
                        port_ips_remove(&row->ips, j);
                        changed = true;
                }
                if (!changed)
                        continue;
                if ((r = port_row_stamp(svc, row, false)) < 0 ||
                    (r = port_row_put(svc, row, false)) < 0)
                        return r;
        }
        return 0;
}

/* Not found as Neutron says it. */
static int not_found(const char *id, struct service_error *err)
{
        return service_fail(err, ERROR_KIND_NOT_FOUND, "SubnetNotFound",
                            "Subnet %s could not be found.", id);
}

/* Refused by policy rule, as Neutron words it. */
static int disallowed(enum policy_rule_id rule, struct service_error *err)
{
        return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                            "(rule:%s) is disallowed by policy", policy_rules[rule].name);
}

/* The owner of a subnet's network, for the policies the network's owner
 * passes (NULL when the network is gone). */
static int network_owner(const struct netsvc *svc, const struct store_subnet *sub,
                         char **ret)
{
        _cleanup_network_ struct store_network *net = NULL;
        int r = store_network_get(svc->store, sub->network_id ?: "", &net);
        *ret = NULL;
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (net->project_id && !(*ret = strdup(net->project_id)))
                return -ENOMEM;
        return 0;
}

int netsvc_subnet_delete(const struct netsvc *svc, const struct auth_context *auth,
                         const char *id, struct service_error *err)
{
        _cleanup_subnet_ struct store_subnet *sub = NULL;
        int r = netsvc_subnet_get(svc, auth, id, &sub, err);
        if (r < 0)
                return r;
        if (auth) {
                /* delete_subnet is the network owner's. */
                _cleanup_free_ char *owner = NULL;
                if ((r = network_owner(svc, sub, &owner)) < 0)
                        return r;
                struct policy_target tg = {.network_owner = owner};
                if (!policy_rule_allows(PR_DELETE_SUBNET, auth, &tg))
                        return disallowed(PR_DELETE_SUBNET, err);
        }
        char pool[64];
        snprintf(pool, sizeof(pool), "ip:%s", id);
        _cleanup_strv_free_ char **used = NULL;
        if (ipv6_mode_is_auto(sub->ipv6_ra_mode, sub->ipv6_address_mode))
                r = remove_auto_addresses(svc, sub);
        if (r >= 0)
                r = store_pool_values(svc->store, pool, &used);
        if (r > 0)
                return service_fail(err, ERROR_KIND_CONFLICT, "SubnetInUse",
                                    "Unable to complete operation on subnet %s: One or more "
                                    "ports have an IP allocation from this subnet.", id);
        if (r >= 0)
                r = store_subnet_delete(svc->store, id);
        if (r == -ENOENT)
                return not_found(id, err);
        if (r >= 0)
                r = netsvc_network_subnet_remove(svc, sub->network_id ?: "", id);
        return r;
}

/* The pools a subnet row keeps, parsed; -EIO when one cannot be read. */
static int row_pools(const struct store_subnet *sub, int family, struct ip_pool *pools,
                     size_t max, size_t *ret_n)
{
        size_t n = 0;
        for (size_t i = 0; i < sub->n_pools && n < max; i++, n++)
                if (ip_parse_family(sub->pools[i].start, family, &pools[n].start) < 0 ||
                    ip_parse_family(sub->pools[i].end, family, &pools[n].end) < 0)
                        return -EIO;
        *ret_n = n;
        return 0;
}

/* Whether the update may set what IN asks for on sub (Neutron's
 * _validate_subnet on update). */
static int check_update(const struct store_subnet *sub, const struct netsvc_subnet_update *in,
                        struct service_error *err)
{
        struct ip_net cidr;
        if (ip_net_parse(sub->cidr, &cidr) < 0)
                return -EIO;
        int r = check_lists(cidr.family, in->has_dns_nameservers ? in->dns_nameservers : NULL,
                            in->has_host_routes ? in->host_routes : NULL, err);
        if (r < 0)
                return r;
        /* Neutron's _validate_ipv6_update_dhcp. */
        if (in->has_enable_dhcp && !in->enable_dhcp &&
            (sub->ipv6_ra_mode || sub->ipv6_address_mode))
                return invalid(err, "Cannot disable enable_dhcp with ipv6 attributes set");
        if (!in->has_gateway_ip && !in->has_allocation_pools)
                return 0;
        const char *gw_s = in->has_gateway_ip ? in->gateway_ip : sub->gateway_ip;
        ip_value gw = 0;
        bool has_gw = gw_s != NULL;
        if (in->has_gateway_ip && has_gw && (r = check_gateway(&cidr, gw_s, &gw, err)) < 0)
                return r;
        if (!in->has_gateway_ip && has_gw && ip_parse_family(gw_s, cidr.family, &gw) < 0)
                return -EIO;
        struct ip_pool pools[16];
        size_t n_pools = 0;
        r = in->has_allocation_pools
                    ? parse_pools(cidr.family, in->allocation_pools, pools, ARRAY_SIZE(pools),
                                  &n_pools, err)
                    : row_pools(sub, cidr.family, pools, ARRAY_SIZE(pools), &n_pools);
        if (r < 0)
                return r;
        if (!in->has_allocation_pools) {
                /* Only the gateway moves: it must stay out of the pools. */
                for (size_t i = 0; has_gw && i < n_pools; i++)
                        if (gw >= pools[i].start && gw <= pools[i].end) {
                                char a[IP_STR_LEN], b[IP_STR_LEN];
                                ip_format(cidr.family, pools[i].start, a);
                                ip_format(cidr.family, pools[i].end, b);
                                return service_fail(err, ERROR_KIND_CONFLICT,
                                                    "GatewayConflictWithAllocationPools",
                                                    "Gateway ip %s conflicts with allocation "
                                                    "pool %s-%s.", gw_s, a, b);
                        }
                return 0;
        }
        if (ip_pools_validate(&cidr, pools, n_pools, has_gw, gw) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest", "%s",
                                    err_msg(-EINVAL));
        return 0;
}

int netsvc_subnet_update(const struct netsvc *svc, const struct auth_context *auth,
                         const char *id, const struct netsvc_subnet_update *in,
                         struct store_subnet **ret, struct service_error *err)
{
        _cleanup_subnet_ struct store_subnet *sub = NULL;
        _cleanup_free_ char *owner = NULL;
        int r = netsvc_subnet_get(svc, auth, id, &sub, err);
        if (r < 0)
                return r;
        /* update_subnet is the network owner's. */
        if ((r = network_owner(svc, sub, &owner)) < 0)
                return r;
        struct policy_target tg = {.project_id = sub->project_id, .network_owner = owner};
        if (!policy_rule_allows(PR_UPDATE_SUBNET, auth, &tg))
                return disallowed(PR_UPDATE_SUBNET, err);
        if ((r = check_update(sub, in, err)) < 0)
                return r;
        struct store_subnet row = *sub;
        if (in->has_name)
                row.name = in->name;
        if (in->has_description)
                row.description = in->description;
        if (in->has_gateway_ip)
                row.gateway_ip = in->gateway_ip;
        if (in->has_enable_dhcp)
                row.enable_dhcp = in->enable_dhcp;
        /* The pools as given (checked above). */
        size_t n = json_array_size(in->allocation_pools);
        _cleanup_free_ struct store_ip_range *ranges = calloc(n ? n : 1, sizeof(*ranges));
        if (!ranges)
                return -ENOMEM;
        if (in->has_allocation_pools) {
                for (size_t i = 0; i < n; i++) {
                        const json_t *e = json_array_get(in->allocation_pools, i);
                        ranges[i] = (struct store_ip_range){json_str(e, "start"),
                                                            json_str(e, "end")};
                }
                row.pools = ranges;
                row.n_pools = n;
        }
        _cleanup_free_ char *dns = NULL, *routes = NULL;
        if (in->has_dns_nameservers && (r = list_text(in->dns_nameservers, &dns)) < 0)
                return r;
        if (in->has_host_routes && (r = list_text(in->host_routes, &routes)) < 0)
                return r;
        if (dns)
                row.dns_nameservers = dns;
        if (routes)
                row.host_routes = routes;
        char now[40];
        stamp_time(svc, now);
        row.updated_at = now;
        row.revision_number++;
        if ((r = store_subnet_put(svc->store, &row, false)) < 0)
                return r;
        if (!(*ret = store_subnet_dup(&row)))
                return -ENOMEM;
        return 0;
}

bool netsvc_subnet_readable(const struct auth_context *auth, const struct store_subnet *s)
{
        return policy_may_read(auth, s->project_id, s->shared);
}

int netsvc_subnet_find(const struct netsvc *svc, const struct auth_context *auth,
                       const char *id, struct store_subnet **ret)
{
        _cleanup_subnet_ struct store_subnet *s = NULL;
        int r = store_subnet_get(svc->store, id, &s);
        if (r < 0)
                return r;
        if (auth && !netsvc_subnet_readable(auth, s))
                return -ENOENT;
        *ret = TAKE_PTR(s);
        return 0;
}

int netsvc_subnet_get(const struct netsvc *svc, const struct auth_context *auth,
                      const char *id, struct store_subnet **ret, struct service_error *err)
{
        int r = netsvc_subnet_find(svc, auth, id, ret);
        return r == -ENOENT ? not_found(id, err) : r;
}

int netsvc_subnet_list(const struct netsvc *svc, const struct auth_context *auth,
                       const struct store_query *q, store_subnet_cb cb, void *userdata)
{
        struct store_query mine = *q;
        if (!auth->is_admin) {
                mine.project_id = auth->project_id;
                mine.shared_attr = NETSVC_SUBNET_SHARED;
        }
        return store_subnet_list(svc->store, &mine, cb, userdata);
}
