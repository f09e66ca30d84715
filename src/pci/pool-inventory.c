/* A host's devices from the JSON `vfnet pci list -f json` prints. */
#include <ctype.h>
#include <string.h>

#include "base/error.h"
#include "pci/pool.h"

static void dev_done(struct pci_inventory_dev *d)
{
        strv_free(d->netdevs);
        free(d->card_serial_number);
}

void pci_inventory_free(struct pci_inventory *inv)
{
        if (!inv)
                return;
        for (size_t i = 0; i < inv->n; i++)
                dev_done(&inv->v[i]);
        free(inv->v);
        free(inv);
}

static int parse_id(const json_t *o, const char *key, size_t idx, char out[5])
{
        const char *s = json_string_value(json_object_get(o, key));

        if (!s || strlen(s) != 4 || !isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) ||
            !isxdigit((unsigned char)s[2]) || !isxdigit((unsigned char)s[3]))
                return err_set(-EINVAL, "pci_devices[%zu]: '%s' must be 4 hex digits like \"8086\"", idx, key);
        for (int i = 0; i < 4; i++)
                out[i] = (char)tolower((unsigned char)s[i]);
        out[4] = '\0';
        return 0;
}

static int parse_dev(const json_t *o, size_t idx, struct pci_inventory_dev *d)
{
        const char *addr, *type, *parent;
        const json_t *v;
        int r;

        *d = (struct pci_inventory_dev){.numa_node = -1};
        if (!json_is_object(o))
                return err_set(-EINVAL, "pci_devices[%zu]: expected an object", idx);
        addr = json_string_value(json_object_get(o, "address"));
        if (!addr || pci_address_parse(addr, &d->view.address) < 0)
                return err_set(-EINVAL, "pci_devices[%zu]: 'address' must be a PCI address like \"0000:0b:10.1\"",
                               idx);
        r = parse_id(o, "vendor_id", idx, d->view.vendor_id);
        if (r < 0)
                return r;
        r = parse_id(o, "product_id", idx, d->view.product_id);
        if (r < 0)
                return r;
        type = json_string_value(json_object_get(o, "dev_type"));
        r = type ? pci_nova_type_from_string(type) : -EINVAL;
        if (r < 0)
                return err_set(-EINVAL, "pci_devices[%zu] (%s): 'dev_type' must be type-PF, type-VF, type-PCI or vdpa",
                               idx, addr);
        d->view.dev_type = r;
        v = json_object_get(o, "parent_addr");
        parent = json_string_value(v);
        if (v && !json_is_null(v) && (!parent || pci_address_parse(parent, &d->view.parent) < 0))
                return err_set(-EINVAL, "pci_devices[%zu] (%s): 'parent_addr' must be null or a PCI address", idx,
                               addr);
        d->view.has_parent = parent != NULL;
        if (d->view.dev_type == PCI_NOVA_TYPE_VF && !d->view.has_parent)
                return err_set(-EINVAL, "pci_devices[%zu] (%s): a type-VF needs its 'parent_addr'", idx, addr);
        v = json_object_get(o, "numa_node");
        if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 1024)
                d->numa_node = (int)json_integer_value(v);
        else if (v && !json_is_null(v) && !(json_is_integer(v) && json_integer_value(v) == -1))
                return err_set(-EINVAL, "pci_devices[%zu] (%s): 'numa_node' must be a node number or null", idx,
                               addr);
        v = json_object_get(o, "sriov_totalvfs");
        d->view.is_pf = d->view.dev_type == PCI_NOVA_TYPE_PF || (json_is_integer(v) && json_integer_value(v) > 0);

        v = json_object_get(o, "netdevs");
        if (v && !json_is_null(v) && !json_is_array(v))
                return err_set(-EINVAL, "pci_devices[%zu] (%s): 'netdevs' must be a list of names", idx, addr);
        d->netdevs = calloc(json_array_size(v) + 1, sizeof(char *));
        if (!d->netdevs)
                return -ENOMEM;
        for (size_t i = 0; i < json_array_size(v); i++) {
                const char *n = json_string_value(json_array_get(v, i));
                if (!n) {
                        dev_done(d);
                        return err_set(-EINVAL, "pci_devices[%zu] (%s): 'netdevs' must be a list of names", idx,
                                       addr);
                }
                d->netdevs[i] = strdup(n);
                if (!d->netdevs[i]) {
                        dev_done(d);
                        return -ENOMEM;
                }
        }
        const char *sn = json_string_value(json_object_get(o, "card_serial_number"));
        if (sn && !(d->card_serial_number = strdup(sn))) {
                dev_done(d);
                return -ENOMEM;
        }
        return 0;
}

static int dev_cmp(const void *a, const void *b)
{
        const struct pci_inventory_dev *x = a, *y = b;
        return pci_address_compare(&x->view.address, &y->view.address);
}

const struct pci_inventory_dev *pci_inventory_find(const struct pci_inventory *inv, const struct pci_address *a)
{
        struct pci_inventory_dev key = {.view.address = *a};
        return inv->n ? bsearch(&key, inv->v, inv->n, sizeof(key), dev_cmp) : NULL;
}

int pci_inventory_from_json(const json_t *devices, struct pci_inventory **ret)
{
        struct pci_inventory *inv;
        size_t n = json_array_size(devices);
        int r;

        if (devices && !json_is_null(devices) && !json_is_array(devices))
                return err_set(-EINVAL, "pci_devices must be a list of devices as `vfnet pci list -f json` prints");
        inv = calloc(1, sizeof(*inv));
        if (!inv)
                return -ENOMEM;
        inv->v = calloc(n ? n : 1, sizeof(*inv->v));
        if (!inv->v) {
                free(inv);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                r = parse_dev(json_array_get(devices, i), i, &inv->v[i]);
                if (r < 0) {
                        pci_inventory_free(inv);
                        return r;
                }
                inv->n++;
        }
        qsort(inv->v, inv->n, sizeof(*inv->v), dev_cmp);
        for (size_t i = 0; i + 1 < inv->n; i++)
                if (pci_address_equal(&inv->v[i].view.address, &inv->v[i + 1].view.address)) {
                        char buf[PCI_ADDRESS_STRLEN];
                        pci_address_format(&inv->v[i].view.address, buf);
                        pci_inventory_free(inv);
                        return err_set(-EINVAL, "pci_devices: %s is listed twice", buf);
                }
        /* Link each device's netdevs, and its PF's for devname specs. */
        for (size_t i = 0; i < inv->n; i++) {
                struct pci_inventory_dev *d = &inv->v[i];
                d->view.netdevs = d->netdevs;
                d->view.card_serial_number = d->card_serial_number;
                if (d->view.has_parent) {
                        const struct pci_inventory_dev *p = pci_inventory_find(inv, &d->view.parent);
                        d->view.parent_netdevs = p ? p->netdevs : NULL;
                }
        }
        *ret = inv;
        return 0;
}
