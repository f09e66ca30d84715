#include "agent/reconcile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"

void reconcile_plan_done(struct reconcile_plan *p)
{
        free(p->wants);
        free(p->vf_port);
        free(p->problems);
        *p = (struct reconcile_plan){0};
}

static int add_problem(struct reconcile_plan *p, const char *port, enum reconcile_problem_kind k,
                       uint32_t vf)
{
        struct reconcile_problem *n = reallocarray(p->problems, p->n_problems + 1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        p->problems = n;
        n[p->n_problems++] = (struct reconcile_problem){port, k, vf};
        return 0;
}

/* The one port that asks for the VF at addr; *ret_many when several do. */
static const struct agent_port *port_for(const struct agent_port *ports, size_t n,
                                         const char *addr, bool *ret_many)
{
        const struct agent_port *found = NULL;
        *ret_many = false;
        for (size_t i = 0; i < n; i++)
                if (streq(ports[i].vf.pci_slot, addr)) {
                        if (found)
                                *ret_many = true;
                        else
                                found = &ports[i];
                }
        return found;
}

int agent_reconcile_pf(const struct agent_pf_map *pf, const struct agent_vf *vfs, size_t n_vfs,
                       const struct agent_port *ports, size_t n_ports,
                       struct reconcile_plan *ret)
{
        struct reconcile_plan p = {0};
        p.wants = calloc(n_vfs ? n_vfs : 1, sizeof(*p.wants));
        p.vf_port = calloc(n_vfs ? n_vfs : 1, sizeof(*p.vf_port));
        if (!p.wants || !p.vf_port) {
                reconcile_plan_done(&p);
                return -ENOMEM;
        }
        int r = 0;
        for (size_t i = 0; i < n_vfs && r >= 0; i++) {
                const struct agent_vf *vf = &vfs[i];
                bool many;
                const struct agent_port *port = port_for(ports, n_ports, vf->address, &many);
                if (agent_pf_excludes(pf, vf->address)) {
                        /* Never touched, whoever asks (R19). */
                        if (port)
                                r = add_problem(&p, port->id, RECONCILE_EXCLUDED, vf->index);
                        continue;
                }
                if (many) {
                        /* Two ports on one VF cannot both be right: the VF
                         * is left as it is and each port is told. */
                        for (size_t k = 0; k < n_ports && r >= 0; k++)
                                if (streq(ports[k].vf.pci_slot, vf->address))
                                        r = add_problem(&p, ports[k].id, RECONCILE_VF_TAKEN,
                                                        vf->index);
                        continue;
                }
                if (port && port->vf.physnet && !streq(port->vf.physnet, pf->physnet)) {
                        r = add_problem(&p, port->id, RECONCILE_WRONG_PHYSNET, vf->index);
                        continue;
                }
                struct vf_config *w = &p.wants[p.n_wants];
                if (port) {
                        *w = port->vf.want;
                        w->vf = vf->index;
                        p.vf_port[p.n_wants] = port->id;
                        p.n_matched++;
                } else
                        port_vf_free_state(vf->index, w);
                p.n_wants++;
        }
        if (r < 0) {
                reconcile_plan_done(&p);
                return r;
        }
        *ret = p;
        return 0;
}

const char *reconcile_problem_text(const struct reconcile_problem *p, const char *pf_device,
                                   char *buf, size_t size)
{
        switch (p->kind) {
        case RECONCILE_EXCLUDED:
                snprintf(buf, size, "port %s: %s VF %u is in exclude_devices; it is not "
                         "programmed", p->port_id, pf_device, p->vf);
                break;
        case RECONCILE_WRONG_PHYSNET:
                snprintf(buf, size, "port %s: %s VF %u is on another physical network than "
                         "the port's binding:profile.physical_network; it is not programmed",
                         p->port_id, pf_device, p->vf);
                break;
        case RECONCILE_VF_TAKEN:
                snprintf(buf, size, "port %s: %s VF %u is asked for by more than one port; it is "
                         "left as it is", p->port_id, pf_device, p->vf);
                break;
        }
        return buf;
}
