/* The ML2 options vfnet-server reads from the operators' neutron.conf /
 * ml2_conf.ini files (see docs/server.md for every option). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/ini.h"
#include "network/binding.h"
#include "network/vlan-ranges.h"

struct ml2_config {
        char **type_drivers;            /* [ml2] type_drivers */
        char **tenant_network_types;    /* [ml2] tenant_network_types / project_network_types */
        enum mech_driver *mech_drivers; /* [ml2] mechanism_drivers (known ones, in order) */
        size_t n_mech_drivers;
        struct vlan_ranges *vlan_ranges; /* [ml2_type_vlan] network_vlan_ranges */
        char **flat_networks;           /* [ml2_type_flat] flat_networks, "*" = any */
        bool agent_required;            /* [ml2_sriov] agent_required */
        bool vendor_check;              /* [ml2_sriov] supported_pci_vendor_devs set */
        char **vendor_devs;
        uint8_t base_mac[6];            /* [DEFAULT] base_mac */
        long agent_down_time;           /* [DEFAULT] agent_down_time, seconds */
        long mtu;                       /* [DEFAULT] global_physnet_mtu */
};

/* Reads and checks every option; -EINVAL with "FILE:LINE: ..." messages.
 * Unknown mechanism drivers are an error: a typo must not silently leave
 * ports unbound. */
int ml2_config_load(const struct ini *ini, struct ml2_config **ret);
void ml2_config_free(struct ml2_config *c);

bool ml2_type_enabled(const struct ml2_config *c, const char *type);
bool ml2_flat_allowed(const struct ml2_config *c, const char *physnet);
/* Binding config view for binding_decide(). */
void ml2_binding_config(const struct ml2_config *c, struct binding_config *ret);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct ml2_config, ml2_config_free)
