/* The original state of VFs, saved before vfnet first changes them so that
 * `vfnet vf reset` can put them back (libvirt virNetDevSaveNetConfig()).
 * One JSON file per PF under ROOT/var/lib/vfnet/vf-orig/, named by the PF's
 * device id (netdev_device_id(): its PCI address on real NICs), holding
 * {"pf": IFNAME, "vfs": {"N": VF object}}; replaced atomically. */
#pragma once

#include <stdbool.h>

#include "base/macro.h"
#include "kernel/vf-config.h"

#define VF_ORIG_DIR "/var/lib/vfnet/vf-orig"

struct vf_orig_store;

/* Load the PF's file (an empty store when there is none). */
int vf_orig_store_open(const char *root, const char *device_id, const char *ifname,
                       struct vf_orig_store **ret);
void vf_orig_store_free(struct vf_orig_store *s);
DEFINE_POINTER_CLEANUP(struct vf_orig_store, vf_orig_store_free)

bool vf_orig_store_has(const struct vf_orig_store *s, uint32_t vf);
/* Remember c as VF c->vf's original unless one is already saved (the first
 * state vfnet saw is the original).  Returns 1 when added. */
int vf_orig_store_add(struct vf_orig_store *s, const struct vf_config *c);
/* -ENOENT when nothing is saved for vf. */
int vf_orig_store_get(const struct vf_orig_store *s, uint32_t vf, struct vf_config *ret);
int vf_orig_store_remove(struct vf_orig_store *s, uint32_t vf);
/* Write the file if anything changed (removing it once empty). */
int vf_orig_store_save(struct vf_orig_store *s);
