/* Vendor and product names from pci.ids through libpci, as `lspci -nn`
 * prints them (an id missing from the database reads "Device 10ca").  The
 * database is the system's (/usr/share/misc/pci.ids on Debian), or the file
 * named by $VFNET_PCI_IDS; udev's hwdb is not asked, so the answer depends
 * only on that file.  libpci is opened at run time (libpci.so.3, or the
 * library $VFNET_LIBPCI names); without it pci_names_new() fails with
 * -EOPNOTSUPP and a message, and callers show the ids alone. */
#pragma once

#include <stdint.h>

#include "base/macro.h"
#include "kernel/pci-sysfs.h"

struct pci_names;

int pci_names_new(struct pci_names **ret);
void pci_names_free(struct pci_names *n);
DEFINE_POINTER_CLEANUP(struct pci_names, pci_names_free)

/* Fill d->vendor_name and d->product_name. */
int pci_names_fill(struct pci_names *n, struct pci_device *d);
