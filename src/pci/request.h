/* PCI requests of one boot (nova's InstancePCIRequest): one per SR-IOV port
 * (nova/network/neutron.py) and one per flavor alias (nova/pci/request.py).
 * A request asks for `count` devices matching any of its specs; a spec is a
 * set of key/value pairs compared with the pool's keys and tags
 * case-insensitively (nova's pci_device_prop_match). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/macro.h"

enum pci_numa_policy {
        PCI_NUMA_LEGACY,
        PCI_NUMA_REQUIRED,
        PCI_NUMA_PREFERRED,
        PCI_NUMA_SOCKET,
        _PCI_NUMA_POLICY_MAX,
        _PCI_NUMA_POLICY_INVALID = -1,
};

const char *pci_numa_policy_to_string(enum pci_numa_policy p);
int pci_numa_policy_from_string(const char *s);

/* One key/value of a spec; value_lc NULL stands for None (matches a pool
 * without the key or with a null value). */
/* Keys pools keep inline, so matching them reads no other memory. */
enum pci_fast_key {
        PCI_FAST_PHYSNET,        /* physical_network */
        PCI_FAST_TRUSTED,        /* trusted */
        PCI_FAST_REMOTE_MANAGED, /* remote_managed */
        _PCI_FAST_TAG_MAX,
        PCI_FAST_DEV_TYPE = _PCI_FAST_TAG_MAX,
        PCI_FAST_VENDOR_ID,
        PCI_FAST_PRODUCT_ID,
        PCI_FAST_NONE,
};

struct pci_kv {
        char *key;
        char *value; /* as given, for messages */
        char *value_lc;
        enum pci_fast_key fast;
        uint16_t atom; /* for the tag keys: the value's pool-atom.h atom */
        int dev_type;  /* for PCI_FAST_DEV_TYPE: the pci_nova_type, -1 if none */
};

struct pci_match_spec {
        struct pci_kv *kv;
        size_t n_kv;
};

struct pci_request {
        unsigned count;
        struct pci_match_spec *specs; /* any of them */
        size_t n_specs;
        enum pci_numa_policy numa_policy;
        char *alias_name; /* flavor alias, or NULL */
        char *port_id;    /* SR-IOV port, or NULL */
        /* Derived from the specs, for nova's pool pre-filters. */
        bool wants_pf;             /* some spec has dev_type=type-PF */
        bool wants_vdpa;           /* some spec has dev_type=vdpa */
        bool wants_remote_managed; /* some spec has a true remote_managed */
};

struct pci_requests {
        struct pci_request *v;
        size_t n;
};

void pci_requests_done(struct pci_requests *reqs);
/* Drop the requests after the first n. */
void pci_requests_truncate(struct pci_requests *reqs, size_t n);
#define _cleanup_pci_requests_ _cleanup_(pci_requests_done)

/* Append a request; takes the specs (key/value strings are copied and
 * lower-cased).  specs[i] is a NULL-terminated list of key, value pairs
 * where a NULL value is None. */
int pci_requests_append(struct pci_requests *reqs, unsigned count, const char *const *const *specs,
                        size_t n_specs, enum pci_numa_policy policy, const char *alias_name,
                        const char *port_id);

/* What nova reads of a port to build its request. */
struct pci_port {
        const char *id;
        const char *vnic_type;        /* binding:vnic_type */
        const char *physical_network; /* the network's provider:physical_network, NULL if tunnelled */
        int trusted;                  /* binding:profile "trusted": -1 unset, 0, 1 */
        const char *numa_affinity_policy; /* NULL if unset */
};

/* Whether nova makes a PCI request for this vnic type (VNIC_TYPES_SRIOV). */
bool pci_vnic_type_is_sriov(const char *vnic_type);

/* Append the port's request (count 1): physical_network, remote_managed
 * "True"/"False", dev_type for direct-physical (type-PF) and vdpa, trusted
 * when the profile has it; numa policy = the port's, else flavor_policy
 * (-1: legacy).  Nothing is appended for non-SR-IOV vnic types.  A bad
 * numa_affinity_policy fails with -EINVAL. */
int pci_request_from_port(const struct pci_port *port, int flavor_policy, struct pci_requests *reqs);

/* A short description for explanations: "VF on physnet 'physnet1'",
 * "PF on physnet 'physnet1'", "trusted VF on ...", "2 devices of alias
 * 'a1' (8086:10ca)".  Caller frees. */
char *pci_request_describe(const struct pci_request *req);
/* The request's value (as given) for key in its first spec, or NULL (also for None). */
const char *pci_request_value(const struct pci_request *req, const char *key, bool *ret_found);
