/* Gathers the facts `vfnet host check` judges (host/host-check.h) from
 * /proc/cpuinfo, /proc/cmdline, /proc/interrupts, /proc/modules, the ACPI
 * tables, /sys/class/iommu, /sys/kernel/iommu_groups, module parameters,
 * the kernel log, the PCI devices and the persisted VF counts, all under a
 * root.  A source that cannot be read is recorded as such, not an error. */
#pragma once

#include "host/host-check.h"

struct host_gathered {
        struct host_facts facts;
        struct host_pf_facts *pfs;
        struct host_vf_facts *vfs;
};

/* kernel_log_file: NULL for /dev/kmsg.  Fails only on allocation failure or
 * an unreadable kernel_log_file the user named. */
int host_facts_gather(const char *root, const char *kernel_log_file, struct host_gathered *ret);
void host_gathered_done(struct host_gathered *g);
