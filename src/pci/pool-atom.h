/* Interned lower-case tag values (physical_network, trusted,
 * remote_managed), so matching a request against thousands of pools
 * compares small integers in packed records instead of chasing strings.
 * Process-wide and append-only; safe to use from several threads. */
#pragma once

#include <stdint.h>

#define PCI_ATOM_ABSENT 0       /* no such tag, or JSON null */
#define PCI_ATOM_SLOW UINT16_MAX /* not interned (table full): compare the strings */

/* The atom of a string (NULL: PCI_ATOM_ABSENT). */
uint16_t pci_atom_intern(const char *lc);
