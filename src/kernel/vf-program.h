/* Reading and programming the VFs of a PF over rtnetlink: the kernel-facing
 * half of `vfnet vf` and of the agent. */
#pragma once

#include <stddef.h>

#include "kernel/netlink-socket.h"
#include "kernel/rtnl-link.h"
#include "vf/vf-config.h"
#include "vf/vf-plan.h"

/* Every VF of one link, asked for that link alone with RTEXT_FILTER_VF |
 * RTEXT_FILTER_SKIP_STATS (a dump or a small buffer is what truncates
 * `ip link show`).  Fails when the entries differ from IFLA_NUM_VF. */
int vf_read(struct nl_sock *s, const char *ifname, struct rtnl_link **ret);

/* Send sends[i] (its .fields = what to set) to VF sends[i].vf of link
 * ifindex: one RTM_SETLINK per VF, all over one socket, then every ACK.
 * The kernel stops at a VF's first failing attribute, so a VF whose
 * message fails is sent again one field group at a time: each failure is
 * attributed to its fields and the other fields still get set (e.g. a NIC
 * without link-state control, R22).  Entries with no fields are skipped.
 * Returns a negative errno only when the socket fails; per-field failures
 * go to ret_failures. */
int vf_program(struct nl_sock *s, int ifindex, const struct vf_config *sends, size_t n,
               struct vf_failure **ret_failures, size_t *ret_n_failures);
