/* Creating and removing VFs through a PF's sriov_numvfs (R6): refuse above
 * sriov_totalvfs, write 0 first when a different non-zero count is set (the
 * kernel answers EBUSY otherwise), wait (bounded) until the VFs exist, and
 * put the old count back when the new one is refused after 0 was written.
 * Every kernel answer becomes one line naming the device and what to do. */
#pragma once

#include "base/macro.h"

/* How sriov_numvfs is written; the default is write_string_file().  Tests
 * install a writer that behaves like the kernel on a fixture tree. */
typedef int (*sriov_write_fn)(const char *path, const char *value);
void sriov_set_writer(sriov_write_fn fn); /* NULL: the default */

struct sriov_result {
        int previous;  /* sriov_numvfs before */
        int numvfs;    /* after */
        char **vfs;    /* the VFs' addresses in virtfn order, NULL-terminated */
};
void sriov_result_done(struct sriov_result *r);

/* Set the VF count of PF (a canonical PCI address; see pci_sysfs_resolve).
 * timeout_ms bounds the wait for the VFs to appear or go. */
int sriov_set_numvfs(const char *root, const char *pf, int count, unsigned timeout_ms, struct sriov_result *ret);

/* The driver's module option for VFs (igb/ixgbe "max_vfs"), when the module
 * has one: its current value, or -ENOENT. */
int sriov_module_max_vfs(const char *root, const char *pf, char **ret_module, int *ret_value);
