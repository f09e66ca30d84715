/* What the kernel log says about the IOMMU and interrupt remapping (R28).
 *
 * Pure: takes the log text (from /dev/kmsg records, `dmesg`, `journalctl -k`
 * or a saved file; every line prefix is tolerated) and returns facts.  The
 * verdicts are made elsewhere (host-check.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KLOG_MAX_UNITS 64
#define KLOG_MAX_UNKNOWN 8
#define KLOG_LINE_MAX 160

struct klog_dmar_unit {
        char name[16];   /* "dmar0" */
        uint64_t ecap;   /* extended capability register as logged */
};

struct klog_unknown_option {
        char source[8];  /* "DMAR" (intel_iommu=) or "AMD-Vi" (amd_iommu=) */
        char value[48];  /* the option the kernel did not know, e.g. "pt" */
};

struct kernel_log_facts {
        bool from_boot;          /* the "Linux version" banner is there: the log reaches back to boot */
        bool acpi_dmar;          /* "ACPI: DMAR 0x..." */
        bool acpi_ivrs;          /* "ACPI: IVRS 0x..." */
        bool dmar_iommu_enabled; /* "DMAR: IOMMU enabled" (intel_iommu=on seen by the driver) */
        size_t n_dmar;
        struct klog_dmar_unit dmar[KLOG_MAX_UNITS];
        /* "DMAR-IR: Enabled IRQ remapping in xapic|x2apic mode" */
        bool dmar_ir_enabled;
        char dmar_ir_mode[8];
        /* AMD: "AMD-Vi: Found IOMMU ...", "AMD-Vi: Interrupt remapping enabled" */
        bool amd_iommu_found;
        bool amd_ir_enabled;
        /* The kernel turned remapping off itself: a firmware bug or chipset
         * erratum ("Disabling interrupt remapping", "interrupt remapping is
         * being disabled"). The first such line is kept. */
        bool ir_disabled_by_kernel;
        char ir_disabled_line[KLOG_LINE_MAX];
        /* vfio_iommu_type1 refused a group: "No interrupt remapping support" */
        bool vfio_no_ir;
        /* "DMAR: Unknown option - 'pt'" and the AMD-Vi equivalent */
        size_t n_unknown;
        struct klog_unknown_option unknown[KLOG_MAX_UNKNOWN];
};

/* Interrupt remapping support is bit 3 (IR) of the VT-d ecap register. */
#define DMAR_ECAP_IR (UINT64_C(1) << 3)

/* Parse a whole log (lines separated by '\n'; need not be NUL-terminated:
 * len bytes are read).  Never fails: unknown lines are skipped. */
void kernel_log_parse(const char *text, size_t len, struct kernel_log_facts *ret);

/* Units whose ecap has the IR bit. */
size_t kernel_log_dmar_ir_capable(const struct kernel_log_facts *f);
