/* [pci] alias values and flavors' pci_passthrough:alias come from operators:
 * any bytes give aliases/requests or one clear error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pci/alias.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_pci_aliases_ struct pci_aliases *al = NULL;
        _cleanup_pci_requests_ struct pci_requests reqs = {0};
        char *text = malloc(size + 1);
        char *nl;

        if (!text || pci_aliases_new(&al) < 0) {
                free(text);
                return 0;
        }
        memcpy(text, data, size);
        text[size] = '\0';
        /* First line: an alias definition; the rest: a flavor's alias spec. */
        nl = strchr(text, '\n');
        if (nl)
                *nl = '\0';
        (void)pci_aliases_add(al, text, "fuzz:1");
        (void)pci_aliases_add(al, "{\"name\": \"a\", \"vendor_id\": \"8086\"}", "fuzz:2");
        if (nl) {
                (void)pci_requests_from_alias_spec(al, nl + 1, -1, &reqs);
                for (size_t i = 0; i < reqs.n; i++)
                        free(pci_request_describe(&reqs.v[i]));
        }
        free(text);
        return 0;
}
