/* What the scheduler knows of one compute host (nova's HostState), built
 * from the host report JSON of docs/compute-report.md: identity, AZ,
 * service state, vCPU/RAM/disk totals and use, allocation ratios, NUMA
 * cells, capabilities, supported instance types and PCI pools. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "pci/pool.h"

struct host_state {
        /* What a filter pass reads comes first and together. */
        bool enabled; /* service not disabled */
        bool up;      /* service reporting */
        bool supported_inline_ok;
        long vcpus, vcpus_used;
        long memory_mb, memory_mb_used;
        long disk_gb, disk_gb_used;
        double cpu_allocation_ratio; /* <= 0: the scheduler's default */
        double ram_allocation_ratio;
        double disk_allocation_ratio;
        struct pci_pools pools;
        size_t n_supported_instances;
        /* (arch, hypervisor type, vm mode), lower-case: inline when at
         * most 4 short triples (supported_inline_ok), and always below. */
        char supported_inline[4][3][16];

        char *hostname;
        char *availability_zone; /* NULL: the default zone */
        int *cell_ids; /* NUMA cells and their sockets (-1 unknown) */
        int *cell_sockets;
        size_t n_cells;
        json_t *capabilities; /* object, for ComputeCapabilitiesFilter */
        char *(*supported_instances)[3];
        struct pci_inventory *inventory;
        struct pci_whitelist *own_whitelist; /* the host's own device_spec, if it reported one */
};

/* Build from a report.  wl is the scheduler's [pci] device_spec, used
 * unless the report carries its own "device_spec" list.  Errors name the
 * host and the field. */
int host_state_from_json(const json_t *report, const struct pci_whitelist *wl, struct host_state **ret);
void host_state_free(struct host_state *h);

/* Claim (or release) PCI devices on this host; see pci_pools_claim(). */
int host_state_claim(struct host_state *h, const struct pci_address *addrs, size_t n, bool claim);

struct host_list {
        struct host_state **v;
        size_t n;
};

/* A JSON array of reports.  Duplicate hostnames are refused. */
int host_list_from_json(const json_t *reports, const struct pci_whitelist *wl, struct host_list *ret);
void host_list_done(struct host_list *l);

DEFINE_POINTER_CLEANUP(struct host_state, host_state_free)
#define _cleanup_host_state_ _cleanup_(host_state_freep)
