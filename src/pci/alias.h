/* `[pci] alias` (nova/pci/request.py): named device specs for flavors'
 * `pci_passthrough:alias = "name:count[,name:count]"`.  Several entries
 * with one name add specs to that alias (they must agree on numa_policy). */
#pragma once

#include "pci/request.h"

struct ini;

struct pci_alias {
        char *name;
        enum pci_numa_policy numa_policy;
        /* Each spec: NULL-terminated key, value pairs (vendor_id,
         * product_id, dev_type, ...). */
        char ***specs;
        size_t n_specs;
};

struct pci_aliases {
        struct pci_alias *v;
        size_t n;
};

int pci_aliases_new(struct pci_aliases **ret);
void pci_aliases_free(struct pci_aliases *a);

/* Parse one `[pci] alias` value (a JSON object).  Errors are
 * "ORIGIN: Invalid PCI alias definition: <reason>" with nova's (jsonschema's)
 * reasons. */
int pci_aliases_add(struct pci_aliases *a, const char *text, const char *origin);
int pci_aliases_from_ini(const struct ini *ini, struct pci_aliases **ret);
const struct pci_alias *pci_aliases_find(const struct pci_aliases *a, const char *name);

/* Turn a flavor's pci_passthrough:alias value into requests.  flavor_policy
 * (hw:pci_numa_affinity_policy, -1 if unset) overrides the alias's policy.
 * "PCI alias NAME is not defined" for unknown names. */
int pci_requests_from_alias_spec(const struct pci_aliases *a, const char *value, int flavor_policy,
                                 struct pci_requests *reqs);

DEFINE_POINTER_CLEANUP(struct pci_aliases, pci_aliases_free)
#define _cleanup_pci_aliases_ _cleanup_(pci_aliases_freep)
