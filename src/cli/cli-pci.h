/* Shared by `vfnet pci list` and `vfnet vf create`: a PCI device as a JSON
 * row and the PF-with-nested-VFs table. */
#pragma once

#include <jansson.h>

#include "cli/cli.h"
#include "kernel/pci-sysfs.h"

/* One device with the stable keys of `vfnet pci list -f json`. */
json_t *cli_pci_device_json(const struct pci_device *d);

/* Print rows (from cli_pci_device_json) as JSON or as the nested table. */
int cli_pci_print(struct cli_ctx *ctx, const json_t *rows);
