/* PCI addresses ("0000:0b:10.1"), as sysfs names devices and nova writes
 * them in binding:profile.pci_slot. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pci_address {
        uint16_t domain;
        uint8_t bus;
        uint8_t slot;     /* 0..0x1f */
        uint8_t function; /* 0..7 */
};

/* "dddd:bb:ss.f" exactly, or "bb:ss.f" (domain 0), hex of any case.
 * -EINVAL on anything else. */
int pci_address_parse(const char *s, struct pci_address *ret);

#define PCI_ADDRESS_STRLEN sizeof("0000:00:00.0")
/* Canonical lower-case "dddd:bb:ss.f" into buf (PCI_ADDRESS_STRLEN). */
char *pci_address_format(const struct pci_address *a, char buf[PCI_ADDRESS_STRLEN]);

bool pci_address_equal(const struct pci_address *a, const struct pci_address *b);
int pci_address_compare(const struct pci_address *a, const struct pci_address *b);
