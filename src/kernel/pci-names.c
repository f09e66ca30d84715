#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pci/pci.h>

#include "base/error.h"
#include "base/log.h"
#include "kernel/pci-names.h"

struct pci_names {
        struct pci_access *pacc;
};

/* libpci (with libudev and zlib behind it) is opened only by the commands
 * that show device names: linked in, it is loaded and relocated at every
 * start of vfnet, a large part of a short command's time on a slow machine
 * (the same as libcurl in cli-http.c). */
static struct {
        struct pci_access *(*alloc)(void);
        void (*cleanup)(struct pci_access *);
        char *(*lookup_name)(struct pci_access *, char *, int, int, ...);
        void (*set_name_list_path)(struct pci_access *, char *, int);
} libpci;

static int libpci_load(void)
{
        static void *dl;
        const char *name = getenv("VFNET_LIBPCI");
        void *h;

        /* $VFNET_LIBPCI names another library to open, asked again at
         * every call: pointed at a missing file, vfnet runs as on a host
         * without libpci (how the tests show that case). */
        if (dl && !(name && *name))
                return 0;
        h = dlopen(name && *name ? name : "libpci.so.3", RTLD_NOW | RTLD_LOCAL);
        if (!h)
                return err_set(-EOPNOTSUPP, "showing PCI names needs libpci (apt-get install libpci3): %s",
                               dlerror());
#define LOAD(field, sym)                                                                           \
        do {                                                                                       \
                *(void **)&libpci.field = dlsym(h, sym);                                           \
                if (!libpci.field) {                                                               \
                        dlclose(h);                                                                \
                        return err_set(-EOPNOTSUPP, "libpci lacks %s", sym);                       \
                }                                                                                  \
        } while (0)
        LOAD(alloc, "pci_alloc");
        LOAD(cleanup, "pci_cleanup");
        LOAD(lookup_name, "pci_lookup_name");
        LOAD(set_name_list_path, "pci_set_name_list_path");
#undef LOAD
        dl = h;
        return 0;
}

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
        const char *ids = getenv("VFNET_PCI_IDS");
        struct pci_names *n;
        int r;

        r = libpci_load();
        if (r < 0)
                return r;
        n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        n->pacc = libpci.alloc();
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
                libpci.set_name_list_path(n->pacc, copy, 1);
        }
        *ret = n;
        return 0;
}

void pci_names_free(struct pci_names *n)
{
        if (!n)
                return;
        libpci.cleanup(n->pacc);
        free(n);
}

int pci_names_fill(struct pci_names *n, struct pci_device *d)
{
        char vbuf[256], pbuf[256];
        const char *v, *p;

        v = libpci.lookup_name(n->pacc, vbuf, sizeof(vbuf), PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_HWDB, d->vendor_id);
        p = libpci.lookup_name(n->pacc, pbuf, sizeof(pbuf), PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_HWDB, d->vendor_id,
                            d->product_id);
        free(d->vendor_name);
        free(d->product_name);
        d->vendor_name = strdup(v ? v : "");
        d->product_name = strdup(p ? p : "");
        if (!d->vendor_name || !d->product_name)
                return -ENOMEM;
        return 0;
}
