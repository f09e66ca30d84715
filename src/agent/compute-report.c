#include <errno.h>
#include <string.h>

#include "agent/compute-report.h"
#include "base/error.h"
#include "base/json-util.h"
#include "kernel/pci-device-json.h"
#include "kernel/pci-sysfs.h"
#include "pci/devspec.h"

static int set(json_t *o, const char *key, json_t *v)
{
        return v && json_object_set_new(o, key, v) == 0 ? 0 : -ENOMEM;
}

int compute_report_json(const struct compute_facts *f, json_t **ret)
{
        const struct host_resources *h = &f->resources;
        _cleanup_json_ json_t *o = json_object(), *cpu = json_object(), *caps = json_object(),
                              *inst = json_array(), *devs = json_deep_copy(f->pci_devices);
        if (!o || !cpu || !caps || !inst || !devs)
                return -ENOMEM;
        if (set(cpu, "arch", json_string(h->arch)) < 0 ||
            (*h->cpu_vendor && set(cpu, "vendor", json_string(h->cpu_vendor)) < 0) ||
            set(caps, "hypervisor_type", json_string("QEMU")) < 0 ||
            set(caps, "cpu_info", json_incref(cpu)) < 0)
                return -ENOMEM;
        /* As nova's libvirt driver reports a KVM host: both virt types. */
        if ((h->kvm && json_array_append_new(inst, json_pack("[s,s,s]", h->arch, "kvm", "hvm")) < 0) ||
            json_array_append_new(inst, json_pack("[s,s,s]", h->arch, "qemu", "hvm")) < 0)
                return -ENOMEM;
        if (set(o, "hostname", json_string(f->hostname)) < 0 ||
            set(o, "vcpus", json_integer(h->vcpus)) < 0 ||
            set(o, "memory_mb", json_integer(h->memory_mb)) < 0 ||
            set(o, "disk_gb", json_integer(h->disk_gb)) < 0 ||
            set(o, "capabilities", json_incref(caps)) < 0 ||
            set(o, "supported_instances", json_incref(inst)) < 0 ||
            set(o, "pci_devices", json_incref(devs)) < 0)
                return -ENOMEM;
        if (h->boot_time > 0 && set(o, "boot_time", json_integer(h->boot_time)) < 0)
                return -ENOMEM;
        if (h->n_cells > 0) {
                json_t *cells = json_array();
                if (set(o, "numa_cells", cells) < 0)
                        return -ENOMEM;
                for (size_t i = 0; i < h->n_cells; i++) {
                        json_t *c = json_pack("{s:i,s:o}", "id", h->cells[i].id, "socket",
                                              h->cells[i].socket < 0
                                                      ? json_null()
                                                      : json_integer(h->cells[i].socket));
                        /* append_new takes C, even when it fails */
                        if (!c || json_array_append_new(cells, c) < 0)
                                return -ENOMEM;
                }
        }
        if (f->device_spec && f->device_spec->n_specs > 0) {
                json_t *spec = json_array();
                if (set(o, "device_spec", spec) < 0)
                        return -ENOMEM;
                for (size_t i = 0; i < f->device_spec->n_specs; i++)
                        if (json_array_append_new(
                                    spec, json_string(pci_devspec_text(f->device_spec->specs[i]))) < 0)
                                return -ENOMEM;
        }
        *ret = TAKE_PTR(o);
        return 0;
}

int compute_inventory_read(const char *root, json_t **ret)
{
        struct pci_device_list l = {0};
        _cleanup_json_ json_t *rows = json_array();
        if (!rows)
                return -ENOMEM;
        int r = pci_sysfs_list(root, false, &l);
        if (r < 0)
                return r;
        for (size_t i = 0; i < l.n && r >= 0; i++) {
                json_t *o = pci_device_json(&l.items[i]);
                if (!o || json_array_append_new(rows, o) < 0)
                        r = -ENOMEM;
        }
        pci_device_list_done(&l);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(rows);
        return 0;
}

int compute_report_gather(const char *root, const struct agent_config *c, const char *host,
                          const json_t *inventory, json_t **ret)
{
        struct compute_facts f = {.hostname = host, .device_spec = c->whitelist};
        _cleanup_json_ json_t *devs = NULL;
        int r = host_resources_read(root, COMPUTE_INSTANCES_PATH, &f.resources);
        if (r < 0)
                return r;
        if (inventory)
                devs = json_incref((json_t *)inventory);
        else if ((r = compute_inventory_read(root, &devs)) < 0)
                return err_set(r, "cannot list the PCI devices: %s", strerror(-r));
        f.pci_devices = devs;
        return compute_report_json(&f, ret);
}

bool compute_inventory_equal(const json_t *a, const json_t *b)
{
        if (!json_is_array(a) || !json_is_array(b) || json_array_size(a) != json_array_size(b))
                return false;
        for (size_t i = 0; i < json_array_size(a); i++) {
                const json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
                if (!json_is_object(x) || !json_is_object(y) ||
                    json_object_size(x) != json_object_size(y))
                        return false;
                const char *k;
                json_t *v;
                json_object_foreach((json_t *)x, k, v) {
                        if (streq(k, "link_state"))
                                continue;
                        if (!json_equal(v, json_object_get(y, k)))
                                return false;
                }
        }
        return true;
}

bool compute_uevent_matters(const struct uevent *u)
{
        if (!streq(u->subsystem, "pci") && !streq(u->subsystem, "net"))
                return false;
        switch (u->action) {
        case UEVENT_ADD:
        case UEVENT_REMOVE:
        case UEVENT_BIND:
        case UEVENT_UNBIND:
        case UEVENT_CHANGE:
        case UEVENT_MOVE: /* a netdev renamed: netdevs and device_spec devname */
                return true;
        default:
                return false;
        }
}
