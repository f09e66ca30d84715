/* Ports: MAC and IP allocation (IPAM over network/ipam and network/mac),
 * security groups and port security on create, ML2 binding (the
 * decision is network/binding's), device status from the agents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "identity/policy-rules.h"
#include "identity/token.h"
#include "netsvc/netsvc.h"
#include "network/binding.h"
#include "network/ipam.h"
#include "network/mac.h"

static int u32_cmp(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

struct subnet_info {
        char id[40];
        struct ipv4_net net;
        struct ipv4_pool pools[16];
        size_t n_pools;
};

static int load_subnet(const struct netsvc *svc, const char *id, struct subnet_info *ret)
{
        _cleanup_free_ char *doc = NULL;
        int r = store_obj_get(svc->store, "subnet", id, &doc, NULL);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *s = json_loads(doc, 0, NULL);
        if (!s || ipv4_net_parse(json_str(s, "cidr"), &ret->net) < 0)
                return -EIO;
        snprintf(ret->id, sizeof(ret->id), "%s", id);
        ret->n_pools = 0;
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(s, "allocation_pools"), i, p) {
                if (ret->n_pools >= ARRAY_SIZE(ret->pools))
                        break;
                struct ipv4_pool *pool = &ret->pools[ret->n_pools];
                if (ipv4_parse(json_str(p, "start"), &pool->start) == 0 &&
                    ipv4_parse(json_str(p, "end"), &pool->end) == 0)
                        ret->n_pools++;
        }
        return 0;
}

/* A random free address of one subnet, claimed for port_id.  A few random
 * probes find one at once while the subnet has room; only a nearly full
 * subnet pays for reading every used address. */
static int allocate_ip(const struct netsvc *svc, const struct subnet_info *s, const char *port_id,
                       char ret[IP_STR_LEN])
{
        char pool[64];
        snprintf(pool, sizeof(pool), "ip:%s", s->id);
        uint32_t total = 0;
        for (size_t i = 0; i < s->n_pools; i++)
                total += s->pools[i].end - s->pools[i].start + 1;
        for (int attempt = 0; attempt < 8 && total > 0; attempt++) {
                uint32_t k = random_below(total), a = 0;
                for (size_t i = 0; i < s->n_pools; i++) {
                        uint32_t size = s->pools[i].end - s->pools[i].start + 1;
                        if (k < size) {
                                a = s->pools[i].start + k;
                                break;
                        }
                        k -= size;
                }
                ipv4_format(a, ret);
                int r = store_is_claimed(svc->store, pool, ret);
                if (r < 0)
                        return r;
                if (r == 0)
                        return store_claim(svc->store, pool, ret, port_id);
        }

        _cleanup_strv_free_ char **used_s = NULL;
        int n = store_pool_values(svc->store, pool, &used_s);
        if (n < 0)
                return n;
        _cleanup_free_ uint32_t *used = calloc((size_t)n + 1, sizeof(uint32_t));
        if (!used)
                return -ENOMEM;
        size_t k = 0;
        for (int i = 0; i < n; i++)
                if (ipv4_parse(used_s[i], &used[k]) == 0)
                        k++;
        qsort(used, k, sizeof(uint32_t), u32_cmp);
        uint32_t a;
        int r = ipv4_pools_pick(s->pools, s->n_pools, used, k, random_below, &a);
        if (r < 0)
                return r;
        ipv4_format(a, ret);
        return store_claim(svc->store, pool, ret, port_id);
}

/* fixed_ips of a new port: as asked, or one address from the first IPv4
 * subnet that has one free.  User errors fill err. */
static int assign_fixed_ips(const struct netsvc *svc, const json_t *net, json_t *asked,
                            const char *port_id, json_t **ret, struct service_error *err)
{
        json_t *subnets = json_object_get(net, "subnets");
        const char *net_id = json_str(net, "id");
        _cleanup_json_ json_t *out = json_array();
        struct subnet_info s;
        char ip[IP_STR_LEN];
        size_t i, j;
        json_t *e, *sid;
        int r;

        if (!asked) {
                bool any = json_array_size(subnets) == 0;
                json_array_foreach(subnets, i, sid) {
                        if ((r = load_subnet(svc, json_string_value(sid), &s)) < 0)
                                return r;
                        r = allocate_ip(svc, &s, port_id, ip);
                        if (r == -ENOSPC)
                                continue;
                        if (r < 0)
                                return r;
                        json_array_append_new(out, json_pack("{s:s,s:s}", "subnet_id", s.id,
                                                             "ip_address", ip));
                        any = true;
                        break;
                }
                if (!any)
                        return service_fail(err, ERROR_KIND_CONFLICT, "IpAddressGenerationFailure",
                                                 "No more IP addresses available on network %s.",
                                                 net_id);
                *ret = TAKE_PTR(out);
                return 0;
        }
        json_array_foreach(asked, i, e) {
                const char *want_sub = json_str(e, "subnet_id"), *want_ip = json_str(e, "ip_address");
                uint32_t a = 0;
                if (!json_is_object(e) || (!want_sub && !want_ip))
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                                 "Invalid input for fixed_ips. Reason: each entry "
                                                 "needs subnet_id and/or ip_address.");
                if (want_ip && ipv4_parse(want_ip, &a) < 0)
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                                 "Invalid input for fixed_ips. Reason: '%s' is "
                                                 "not a valid IP address.", want_ip);
                bool found = false;
                json_array_foreach(subnets, j, sid) {
                        const char *id = json_string_value(sid);
                        if (want_sub && !streq(want_sub, id))
                                continue;
                        if ((r = load_subnet(svc, id, &s)) < 0)
                                return r;
                        if (want_ip && !ipv4_net_contains(&s.net, a)) {
                                if (want_sub)
                                        return service_fail(err, ERROR_KIND_INVALID, "InvalidIpForSubnet",
                                                "IP address %s is not a valid IP for the "
                                                "specified subnet.", want_ip);
                                continue;
                        }
                        found = true;
                        break;
                }
                if (!found && want_sub)
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                                 "Invalid input for operation: Failed to create "
                                                 "port on network %s, because fixed_ips included "
                                                 "invalid subnet %s.", net_id, want_sub);
                if (!found)
                        return service_fail(err, ERROR_KIND_INVALID, "InvalidIpForNetwork",
                                                 "IP address %s is not a valid IP for any of the "
                                                 "subnets on the specified network.", want_ip);
                if (want_ip) {
                        char pool[64];
                        ipv4_format(a, ip);
                        if (a == s.net.addr || a == ipv4_net_broadcast(&s.net))
                                return service_fail(err, ERROR_KIND_INVALID, "InvalidIpForSubnet",
                                                         "IP address %s is not a valid IP for the "
                                                         "specified subnet.", want_ip);
                        snprintf(pool, sizeof(pool), "ip:%s", s.id);
                        r = store_is_claimed(svc->store, pool, ip);
                        if (r == 0)
                                r = store_claim(svc->store, pool, ip, port_id);
                        else if (r > 0)
                                r = -EEXIST;
                        if (r == -EEXIST)
                                return service_fail(err, ERROR_KIND_CONFLICT, "IpAddressAlreadyAllocated",
                                                         "IP address %s already allocated in "
                                                         "subnet %s", ip, s.id);
                } else {
                        r = allocate_ip(svc, &s, port_id, ip);
                        if (r == -ENOSPC)
                                return service_fail(err, ERROR_KIND_CONFLICT, "IpAddressGenerationFailure",
                                                         "No more IP addresses available on "
                                                         "network %s.", net_id);
                }
                if (r < 0)
                        return r;
                json_array_append_new(out, json_pack("{s:s,s:s}", "subnet_id", s.id, "ip_address", ip));
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static int assign_mac(const struct netsvc *svc, const char *asked, const char *port_id,
                      char ret[MAC_STR_LEN], struct service_error *err)
{
        if (asked) {
                uint8_t m[6];
                mac_parse(asked, m);
                mac_format(m, ret);
                int r = store_is_claimed(svc->store, "mac", ret);
                if (r == 0)
                        r = store_claim(svc->store, "mac", ret, port_id);
                else if (r > 0)
                        r = -EEXIST;
                if (r == -EEXIST)
                        return service_fail(err, ERROR_KIND_CONFLICT, "MacAddressInUse",
                                                 "Unable to complete operation for network. The "
                                                 "mac address %s is in use.", ret);
                return r;
        }
        /* 2^24 random addresses: a collision is rare; retry a few times as
         * Neutron does ([DEFAULT] mac_generation_retries = 16). */
        for (int i = 0; i < 16; i++) {
                uint8_t rnd[6];
                random_fill(rnd, sizeof(rnd));
                mac_generate(svc->ml2->base_mac, rnd, ret);
                int r = store_is_claimed(svc->store, "mac", ret);
                if (r < 0)
                        return r;
                if (r == 0)
                        return store_claim(svc->store, "mac", ret, port_id);
        }
        return service_fail(err, ERROR_KIND_UNAVAILABLE, "MacAddressGenerationFailure",
                                 "Unable to generate unique mac on network.");
}

/* Every id must be a group the caller may use. */
static int check_groups(const struct netsvc *svc, const struct auth_context *auth,
                        const json_t *ids, struct service_error *err)
{
        size_t i;
        json_t *id;
        json_array_foreach(ids, i, id) {
                _cleanup_json_ json_t *sg = NULL;
                int r = svc_doc_get_visible(svc->store, auth, "security_group", NULL,
                                            json_string_value(id), &sg);
                if (r == -ENOENT)
                        return service_fail(err, ERROR_KIND_NOT_FOUND, "SecurityGroupNotFound",
                                            "Security group %s does not exist",
                                            json_string_value(id));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ML2 binding for the port's current host, vnic type and profile.  Unbound
 * (no host) resets the binding. */
int netsvc_port_bind(const struct netsvc *svc, json_t *port, const json_t *net)
{
        const char *host = json_str(port, "binding:host_id");
        if (!host || !*host) {
                json_object_set_new(port, "binding:vif_type", json_string("unbound"));
                json_object_set_new(port, "binding:vif_details", json_object());
                json_object_set_new(port, "status", json_string("DOWN"));
                return 0;
        }
        _cleanup_json_ json_t *agents = NULL;
        int r = netsvc_agents_for_host(svc, host, &agents);
        if (r < 0)
                return r;

        struct binding_segment seg = {
                .network_type = json_str(net, "provider:network_type"),
                .physnet = json_str(net, "provider:physical_network"),
                .segmentation_id = (unsigned)json_integer_value(
                        json_object_get(net, "provider:segmentation_id")),
        };
        size_t n_segs = seg.network_type ? 1 : 0;

        size_t n_agents = json_array_size(agents), n_names = 0;
        /* Every agent's physnets (device_mappings or bridge_mappings keys)
         * and tunnel types, in one array the binding agents point into. */
        for (size_t i = 0; i < n_agents; i++) {
                json_t *conf = json_object_get(json_array_get(agents, i), "configurations");
                n_names += json_object_size(json_object_get(conf, "device_mappings")) +
                           json_object_size(json_object_get(conf, "bridge_mappings")) +
                           json_array_size(json_object_get(conf, "tunnel_types"));
        }
        _cleanup_free_ struct binding_agent *ba = calloc(n_agents + 1, sizeof(*ba));
        _cleanup_free_ const char **names = calloc(n_names + 1, sizeof(char *));
        if (!ba || !names)
                return -ENOMEM;
        size_t k = 0;
        for (size_t i = 0; i < n_agents; i++) {
                json_t *a = json_array_get(agents, i), *conf = json_object_get(a, "configurations");
                json_t *maps = json_object_get(conf, "device_mappings");
                if (!maps)
                        maps = json_object_get(conf, "bridge_mappings");
                const char *key;
                json_t *v;
                size_t ti;
                ba[i].agent_type = json_str(a, "agent_type");
                ba[i].alive = netsvc_agent_alive(svc, a) &&
                              json_is_true(json_object_get(a, "admin_state_up"));
                ba[i].physnets = names + k;
                json_object_foreach(maps, key, v) names[k++] = key;
                ba[i].n_physnets = (size_t)(names + k - ba[i].physnets);
                ba[i].tunnel_types = names + k;
                json_array_foreach(json_object_get(conf, "tunnel_types"), ti, v)
                        if (json_is_string(v))
                                names[k++] = json_string_value(v);
                ba[i].n_tunnel_types = (size_t)(names + k - ba[i].tunnel_types);
        }

        json_t *profile = json_object_get(port, "binding:profile");
        bool switchdev = false;
        size_t i;
        json_t *cap;
        json_array_foreach(json_object_get(profile, "capabilities"), i, cap)
                if (json_is_string(cap) && streq(json_string_value(cap), "switchdev"))
                        switchdev = true;
        struct binding_port bp = {
                .vnic_type = vnic_type_from_string(json_str(port, "binding:vnic_type")),
                .pci_vendor_info = json_str(profile, "pci_vendor_info"),
                .switchdev = switchdev,
        };
        struct binding_config cfg;
        struct binding_result res;
        ml2_binding_config(svc->ml2, &cfg);
        binding_decide(&cfg, &bp, &seg, n_segs, ba, n_agents, &res);

        json_object_set_new(port, "binding:vif_type", json_string(res.vif_type));
        if (!res.bound) {
                log_info("port %s: binding on host %s failed: %s", json_str(port, "id"), host,
                         res.reason);
                json_object_set_new(port, "binding:vif_details", json_object());
                json_object_set_new(port, "status", json_string("DOWN"));
                return 0;
        }
        json_t *details;
        if (res.driver == MECH_OPENVSWITCH)
                details = json_pack("{s:b,s:s,s:b,s:s,s:s}", "port_filter", 1, "connectivity", "l2",
                                    "ovs_hybrid_plug", 0, "datapath_type", "system",
                                    "bridge_name", "br-int");
        else
                details = json_pack("{s:b,s:s,s:s}", "port_filter", 0, "connectivity", "l2",
                                    "vlan", res.vlan);
        json_object_set_new(port, "binding:vif_details", details);
        json_object_set_new(port, "status", json_string(res.status));
        return 0;
}

static json_t *port_doc(const json_t *in, const char *id)
{
        static const char *const order[] = {
                "id", "name", "network_id", "tenant_id", "mac_address", "admin_state_up",
                "status", "device_id", "device_owner", "fixed_ips", "allowed_address_pairs",
                "extra_dhcp_opts", "security_groups", "description", "binding:vnic_type",
                "binding:profile", "binding:host_id", "binding:vif_type", "binding:vif_details",
                "port_security_enabled", "tags", "project_id",
        };
        json_t *o = json_object();
        for (size_t i = 0; i < ARRAY_SIZE(order); i++)
                json_object_set_new(o, order[i], json_null());
        json_object_update(o, (json_t *)in);
        json_object_set_new(o, "id", json_string(id));
        json_object_set_new(o, "extra_dhcp_opts", json_array());
        json_object_set_new(o, "tags", json_array());
        return o;
}

/* Neutron's policy for what only an admin or the network's owner may ask
 * of a port (policies/port.py): a chosen IP address, MAC (on create; its
 * update is the admin's alone), port security, allowed address pairs, and
 * a network:* device_owner.  On someone else's shared network these would
 * let a tenant take the gateway's address or turn off a VF's spoof check
 * on a segment it shares with others.  The rules are the policy table's
 * rows (identity/policy-rules). */
static int check_network_owner_attrs(const struct auth_context *auth, const json_t *net,
                                     const json_t *in, bool create, struct service_error *err)
{
        if (!net)
                return 0;
        struct policy_target tg = {
                .network_owner = json_str(net, "project_id") ?: json_str(net, "tenant_id"),
        };
        enum policy_rule_id asked[5];
        size_t n = 0;
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(in, "fixed_ips"), i, e)
                if (json_object_get(e, "ip_address") && n == 0)
                        asked[n++] = create ? PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS
                                            : PR_UPDATE_PORT_FIXED_IPS_IP_ADDRESS;
        /* The request carries the API's defaults: what matters is a value
         * that asks for something (a MAC, security off, some pairs). */
        if (create && json_str(in, "mac_address"))
                asked[n++] = PR_CREATE_PORT_MAC_ADDRESS;
        if (json_is_false(json_object_get(in, "port_security_enabled")))
                asked[n++] = create ? PR_CREATE_PORT_PORT_SECURITY_ENABLED
                                    : PR_UPDATE_PORT_PORT_SECURITY_ENABLED;
        if (json_array_size(json_object_get(in, "allowed_address_pairs")) > 0)
                asked[n++] = create ? PR_CREATE_PORT_ALLOWED_ADDRESS_PAIRS
                                    : PR_UPDATE_PORT_ALLOWED_ADDRESS_PAIRS;
        const char *dev_owner = json_str(in, "device_owner");
        if (dev_owner && strncmp(dev_owner, "network:", 8) == 0)
                asked[n++] = create ? PR_CREATE_PORT_DEVICE_OWNER : PR_UPDATE_PORT_DEVICE_OWNER;
        for (size_t k = 0; k < n; k++)
                if (!policy_rule_allows(asked[k], auth, &tg))
                        return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                            "(rule:%s and rule:%s) is disallowed by policy",
                                            create ? "create_port" : "update_port",
                                            policy_rules[asked[k]].name);
        return 0;
}

/* Inside a write transaction: network, security groups, MAC, IPs and
 * binding of a new port document, then stored.  User errors fill err. */
static int create_tx(const struct netsvc *svc, const struct auth_context *auth, const json_t *in,
                     const char *owner, const char *id, json_t *port, struct service_error *err)
{
        _cleanup_json_ json_t *net = NULL, *ips = NULL;
        char mac[MAC_STR_LEN];
        json_t *asked_ips = json_object_get(in, "fixed_ips");
        int r;
        const char *net_id = json_str(in, "network_id");
        r = svc_doc_get_visible(svc->store, auth, "network", "shared", net_id, &net);
        if (r == -ENOENT)
                r = service_fail(err, ERROR_KIND_NOT_FOUND, "NetworkNotFound",
                                 "Network %s could not be found.", net_id);
        if (r >= 0)
                r = check_network_owner_attrs(auth, net, in, true, err);
        json_t *ps = json_object_get(in, "port_security_enabled");
        bool port_security = ps ? json_is_true(ps)
                                : !net || !json_is_false(json_object_get(net, "port_security_enabled"));
        json_t *groups = json_object_get(in, "security_groups");
        if (r >= 0) {
                json_object_set_new(port, "port_security_enabled", json_boolean(port_security));
                if (!port_security && json_array_size(groups) > 0)
                        r = service_fail(err, ERROR_KIND_INVALID, "PortSecurityAndIPRequiredForSecurityGroups",
                                              "Port security must be enabled and port must have "
                                              "an IP address in order to use security groups.");
        }
        if (r >= 0 && groups)
                r = check_groups(svc, auth, groups, err);
        if (r >= 0 && !groups) {
                char sg[37];
                r = netsvc_default_sg(svc, owner, sg);
                if (r >= 0)
                        json_object_set_new(port, "security_groups",
                                            port_security ? json_pack("[s]", sg) : json_array());
        }
        if (r >= 0)
                r = assign_mac(svc, json_str(in, "mac_address"), id, mac, err);
        if (r >= 0) {
                json_object_set_new(port, "mac_address", json_string(mac));
                r = assign_fixed_ips(svc, net, asked_ips, id, &ips, err);
        }
        if (r >= 0) {
                json_object_set(port, "fixed_ips", ips);
                netsvc_stamp(svc, port, true);
                r = netsvc_port_bind(svc, port, net);
        }
        if (r >= 0)
                r = svc_doc_insert(svc->store, "port", port);
        return r;
}

int netsvc_port_set_device_status(const struct netsvc *svc, const char *port_id,
                                  const char *host, bool up)
{
        _cleanup_free_ char *doc = NULL;
        if (!port_id)
                return -EINVAL;
        int r = store_obj_get(svc->store, "port", port_id, &doc, NULL);
        if (r < 0)
                return r;
        _cleanup_json_ json_t *port = json_loads(doc, 0, NULL);
        if (!port)
                return -EIO;
        const char *vif = json_str(port, "binding:vif_type");
        if (!streq(json_str(port, "binding:host_id") ?: "", host) || !vif ||
            streq(vif, "unbound") || streq(vif, "binding_failed"))
                return -EINVAL;
        const char *status = up ? "ACTIVE" : "DOWN";
        /* Neutron's update_port_status: the same status again is no
         * update (no new revision, nothing on the host's change feed). */
        if (streq(json_str(port, "status") ?: "", status))
                return 0;
        json_object_set_new(port, "status", json_string(status));
        netsvc_stamp(svc, port, false);
        return svc_doc_update(svc->store, "port", port);
}


int netsvc_port_create(const struct netsvc *svc, const struct auth_context *auth,
                       const json_t *in, const char *owner, json_t **ret,
                       struct service_error *err)
{
        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *port = port_doc(in, id);
        if (!port)
                return -ENOMEM;
        json_object_set_new(port, "tenant_id", json_string(owner));
        json_object_set_new(port, "project_id", json_string(owner));
        int r = netsvc_quota_check(svc, "port", owner, err);
        if (r >= 0)
                r = create_tx(svc, auth, in, owner, id, port, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(port);
        return 0;
}

int netsvc_port_may_delete(const struct netsvc *svc, const struct auth_context *auth,
                           const char *port_id)
{
        _cleanup_json_ json_t *port = NULL, *net = NULL;
        int r = svc_doc_get(svc->store, "port", port_id, &port);
        if (r >= 0) {
                r = svc_doc_get(svc->store, "network", json_str(port, "network_id"), &net);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r < 0)
                return r;
        struct policy_target tg = {
                .project_id = json_str(port, "project_id"),
                .network_owner = net ? json_str(net, "project_id") : NULL,
        };
        bool seen = policy_may_read(auth, tg.project_id, false) ||
                    (tg.network_owner && auth->project_id &&
                     streq(tg.network_owner, auth->project_id));
        if (!seen)
                return -ENOENT;
        return policy_rule_allows(PR_DELETE_PORT, auth, &tg) ? 0 : -EACCES;
}

int netsvc_port_delete(const struct netsvc *svc, const char *port_id)
{
        return svc_port_delete(svc->store, port_id);
}

/* Neutron's [DEFAULT] max_fixed_ips_per_port. */
#define MAX_FIXED_IPS_PER_PORT 5

static bool same_ip(const json_t *a, const json_t *b)
{
        return streq(json_str(a, "ip_address") ?: "", json_str(b, "ip_address") ?: "");
}

/* A port's fixed_ips replaced by ASKED as Neutron's
 * _get_changed_ips_for_port does: an address asked that the port has is
 * kept; a subnet asked without an address keeps one of the port's
 * addresses on it, else gets a new one; what is not asked again is
 * released (first, so an address may move between entries); the rest is
 * allocated as on create. */
static int update_fixed_ips(const struct netsvc *svc, const json_t *net, json_t *port,
                            const json_t *asked, struct service_error *err)
{
        const char *port_id = json_str(port, "id");
        if (json_array_size(asked) > MAX_FIXED_IPS_PER_PORT)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                    "Invalid input for operation: Exceeded maximum amount of "
                                    "fixed ips per port.");
        _cleanup_json_ json_t *orig = json_deep_copy(json_object_get(port, "fixed_ips"));
        _cleanup_json_ json_t *kept = json_array(), *add = json_array(), *added = NULL;
        if (!orig || !kept || !add)
                return -ENOMEM;
        size_t i, j;
        json_t *e, *o;
        json_array_foreach(asked, i, e) {
                if (!json_is_object(e)) {
                        _cleanup_free_ char *text = json_dumps(e, JSON_ENCODE_ANY);
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                            "Invalid input for fixed_ips. Reason: Invalid data "
                                            "format for fixed IP: '%s'.", text ?: "");
                }
                if (!json_object_get(e, "ip_address"))
                        continue;
                bool found = false;
                json_array_foreach(orig, j, o) if (same_ip(o, e)) {
                        const char *sub = json_str(e, "subnet_id");
                        if (sub && !streq(sub, json_str(o, "subnet_id") ?: ""))
                                break;
                        json_array_append(kept, o);
                        json_array_remove(orig, j);
                        found = true;
                        break;
                }
                if (!found)
                        json_array_append(add, e);
        }
        json_array_foreach(asked, i, e) {
                if (json_object_get(e, "ip_address"))
                        continue;
                bool found = false;
                const char *sub = json_str(e, "subnet_id");
                json_array_foreach(orig, j, o) if (sub && streq(sub, json_str(o, "subnet_id") ?: "")) {
                        json_array_append(kept, o);
                        json_array_remove(orig, j);
                        found = true;
                        break;
                }
                if (!found)
                        json_array_append(add, e);
        }
        int r = 0;
        json_array_foreach(orig, i, o) {
                char pool[64];
                snprintf(pool, sizeof(pool), "ip:%s", json_str(o, "subnet_id") ?: "");
                r = store_release(svc->store, pool, json_str(o, "ip_address") ?: "");
                if (r < 0 && r != -ENOENT)
                        return r;
        }
        r = assign_fixed_ips(svc, net, add, port_id, &added, err);
        if (r < 0)
                return r;
        json_array_extend(kept, added);
        json_object_set(port, "fixed_ips", kept);
        return 0;
}

/* A new MAC for a port no host uses (Neutron's PortBound otherwise). */
static int update_mac(const struct netsvc *svc, json_t *port, const char *asked,
                      struct service_error *err)
{
        char want[MAC_STR_LEN];
        uint8_t m[6];
        mac_parse(asked, m);
        mac_format(m, want);
        const char *old = json_str(port, "mac_address") ?: "";
        if (streq(old, want))
                return 0;
        const char *vif = json_str(port, "binding:vif_type") ?: "unbound";
        if (!streq(vif, "unbound") && !streq(vif, "binding_failed"))
                return service_fail(err, ERROR_KIND_CONFLICT, "PortBound",
                                    "Unable to complete operation on port %s, port is already "
                                    "bound, port type: %s, old_mac %s, new_mac %s.",
                                    json_str(port, "id"), vif, old, want);
        char mac[MAC_STR_LEN];
        int r = assign_mac(svc, want, json_str(port, "id"), mac, err);
        if (r < 0)
                return r;
        r = store_release(svc->store, "mac", old);
        if (r < 0 && r != -ENOENT)
                return r;
        json_object_set_new(port, "mac_address", json_string(mac));
        return 0;
}

int netsvc_port_update(const struct netsvc *svc, const struct auth_context *auth,
                       const char *port_id, const json_t *in, json_t **ret,
                       struct service_error *err)
{
        _cleanup_json_ json_t *port = NULL, *net = NULL;
        int r = svc_doc_get_visible(svc->store, auth, "port", NULL, port_id, &port);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "PortNotFound",
                                    "Port %s could not be found.", port_id);
        if (r < 0)
                return r;
        if (!policy_may_write(auth, json_str(port, "project_id")))
                return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                    "(rule:update_port) is disallowed by policy");
        if (!auth->is_admin) {
                r = svc_doc_get(svc->store, "network", json_str(port, "network_id"), &net);
                if (r < 0 && r != -ENOENT)
                        return r;
                r = check_network_owner_attrs(auth, net, in, false, err);
                if (r < 0)
                        return r;
        }
        json_t *ps = json_object_get(in, "port_security_enabled");
        json_t *groups = json_object_get(in, "security_groups");
        bool new_ps = ps ? json_is_true(ps)
                         : json_is_true(json_object_get(port, "port_security_enabled"));
        json_t *new_groups = groups ? groups : json_object_get(port, "security_groups");
        if (!new_ps && json_array_size(new_groups) > 0) {
                if (groups)
                        return service_fail(err, ERROR_KIND_INVALID,
                                            "PortSecurityAndIPRequiredForSecurityGroups",
                                            "Port security must be enabled and port must have "
                                            "an IP address in order to use security groups.");
                return service_fail(err, ERROR_KIND_CONFLICT, "PortSecurityPortHasSecurityGroup",
                                    "Port has security group associated. Cannot disable port "
                                    "security or ip address until security group is removed");
        }
        if (groups && (r = check_groups(svc, auth, groups, err)) < 0)
                return r;
        /* A bound port keeps its vnic type, as in Neutron: the VF claimed
         * for it would stay while the binding failed. */
        const char *vnic = json_str(in, "binding:vnic_type");
        const char *device = json_str(port, "device_id") ?: "";
        if (vnic && !streq(vnic, json_str(port, "binding:vnic_type") ?: "") &&
            (*device || *(json_str(port, "binding:host_id") ?: "")))
                return service_fail(err, ERROR_KIND_CONFLICT, "PortInUse",
                                    "Unable to complete operation on port %s for network %s. "
                                    "Port already has an attached device %s.",
                                    port_id, json_str(port, "network_id") ?: "", device);
        bool rebind = json_object_get(in, "binding:host_id") ||
                      json_object_get(in, "binding:profile") ||
                      json_object_get(in, "binding:vnic_type");
        json_t *ips = json_object_get(in, "fixed_ips");
        const char *mac = json_str(in, "mac_address");
        if (ips || mac) {
                if (!net && (r = svc_doc_get(svc->store, "network", json_str(port, "network_id"),
                                             &net)) < 0)
                        return r;
                if (mac && (r = update_mac(svc, port, mac, err)) < 0)
                        return r;
                if (ips && (r = update_fixed_ips(svc, net, port, ips, err)) < 0)
                        return r;
        }
        /* What was just settled is not copied over again. */
        _cleanup_json_ json_t *rest = json_deep_copy(in);
        if (!rest)
                return -ENOMEM;
        json_object_del(rest, "fixed_ips");
        json_object_del(rest, "mac_address");
        json_object_update_existing(port, rest);
        netsvc_stamp(svc, port, false);
        if (rebind) {
                json_decref(net);
                net = NULL;
                r = svc_doc_get(svc->store, "network", json_str(port, "network_id"), &net);
                if (r >= 0)
                        r = netsvc_port_bind(svc, port, net);
                if (r < 0)
                        return r;
        }
        r = svc_doc_update(svc->store, "port", port);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(port);
        return 0;
}
