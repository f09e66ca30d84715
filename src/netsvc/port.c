/* Ports: MAC and IP allocation (IPAM over network/ipam and network/mac),
 * security groups and port security on create, ML2 binding (the
 * decision is network/binding's), device status from the agents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/time-format.h"
#include "identity/policy-rules.h"
#include "identity/token.h"
#include "netsvc/netsvc.h"
#include "netsvc/ips.h"
#include "netsvc/port-row.h"
#include "network/binding.h"
#include "network/mac.h"

static int assign_mac(const struct netsvc *svc, const char *asked, const char *port_id,
                      char ret[MAC_STR_LEN], struct service_error *err)
{
        if (asked) {
                uint8_t m[6];
                mac_parse(asked, m);
                mac_format(m, ret);
                int r = svc_claim(svc->store, "mac", ret, port_id);
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

/* The id must be a group the caller may use. */
static int check_group(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                       struct service_error *err)
{
        _cleanup_json_ json_t *sg = NULL;
        int r = svc_doc_get_visible(svc->store, auth, "security_group", NULL, id, &sg);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "SecurityGroupNotFound",
                                    "Security group %s does not exist", id);
        return r;
}

/* ML2 binding for the port's current host, vnic type and profile.  Unbound
 * (no host) resets the binding. */
int netsvc_port_bind(const struct netsvc *svc, json_t *port, const struct store_network *net)
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
                .network_type = net ? net->network_type : NULL,
                .physnet = net ? net->physical_network : NULL,
                .segmentation_id = net && net->segmentation_id > 0 ? (unsigned)net->segmentation_id
                                                                   : 0,
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

/* A copy of v, or (v NULL) a new empty array or object. */
/* The new port's document, its members in Neutron's order, each set once;
 * what the service settles later (MAC, addresses, groups, binding) is
 * null here. */
static json_t *port_doc(const struct netsvc_port_create *in, const char *id, const char *owner)
{
        json_t *groups = json_null();
        if (in->has_security_groups) {
                groups = json_array();
                for (size_t i = 0; groups && i < in->n_security_groups; i++)
                        if (json_array_append_new(groups, json_string(in->security_groups[i])) < 0) {
                                json_decref(groups);
                                groups = NULL;
                        }
        }
        /* json_null() is never NULL: a NULL value is a lack of memory. */
        const struct {
                const char *key;
                json_t *value;
        } members[] = {
                {"id", json_string(id)},
                {"name", json_string(in->name ?: "")},
                {"network_id", json_string(in->network_id)},
                {"tenant_id", json_string(owner)},
                {"mac_address", json_null()},
                {"admin_state_up", json_boolean(!in->has_admin_state_up || in->admin_state_up)},
                {"status", json_null()},
                {"device_id", json_string(in->device_id ?: "")},
                {"device_owner", json_string(in->device_owner ?: "")},
                {"fixed_ips", json_null()},
                {"allowed_address_pairs", json_copy_or_empty(in->allowed_address_pairs, false)},
                {"extra_dhcp_opts", json_array()},
                {"security_groups", groups},
                {"description", json_string(in->description ?: "")},
                {"binding:vnic_type", json_string(in->vnic_type ?: "normal")},
                {"binding:profile", json_copy_or_empty(in->profile, true)},
                {"binding:host_id", json_string(in->host_id ?: "")},
                {"binding:vif_type", json_null()},
                {"binding:vif_details", json_null()},
                {"port_security_enabled", json_null()},
                {"tags", json_array()},
                {"project_id", json_string(owner)},
        };
        json_t *o = json_object();
        bool failed = !o;
        for (size_t i = 0; i < ARRAY_SIZE(members); i++) {
                json_t *v = members[i].value;
                if (failed)
                        json_decref(v); /* the rest made before the failure */
                else if (!v)
                        failed = true;
                else if (json_object_set_new_nocheck(o, members[i].key, v) < 0)
                        failed = true; /* v freed by jansson */
        }
        if (failed) {
                json_decref(o);
                return NULL;
        }
        return o;
}

/* Neutron's policy for what only an admin or the network's owner may ask
 * of a port (policies/port.py): a chosen IP address, MAC (on create; its
 * update is the admin's alone), port security, allowed address pairs, and
 * a network:* device_owner.  On someone else's shared network these would
 * let a tenant take the gateway's address or turn off a VF's spoof check
 * on a segment it shares with others.  The rules are the policy table's
 * rows (identity/policy-rules). */
struct owner_asks {
        bool ip_address;       /* a fixed IP with its address */
        bool mac_address;      /* a chosen MAC (create) */
        bool no_port_security; /* port security off */
        bool address_pairs;    /* some allowed address pairs */
        const char *device_owner;
};

static bool asks_ip_address(const json_t *fixed_ips)
{
        size_t i;
        json_t *e;
        json_array_foreach(fixed_ips, i, e)
                if (json_object_get(e, "ip_address"))
                        return true;
        return false;
}

/* What matters is a value that asks for something (a MAC, security
 * off, some pairs). */
static struct owner_asks create_asks(const struct netsvc_port_create *in)
{
        return (struct owner_asks){
                .ip_address = asks_ip_address(in->fixed_ips),
                .mac_address = in->mac_address != NULL,
                .no_port_security = in->has_port_security_enabled && !in->port_security_enabled,
                .address_pairs = json_array_size(in->allowed_address_pairs) > 0,
                .device_owner = in->device_owner,
        };
}

/* An update's MAC is the admin's alone: the caller checked it. */
static struct owner_asks update_asks(const struct netsvc_port_update *in)
{
        return (struct owner_asks){
                .ip_address = in->has_fixed_ips && asks_ip_address(in->fixed_ips),
                .no_port_security = in->has_port_security_enabled && !in->port_security_enabled,
                .address_pairs = in->has_allowed_address_pairs &&
                                 json_array_size(in->allowed_address_pairs) > 0,
                .device_owner = in->has_device_owner ? in->device_owner : NULL,
        };
}

static int check_network_owner_attrs(const struct auth_context *auth,
                                     const struct store_network *net,
                                     const struct owner_asks *in, bool create,
                                     struct service_error *err)
{
        if (!net)
                return 0;
        struct policy_target tg = {
                .network_owner = net->project_id,
        };
        enum policy_rule_id asked[5];
        size_t n = 0;
        if (in->ip_address)
                asked[n++] = create ? PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS
                                    : PR_UPDATE_PORT_FIXED_IPS_IP_ADDRESS;
        if (create && in->mac_address)
                asked[n++] = PR_CREATE_PORT_MAC_ADDRESS;
        if (in->no_port_security)
                asked[n++] = create ? PR_CREATE_PORT_PORT_SECURITY_ENABLED
                                    : PR_UPDATE_PORT_PORT_SECURITY_ENABLED;
        if (in->address_pairs)
                asked[n++] = create ? PR_CREATE_PORT_ALLOWED_ADDRESS_PAIRS
                                    : PR_UPDATE_PORT_ALLOWED_ADDRESS_PAIRS;
        const char *dev_owner = in->device_owner;
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

/* The groups asked: each one the caller may use. */
static int check_groups(const struct netsvc *svc, const struct auth_context *auth,
                        const char *const *ids, size_t n, struct service_error *err)
{
        for (size_t i = 0; i < n; i++) {
                int r = check_group(svc, auth, ids[i], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A port's document stored as its row (create or update), a copy of the
 * row for the caller. */
static int port_store(const struct netsvc *svc, const json_t *port, bool create,
                      struct store_port **ret)
{
        _cleanup_(port_row_done) struct port_row row = {0};
        int r = port_row_from_json(port, &row);
        if (r >= 0)
                r = svc_port_put(svc->store, &row.p, create);
        if (r < 0)
                return r;
        return (*ret = store_port_dup(&row.p)) ? 0 : -ENOMEM;
}

/* Inside a write transaction: network, security groups, MAC, IPs and
 * binding of a new port document, then stored.  User errors fill err. */
static int create_tx(const struct netsvc *svc, const struct auth_context *auth,
                     const struct netsvc_port_create *in, const char *owner, const char *id,
                     json_t *port, struct store_port **ret, struct service_error *err)
{
        _cleanup_json_ json_t *ips = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        char mac[MAC_STR_LEN];
        int r;
        const char *net_id = in->network_id;
        r = netsvc_network_find(svc, auth, net_id, false, &net);
        if (r == -ENOENT)
                r = service_fail(err, ERROR_KIND_NOT_FOUND, "NetworkNotFound",
                                 "Network %s could not be found.", net_id);
        struct owner_asks asks = create_asks(in);
        if (r >= 0)
                r = check_network_owner_attrs(auth, net, &asks, true, err);
        bool port_security = in->has_port_security_enabled
                                     ? in->port_security_enabled
                                     : !net || net->port_security_enabled;
        if (r >= 0) {
                json_object_set_new(port, "port_security_enabled", json_boolean(port_security));
                if (!port_security && in->has_security_groups && in->n_security_groups > 0)
                        r = service_fail(err, ERROR_KIND_INVALID, "PortSecurityAndIPRequiredForSecurityGroups",
                                              "Port security must be enabled and port must have "
                                              "an IP address in order to use security groups.");
        }
        if (r >= 0 && in->has_security_groups)
                r = check_groups(svc, auth, in->security_groups, in->n_security_groups, err);
        if (r >= 0 && !in->has_security_groups) {
                char sg[37];
                r = netsvc_default_sg(svc, owner, sg);
                if (r >= 0)
                        json_object_set_new(port, "security_groups",
                                            port_security ? json_pack("[s]", sg) : json_array());
        }
        if (r >= 0)
                r = assign_mac(svc, in->mac_address, id, mac, err);
        if (r >= 0) {
                json_object_set_new(port, "mac_address", json_string(mac));
                r = ips_assign(svc, net, in->fixed_ips, NULL, id, mac, &ips, err);
        }
        if (r >= 0) {
                json_object_set(port, "fixed_ips", ips);
                netsvc_stamp(svc, port, true);
                r = netsvc_port_bind(svc, port, net);
        }
        if (r >= 0)
                r = port_store(svc, port, true, ret);
        return r;
}

int netsvc_port_set_device_status(const struct netsvc *svc, const char *port_id,
                                  const char *host, bool up)
{
        _cleanup_port_ struct store_port *port = NULL;
        if (!port_id)
                return -EINVAL;
        int r = store_port_get(svc->store, port_id, &port);
        if (r < 0)
                return r;
        const char *vif = port->vif_type;
        if (!streq(port->host ?: "", host) || !vif || streq(vif, "unbound") ||
            streq(vif, "binding_failed"))
                return -EINVAL;
        const char *status = up ? "ACTIVE" : "DOWN";
        /* Neutron's update_port_status: the same status again is no
         * update (no new revision, nothing on the host's change feed). */
        if (streq(port->status ?: "", status))
                return 0;
        char now[40];
        time_format_iso8601(svc->now(), false, now);
        port->status = status;
        port->updated_at = now;
        port->revision_number++;
        return svc_port_put(svc->store, port, false);
}

int netsvc_port_get(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                    struct store_port **ret)
{
        _cleanup_port_ struct store_port *p = NULL;
        int r = store_port_get(svc->store, id, &p);
        if (r < 0)
                return r;
        if (!policy_may_read(auth, p->project_id, false))
                return -ENOENT;
        *ret = TAKE_PTR(p);
        return 0;
}

int netsvc_port_create(const struct netsvc *svc, const struct auth_context *auth,
                       const struct netsvc_port_create *in, struct store_port **ret,
                       struct service_error *err)
{
        const char *owner = in->project_id ?: auth->project_id;
        if (!owner)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Running without keystone AuthN requires that tenant_id is "
                                    "specified");
        if (!in->network_id)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Failed to parse request. Required attribute 'network_id' "
                                    "not specified");
        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *port = port_doc(in, id, owner);
        if (!port)
                return -ENOMEM;
        int r = netsvc_quota_check(svc, "port", owner, err);
        return r < 0 ? r : create_tx(svc, auth, in, owner, id, port, ret, err);
}

int netsvc_port_may_delete(const struct netsvc *svc, const struct auth_context *auth,
                           const char *port_id)
{
        _cleanup_json_ json_t *port = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        int r = svc_doc_get(svc->store, "port", port_id, &port);
        if (r >= 0) {
                r = store_network_get(svc->store, json_str(port, "network_id") ?: "", &net);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r < 0)
                return r;
        struct policy_target tg = {
                .project_id = json_str(port, "project_id"),
                .network_owner = net ? net->project_id : NULL,
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
        int fa, fb;
        ip_value x, y;
        if (ip_parse(json_str(a, "ip_address"), &fa, &x) < 0 ||
            ip_parse(json_str(b, "ip_address"), &fb, &y) < 0)
                return streq(json_str(a, "ip_address") ?: "", json_str(b, "ip_address") ?: "");
        return fa == fb && x == y;
}

/* A port's fixed_ips replaced by ASKED as Neutron's
 * _get_changed_ips_for_port does: an address asked that the port has is
 * kept; a subnet asked without an address keeps one of the port's
 * addresses on it, else gets a new one; what is not asked again is
 * released (first, so an address may move between entries); the rest is
 * allocated as on create. */
static int update_fixed_ips(const struct netsvc *svc, const struct store_network *net,
                            json_t *port,
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
        /* What is not asked again goes, except an address from the MAC on
         * an auto-address subnet: it stays while the subnet does. */
        json_array_foreach(orig, i, o) {
                const char *sub = json_str(o, "subnet_id") ?: "";
                struct subnet_info s;
                r = ips_load_subnet(svc, sub, &s);
                if (r < 0 && r != -ENOENT)
                        return r;
                if (r >= 0 && s.is_auto) {
                        json_array_append(kept, o);
                        continue;
                }
                if ((r = ips_release(svc, sub, json_str(o, "ip_address") ?: "")) < 0)
                        return r;
        }
        r = ips_assign(svc, net, add, kept, port_id, json_str(port, "mac_address"), &added, err);
        if (r < 0)
                return r;
        json_array_extend(kept, added);
        json_object_set(port, "fixed_ips", kept);
        return 0;
}

/* After a MAC change, each address from the MAC follows it (Neutron
 * reallocates EUI-64 addresses on update_port_with_ips). */
static int follow_mac(const struct netsvc *svc, json_t *port, struct service_error *err)
{
        const char *mac = json_str(port, "mac_address"), *port_id = json_str(port, "id");
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(port, "fixed_ips"), i, o) {
                const char *sub = json_str(o, "subnet_id") ?: "";
                struct subnet_info s;
                char ip[IP_STR_LEN];
                int r = ips_load_subnet(svc, sub, &s);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                if (!s.is_auto)
                        continue;
                if ((r = ips_release(svc, sub, json_str(o, "ip_address") ?: "")) < 0 ||
                    (r = ips_claim_eui64(svc, &s, mac, port_id, ip, err)) < 0)
                        return r;
                json_object_set_new(o, "ip_address", json_string(ip));
        }
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

/* The groups given: each one the caller may use, as a list of ids. */
static int update_groups(const struct netsvc *svc, const struct auth_context *auth,
                         const struct netsvc_port_update *in, json_t **ret,
                         struct service_error *err)
{
        _cleanup_json_ json_t *ids = json_array();
        if (!ids)
                return -ENOMEM;
        for (size_t i = 0; i < in->n_security_groups; i++) {
                int r = check_group(svc, auth, in->security_groups[i], err);
                if (r < 0)
                        return r;
                if (json_array_append_new(ids, json_string(in->security_groups[i])) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(ids);
        return 0;
}

/* The attributes recorded as given (MAC and fixed IPs are settled apart). */
static void apply_update(json_t *port, const struct netsvc_port_update *in, json_t *groups)
{
        if (in->has_name)
                json_object_set_new(port, "name", json_string(in->name));
        if (in->has_description)
                json_object_set_new(port, "description", json_string(in->description));
        if (in->has_admin_state_up)
                json_object_set_new(port, "admin_state_up", json_boolean(in->admin_state_up));
        if (in->has_device_id)
                json_object_set_new(port, "device_id", json_string(in->device_id));
        if (in->has_device_owner)
                json_object_set_new(port, "device_owner", json_string(in->device_owner));
        if (groups)
                json_object_set(port, "security_groups", groups);
        if (in->has_port_security_enabled)
                json_object_set_new(port, "port_security_enabled",
                                    json_boolean(in->port_security_enabled));
        if (in->has_allowed_address_pairs)
                json_object_set_new(port, "allowed_address_pairs",
                                    json_deep_copy(in->allowed_address_pairs));
        if (in->has_vnic_type)
                json_object_set_new(port, "binding:vnic_type", json_string(in->vnic_type));
        if (in->has_host_id)
                json_object_set_new(port, "binding:host_id", json_string(in->host_id));
        if (in->has_profile)
                json_object_set_new(port, "binding:profile", json_deep_copy(in->profile));
}

int netsvc_port_update(const struct netsvc *svc, const struct auth_context *auth,
                       const char *port_id, const struct netsvc_port_update *in,
                       struct store_port **ret, struct service_error *err)
{
        _cleanup_json_ json_t *port = NULL, *groups = NULL;
        _cleanup_network_ struct store_network *net = NULL;
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
                r = store_network_get(svc->store, json_str(port, "network_id") ?: "", &net);
                if (r < 0 && r != -ENOENT)
                        return r;
                struct owner_asks asks = update_asks(in);
                r = check_network_owner_attrs(auth, net, &asks, false, err);
                if (r < 0)
                        return r;
        }
        bool new_ps = in->has_port_security_enabled
                              ? in->port_security_enabled
                              : json_is_true(json_object_get(port, "port_security_enabled"));
        size_t new_groups = in->has_security_groups
                                    ? in->n_security_groups
                                    : json_array_size(json_object_get(port, "security_groups"));
        if (!new_ps && new_groups > 0) {
                if (in->has_security_groups)
                        return service_fail(err, ERROR_KIND_INVALID,
                                            "PortSecurityAndIPRequiredForSecurityGroups",
                                            "Port security must be enabled and port must have "
                                            "an IP address in order to use security groups.");
                return service_fail(err, ERROR_KIND_CONFLICT, "PortSecurityPortHasSecurityGroup",
                                    "Port has security group associated. Cannot disable port "
                                    "security or ip address until security group is removed");
        }
        if (in->has_security_groups && (r = update_groups(svc, auth, in, &groups, err)) < 0)
                return r;
        /* A bound port keeps its vnic type, as in Neutron: the VF claimed
         * for it would stay while the binding failed. */
        const char *device = json_str(port, "device_id") ?: "";
        if (in->has_vnic_type &&
            !streq(in->vnic_type, json_str(port, "binding:vnic_type") ?: "") &&
            (*device || *(json_str(port, "binding:host_id") ?: "")))
                return service_fail(err, ERROR_KIND_CONFLICT, "PortInUse",
                                    "Unable to complete operation on port %s for network %s. "
                                    "Port already has an attached device %s.",
                                    port_id, json_str(port, "network_id") ?: "", device);
        if (in->has_fixed_ips || in->has_mac_address) {
                if (!net && (r = store_network_get(svc->store,
                                                   json_str(port, "network_id") ?: "", &net)) < 0)
                        return r;
                if (in->has_mac_address &&
                    ((r = update_mac(svc, port, in->mac_address, err)) < 0 ||
                     (r = follow_mac(svc, port, err)) < 0))
                        return r;
                if (in->has_fixed_ips &&
                    (r = update_fixed_ips(svc, net, port, in->fixed_ips, err)) < 0)
                        return r;
        }
        apply_update(port, in, groups);
        netsvc_stamp(svc, port, false);
        if (in->has_host_id || in->has_profile || in->has_vnic_type) {
                store_network_free(net);
                net = NULL;
                r = store_network_get(svc->store, json_str(port, "network_id") ?: "", &net);
                if (r >= 0)
                        r = netsvc_port_bind(svc, port, net);
                if (r < 0)
                        return r;
        }
        return port_store(svc, port, false, ret);
}
