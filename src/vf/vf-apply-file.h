/* The desired-state file of `vfnet vf apply`: a JSON object mapping each PF
 * (netdev name or PCI address) to a list of VF objects in the vf-json.h
 * format.  Parsing checks everything that needs no kernel and names the
 * position of each error ("eth0[3]").  Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/macro.h"

#include "vf/vf-config.h"

struct vf_apply_pf {
        char *pf;
        size_t n_vfs;
        struct vf_config *vfs;
};

struct vf_apply_file {
        size_t n_pfs;
        struct vf_apply_pf *pfs;
};

void vf_apply_file_free(struct vf_apply_file *f);
DEFINE_POINTER_CLEANUP(struct vf_apply_file, vf_apply_file_free)

/* text is the file's content; name is used in messages. */
int vf_apply_file_parse(const char *text, const char *name, struct vf_apply_file **ret);
/* The same through a JSON tree alone, without the fast path of
 * vf-apply-fast.h (tests compare the two). */
int vf_apply_file_parse_json(const char *text, const char *name, struct vf_apply_file **ret);
/* Whether a and b hold the same PFs and VF settings. */
bool vf_apply_file_equal(const struct vf_apply_file *a, const struct vf_apply_file *b);
