/* `vfnet host check`: the verdicts, as a pure function of facts gathered
 * from the host (kernel/host-facts.h gathers them).  Every branch is
 * unit-tested on hand-made facts.  Requirements R4-R8, R27-R29. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "host/kernel-cmdline.h"
#include "host/kernel-log.h"

enum check_verdict {
        VERDICT_OK,
        VERDICT_WARN,
        VERDICT_FAIL,
        VERDICT_SKIP,
        _VERDICT_MAX,
        _VERDICT_INVALID = -1,
};

const char *check_verdict_to_string(enum check_verdict v);

struct host_pf_facts {
        char address[16];
        char driver[64];     /* "" when no driver is bound */
        char module[64];     /* the driver's module; "" when built in */
        bool module_loaded;  /* listed in /proc/modules (or built in) */
        int numvfs;          /* live sriov_numvfs */
        int totalvfs;
        int persisted;       /* the count recorded by `vf create --persist`, -1 when none */
        char persisted_by[160]; /* "" for vfnet's record, else the module option that sets it */
};

struct host_vf_facts {
        char address[16];
        int iommu_group;     /* -1 when the VF is in no group */
        size_t n_peers;      /* other devices in its group */
        char peers[256];     /* their addresses, comma-separated */
};

struct host_facts {
        /* /proc/cpuinfo */
        bool cpuinfo_read;
        char cpu_vendor[16]; /* "GenuineIntel", "AuthenticAMD" */
        bool cpu_vmx, cpu_svm;
        /* /sys/firmware/acpi/tables */
        bool acpi_tables_read;
        bool acpi_dmar, acpi_ivrs;
        /* /sys/class/iommu and /sys/kernel/iommu_groups */
        size_t n_iommu_units;
        char iommu_units[128]; /* names, comma-separated */
        size_t n_iommu_groups;
        /* /sys/class/iommu/dmarN/intel-iommu/ecap: the register the log prints */
        size_t n_sysfs_ecap, n_sysfs_ecap_ir;
        /* /proc/interrupts: an "IR-" interrupt chip means remapping is in use */
        bool interrupts_read, interrupts_ir;
        /* /proc/cmdline */
        bool cmdline_read;
        struct kernel_cmdline_facts cmdline;
        /* the kernel log (/dev/kmsg or --kernel-log FILE) */
        bool klog_read;
        char klog_source[128];
        struct kernel_log_facts klog;
        /* module parameters: 1 on, 0 off, -1 the module is not loaded */
        int vfio_unsafe; /* vfio_iommu_type1 allow_unsafe_interrupts */
        int kvm_unsafe;  /* kvm allow_unsafe_assigned_interrupts (older kernels) */
        /* SR-IOV */
        size_t n_pfs;
        const struct host_pf_facts *pfs;
        size_t n_vfs;
        const struct host_vf_facts *vfs;
};

/* What interrupt remapping looks like from the facts; shared by the
 * irq-remapping and unsafe-interrupts checks. */
enum ir_state {
        IR_ENABLED,
        IR_OFF_BY_CMDLINE,      /* intremap=off / nointremap */
        IR_DISABLED_BY_KERNEL,  /* firmware bug or erratum */
        IR_NOT_ENABLED,         /* supported (ecap bit 3 / AMD-Vi) but not enabled */
        IR_UNSUPPORTED,         /* IOMMU units, none with ecap bit 3 */
        IR_NO_IOMMU,
        IR_UNKNOWN,             /* log rotated or unreadable, nothing in sysfs */
        _IR_STATE_MAX,
        _IR_STATE_INVALID = -1,
};

enum ir_state host_ir_state(const struct host_facts *f);

struct host_check {
        const char *id;
        enum check_verdict verdict;
        char *evidence;
        char *remedy; /* NULL when there is nothing to do */
};

#define HOST_CHECK_COUNT 9

struct host_report {
        size_t n;
        struct host_check checks[HOST_CHECK_COUNT];
};

/* Run every check, in a fixed order: cpu-virt, iommu-firmware, iommu-active,
 * kernel-cmdline, irq-remapping, unsafe-interrupts, sriov-driver, vf-count,
 * iommu-isolation.  -ENOMEM only. */
int host_check_run(const struct host_facts *f, struct host_report *ret);
void host_report_done(struct host_report *r);
bool host_report_has_fail(const struct host_report *r);
const struct host_check *host_report_find(const struct host_report *r, const char *id);
