/* PCI devices as sysfs shows them (R5, R8): every network device (class
 * 0x02xxxx) and every SR-IOV PF and VF whatever its class, with VF<->PF
 * links (physfn / virtfnN), driver and module, netdevs, NUMA node, IOMMU
 * group and a PF netdev's operstate.  Reads only; all paths go through
 * sysroot_path(root, ...). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/macro.h"

enum pci_dev_type {
        PCI_DEV_TYPE_PCI, /* neither PF nor VF */
        PCI_DEV_TYPE_PF,  /* has sriov_totalvfs */
        PCI_DEV_TYPE_VF,  /* has a physfn link */
        _PCI_DEV_TYPE_MAX,
        _PCI_DEV_TYPE_INVALID = -1,
};

/* Nova's words: "type-PCI", "type-PF", "type-VF". */
const char *pci_dev_type_to_string(enum pci_dev_type t);

struct pci_device {
        char address[16];   /* "0000:0b:10.0" */
        uint16_t vendor_id, product_id;
        uint32_t class_code; /* 0x020000 */
        char *driver;        /* NULL when no driver is bound */
        char *module;        /* the driver's module; NULL when built in or unbound */
        char **netdevs;      /* NULL-terminated, never NULL */
        enum pci_dev_type type;
        char parent_addr[16]; /* a VF's PF, "" otherwise */
        int vf_index;         /* a VF's N in its PF's virtfnN, -1 otherwise */
        int sriov_totalvfs;   /* a PF's, -1 otherwise */
        int sriov_numvfs;     /* a PF's, -1 otherwise */
        int numa_node;        /* -1 when unknown */
        int iommu_group;      /* -1 when in no group */
        char *link_state;     /* a PF's first netdev's operstate, NULL otherwise */
        char *vendor_name;    /* from pci.ids (pci-names.h); NULL until looked up */
        char *product_name;
};

struct pci_device_list {
        size_t n;
        struct pci_device *items;
};

/* Read one device by canonical address.  -ENOENT when it does not exist. */
int pci_sysfs_read_device(const char *root, const char *address, struct pci_device *ret);
void pci_device_done(struct pci_device *d);

/* Every network device and every PF/VF (only PFs and VFs with sriov_only),
 * sorted by address. */
int pci_sysfs_list(const char *root, bool sriov_only, struct pci_device_list *ret);
void pci_device_list_done(struct pci_device_list *l);
const struct pci_device *pci_device_list_find(const struct pci_device_list *l, const char *address);

/* Resolve what a user typed as a PF: a PCI address (any accepted spelling)
 * or a network interface name.  Writes the canonical address.  -ENODEV with
 * a message when neither exists. */
int pci_sysfs_resolve(const char *root, const char *name, char ret_address[16]);

/* The addresses of a PF's VFs in virtfn order (virtfn0, virtfn1, ...);
 * stops at the first missing index.  NULL-terminated. */
int pci_sysfs_pf_vfs(const char *root, const char *pf_address, char ***ret);
