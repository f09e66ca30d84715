/* What a bound port asks of its VF (R17, R25, issue of the agent): the
 * port's MAC, the VLAN of its segment (binding:vif_details.vlan, "0" on a
 * flat network), spoof check from port_security_enabled, link state from
 * admin_state_up, trust from binding:profile.trusted; and the clean state a
 * VF goes back to when no port holds it.  Pure: a port document in, a
 * vf_config out. */
#pragma once

#include <jansson.h>

#include "vf/vf-config.h"

#define PORT_VF_SLOT_LEN 13 /* "dddd:bb:ss.f" + NUL */

struct port_vf {
        char pci_slot[PORT_VF_SLOT_LEN]; /* binding:profile.pci_slot, the VF's address */
        const char *physnet;             /* binding:profile.physical_network, borrowed; may be NULL */
        struct vf_config want;           /* every field but the rates; want.vf unset */
};

/* The VF state port asks for when it is bound to host.  -ENOENT when the
 * port is not the agent's to program on this host (bound elsewhere or not
 * at all, vif_type other than hw_veb: direct-physical hands over the whole
 * PF, a failed binding programs nothing).  -EINVAL with a message naming
 * the port and attribute for a document that cannot be programmed (no
 * pci_slot, a bad MAC or VLAN). */
int port_vf_from_port(const json_t *port, const char *host, struct port_vf *ret);

/* The state of a VF no port holds: MAC cleared, no VLAN, spoof check on,
 * trust off, link state auto (the VF follows the PF). */
void port_vf_free_state(uint32_t vf, struct vf_config *ret);

/* oslo's strutils.bool_from_string(), as Neutron reads
 * binding:profile.trusted: true for a JSON true or "1", "t", "true", "on",
 * "y", "yes" in any case; everything else is false. */
bool port_vf_bool_from_value(const json_t *v);
