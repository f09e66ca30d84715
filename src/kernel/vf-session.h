/* A VF session on one PF: open the PF and read its VFs, plan wanted states
 * against them, save each changing VF's original state, program, and hand
 * back the per-field results as data.  The one sequence behind `vfnet vf
 * set/apply/reset` and the agent; reporting is the caller's. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kernel/netlink-socket.h"
#include "kernel/rtnl-link.h"
#include "vf/vf-config.h"
#include "vf/vf-plan.h"

struct vf_session {
        char *root;   /* as given to vf_session_open() */
        char *arg;    /* the PF as the caller named it (netdev or PCI address) */
        char *ifname; /* its netdev */
        char *device_id;
        struct nl_sock *sock;
        struct rtnl_link *link; /* its VFs as read at open */
};

/* Open the PF named arg under root; fails when it has no VFs. */
int vf_session_open(const char *root, const char *arg, struct vf_session *ret);
void vf_session_done(struct vf_session *s);

/* Read the PF's VFs again over the session's socket, for a caller that
 * keeps one session across many commits (the agent: a resync is then one
 * request, with no socket opened and no sysfs read).  Fails when the
 * netdev is gone or renamed (-ENODEV) or has no VFs left: the caller then
 * opens a new session, which resolves the PF afresh. */
int vf_session_reread(struct vf_session *s);

/* What one commit did: the plan (entry i for wants[i]: the VF before,
 * what was sent, the wanted fields that differed) and the fields the
 * kernel refused, with its reasons.  A changed field not in failures was
 * set. */
struct vf_commit {
        struct vf_change_plan plan;
        struct vf_failure *failures;
        size_t n_failures;
};

void vf_commit_done(struct vf_commit *c);

/* Plan only (nothing is sent), for checking every PF of a desired state
 * before changing any.  Errors are prefixed with s->arg. */
int vf_session_check(const struct vf_session *s, const struct vf_config *wants, size_t n);

/* Bring VFs of the PF to wants[0..n) (each .fields = what is wanted): plan
 * every entry first (nothing is sent if one is bad), save the original
 * state of each changing VF (the state before vfnet's first change; only
 * when save_original), program, and fill ret.  A field the kernel refuses
 * is a result, not an error: the call fails only when nothing could be
 * tried (bad entry, saving failed, socket failure). */
int vf_session_commit(struct vf_session *s, const struct vf_config *wants, size_t n, bool save_original,
                      struct vf_commit *ret);

/* Put VF vf back to its saved original state: -ENOENT (with a message)
 * when nothing is saved for it.  The saved state is dropped once every
 * field was restored; it stays when a field failed. */
int vf_session_restore(struct vf_session *s, uint32_t vf, struct vf_commit *ret);
