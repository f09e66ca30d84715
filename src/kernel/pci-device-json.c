#include <stdio.h>

#include "base/json-util.h"
#include "kernel/pci-device-json.h"

static json_t *int_or_null(int v)
{
        return v < 0 ? json_null() : json_integer(v);
}

static json_t *str_or_null(const char *s)
{
        return s && *s ? json_string(s) : json_null();
}

json_t *pci_device_json(const struct pci_device *d)
{
        _cleanup_json_ json_t *o = json_object(), *nd = json_array();
        char hex[16];

        if (!o || !nd)
                return NULL;
        for (char **n = d->netdevs; n && *n; n++)
                if (json_array_append_new(nd, json_string(*n)) < 0)
                        return NULL;
        if (json_object_set_new(o, "address", json_string(d->address)) < 0)
                return NULL;
        snprintf(hex, sizeof(hex), "%04x", d->vendor_id);
        if (json_object_set_new(o, "vendor_id", json_string(hex)) < 0)
                return NULL;
        snprintf(hex, sizeof(hex), "%04x", d->product_id);
        if (json_object_set_new(o, "product_id", json_string(hex)) < 0 ||
            json_object_set_new(o, "vendor_name", str_or_null(d->vendor_name)) < 0 ||
            json_object_set_new(o, "product_name", str_or_null(d->product_name)) < 0)
                return NULL;
        snprintf(hex, sizeof(hex), "0x%06x", d->class_code);
        if (json_object_set_new(o, "class", json_string(hex)) < 0 ||
            json_object_set_new(o, "driver", str_or_null(d->driver)) < 0 ||
            json_object_set(o, "netdevs", nd) < 0 ||
            json_object_set_new(o, "dev_type", json_string(pci_dev_type_to_string(d->type))) < 0 ||
            json_object_set_new(o, "parent_addr", str_or_null(d->parent_addr)) < 0 ||
            json_object_set_new(o, "vf_index", int_or_null(d->vf_index)) < 0 ||
            json_object_set_new(o, "sriov_totalvfs", int_or_null(d->sriov_totalvfs)) < 0 ||
            json_object_set_new(o, "sriov_numvfs", int_or_null(d->sriov_numvfs)) < 0 ||
            json_object_set_new(o, "numa_node", int_or_null(d->numa_node)) < 0 ||
            json_object_set_new(o, "iommu_group", int_or_null(d->iommu_group)) < 0 ||
            json_object_set_new(o, "link_state", str_or_null(d->link_state)) < 0)
                return NULL;
        return TAKE_PTR(o);
}
