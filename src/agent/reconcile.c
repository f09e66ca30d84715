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

/* Ports sorted by pci_slot (stable: equal slots keep their order), so
 * each VF finds its ports by binary search: a resync of 256 VFs against
 * 256 ports is then n log n, not n * m string compares. */
struct slot_index {
        const struct agent_port *ports;
        size_t *order;
        size_t n;
};

static int cmp_slot(const void *a, const void *b, void *userdata)
{
        const struct agent_port *ports = userdata;
        size_t i = *(const size_t *)a, j = *(const size_t *)b;
        int c = strcmp(ports[i].vf.pci_slot, ports[j].vf.pci_slot);
        return c ? c : (i > j) - (i < j);
}

static int slot_index_make(const struct agent_port *ports, size_t n, struct slot_index *ret)
{
        ret->ports = ports;
        ret->n = n;
        ret->order = malloc((n ? n : 1) * sizeof(size_t));
        if (!ret->order)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                ret->order[i] = i;
        qsort_r(ret->order, n, sizeof(size_t), cmp_slot, (void *)ports);
        return 0;
}

/* The first position in the order whose port asks for addr, and how many do. */
static size_t slot_index_find(const struct slot_index *x, const char *addr, size_t *ret_count)
{
        size_t lo = 0, hi = x->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(x->ports[x->order[mid]].vf.pci_slot, addr) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        size_t k = lo;
        while (k < x->n && streq(x->ports[x->order[k]].vf.pci_slot, addr))
                k++;
        *ret_count = k - lo;
        return lo;
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
        struct slot_index idx;
        int r = slot_index_make(ports, n_ports, &idx);
        for (size_t i = 0; i < n_vfs && r >= 0; i++) {
                const struct agent_vf *vf = &vfs[i];
                size_t count, at = slot_index_find(&idx, vf->address, &count);
                bool many = count > 1;
                const struct agent_port *port = count ? &ports[idx.order[at]] : NULL;
                if (agent_pf_excludes(pf, vf->address)) {
                        /* Never touched, whoever asks (R19). */
                        if (port)
                                r = add_problem(&p, port->id, RECONCILE_EXCLUDED, vf->index);
                        continue;
                }
                if (many) {
                        /* Two ports on one VF cannot both be right: the VF
                         * is left as it is and each port is told. */
                        for (size_t k = at; k < at + count && r >= 0; k++)
                                r = add_problem(&p, ports[idx.order[k]].id, RECONCILE_VF_TAKEN,
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
        free(idx.order);
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
