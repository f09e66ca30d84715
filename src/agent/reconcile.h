/* One PF's VFs as they should be: each VF that a port bound to this host
 * holds gets the port's state, every other VF the agent manages gets the
 * free state, excluded VFs are never touched (R19).  Pure: the kernel's
 * list of the PF's VFs and the server's ports in, the whole desired state
 * out (the VF session then sends only what differs), with what could not
 * be done named per port. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "agent/agent-config.h"
#include "agent/port-vf.h"

/* A VF of a mapped PF as sysfs names it (virtfnN → its PCI address). */
struct agent_vf {
        uint32_t index;
        char address[PORT_VF_SLOT_LEN];
};

/* A port bound to this host that asks for a VF (port_vf_from_port()). */
struct agent_port {
        const char *id;
        struct port_vf vf;
};

enum reconcile_problem_kind {
        RECONCILE_EXCLUDED,      /* its VF is in exclude_devices */
        RECONCILE_WRONG_PHYSNET, /* its VF's PF is mapped to another physnet */
        RECONCILE_VF_TAKEN,      /* another port asks for the same VF */
};

struct reconcile_problem {
        const char *port_id; /* borrowed from the ports given */
        enum reconcile_problem_kind kind;
        uint32_t vf;
};

struct reconcile_plan {
        struct vf_config *wants; /* one per managed VF, in VF order */
        size_t n_wants;
        const char **vf_port;    /* per want: the port id it serves, NULL when free */
        struct reconcile_problem *problems;
        size_t n_problems;
        size_t n_matched;        /* ports of this PF given their VF */
};

/* Ports whose pci_slot is not a VF of this PF are ignored here (they belong
 * to another PF, or to no PF of this host: agent_reconcile_unplaced()). */
int agent_reconcile_pf(const struct agent_pf_map *pf, const struct agent_vf *vfs, size_t n_vfs,
                       const struct agent_port *ports, size_t n_ports,
                       struct reconcile_plan *ret);
void reconcile_plan_done(struct reconcile_plan *p);

/* A problem as one line: "port P: VF 0000:0b:10.1 (eth0 VF 3) is in
 * exclude_devices; it is not programmed". */
const char *reconcile_problem_text(const struct reconcile_problem *p, const char *pf_device,
                                   char *buf, size_t size);
