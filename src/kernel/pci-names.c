#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pci/pci.h>

#include "base/log.h"
#include "kernel/pci-names.h"

struct pci_names {
        struct pci_access *pacc;
};

/* libpci reports a missing database through this hook; the names then fall
 * back to numbers, which is what lspci shows too. */
_printf_(1, 2) static void quiet_warning(char *msg, ...)
{
        char buf[256];
        va_list ap;

        va_start(ap, msg);
        vsnprintf(buf, sizeof(buf), msg, ap);
        va_end(ap);
        log_debug("libpci: %s", buf);
}

/* libpci calls error() only when it cannot go on (out of memory) and
 * expects it not to return. */
_noreturn_ _printf_(1, 2) static void fatal_error(char *msg, ...)
{
        va_list ap;

        va_start(ap, msg);
        vfprintf(stderr, msg, ap);
        va_end(ap);
        fputc('\n', stderr);
        abort();
}

int pci_names_new(struct pci_names **ret)
{
        struct pci_names *n = calloc(1, sizeof(*n));
        const char *ids = getenv("VFNET_PCI_IDS");

        if (!n)
                return -ENOMEM;
        n->pacc = pci_alloc();
        if (!n->pacc) {
                free(n);
                return -ENOMEM;
        }
        /* pci_init() would set these, but it also probes an access method,
         * which name lookups do not need. */
        n->pacc->warning = quiet_warning;
        n->pacc->debug = quiet_warning;
        n->pacc->error = fatal_error;
        if (ids && *ids) {
                char *copy = strdup(ids);
                if (!copy) {
                        pci_names_free(n);
                        return -ENOMEM;
                }
                pci_set_name_list_path(n->pacc, copy, 1);
        }
        *ret = n;
        return 0;
}

void pci_names_free(struct pci_names *n)
{
        if (!n)
                return;
        pci_cleanup(n->pacc);
        free(n);
}

int pci_names_fill(struct pci_names *n, struct pci_device *d)
{
        char vbuf[256], pbuf[256];
        const char *v, *p;

        v = pci_lookup_name(n->pacc, vbuf, sizeof(vbuf), PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_HWDB, d->vendor_id);
        p = pci_lookup_name(n->pacc, pbuf, sizeof(pbuf), PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_HWDB, d->vendor_id,
                            d->product_id);
        free(d->vendor_name);
        free(d->product_name);
        d->vendor_name = strdup(v ? v : "");
        d->product_name = strdup(p ? p : "");
        if (!d->vendor_name || !d->product_name)
                return -ENOMEM;
        return 0;
}
