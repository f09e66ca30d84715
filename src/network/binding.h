/* ML2 port binding decisions of the `openvswitch` and `sriovnicswitch`
 * mechanism drivers (neutron ml2 drivers/mech_sriov/mech_driver.py,
 * mech_agent.py).  Pure: the port, its network's segments and the host's
 * agents come in; the binding (or why there is none) comes out. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum vnic_type {
        VNIC_NORMAL,
        VNIC_DIRECT,
        VNIC_MACVTAP,
        VNIC_BAREMETAL,
        VNIC_DIRECT_PHYSICAL,
        VNIC_VIRTIO_FORWARDER,
        VNIC_SMART_NIC,
        VNIC_VDPA,
        VNIC_ACCELERATOR_DIRECT,
        VNIC_ACCELERATOR_DIRECT_PHYSICAL,
        VNIC_REMOTE_MANAGED,
        _VNIC_TYPE_MAX,
        _VNIC_TYPE_INVALID = -1,
};

const char *vnic_type_to_string(enum vnic_type t);
enum vnic_type vnic_type_from_string(const char *s);

#define AGENT_TYPE_NIC_SWITCH "NIC Switch agent"
#define AGENT_TYPE_OVS "Open vSwitch agent"

enum mech_driver {
        MECH_OPENVSWITCH,
        MECH_SRIOVNICSWITCH,
        _MECH_DRIVER_MAX,
        _MECH_DRIVER_INVALID = -1,
};

const char *mech_driver_to_string(enum mech_driver d);
enum mech_driver mech_driver_from_string(const char *s);

struct binding_segment {
        const char *network_type; /* "flat", "vlan", "vxlan", ... */
        const char *physnet;      /* NULL for tunnels */
        unsigned segmentation_id; /* 0 for flat */
};

struct binding_agent {
        const char *agent_type;
        bool alive;
        /* physnets the agent serves: device_mappings (NIC Switch) or
         * bridge_mappings (Open vSwitch) keys */
        const char *const *physnets;
        size_t n_physnets;
        /* tunnel types an OVS agent serves ("vxlan", ...) */
        const char *const *tunnel_types;
        size_t n_tunnel_types;
};

struct binding_config {
        const enum mech_driver *drivers; /* [ml2] mechanism_drivers, in order */
        size_t n_drivers;
        bool agent_required;             /* [ml2_sriov] agent_required, default true */
        bool vendor_check;               /* supported_pci_vendor_devs was set */
        const char *const *vendor_devs;  /* "vvvv:pppp" */
        size_t n_vendor_devs;
};

struct binding_port {
        enum vnic_type vnic_type;
        const char *pci_vendor_info;     /* binding:profile.pci_vendor_info or NULL */
        bool switchdev;                  /* binding:profile.capabilities has "switchdev" */
};

struct binding_result {
        bool bound;
        enum mech_driver driver;
        const char *vif_type;            /* "hw_veb", "hostdev_physical", "ovs" or "binding_failed" */
        const char *status;              /* "DOWN" (agent will report) or "ACTIVE" */
        bool port_filter;
        char vlan[8];                    /* vif_details.vlan: segmentation id, "0" on flat */
        size_t segment;                  /* index of the bound segment */
        char reason[160];                /* why nothing bound, for the log */
};

/* Tries each mechanism driver in order; the first that binds wins.  Never
 * fails: an unbindable port gets vif_type binding_failed and a reason. */
void binding_decide(const struct binding_config *cfg, const struct binding_port *port,
                    const struct binding_segment *segments, size_t n_segments,
                    const struct binding_agent *agents, size_t n_agents,
                    struct binding_result *ret);

/* "vvvv:pppp" with 4 hex digits each ("Incorrect pci_vendor_info: ..."). */
int binding_check_vendor_info(const char *s);
