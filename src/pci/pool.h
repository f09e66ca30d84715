/* A host's PCI pools (nova/pci/stats.py PciDeviceStats): the devices the
 * whitelist selects, grouped by product_id, vendor_id, numa_node, dev_type,
 * the matched spec's tags (minus resource_class, traits, rp_uuid), the
 * parent PF's address (pools are per PF) and parent_ifname; remote_managed
 * is 'false' unless tagged.  A pool counts its free devices: not claimed,
 * and not blocked by a claimed parent PF or a claimed VF of this PF.
 *
 * pci_pools_fit() answers nova's support_requests(): all requests of one
 * boot are consumed from a copy of the counts (bug 1986838), with the PF,
 * vdpa and remote_managed pre-filters and the NUMA policies. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "pci/devspec.h"
#include "pci/pool-atom.h"
#include "pci/request.h"

/* One device of a host, as `vfnet pci list -f json` prints it. */
struct pci_inventory_dev {
        struct pci_dev_view view; /* netdevs/parent_netdevs point into this inventory */
        int numa_node;            /* -1: unknown */
        char **netdevs;
        char *card_serial_number;
};

struct pci_inventory {
        struct pci_inventory_dev *v; /* sorted by address */
        size_t n;
};

/* Build from a JSON array of device objects: address, vendor_id,
 * product_id, dev_type (type-PF/type-VF/type-PCI/vdpa), parent_addr,
 * numa_node, netdevs, sriov_totalvfs, card_serial_number (optional).  Other
 * keys are ignored.  Errors name the element: "pci_devices[3]: ...". */
int pci_inventory_from_json(const json_t *devices, struct pci_inventory **ret);
void pci_inventory_free(struct pci_inventory *inv);
const struct pci_inventory_dev *pci_inventory_find(const struct pci_inventory *inv, const struct pci_address *a);

struct pci_pool_dev {
        struct pci_address address;
        bool has_parent;
        struct pci_address parent;
        bool is_pf;
        bool claimed;
        bool blocked; /* its PF or one of its VFs is claimed */
};

struct pci_pool {
        enum pci_nova_type dev_type;
        unsigned count; /* free devices */
        int numa_node;  /* -1: None */
        bool remote_managed;
        char vendor_id[5];
        char product_id[5];
        struct pci_address address; /* parent_addr or own address */
        char *parent_ifname;        /* NULL if unknown */
        struct pci_tag *tags;       /* includes remote_managed */
        size_t n_tags;
        size_t spec_index; /* the whitelist entry that selected the devices */
        struct pci_pool_dev *devs; /* sorted by address */
        size_t n_devs;
};

/* What matching a request reads of a pool, packed: 16 bytes. */
struct pci_pool_hot {
        uint8_t dev_type;
        uint8_t remote_managed;
        int16_t numa_node;
        uint32_t count;
        uint16_t atom[_PCI_FAST_TAG_MAX]; /* physical_network, trusted, remote_managed */
};

#define PCI_POOLS_HOT_INLINE 8

struct pci_pools {
        size_t n;
        unsigned free_total;
        struct pci_pool *v;
        /* Packed copies of v for the scheduler's hot path: inline for up
         * to PCI_POOLS_HOT_INLINE pools (no pointer to chase), else on the
         * heap.  Use pci_pools_hot(). */
        struct pci_pool_hot *hot_heap;
        struct pci_pool_hot hot_inline[PCI_POOLS_HOT_INLINE];
};

static inline const struct pci_pool_hot *pci_pools_hot(const struct pci_pools *p)
{
        return p->n <= PCI_POOLS_HOT_INLINE ? p->hot_inline : p->hot_heap;
}

/* Pool the inventory's devices through the whitelist (first match wins;
 * unmatched devices are not pooled) and mark the claimed addresses. */
int pci_pools_build(const struct pci_inventory *inv, const struct pci_whitelist *wl,
                    const struct pci_address *claimed, size_t n_claimed, struct pci_pools *ret);
void pci_pools_done(struct pci_pools *pools);

/* Mark devices claimed (true) or free again (false); -ENOENT if an address
 * is in no pool, -EBUSY when claiming one that is not free (nothing is
 * changed then). */
int pci_pools_claim(struct pci_pools *pools, const struct pci_address *addrs, size_t n, bool claim);

/* A pool's value for a request key (vendor_id, product_id, dev_type,
 * numa_node, address, parent_ifname, remote_managed or a tag), as given;
 * NULL for None. */
const char *pci_pool_value(const struct pci_pool *pool, const char *key, char buf[16]);

/* The instance's NUMA placement on one host, for the numa policies. */
struct pci_numa_ctx {
        const int *cells; /* host cells the instance uses; NULL: no NUMA topology */
        size_t n_cells;
        const int *host_cells;   /* every host cell id ... */
        const int *host_sockets; /* ... and its socket (-1 unknown) */
        size_t n_host_cells;
};

enum pci_fit {
        PCI_FIT_OK,
        PCI_FIT_NO_DEVICE,   /* no pool matches the request at all */
        PCI_FIT_ALL_CLAIMED, /* matching devices exist, none free */
        PCI_FIT_NOT_ENOUGH,  /* some free, fewer than the count */
        PCI_FIT_NUMA,        /* enough free, not where the NUMA policy allows */
        PCI_FIT_TOGETHER,    /* each request fits alone, not all together */
        _PCI_FIT_MAX,
};

struct pci_fit_result {
        enum pci_fit fit;
        size_t request;     /* the first request that failed */
        unsigned free;      /* free matching devices for it (before consumption) */
        unsigned total;     /* matching devices, claimed or not */
};

/* Whether the pools satisfy every request together.  scratch: pools->n
 * unsigned (no allocation on this path).  ret_take (may be NULL) gets the
 * devices consumed, in request order, lowest address first within a pool;
 * it must hold the sum of the counts.  ret may be NULL. */
bool pci_pools_fit(const struct pci_pools *pools, const struct pci_requests *reqs, const struct pci_numa_ctx *numa,
                   unsigned *scratch, struct pci_address *ret_take, struct pci_fit_result *ret);

/* Whether pool i passes the request's spec and nova's pre-filters. */
bool pci_pool_matches_request(const struct pci_pools *pools, size_t i, const struct pci_request *req);
