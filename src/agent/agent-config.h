/* What vfnet-agent reads from the files operators already have on a compute
 * node (R18, R19; docs/agent.md):
 *
 *   sriov_agent.ini  [sriov_nic] physical_device_mappings, exclude_devices
 *                    [agent] report_interval (polling_interval accepted)
 *                    [DEFAULT] host
 *   nova.conf        [pci] device_spec / passthrough_whitelist (what the host
 *                    offers, sent raw in the compute report)
 *                    [neutron] the service credential nova-compute already
 *                    uses to call the network service
 *                    [libvirt] connection_uri, virt_type (how instances are
 *                    spawned, as nova-compute's libvirt driver reads them)
 *
 * Pure: works on a loaded struct ini; whether the mapped devices exist is
 * checked by the agent at start against the kernel. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/ini.h"
#include "pci/devspec.h"

/* One PF of physical_device_mappings with the VFs exclude_devices keeps
 * out of the agent's hands. */
struct agent_pf_map {
        char *physnet;
        char *device;    /* the PF's netdev name */
        char **excluded; /* strv of PCI addresses as written (exact match) */
};

struct agent_credential {
        char *auth_url;       /* Keystone v3 URL */
        char *username;
        char *password;
        char *project_name;
        char *user_domain_name;    /* default "Default" */
        char *project_domain_name; /* default "Default" */
        char *endpoint_override;   /* the network endpoint; NULL: from the catalog */
};

struct agent_config {
        char *host; /* [DEFAULT] host; NULL: the machine's hostname */
        struct agent_pf_map *pfs; /* in file order, one per device */
        size_t n_pfs;
        long report_interval;         /* seconds */
        bool polling_interval_set;    /* accepted, not used: see docs/agent.md */
        struct pci_whitelist *whitelist; /* [pci] device_spec, checked as Nova does */
        struct agent_credential credential;
        char *libvirt_uri; /* [libvirt] connection_uri; default qemu:///system */
        char *virt_type;   /* [libvirt] virt_type: "kvm" (default) or "qemu" */
};

/* Reads and checks every option.  Errors are -EINVAL with one message that
 * names FILE:LINE and the option, in Neutron's words where Neutron has
 * them ("Invalid mapping: 'x'", "Missing key in mapping: ...",
 * "Device eth1 in mapping: ... not unique", "Invalid exclude_devices: Device
 * name eth3 is missing from physical_device_mappings").  A device mapped to
 * two different physnets is refused: its VFs would belong to two physical
 * networks, and Nova's device_spec gives each device one. */
int agent_config_load(const struct ini *ini, struct agent_config **ret);
void agent_config_free(struct agent_config *c);

/* The mapping of a PF netdev, or NULL. */
const struct agent_pf_map *agent_config_pf(const struct agent_config *c, const char *device);

/* True when exclude_devices keeps the VF at PCI address ADDR of that PF. */
bool agent_pf_excludes(const struct agent_pf_map *pf, const char *addr);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct agent_config, agent_config_free)
