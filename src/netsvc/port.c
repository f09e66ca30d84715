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
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
        return netsvc_sg_get(svc, auth, id, &sg, err);
}

/* What a port's binding sets: its vif type, details (JSON text) and
 * status. */
static int set_binding(struct port_row *row, const char *vif_type, const char *details,
                       const char *status)
{
        int r = port_row_set(row, &row->p.vif_type, vif_type);
        if (r >= 0)
                r = port_row_set(row, &row->p.vif_details, details);
        if (r >= 0)
                r = port_row_set(row, &row->p.status, status);
        return r;
}

/* ML2 binding for the port's current host, vnic type and profile.  Unbound
 * (no host) resets the binding. */
int netsvc_port_bind(const struct netsvc *svc, struct port_row *row,
                     const struct store_network *net)
{
        const char *host = row->p.host;
        if (!host || !*host)
                return set_binding(row, "unbound", "{}", "DOWN");
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

        /* The user's profile: read for the capabilities and the VF's
         * vendor, never changed here. */
        _cleanup_json_ json_t *profile = port_column_json(row->p.profile, true);
        bool switchdev = false;
        size_t i;
        json_t *cap;
        json_array_foreach(json_object_get(profile, "capabilities"), i, cap)
                if (json_is_string(cap) && streq(json_string_value(cap), "switchdev"))
                        switchdev = true;
        struct binding_port bp = {
                .vnic_type = vnic_type_from_string(row->p.vnic_type),
                .pci_vendor_info = json_str(profile, "pci_vendor_info"),
                .switchdev = switchdev,
        };
        struct binding_config cfg;
        struct binding_result res;
        ml2_binding_config(svc->ml2, &cfg);
        binding_decide(&cfg, &bp, &seg, n_segs, ba, n_agents, &res);

        if (!res.bound) {
                log_info("port %s: binding on host %s failed: %s", row->p.id, host, res.reason);
                return set_binding(row, res.vif_type, "{}", "DOWN");
        }
        _cleanup_json_ json_t *details =
                res.driver == MECH_OPENVSWITCH
                        ? json_pack("{s:b,s:s,s:b,s:s,s:s}", "port_filter", 1, "connectivity",
                                    "l2", "ovs_hybrid_plug", 0, "datapath_type", "system",
                                    "bridge_name", "br-int")
                        : json_pack("{s:b,s:s,s:s}", "port_filter", 0, "connectivity", "l2",
                                    "vlan", res.vlan);
        _cleanup_free_ char *text =
                details ? json_dumps(details, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (!text)
                return -ENOMEM;
        return set_binding(row, res.vif_type, text, res.status);
}

/* The new port's row: what was asked, Neutron's defaults for the rest;
 * what the service settles later (MAC, addresses, groups, binding) is
 * unset here. */
static int new_port_row(const struct netsvc_port_create *in, const char *id, const char *owner,
                        struct port_row *row)
{
        struct store_port *p = &row->p;
        const struct {
                const char **field;
                const char *value;
        } texts[] = {
                {&p->id, id},
                {&p->name, in->name ?: ""},
                {&p->network_id, in->network_id},
                {&p->project_id, owner},
                {&p->device_id, in->device_id ?: ""},
                {&p->device_owner, in->device_owner ?: ""},
                {&p->description, in->description ?: ""},
                {&p->vnic_type, in->vnic_type ?: "normal"},
                {&p->host, in->host_id ?: ""},
                {&p->extra_dhcp_opts, "[]"},
                {&p->tags, "[]"},
        };
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(texts); i++)
                r = port_row_set(row, texts[i].field, texts[i].value);
        /* Absent lists and profile as the empty ones' text. */
        if (r >= 0)
                r = in->allowed_address_pairs
                            ? port_row_set_json(row, &p->allowed_address_pairs,
                                                in->allowed_address_pairs)
                            : port_row_set(row, &p->allowed_address_pairs, "[]");
        if (r >= 0)
                r = in->profile ? port_row_set_json(row, &p->profile, in->profile)
                                : port_row_set(row, &p->profile, "{}");
        p->admin_state_up = !in->has_admin_state_up || in->admin_state_up;
        return r;
}

/* A list of ids as the JSON array text of a row's column. */
static int set_ids(struct port_row *row, const char **field, const char *const *ids, size_t n)
{
        _cleanup_json_ json_t *a = json_array();
        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (json_array_append_new(a, json_string(ids[i])) < 0)
                        return -ENOMEM;
        return port_row_set_json(row, field, a);
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

/* The row stored (create or update), a copy of it for the caller. */
static int port_store(const struct netsvc *svc, struct port_row *row, bool create,
                      struct store_port **ret)
{
        int r = port_row_put(svc, row, create);
        if (r < 0)
                return r;
        return (*ret = store_port_dup(&row->p)) ? 0 : -ENOMEM;
}

/* Inside a write transaction: network, security groups, MAC, IPs and
 * binding of a new port's row, then stored.  User errors fill err. */
static int create_tx(const struct netsvc *svc, const struct auth_context *auth,
                     const struct netsvc_port_create *in, const char *owner,
                     struct port_row *row, struct store_port **ret, struct service_error *err)
{
        _cleanup_network_ struct store_network *net = NULL;
        char mac[MAC_STR_LEN];
        int r;
        const char *net_id = in->network_id, *id = row->p.id;
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
                row->p.port_security_enabled = port_security;
                if (!port_security && in->has_security_groups && in->n_security_groups > 0)
                        r = service_fail(err, ERROR_KIND_INVALID, "PortSecurityAndIPRequiredForSecurityGroups",
                                              "Port security must be enabled and port must have "
                                              "an IP address in order to use security groups.");
        }
        if (r >= 0 && in->has_security_groups) {
                r = check_groups(svc, auth, in->security_groups, in->n_security_groups, err);
                if (r >= 0)
                        r = set_ids(row, &row->p.security_groups, in->security_groups,
                                    in->n_security_groups);
        }
        if (r >= 0 && !in->has_security_groups) {
                char sg[37];
                const char *ids[] = {sg};
                r = netsvc_default_sg(svc, owner, sg);
                if (r >= 0)
                        r = set_ids(row, &row->p.security_groups, ids, port_security ? 1 : 0);
        }
        if (r >= 0)
                r = assign_mac(svc, in->mac_address, id, mac, err);
        if (r >= 0)
                r = port_row_set(row, &row->p.mac_address, mac);
        if (r >= 0)
                r = ips_assign(svc, net, in->fixed_ips, &row->ips, id, mac, err);
        if (r >= 0)
                r = port_row_stamp(svc, row, true);
        if (r >= 0)
                r = netsvc_port_bind(svc, row, net);
        if (r >= 0)
                r = port_store(svc, row, true, ret);
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
        return svc_port_put(svc->store, port, port->host, false);
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
        _cleanup_(port_row_done) struct port_row row = {0};
        int r = new_port_row(in, id, owner, &row);
        if (r >= 0)
                r = netsvc_quota_check(svc, "port", owner, err);
        return r < 0 ? r : create_tx(svc, auth, in, owner, &row, ret, err);
}

int netsvc_port_may_delete(const struct netsvc *svc, const struct auth_context *auth,
                           const char *port_id)
{
        _cleanup_port_ struct store_port *port = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        int r = store_port_get(svc->store, port_id, &port);
        if (r >= 0) {
                r = store_network_get(svc->store, port->network_id ?: "", &net);
                if (r == -ENOENT)
                        r = 0;
        }
        if (r < 0)
                return r;
        struct policy_target tg = {
                .project_id = port->project_id,
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

static bool same_ip(const char *a, const char *b)
{
        int fa, fb;
        ip_value x, y;
        if (ip_parse(a, &fa, &x) < 0 || ip_parse(b, &fb, &y) < 0)
                return streq(a, b);
        return fa == fb && x == y;
}

/* A port's fixed_ips replaced by ASKED as Neutron's
 * _get_changed_ips_for_port does: an address asked that the port has is
 * kept; a subnet asked without an address keeps one of the port's
 * addresses on it, else gets a new one; what is not asked again is
 * released (first, so an address may move between entries); the rest is
 * allocated as on create. */
static int update_fixed_ips(const struct netsvc *svc, const struct store_network *net,
                            struct port_row *row, const json_t *asked,
                            struct service_error *err)
{
        if (json_array_size(asked) > MAX_FIXED_IPS_PER_PORT)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                    "Invalid input for operation: Exceeded maximum amount of "
                                    "fixed ips per port.");
        /* orig: the port's entries not matched yet; they move to kept. */
        _cleanup_(port_ips_done) struct port_ips orig = TAKE_STRUCT(row->ips), kept = {0};
        _cleanup_json_ json_t *add = json_array();
        if (!add)
                return -ENOMEM;
        size_t i, j;
        json_t *e;
        int r = 0;
        json_array_foreach(asked, i, e) {
                if (!json_is_object(e)) {
                        _cleanup_free_ char *text = json_dumps(e, JSON_ENCODE_ANY);
                        return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                            "Invalid input for fixed_ips. Reason: Invalid data "
                                            "format for fixed IP: '%s'.", text ?: "");
                }
                const char *ip = json_str(e, "ip_address");
                if (!json_object_get(e, "ip_address"))
                        continue;
                bool found = false;
                for (j = 0; j < orig.n; j++) {
                        const struct port_ip *o = &orig.v[j];
                        if (!same_ip(o->ip_address, ip ?: ""))
                                continue;
                        const char *sub = json_str(e, "subnet_id");
                        if (sub && !streq(sub, o->subnet_id))
                                break;
                        if ((r = port_ips_add(&kept, o->subnet_id, o->ip_address)) < 0)
                                return r;
                        port_ips_remove(&orig, j);
                        found = true;
                        break;
                }
                if (!found && json_array_append(add, e) < 0)
                        return -ENOMEM;
        }
        json_array_foreach(asked, i, e) {
                if (json_object_get(e, "ip_address"))
                        continue;
                bool found = false;
                const char *sub = json_str(e, "subnet_id");
                for (j = 0; sub && j < orig.n; j++) {
                        const struct port_ip *o = &orig.v[j];
                        if (!streq(sub, o->subnet_id))
                                continue;
                        if ((r = port_ips_add(&kept, o->subnet_id, o->ip_address)) < 0)
                                return r;
                        port_ips_remove(&orig, j);
                        found = true;
                        break;
                }
                if (!found && json_array_append(add, e) < 0)
                        return -ENOMEM;
        }
        /* What is not asked again goes, except an address from the MAC on
         * an auto-address subnet: it stays while the subnet does. */
        for (i = 0; i < orig.n; i++) {
                const struct port_ip *o = &orig.v[i];
                struct subnet_info s;
                r = ips_load_subnet(svc, o->subnet_id, &s);
                if (r < 0 && r != -ENOENT)
                        return r;
                if (r >= 0 && s.is_auto) {
                        if ((r = port_ips_add(&kept, o->subnet_id, o->ip_address)) < 0)
                                return r;
                        continue;
                }
                if ((r = ips_release(svc, o->subnet_id, o->ip_address)) < 0)
                        return r;
        }
        r = ips_assign(svc, net, add, &kept, row->p.id, row->p.mac_address, err);
        if (r < 0)
                return r;
        row->ips = TAKE_STRUCT(kept);
        return 0;
}

/* After a MAC change, each address from the MAC follows it (Neutron
 * reallocates EUI-64 addresses on update_port_with_ips). */
static int follow_mac(const struct netsvc *svc, struct port_row *row, struct service_error *err)
{
        for (size_t i = 0; i < row->ips.n; i++) {
                struct port_ip *o = &row->ips.v[i];
                struct subnet_info s;
                char ip[IP_STR_LEN];
                int r = ips_load_subnet(svc, o->subnet_id, &s);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                if (!s.is_auto)
                        continue;
                if ((r = ips_release(svc, o->subnet_id, o->ip_address)) < 0 ||
                    (r = ips_claim_eui64(svc, &s, row->p.mac_address, row->p.id, ip, err)) < 0)
                        return r;
                memcpy(o->ip_address, ip, sizeof(ip));
        }
        return 0;
}

/* A new MAC for a port no host uses (Neutron's PortBound otherwise). */
static int update_mac(const struct netsvc *svc, struct port_row *row, const char *asked,
                      struct service_error *err)
{
        char want[MAC_STR_LEN];
        uint8_t m[6];
        mac_parse(asked, m);
        mac_format(m, want);
        const char *old = row->p.mac_address ?: "";
        if (streq(old, want))
                return 0;
        const char *vif = row->p.vif_type ?: "unbound";
        if (!streq(vif, "unbound") && !streq(vif, "binding_failed"))
                return service_fail(err, ERROR_KIND_CONFLICT, "PortBound",
                                    "Unable to complete operation on port %s, port is already "
                                    "bound, port type: %s, old_mac %s, new_mac %s.",
                                    row->p.id, vif, old, want);
        char mac[MAC_STR_LEN];
        int r = assign_mac(svc, want, row->p.id, mac, err);
        if (r < 0)
                return r;
        r = store_release(svc->store, "mac", old);
        if (r < 0 && r != -ENOENT)
                return r;
        return port_row_set(row, &row->p.mac_address, mac);
}

/* The attributes recorded as given (MAC and fixed IPs are settled apart;
 * the groups were checked). */
static int apply_update(struct port_row *row, const struct netsvc_port_update *in)
{
        struct store_port *p = &row->p;
        const struct {
                bool given;
                const char **field;
                const char *value;
        } texts[] = {
                {in->has_name, &p->name, in->name},
                {in->has_description, &p->description, in->description},
                {in->has_device_id, &p->device_id, in->device_id},
                {in->has_device_owner, &p->device_owner, in->device_owner},
                {in->has_vnic_type, &p->vnic_type, in->vnic_type},
                {in->has_host_id, &p->host, in->host_id},
        };
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(texts); i++)
                if (texts[i].given && texts[i].value) /* null: kept */
                        r = port_row_set(row, texts[i].field, texts[i].value);
        if (r >= 0 && in->has_security_groups)
                r = set_ids(row, &p->security_groups, in->security_groups,
                            in->n_security_groups);
        if (r >= 0 && in->has_allowed_address_pairs)
                r = port_row_set_json(row, &p->allowed_address_pairs,
                                      in->allowed_address_pairs);
        if (r >= 0 && in->has_profile)
                r = port_row_set_json(row, &p->profile, in->profile);
        if (in->has_admin_state_up)
                p->admin_state_up = in->admin_state_up;
        if (in->has_port_security_enabled)
                p->port_security_enabled = in->port_security_enabled;
        return r;
}

/* How many ids a JSON array text column lists. */
static size_t column_size(const char *text)
{
        _cleanup_json_ json_t *a = port_column_json(text, false);
        return json_array_size(a);
}

int netsvc_port_update(const struct netsvc *svc, const struct auth_context *auth,
                       const char *port_id, const struct netsvc_port_update *in,
                       struct store_port **ret, struct service_error *err)
{
        _cleanup_(port_row_done) struct port_row row = {0};
        _cleanup_network_ struct store_network *net = NULL;
        int r = port_row_load(svc->store, port_id, &row);
        if (r >= 0 && !policy_may_read(auth, row.p.project_id, false))
                r = -ENOENT;
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "PortNotFound",
                                    "Port %s could not be found.", port_id);
        if (r < 0)
                return r;
        const struct store_port *p = &row.p;
        if (!policy_may_write(auth, p->project_id))
                return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                    "(rule:update_port) is disallowed by policy");
        if (!auth->is_admin) {
                r = store_network_get(svc->store, p->network_id ?: "", &net);
                if (r < 0 && r != -ENOENT)
                        return r;
                struct owner_asks asks = update_asks(in);
                r = check_network_owner_attrs(auth, net, &asks, false, err);
                if (r < 0)
                        return r;
        }
        bool new_ps = in->has_port_security_enabled ? in->port_security_enabled
                                                    : p->port_security_enabled;
        /* The stored groups are read only when port security is off. */
        if (!new_ps && (in->has_security_groups ? in->n_security_groups
                                                : column_size(p->security_groups)) > 0) {
                if (in->has_security_groups)
                        return service_fail(err, ERROR_KIND_INVALID,
                                            "PortSecurityAndIPRequiredForSecurityGroups",
                                            "Port security must be enabled and port must have "
                                            "an IP address in order to use security groups.");
                return service_fail(err, ERROR_KIND_CONFLICT, "PortSecurityPortHasSecurityGroup",
                                    "Port has security group associated. Cannot disable port "
                                    "security or ip address until security group is removed");
        }
        if (in->has_security_groups &&
            (r = check_groups(svc, auth, in->security_groups, in->n_security_groups, err)) < 0)
                return r;
        /* A bound port keeps its vnic type, as in Neutron: the VF claimed
         * for it would stay while the binding failed. */
        const char *device = p->device_id ?: "";
        if (in->has_vnic_type && !streq(in->vnic_type, p->vnic_type ?: "") &&
            (*device || *(p->host ?: "")))
                return service_fail(err, ERROR_KIND_CONFLICT, "PortInUse",
                                    "Unable to complete operation on port %s for network %s. "
                                    "Port already has an attached device %s.",
                                    port_id, p->network_id ?: "", device);
        if (in->has_fixed_ips || in->has_mac_address) {
                if (!net && (r = store_network_get(svc->store, p->network_id ?: "", &net)) < 0)
                        return r;
                if (in->has_mac_address &&
                    ((r = update_mac(svc, &row, in->mac_address, err)) < 0 ||
                     (r = follow_mac(svc, &row, err)) < 0))
                        return r;
                if (in->has_fixed_ips &&
                    (r = update_fixed_ips(svc, net, &row, in->fixed_ips, err)) < 0)
                        return r;
        }
        if ((r = apply_update(&row, in)) < 0 || (r = port_row_stamp(svc, &row, false)) < 0)
                return r;
        if (in->has_host_id || in->has_profile || in->has_vnic_type) {
                store_network_free(net);
                net = NULL;
                r = store_network_get(svc->store, p->network_id ?: "", &net);
                if (r >= 0)
                        r = netsvc_port_bind(svc, &row, net);
                if (r < 0)
                        return r;
        }
        return port_store(svc, &row, false, ret);
}
