#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "network/binding.h"

static const char *const vnic_names[_VNIC_TYPE_MAX] = {
        [VNIC_NORMAL] = "normal",
        [VNIC_DIRECT] = "direct",
        [VNIC_MACVTAP] = "macvtap",
        [VNIC_BAREMETAL] = "baremetal",
        [VNIC_DIRECT_PHYSICAL] = "direct-physical",
        [VNIC_VIRTIO_FORWARDER] = "virtio-forwarder",
        [VNIC_SMART_NIC] = "smart-nic",
        [VNIC_VDPA] = "vdpa",
        [VNIC_ACCELERATOR_DIRECT] = "accelerator-direct",
        [VNIC_ACCELERATOR_DIRECT_PHYSICAL] = "accelerator-direct-physical",
        [VNIC_REMOTE_MANAGED] = "remote-managed",
};

const char *vnic_type_to_string(enum vnic_type t)
{
        return t >= 0 && t < _VNIC_TYPE_MAX ? vnic_names[t] : NULL;
}

enum vnic_type vnic_type_from_string(const char *s)
{
        for (int i = 0; s && i < _VNIC_TYPE_MAX; i++)
                if (streq(vnic_names[i], s))
                        return (enum vnic_type)i;
        return _VNIC_TYPE_INVALID;
}

static const char *const mech_names[_MECH_DRIVER_MAX] = {
        [MECH_OPENVSWITCH] = "openvswitch",
        [MECH_SRIOVNICSWITCH] = "sriovnicswitch",
};

const char *mech_driver_to_string(enum mech_driver d)
{
        return d >= 0 && d < _MECH_DRIVER_MAX ? mech_names[d] : NULL;
}

enum mech_driver mech_driver_from_string(const char *s)
{
        for (int i = 0; s && i < _MECH_DRIVER_MAX; i++)
                if (streq(mech_names[i], s))
                        return (enum mech_driver)i;
        return _MECH_DRIVER_INVALID;
}

int binding_check_vendor_info(const char *s)
{
        if (!s || strlen(s) != 9 || s[4] != ':')
                goto bad;
        for (int i = 0; i < 9; i++)
                if (i != 4 && !isxdigit((unsigned char)s[i]))
                        goto bad;
        return 0;
bad:
        return err_set(-EINVAL, "Incorrect pci_vendor_info: \"%s\", should be pair "
                       "vendor_id:product_id", s ? s : "");
}

static bool is_l2_segment(const struct binding_segment *s)
{
        return s->physnet && (streq(s->network_type, "flat") || streq(s->network_type, "vlan"));
}

static bool agent_serves(const struct binding_agent *a, const struct binding_segment *s)
{
        if (is_l2_segment(s)) {
                for (size_t i = 0; i < a->n_physnets; i++)
                        if (streq(a->physnets[i], s->physnet))
                                return true;
                return false;
        }
        for (size_t i = 0; i < a->n_tunnel_types; i++)
                if (streq(a->tunnel_types[i], s->network_type))
                        return true;
        return false;
}

static void set_bound(struct binding_result *ret, enum mech_driver d, const char *vif_type,
                      const char *status, bool port_filter, const struct binding_segment *s,
                      size_t index)
{
        ret->bound = true;
        ret->driver = d;
        ret->vif_type = vif_type;
        ret->status = status;
        ret->port_filter = port_filter;
        ret->segment = index;
        snprintf(ret->vlan, sizeof(ret->vlan), "%u",
                 streq(s->network_type, "vlan") ? s->segmentation_id : 0);
}

/* Agent-based binding: each alive agent of the type, in order, tries every
 * segment in order (mech_agent.py AgentMechanismDriverBase.bind_port). */
static bool bind_with_agents(enum mech_driver d, const char *agent_type, const char *vif_type,
                             bool port_filter, bool l2_only, const struct binding_segment *segs,
                             size_t n_segs, const struct binding_agent *agents, size_t n_agents,
                             struct binding_result *ret)
{
        bool any = false;
        for (size_t a = 0; a < n_agents; a++) {
                if (!streq(agents[a].agent_type, agent_type))
                        continue;
                any = true;
                if (!agents[a].alive) {
                        snprintf(ret->reason, sizeof(ret->reason),
                                 "%s: attempted to bind with dead agent", mech_names[d]);
                        continue;
                }
                for (size_t s = 0; s < n_segs; s++) {
                        if (l2_only && !is_l2_segment(&segs[s]))
                                continue;
                        if (agent_serves(&agents[a], &segs[s])) {
                                set_bound(ret, d, vif_type, "DOWN", port_filter, &segs[s], s);
                                return true;
                        }
                }
                snprintf(ret->reason, sizeof(ret->reason),
                         "%s: no segment's physical network is in the %s's mappings",
                         mech_names[d], agent_type);
        }
        if (!any)
                snprintf(ret->reason, sizeof(ret->reason), "%s: no %s on the host", mech_names[d],
                         agent_type);
        return false;
}

static bool try_ovs(const struct binding_port *port, const struct binding_segment *segs,
                    size_t n_segs, const struct binding_agent *agents, size_t n_agents,
                    struct binding_result *ret)
{
        /* OVS binds normal ports, and direct ports of switchdev NICs (offload). */
        if (port->vnic_type != VNIC_NORMAL && !(port->vnic_type == VNIC_DIRECT && port->switchdev)) {
                snprintf(ret->reason, sizeof(ret->reason),
                         "openvswitch: vnic_type %s is not supported",
                         vnic_type_to_string(port->vnic_type));
                return false;
        }
        return bind_with_agents(MECH_OPENVSWITCH, AGENT_TYPE_OVS, "ovs", true, false, segs, n_segs,
                                agents, n_agents, ret);
}

static bool vendor_allowed(const struct binding_config *cfg, const struct binding_port *port,
                           struct binding_result *ret)
{
        if (!cfg->vendor_check)
                return true;
        if (!port->pci_vendor_info) {
                snprintf(ret->reason, sizeof(ret->reason),
                         "sriovnicswitch: binding:profile has no pci_vendor_info");
                return false;
        }
        if (binding_check_vendor_info(port->pci_vendor_info) < 0) {
                snprintf(ret->reason, sizeof(ret->reason), "sriovnicswitch: %s", err_msg(-EINVAL));
                return false;
        }
        for (size_t i = 0; i < cfg->n_vendor_devs; i++)
                if (strcasecmp(cfg->vendor_devs[i], port->pci_vendor_info) == 0)
                        return true;
        snprintf(ret->reason, sizeof(ret->reason),
                 "sriovnicswitch: pci_vendor_info %s is not in supported_pci_vendor_devs",
                 port->pci_vendor_info);
        return false;
}

static bool try_sriov(const struct binding_config *cfg, const struct binding_port *port,
                      const struct binding_segment *segs, size_t n_segs,
                      const struct binding_agent *agents, size_t n_agents,
                      struct binding_result *ret)
{
        enum vnic_type t = port->vnic_type;
        if (t != VNIC_DIRECT && t != VNIC_MACVTAP && t != VNIC_DIRECT_PHYSICAL &&
            t != VNIC_ACCELERATOR_DIRECT) {
                snprintf(ret->reason, sizeof(ret->reason),
                         "sriovnicswitch: vnic_type %s is not supported", vnic_type_to_string(t));
                return false;
        }
        if (t == VNIC_DIRECT && port->switchdev) {
                snprintf(ret->reason, sizeof(ret->reason),
                         "sriovnicswitch: direct ports of switchdev NICs are bound by openvswitch");
                return false;
        }
        if (!vendor_allowed(cfg, port, ret))
                return false;
        const char *vif_type = t == VNIC_DIRECT_PHYSICAL ? "hostdev_physical" : "hw_veb";

        /* PFs are never managed by the agent; legacy agent_required=False
         * binds VFs the same way: first flat/vlan segment, ACTIVE at once. */
        if (t == VNIC_DIRECT_PHYSICAL || !cfg->agent_required) {
                for (size_t s = 0; s < n_segs; s++)
                        if (is_l2_segment(&segs[s])) {
                                set_bound(ret, MECH_SRIOVNICSWITCH, vif_type, "ACTIVE", false,
                                          &segs[s], s);
                                return true;
                        }
                snprintf(ret->reason, sizeof(ret->reason),
                         "sriovnicswitch: no flat or vlan segment (SriovUnsupportedNetworkType)");
                return false;
        }
        return bind_with_agents(MECH_SRIOVNICSWITCH, AGENT_TYPE_NIC_SWITCH, vif_type, false, true,
                                segs, n_segs, agents, n_agents, ret);
}

void binding_decide(const struct binding_config *cfg, const struct binding_port *port,
                    const struct binding_segment *segments, size_t n_segments,
                    const struct binding_agent *agents, size_t n_agents,
                    struct binding_result *ret)
{
        *ret = (struct binding_result){.vif_type = "binding_failed", .status = "DOWN",
                                       .driver = _MECH_DRIVER_INVALID};
        snprintf(ret->reason, sizeof(ret->reason), "no mechanism driver configured");
        for (size_t i = 0; i < cfg->n_drivers; i++) {
                bool ok = false;
                switch (cfg->drivers[i]) {
                case MECH_OPENVSWITCH:
                        ok = try_ovs(port, segments, n_segments, agents, n_agents, ret);
                        break;
                case MECH_SRIOVNICSWITCH:
                        ok = try_sriov(cfg, port, segments, n_segments, agents, n_agents, ret);
                        break;
                default:
                        break;
                }
                if (ok)
                        return;
        }
}
