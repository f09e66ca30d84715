/* Shared by `vfnet pci list` and `vfnet vf create`: device names and the
 * PF-with-nested-VFs table of device rows (kernel/pci-device-json.h). */
#pragma once

#include <jansson.h>

#include "cli/cli.h"
#include "kernel/pci-device-json.h"
#include "kernel/pci-names.h"
#include "kernel/pci-sysfs.h"

/* Names are a courtesy: without libpci *ret is NULL and one warning says
 * so; the ids are shown either way, as `lspci -n` shows them.  Fails only
 * for want of memory. */
int cli_pci_names_open(struct pci_names **ret);

/* Fill d's names when there are names to give (names not NULL). */
int cli_pci_names_fill(struct pci_names *names, struct pci_device *d);

/* Print rows (from pci_device_json()) as JSON or as the nested table. */
int cli_pci_print(struct cli_ctx *ctx, const json_t *rows);
