/* [pci] device_spec values come from operators: any bytes give specs or one
 * clear error, and matching what was accepted never fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pci/devspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char *netdevs[] = {"enp5s0f1", NULL};
        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;
        struct pci_dev_view d = {.vendor_id = "8086", .product_id = "10ca", .dev_type = PCI_NOVA_TYPE_VF,
                                 .has_parent = true, .parent_netdevs = netdevs,
                                 .address = {0, 0x0b, 0x10, 1}, .parent = {0, 0x0b, 0, 0}};
        char *text = malloc(size + 1);

        if (!text || pci_whitelist_new(&wl) < 0) {
                free(text);
                return 0;
        }
        memcpy(text, data, size);
        text[size] = '\0';
        if (pci_whitelist_add(wl, text, "fuzz:1", size & 1) >= 0)
                for (size_t i = 0; i < wl->n_specs; i++) {
                        size_t n;
                        (void)pci_devspec_match(wl->specs[i], &d);
                        (void)pci_devspec_tags(wl->specs[i], &n);
                }
        free(text);
        return 0;
}
