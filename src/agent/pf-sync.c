#include "agent/pf-sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/log.h"
#include "base/macro.h"
#include "kernel/pci-sysfs.h"
#include "kernel/vf-program.h"
#include "kernel/vf-session.h"

static void state_done(struct agent_pf *pf)
{
        for (size_t i = 0; i < pf->n_state; i++)
                free(pf->vf_port[i]);
        free(pf->vf_port);
        free(pf->wants);
        free(pf->is);
        free(pf->failed);
        pf->vf_port = NULL;
        pf->wants = pf->is = NULL;
        pf->failed = NULL;
        pf->n_state = 0;
}

static void session_close(struct agent_pf *pf)
{
        if (pf->session) {
                vf_session_done(pf->session);
                free(pf->session);
                pf->session = NULL;
        }
}

/* The PF's session, its VFs read now: the one kept from the last sync when
 * it still reads (a resync is then one request), else a new one, which
 * resolves the PF's netdev afresh (renamed, driver rebound). */
static int session_read(struct agent_pf *pf, const char *root, struct vf_session **ret)
{
        int r;

        if (pf->session) {
                r = vf_session_reread(pf->session);
                if (r >= 0) {
                        *ret = pf->session;
                        return 0;
                }
                session_close(pf);
        }
        struct vf_session *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        r = vf_session_open(root, pf->map->device, s);
        if (r < 0) {
                free(s);
                return r;
        }
        pf->session = s;
        *ret = s;
        return 0;
}

void agent_pf_done(struct agent_pf *pf)
{
        session_close(pf);
        state_done(pf);
        free(pf->vfs);
        free(pf->ifname);
        free(pf->error);
        *pf = (struct agent_pf){0};
}

void pf_sync_result_done(struct pf_sync_result *r)
{
        free(r->ports);
        *r = (struct pf_sync_result){0};
}

static int read_vf_addresses(struct agent_pf *pf, const char *root)
{
        _cleanup_strv_free_ char **addrs = NULL;
        int r = pci_sysfs_pf_vfs(root, pf->address, &addrs);
        if (r < 0)
                return err_set(r, "%s (%s): cannot list its VFs: %s", pf->map->device, pf->address,
                               strerror(-r));
        size_t n = 0;
        while (addrs[n])
                n++;
        struct agent_vf *vfs = calloc(n ? n : 1, sizeof(*vfs));
        if (!vfs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                vfs[i].index = (uint32_t)i;
                snprintf(vfs[i].address, sizeof(vfs[i].address), "%s", addrs[i]);
        }
        free(pf->vfs);
        pf->vfs = vfs;
        pf->n_vfs = n;
        return 0;
}

int agent_pf_init(struct agent_pf *pf, const char *root, const struct agent_pf_map *map)
{
        *pf = (struct agent_pf){.map = map};
        int r = pci_sysfs_resolve(root, map->device, pf->address);
        if (r >= 0)
                r = read_vf_addresses(pf, root);
        if (r < 0)
                agent_pf_done(pf);
        return r;
}

int agent_pf_vf_index(const struct agent_pf *pf, const char *addr)
{
        for (size_t i = 0; i < pf->n_vfs; i++)
                if (strcasecmp(pf->vfs[i].address, addr) == 0)
                        return (int)pf->vfs[i].index;
        return -1;
}

static const char *vf_address(const struct agent_pf *pf, uint32_t vf)
{
        return vf < pf->n_vfs ? pf->vfs[vf].address : "?";
}

static void say_problems(const struct agent_pf *pf, const struct reconcile_plan *plan)
{
        for (size_t i = 0; i < plan->n_problems; i++) {
                char line[300];
                log_warning("%s", reconcile_problem_text(&plan->problems[i], pf->map->device, line,
                                                         sizeof(line)));
        }
}

/* A refusal: EOPNOTSUPP once per PF and field, anything else once per VF
 * and field (until it succeeds again). */
static void say_failure(struct agent_pf *pf, const struct vf_failure *f, const char *port,
                        uint32_t before)
{
        const char *field = vf_field_to_string(f->field);
        if (f->error == -EOPNOTSUPP) {
                if (!(pf->unsupported & VF_FIELD_BIT(f->field)))
                        log_warning("%s: its driver does not support setting a VF's %s "
                                    "(EOPNOTSUPP); ports on its VFs work without it and it is "
                                    "not asked again%s", pf->map->device, field,
                                    f->field == VF_FIELD_LINK_STATE
                                            ? " (the VF's link follows the PF's, as on the "
                                              "82576's igb)"
                                            : "");
                pf->unsupported |= VF_FIELD_BIT(f->field);
                return;
        }
        if (before & VF_FIELD_BIT(f->field))
                return;
        log_warning("port %s: %s VF %u (%s): the driver refused %s: %s%s%s", port ? port : "(free)",
                    pf->map->device, f->vf, vf_address(pf, f->vf), field, strerror(-f->error),
                    f->extack[0] ? ": " : "", f->extack);
}

static void say_programmed(const struct agent_pf *pf, const struct vf_config *want,
                           const char *port, uint32_t changed, uint32_t failed)
{
        char text[256] = "", v[64];
        size_t n = 0;
        for (int f = 0; f < _VF_FIELD_MAX && n < sizeof(text); f++) {
                if (!(changed & VF_FIELD_BIT(f)) || (failed & VF_FIELD_BIT(f)) ||
                    f == VF_FIELD_QOS || f == VF_FIELD_VLAN_PROTO)
                        continue;
                vf_config_field_text(want, (enum vf_field)f, v, sizeof(v));
                n += (size_t)snprintf(text + n, sizeof(text) - n, " %s %s",
                                      vf_field_to_string((enum vf_field)f), v);
        }
        if (!*text)
                return;
        if (port)
                log_info("port %s: %s VF %u (%s): set%s", port, pf->map->device, want->vf,
                         vf_address(pf, want->vf), text);
        else
                log_info("%s VF %u (%s): back to the free state:%s", pf->map->device, want->vf,
                         vf_address(pf, want->vf), text);
}

static bool vf_config_same(const struct vf_config *a, const struct vf_config *b)
{
        if (a->vf != b->vf || a->fields != b->fields)
                return false;
        for (int f = 0; f < _VF_FIELD_MAX; f++)
                if ((a->fields & VF_FIELD_BIT(f)) && !vf_config_field_equal(a, b, (enum vf_field)f))
                        return false;
        return true;
}

/* Whether the state about to be kept differs from the one kept: a sync
 * that changed nothing rewrites no status. */
static bool state_differs(const struct agent_pf *pf, size_t n, const struct vf_config *wants,
                          const struct vf_config *is, char *const *ports, const uint32_t *failed)
{
        if (n != pf->n_state)
                return true;
        for (size_t i = 0; i < n; i++) {
                const char *a = pf->vf_port[i], *b = ports[i];
                if (pf->failed[i] != failed[i] || !vf_config_same(&pf->wants[i], &wants[i]) ||
                    !vf_config_same(&pf->is[i], &is[i]) || (!a != !b) || (a && !streq(a, b)))
                        return true;
        }
        return false;
}

static int remember(struct agent_pf *pf, const struct vf_session *s, const struct reconcile_plan *plan,
                    const struct vf_failure *fails, size_t n_fails)
{
        size_t n = s->link->num_vf;
        struct vf_config *wants = calloc(n ? n : 1, sizeof(*wants));
        struct vf_config *is = calloc(n ? n : 1, sizeof(*is));
        char **ports = calloc(n ? n : 1, sizeof(*ports));
        uint32_t *failed = calloc(n ? n : 1, sizeof(*failed));
        if (!wants || !is || !ports || !failed) {
                free(wants), free(is), free(ports), free(failed);
                return -ENOMEM;
        }
        for (size_t i = 0; i < s->link->n_vfs; i++)
                if (s->link->vfs[i].vf < n)
                        is[s->link->vfs[i].vf] = s->link->vfs[i];
        for (size_t i = 0; i < n; i++)
                wants[i].vf = (uint32_t)i;
        for (size_t i = 0; i < plan->n_wants; i++) {
                uint32_t vf = plan->wants[i].vf;
                if (vf >= n)
                        continue;
                wants[vf] = plan->wants[i];
                if (plan->vf_port[i])
                        ports[vf] = strdup(plan->vf_port[i]);
                failed[vf] = vf_failed_fields(fails, n_fails, vf);
        }
        pf->state_changed = state_differs(pf, n, wants, is, ports, failed);
        state_done(pf);
        pf->wants = wants;
        pf->is = is;
        pf->vf_port = ports;
        pf->failed = failed;
        pf->n_state = n;
        return 0;
}

static int sync_open(struct agent_pf *pf, const char *root, const struct agent_port *ports,
                     size_t n_ports, struct pf_sync_result *ret)
{
        struct vf_session *s = NULL;
        struct reconcile_plan plan = {0};
        struct vf_commit commit = {0};
        int r = session_read(pf, root, &s);
        if (r >= 0 && s->link->num_vf != pf->n_vfs)
                r = read_vf_addresses(pf, root); /* VFs were created or removed */
        if (r >= 0 && s->link->num_vf != pf->n_vfs)
                r = err_set(-EAGAIN, "%s: the kernel reports %u VFs, sysfs %zu: changing now",
                            pf->map->device, s->link->num_vf, pf->n_vfs);
        if (r >= 0)
                r = agent_reconcile_pf(pf->map, pf->vfs, pf->n_vfs, ports, n_ports, &plan);
        if (r < 0)
                goto out;
        if (!pf->ifname || !streq(pf->ifname, s->ifname)) {
                free(pf->ifname);
                pf->ifname = strdup(s->ifname);
        }
        pf->ifindex = s->link->ifindex;
        say_problems(pf, &plan);
        /* What the driver cannot do is not asked again. */
        for (size_t i = 0; i < plan.n_wants; i++)
                plan.wants[i].fields &= ~pf->unsupported;

        r = vf_session_commit(s, plan.wants, plan.n_wants, false, &commit);
        if (r < 0)
                goto out;
        ret->ports = calloc(plan.n_matched ? plan.n_matched : 1, sizeof(*ret->ports));
        if (!ret->ports) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < plan.n_wants; i++) {
                uint32_t vf = plan.wants[i].vf;
                uint32_t failed = vf_failed_fields(commit.failures, commit.n_failures, vf);
                /* A refusal already said for the same VF and port is not said again. */
                uint32_t before = 0;
                if (vf < pf->n_state) {
                        const char *was = pf->vf_port[vf], *now = plan.vf_port[i];
                        if ((!was && !now) || (was && now && streq(was, now)))
                                before = pf->failed[vf];
                }
                for (size_t k = 0; k < commit.n_failures; k++)
                        if (commit.failures[k].vf == vf)
                                say_failure(pf, &commit.failures[k], plan.vf_port[i], before);
                if (commit.plan.sends[i].fields) {
                        ret->n_programmed++;
                        say_programmed(pf, &plan.wants[i], plan.vf_port[i], commit.plan.changed[i],
                                       failed);
                }
                if (plan.vf_port[i]) {
                        uint32_t essential = VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELD_BIT(VF_FIELD_VLAN);
                        ret->ports[ret->n_ports++] =
                                (struct pf_sync_port){plan.vf_port[i], !(failed & essential)};
                }
        }
        if (ret->n_programmed) {
                /* Read back what the kernel now holds, for the status. */
                struct rtnl_link *now = NULL;
                if (vf_read(s->sock, s->ifname, &now) >= 0) {
                        rtnl_link_free(s->link);
                        s->link = now;
                }
        }
        r = remember(pf, s, &plan, commit.failures, commit.n_failures);
out:
        /* The port ids in ret point into PORTS, not into the plan. */
        vf_commit_done(&commit);
        reconcile_plan_done(&plan);
        /* A failed sync opens afresh next time: the socket may hold a
         * stray reply, the netdev may be another. */
        if (r < 0)
                session_close(pf);
        return r;
}

int agent_pf_sync(struct agent_pf *pf, const char *root, const struct agent_port *ports,
                  size_t n_ports, struct pf_sync_result *ret)
{
        *ret = (struct pf_sync_result){0};
        pf->state_changed = false;
        int r = sync_open(pf, root, ports, n_ports, ret);
        char *was = pf->error;
        pf->error = r < 0 ? strdup(err_msg(r)) : NULL;
        if (r < 0)
                pf_sync_result_done(ret);
        if ((!was) != (!pf->error) || (was && pf->error && !streq(was, pf->error)))
                pf->state_changed = true;
        free(was);
        return r;
}
