/* Where the original state of VFs is kept (the table and its text form
 * are vf/vf-orig.h): one file per PF under ROOT/var/lib/vfnet/vf-orig/,
 * named by the PF's device id (netdev_device_id(): its PCI address on real
 * NICs), replaced atomically, for `vfnet vf reset`. */
#pragma once

#include <stdbool.h>

#include "base/macro.h"
#include "vf/vf-config.h"

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
