#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pci/pci-address.h"

static int parse_hex_field(const char *s, size_t len, unsigned max, unsigned *ret)
{
        unsigned v = 0;

        if (len == 0 || len > 4)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                int c = (unsigned char)s[i];
                if (!isxdigit(c))
                        return -EINVAL;
                v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
        }
        if (v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

int pci_address_parse(const char *s, struct pci_address *ret)
{
        unsigned domain = 0, bus, slot, fn;
        const char *c1, *c2, *dot;

        if (!s)
                return -EINVAL;
        c1 = strchr(s, ':');
        if (!c1)
                return -EINVAL;
        c2 = strchr(c1 + 1, ':');
        if (c2) {
                if (parse_hex_field(s, (size_t)(c1 - s), 0xffff, &domain) < 0)
                        return -EINVAL;
                s = c1 + 1;
                c1 = c2;
        }
        if (parse_hex_field(s, (size_t)(c1 - s), 0xff, &bus) < 0)
                return -EINVAL;
        dot = strchr(c1 + 1, '.');
        if (!dot)
                return -EINVAL;
        if (parse_hex_field(c1 + 1, (size_t)(dot - c1 - 1), 0x1f, &slot) < 0)
                return -EINVAL;
        if (strlen(dot + 1) != 1 || parse_hex_field(dot + 1, 1, 7, &fn) < 0)
                return -EINVAL;
        *ret = (struct pci_address){(uint16_t)domain, (uint8_t)bus, (uint8_t)slot, (uint8_t)fn};
        return 0;
}

char *pci_address_format(const struct pci_address *a, char buf[PCI_ADDRESS_STRLEN])
{
        snprintf(buf, PCI_ADDRESS_STRLEN, "%04x:%02x:%02x.%x", a->domain, a->bus, a->slot,
                 a->function);
        return buf;
}

bool pci_address_equal(const struct pci_address *a, const struct pci_address *b)
{
        return pci_address_compare(a, b) == 0;
}

int pci_address_compare(const struct pci_address *a, const struct pci_address *b)
{
        if (a->domain != b->domain)
                return a->domain < b->domain ? -1 : 1;
        if (a->bus != b->bus)
                return a->bus < b->bus ? -1 : 1;
        if (a->slot != b->slot)
                return a->slot < b->slot ? -1 : 1;
        if (a->function != b->function)
                return a->function < b->function ? -1 : 1;
        return 0;
}
