/* Inside the scheduler: the filter table and what a filter returns when it
 * removes a host, so a failed pass can say why. */
#pragma once

#include "base/strbuf.h"
#include "compute/scheduler.h"

struct filter_ctx {
        const struct sched_config *config;
        const struct sched_request *req;
        unsigned *scratch; /* PCI pool counts, scratch_n long */
        size_t scratch_n;
        /* The image's canonical arch, hypervisor type, VM mode (NULL: not
         * asked), computed once per pass. */
        char *image_want[3];
};

/* Fill / free ctx->image_want. */
int sched_image_wants(struct filter_ctx *ctx);
void sched_image_wants_done(struct filter_ctx *ctx);

/* Why a filter removed a host: a reason code, a sub-key (e.g. which extra
 * spec or which PCI request) and one figure (e.g. the RAM it had). */
struct verdict {
        int reason;
        int sub;
        long aux;
};

struct sched_filter {
        const char *name;
        bool legacy; /* removed from current nova: accepted with a warning */
        bool noop;   /* vfnet has nothing for it to check: passes every host */
        bool (*passes)(const struct filter_ctx *ctx, const struct host_state *h, struct verdict *v);
        /* Append the end of "N of M hosts ..." for a group of removed hosts;
         * aux is the group's largest figure. */
        void (*describe)(const struct filter_ctx *ctx, const struct verdict *v, unsigned count, struct strbuf *out);
};

const struct sched_filter *sched_filter_find(const char *name);

double sched_cpu_ratio(const struct sched_config *c, const struct host_state *h);
double sched_ram_ratio(const struct sched_config *c, const struct host_state *h);
double sched_disk_ratio(const struct sched_config *c, const struct host_state *h);

/* The PCI fit of a host, trying its NUMA cells when the flavor has a NUMA
 * topology.  take may be NULL. */
bool sched_host_fit_pci(const struct filter_ctx *ctx, const struct host_state *h, struct pci_address *take,
                        struct pci_fit_result *res);
