/* The FilterScheduler: one pass over the hosts — filters in the configured
 * order, weighers (RAM, CPU, PCI) with nova's normalisation and
 * multipliers, host_subset_size, alternates for retries — and the PCI
 * devices to claim on the chosen host.  When no host passes, the result
 * explains per filter how many hosts it removed and why.  Pure: the caller
 * owns the hosts and applies the claim. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "compute/host-state.h"
#include "pci/alias.h"
#include "pci/devspec.h"

struct ini;
struct sched_filter;

struct sched_config {
        const struct sched_filter **filters;
        size_t n_filters;
        double ram_weight_multiplier;
        double cpu_weight_multiplier;
        double pci_weight_multiplier;
        unsigned host_subset_size;
        unsigned max_attempts;
        double cpu_allocation_ratio; /* for hosts that report none */
        double ram_allocation_ratio;
        double disk_allocation_ratio;
        char *default_availability_zone;
        struct pci_whitelist *whitelist;
        struct pci_aliases *aliases;
        char **warnings; /* strv: accepted with a warning (legacy filter names, ...) */
};

/* Read nova.conf: [filter_scheduler] enabled_filters (or [DEFAULT]
 * scheduler_default_filters), host_subset_size, *_weight_multiplier,
 * [scheduler] max_attempts, [DEFAULT] *_allocation_ratio and
 * default_availability_zone, [pci] device_spec and alias — each with its
 * old name.  Unknown filter names are refused. */
int sched_config_from_ini(const struct ini *ini, struct sched_config **ret);
/* Defaults only (no files). */
int sched_config_new(struct sched_config **ret);
/* Replace the filter list ("RamFilter, ComputeFilter"); for the config loader and tests. */
int sched_config_set_filters(struct sched_config *c, char *const *names, const char *origin);
void sched_config_free(struct sched_config *c);

/* Every filter name vfnet knows, NULL-terminated, for messages and docs. */
extern const char *const sched_filter_names[];

struct sched_request {
        unsigned vcpus;
        unsigned memory_mb;
        unsigned disk_gb;
        json_t *extra_specs; /* the flavor's, an object */
        json_t *image_props; /* the image's properties, an object */
        char *availability_zone; /* NULL: any zone */
        unsigned numa_nodes;     /* hw:numa_nodes; 0: no NUMA topology */
        struct pci_requests pci;
        char **tried_hosts; /* strv: hosts of earlier attempts (RetryFilter) */
        unsigned long seed; /* picks among the best host_subset_size hosts */
};

/* Build a request from a flavor ({"vcpus", "ram", "disk", "extra_specs"}),
 * image properties (may be NULL), ports (Neutron port objects, each with
 * the network's "provider:physical_network"; may be NULL) and an AZ (may be
 * NULL).  Alias requests come from pci_passthrough:alias;
 * hw:pci_numa_affinity_policy and hw:numa_nodes are read. */
int sched_request_build(const struct sched_config *c, const json_t *flavor, const json_t *image_props,
                        const json_t *ports, const char *az, struct sched_request *ret);
void sched_request_done(struct sched_request *r);

/* What one filter did in a pass. */
struct sched_filter_report {
        const char *filter;
        unsigned hosts_in;
        unsigned hosts_removed;
        char **reasons; /* strv, "N of M hosts ..." */
};

struct sched_result {
        int host; /* index of the chosen host, -1: no valid host */
        size_t *alternates; /* indexes, best first */
        size_t n_alternates;
        struct pci_address *claim; /* devices to claim on the chosen host, request order */
        size_t n_claim;
        struct sched_filter_report *filters;
        size_t n_filters;
        char *message; /* the NoValidHost text, NULL on success */
};

/* One scheduling pass.  Returns 0 with result->host == -1 when no host
 * fits (result->message explains); negative only on allocation failure. */
int sched_pass(const struct sched_config *c, struct host_state *const *hosts, size_t n_hosts,
               const struct sched_request *req, struct sched_result *ret);
void sched_result_done(struct sched_result *r);

/* The result as JSON: {"host", "alternates", "pci_claim", "filters", "message"}. */
json_t *sched_result_to_json(const struct sched_result *r, struct host_state *const *hosts);

/* nova's extra_specs_ops.match(value, req) (ComputeCapabilitiesFilter). */
bool sched_extra_spec_match(const char *value, const char *req);

/* "9990" → "9,990", as the explanations print counts. */
void sched_format_count(unsigned long n, char buf[32]);
