/* One mapped PF on the host, kept as the ports bound to it ask: read its
 * VFs (one rtnetlink request), work out every managed VF's wanted state
 * (agent/reconcile), program exactly what differs (kernel/vf-session), and
 * remember what was wanted and what the kernel then holds, for the
 * agent's status.  Fields the PF's driver does not support at all
 * (EOPNOTSUPP: link state on the 82576's igb, R22) are said once per PF
 * and not asked again; other refusals are said once per VF and field.
 * Every log line names the port, the PF and the VF. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/agent-config.h"
#include "agent/reconcile.h"

struct vf_session;

struct agent_pf {
        const struct agent_pf_map *map; /* borrowed from the config */
        struct vf_session *session;     /* kept open across syncs, NULL until the first */
        char address[16];               /* the PF's PCI address */
        char *ifname;                   /* its netdev as last opened */
        int ifindex;                    /* 0 until the first sync */
        struct agent_vf *vfs;           /* virtfn addresses, re-read when the VF count changes */
        size_t n_vfs;
        uint32_t unsupported;           /* VF_FIELD_BIT()s the driver refuses with EOPNOTSUPP */
        /* The last sync, for the status: one entry per VF index. */
        struct vf_config *wants;        /* .fields = 0: not managed (excluded) */
        struct vf_config *is;           /* as read back from the kernel */
        char **vf_port;                 /* the port each VF serves, or NULL */
        uint32_t *failed;               /* fields refused at the last attempt */
        size_t n_state;
        char *error;                    /* why the last sync failed, or NULL */
        bool state_changed;             /* the last sync changed any of the above */
};

/* What one sync did for one port of this PF. */
struct pf_sync_port {
        const char *port_id; /* borrowed from the ports given */
        bool ready;          /* MAC and VLAN are in place: the device is up */
};

struct pf_sync_result {
        size_t n_programmed;     /* VFs something was sent to */
        struct pf_sync_port *ports;
        size_t n_ports;
};

void pf_sync_result_done(struct pf_sync_result *r);

/* Resolve the PF's address and read its VFs' addresses under ROOT. */
int agent_pf_init(struct agent_pf *pf, const char *root, const struct agent_pf_map *map);
void agent_pf_done(struct agent_pf *pf);

/* Bring the PF's VFs to what PORTS (every port bound to the host that
 * asks for a VF, any PF) want.  Fails only when the PF cannot be read or
 * programmed at all (its message recorded, pf->error set); a refused field
 * is a result. */
int agent_pf_sync(struct agent_pf *pf, const char *root, const struct agent_port *ports,
                  size_t n_ports, struct pf_sync_result *ret);

/* The VF of this PF at PCI address ADDR, or -1. */
int agent_pf_vf_index(const struct agent_pf *pf, const char *addr);
