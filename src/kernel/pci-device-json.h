/* A PCI device (pci-sysfs.h) as the JSON object `vfnet pci list -f json`
 * prints and the compute report carries (docs/compute-report.md): the
 * stable keys, null for what the device does not have. */
#pragma once

#include <jansson.h>

#include "kernel/pci-sysfs.h"

/* "address", "vendor_id", "product_id" ("%04x"), "vendor_name",
 * "product_name", "class" ("0x%06x"), "driver", "netdevs", "dev_type",
 * "parent_addr", "vf_index", "sriov_totalvfs", "sriov_numvfs",
 * "numa_node", "iommu_group", "link_state".  NULL for want of memory. */
json_t *pci_device_json(const struct pci_device *d);
