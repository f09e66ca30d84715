/* What the kernel command line asks of the IOMMU and interrupt remapping,
 * read as the Linux 6.1 parsers read it (R7): intel_iommu=, amd_iommu=,
 * iommu=, iommu.passthrough=, intremap=, nointremap.  Values the kernel does
 * not know are collected with the fix, e.g. the seed's `intel_iommu=pt`,
 * which the kernel logs as "Unknown option" and which is not passthrough
 * mode.  Pure: no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX_IGNORED 16

struct cmdline_ignored {
        char param[96];   /* "intel_iommu=pt" (the word that is ignored, with its key) */
        char reason[160]; /* what the kernel does with it */
        char fix[160];    /* what to write instead */
};

struct kernel_cmdline_facts {
        int intel_iommu;       /* -1 not given, 0 off, 1 on (last one wins, as in the kernel) */
        bool amd_iommu_off;    /* amd_iommu=off */
        bool iommu_off;        /* iommu=off: no IOMMU at all */
        int passthrough;       /* -1 not given, 1 iommu=pt / iommu.passthrough=1, 0 nopt / =0 */
        bool intremap_off;     /* intremap=off or nointremap */
        char intremap_word[32]; /* which of the two, for evidence */
        char relevant[512];    /* the IOMMU-related parameters as given, space-separated */
        size_t n_ignored;
        struct cmdline_ignored ignored[CMDLINE_MAX_IGNORED];
};

/* Parse /proc/cmdline's content (quotes as the kernel takes them; parameters
 * after "--" belong to init and are skipped).  Never fails. */
void kernel_cmdline_parse(const char *cmdline, struct kernel_cmdline_facts *ret);
