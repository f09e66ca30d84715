#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/agent-devices.h"
#include "base/error.h"
#include "kernel/pci-sysfs.h"

static int check_pf(const char *root, const struct ini *ini, const struct agent_pf_map *pf)
{
        const char *map_at = ini_origin(ini, "sriov_nic", "physical_device_mappings");
        char addr[16];
        int r = pci_sysfs_resolve(root, pf->device, addr);
        if (r < 0)
                return err_prefix(r, "%s: [sriov_nic] physical_device_mappings: device %s of %s",
                                  map_at, pf->device, pf->physnet);
        struct pci_device d = {0};
        r = pci_sysfs_read_device(root, addr, &d);
        if (r < 0)
                return err_set(r, "%s: [sriov_nic] physical_device_mappings: device %s (%s) "
                               "cannot be read: %s", map_at, pf->device, addr, strerror(-r));
        enum pci_dev_type type = d.type;
        pci_device_done(&d);
        if (type != PCI_DEV_TYPE_PF)
                return err_set(-ENODEV, "%s: [sriov_nic] physical_device_mappings: device %s "
                               "(%s) is not an SR-IOV PF (%s)", map_at, pf->device, addr,
                               pci_dev_type_to_string(type));
        if (!pf->excluded[0])
                return 0;
        _cleanup_strv_free_ char **vfs = NULL;
        r = pci_sysfs_pf_vfs(root, addr, &vfs);
        if (r < 0)
                return err_set(r, "%s: cannot list the VFs of %s (%s): %s", map_at, pf->device,
                               addr, strerror(-r));
        for (char **e = pf->excluded; *e; e++) {
                bool found = false;
                for (char **v = vfs; *v && !found; v++)
                        found = strcasecmp(*v, *e) == 0;
                if (!found)
                        return err_set(-EINVAL, "%s: Invalid exclude_devices: %s is not a VF "
                                       "of %s (%s)",
                                       ini_origin(ini, "sriov_nic", "exclude_devices"), *e,
                                       pf->device, addr);
        }
        return 0;
}

int agent_devices_check(const char *root, const struct ini *ini, const struct agent_config *c)
{
        for (size_t i = 0; i < c->n_pfs; i++) {
                int r = check_pf(root, ini, &c->pfs[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}
