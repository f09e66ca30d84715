/* The VF counts `vfnet vf create --persist` records (R7), applied at every
 * boot by `vfnet vf restore` from vfnet-sriov.service, before the network
 * and the agent start.  One file per PF, named by its PCI address (stable
 * across boots, unlike netdev names):
 *
 *   /etc/vfnet/sriov-numvfs.d/0000:0b:00.0.conf
 *       # comment lines
 *       7
 */
#pragma once

#include "base/macro.h"

#define VF_PERSIST_DIR "/etc/vfnet/sriov-numvfs.d"

struct vf_persist_entry {
        char pf[16];
        int numvfs;
};

/* Record count for pf (atomic replace; writing the same count again changes
 * nothing).  Returns the file's path in ret_path (may be NULL). */
int vf_persist_write(const char *root, const char *pf, int count, char **ret_path);

/* The recorded count, -ENOENT when none; -EINVAL with a message naming the
 * file when it does not hold one count. */
int vf_persist_read(const char *root, const char *pf, int *ret);

/* Every record, sorted by PF address.  Files that do not parse are reported
 * through the message and skipped (*ret_bad counts them). */
int vf_persist_list(const char *root, struct vf_persist_entry **ret, size_t *ret_n, size_t *ret_bad);

/* Parse a record's content (pure). */
int vf_persist_parse(const char *text, int *ret);
