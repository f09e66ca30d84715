#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/macro.h"
#include "kernel/netdev-resolve.h"
#include "kernel/vf-orig-store.h"
#include "kernel/vf-program.h"
#include "kernel/vf-session.h"

void vf_session_done(struct vf_session *s)
{
        free(s->root);
        free(s->arg);
        free(s->ifname);
        free(s->device_id);
        nl_sock_free(s->sock);
        rtnl_link_free(s->link);
        *s = (struct vf_session){0};
}

int vf_session_open(const char *root, const char *arg, struct vf_session *ret)
{
        struct vf_session s = {0};
        int r = 0;

        s.root = strdup(root ? root : "");
        s.arg = strdup(arg);
        if (!s.root || !s.arg)
                r = -ENOMEM;
        if (r >= 0)
                r = netdev_resolve(root, arg, &s.ifname);
        if (r >= 0)
                r = netdev_device_id(root, s.ifname, &s.device_id);
        if (r >= 0)
                r = nl_sock_open(0, &s.sock);
        if (r >= 0)
                r = vf_read(s.sock, s.ifname, &s.link);
        if (r >= 0 && (!s.link->has_num_vf || s.link->num_vf == 0))
                r = err_set(-ENODEV, "%s has no VFs (create them first: vfnet vf create %s COUNT)",
                            s.ifname, arg);
        if (r < 0) {
                vf_session_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

int vf_session_reread(struct vf_session *s)
{
        struct rtnl_link *link = NULL;
        int r = vf_read(s->sock, s->ifname, &link);

        if (r < 0)
                return r;
        if (!link->has_num_vf || link->num_vf == 0) {
                rtnl_link_free(link);
                return err_set(-ENODEV, "%s has no VFs any more", s->ifname);
        }
        rtnl_link_free(s->link);
        s->link = link;
        return 0;
}

void vf_commit_done(struct vf_commit *c)
{
        vf_change_plan_done(&c->plan);
        free(c->failures);
        *c = (struct vf_commit){0};
}

static int plan(const struct vf_session *s, const struct vf_config *wants, size_t n,
                struct vf_change_plan *ret)
{
        int r = vf_change_plan_make(s->link->vfs, s->link->n_vfs, s->link->num_vf, wants, n, ret);

        if (r < 0)
                return err_prefix(r, "%s", s->arg);
        return 0;
}

int vf_session_check(const struct vf_session *s, const struct vf_config *wants, size_t n)
{
        _cleanup_(vf_change_plan_done) struct vf_change_plan p = {0};

        return plan(s, wants, n, &p);
}

/* The state before vfnet's first change is the original. */
static int save_originals(const struct vf_session *s, const struct vf_change_plan *p)
{
        _cleanup_(vf_orig_store_freep) struct vf_orig_store *store = NULL;
        int r;

        r = vf_orig_store_open(s->root, s->device_id, s->ifname, &store);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n; i++)
                if (p->sends[i].fields && (r = vf_orig_store_add(store, &p->before[i])) < 0)
                        return r;
        return vf_orig_store_save(store);
}

int vf_session_commit(struct vf_session *s, const struct vf_config *wants, size_t n, bool save_original,
                      struct vf_commit *ret)
{
        _cleanup_(vf_commit_done) struct vf_commit c = {0};
        int r;

        r = plan(s, wants, n, &c.plan);
        if (r < 0)
                return r;
        if (c.plan.n_changing > 0) {
                if (save_original && (r = save_originals(s, &c.plan)) < 0)
                        return r;
                r = vf_program(s->sock, s->link->ifindex, c.plan.sends, n, &c.failures, &c.n_failures);
                if (r < 0)
                        return err_prefix(r, "%s", s->ifname);
        }
        *ret = c;
        c = (struct vf_commit){0};
        return 0;
}

int vf_session_restore(struct vf_session *s, uint32_t vf, struct vf_commit *ret)
{
        _cleanup_(vf_orig_store_freep) struct vf_orig_store *store = NULL;
        _cleanup_(vf_commit_done) struct vf_commit c = {0};
        struct vf_config orig;
        int r;

        r = vf_orig_store_open(s->root, s->device_id, s->ifname, &store);
        if (r < 0)
                return r;
        r = vf_orig_store_get(store, vf, &orig);
        if (r == -ENOENT)
                return err_set(-ENOENT, "nothing saved for VF %u of %s: vfnet has not changed it", vf,
                               s->ifname);
        if (r < 0)
                return r;
        r = vf_session_commit(s, &orig, 1, false, &c);
        if (r < 0)
                return r;
        /* Restored in full: the saved original is done with. */
        if ((vf_failed_fields(c.failures, c.n_failures, vf) & c.plan.changed[0]) == 0) {
                r = vf_orig_store_remove(store, vf);
                if (r >= 0)
                        r = vf_orig_store_save(store);
                if (r < 0)
                        return r;
        }
        *ret = c;
        c = (struct vf_commit){0};
        return 0;
}
