/* The original states of a PF's VFs, saved before vfnet first changes them
 * so that they can be put back (libvirt virNetDevSaveNetConfig()): a table
 * by VF index and its text form {"pf": IFNAME, "vfs": {"N": VF object}}
 * (VF objects as vf-json.h writes them).  Pure: where it is kept and how
 * it is read and written is kernel/vf-orig-store.h's. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/macro.h"
#include "base/strbuf.h"
#include "vf/vf-config.h"

struct vf_orig;

/* An empty table for the PF whose netdev is ifname. */
int vf_orig_new(const char *ifname, struct vf_orig **ret);
void vf_orig_free(struct vf_orig *o);
DEFINE_POINTER_CLEANUP(struct vf_orig, vf_orig_free)

/* Add the VFs of text (the text form); name is what messages call it.
 * -EBADMSG, with a message, when text is not that form. */
int vf_orig_parse(struct vf_orig *o, const char *text, const char *name);
/* The text form, appended to sb. */
int vf_orig_format(const struct vf_orig *o, struct strbuf *sb);

size_t vf_orig_count(const struct vf_orig *o);
bool vf_orig_has(const struct vf_orig *o, uint32_t vf);
/* Remember c as VF c->vf's original unless one is already there (the first
 * state vfnet saw is the original).  Returns 1 when added. */
int vf_orig_add(struct vf_orig *o, const struct vf_config *c);
/* -ENOENT when nothing is saved for vf. */
int vf_orig_get(const struct vf_orig *o, uint32_t vf, struct vf_config *ret);
/* Returns 1 when vf was there. */
int vf_orig_remove(struct vf_orig *o, uint32_t vf);
