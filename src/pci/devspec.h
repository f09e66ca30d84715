/* Nova's `[pci] device_spec` (formerly `passthrough_whitelist`): which PCI
 * devices of a host may be handed out, and the tags (physical_network, ...)
 * that put them into pools.  Pure: matching works on a device view built
 * from the host's inventory, never on sysfs.
 *
 * Grammar and messages follow nova/pci/devspec.py and whitelist.py; the
 * differences are listed in docs/scheduler.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "base/macro.h"
#include "pci/pci-address.h"

struct ini;

/* nova's dev_type words for pools and requests, vdpa included (kernel/pci-sysfs.h
 * classifies what sysfs shows). */
enum pci_nova_type {
        PCI_NOVA_TYPE_PCI, /* "type-PCI" */
        PCI_NOVA_TYPE_PF,  /* "type-PF" */
        PCI_NOVA_TYPE_VF,  /* "type-VF" */
        PCI_NOVA_TYPE_VDPA, /* "vdpa" */
        _PCI_NOVA_TYPE_MAX,
        _PCI_NOVA_TYPE_INVALID = -1,
};

const char *pci_nova_type_to_string(enum pci_nova_type t);
int pci_nova_type_from_string(const char *s);

/* What matching needs to know about one device, all taken from the
 * inventory: its own netdev names and those of its parent PF stand in for
 * nova's /sys/class/net/<devname>/device lookup. */
struct pci_dev_view {
        struct pci_address address;
        bool has_parent;
        struct pci_address parent; /* the PF of a VF */
        char vendor_id[5];         /* 4 lower-case hex digits */
        char product_id[5];
        enum pci_nova_type dev_type;
        bool is_pf;                      /* sriov_totalvfs > 0 */
        char *const *netdevs;            /* NULL-terminated, may be NULL */
        char *const *parent_netdevs;     /* NULL-terminated, may be NULL */
        const char *card_serial_number;  /* from VPD; NULL if none */
};

/* A tag as the spec gave it.  value is NULL for JSON null; value_lc is the
 * lower-cased value used for nova's case-insensitive comparison. */
struct pci_tag {
        char *key;
        char *value;
        char *value_lc;
};

struct pci_devspec;

/* Parse one spec (a JSON object).  origin ("FILE:LINE") and the entry's
 * text go into error messages.  report_in_placement as in [pci]. */
int pci_devspec_new(const json_t *spec, bool report_in_placement, struct pci_devspec **ret);
void pci_devspec_free(struct pci_devspec *s);

/* Whether the device is selected by this spec (nova's PciDeviceSpec.match). */
bool pci_devspec_match(const struct pci_devspec *s, const struct pci_dev_view *d);

/* The spec's tags, in the order given (reserved keys removed). */
const struct pci_tag *pci_devspec_tags(const struct pci_devspec *s, size_t *ret_n);
/* The tag's value (may be NULL for JSON null); *ret_found says whether the
 * key exists at all.  Keys compare exactly. */
const char *pci_devspec_tag(const struct pci_devspec *s, const char *key, bool *ret_found);
/* Normalised vendor_id / product_id: "%04x" or "*". */
const char *pci_devspec_vendor_id(const struct pci_devspec *s);
const char *pci_devspec_product_id(const struct pci_devspec *s);
/* The spec as configured (compact JSON), and where: "FILE:LINE". */
const char *pci_devspec_text(const struct pci_devspec *s);
const char *pci_devspec_origin(const struct pci_devspec *s);

/* Every configured spec, in config order; the first match wins. */
struct pci_whitelist {
        struct pci_devspec **specs;
        size_t n_specs;
};

int pci_whitelist_new(struct pci_whitelist **ret);
void pci_whitelist_free(struct pci_whitelist *wl);

/* Parse one config value (a JSON object or a list of objects) and append
 * its specs.  On error nothing is appended and the message is
 * "ORIGIN: <nova's message>". */
int pci_whitelist_add(struct pci_whitelist *wl, const char *text, const char *origin,
                      bool report_in_placement);

/* Read `[pci] device_spec`, or its old names `[pci] passthrough_whitelist`
 * and `[DEFAULT] pci_passthrough_whitelist` (first name that is set wins),
 * and `[pci] report_in_placement`. */
int pci_whitelist_from_ini(const struct ini *ini, struct pci_whitelist **ret);

/* The first spec that selects the device, or NULL; ret_index may be NULL. */
const struct pci_devspec *pci_whitelist_match(const struct pci_whitelist *wl,
                                              const struct pci_dev_view *d, size_t *ret_index);

DEFINE_POINTER_CLEANUP(struct pci_devspec, pci_devspec_free)
DEFINE_POINTER_CLEANUP(struct pci_whitelist, pci_whitelist_free)
#define _cleanup_pci_devspec_ _cleanup_(pci_devspec_freep)
#define _cleanup_pci_whitelist_ _cleanup_(pci_whitelist_freep)
