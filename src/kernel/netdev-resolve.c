#include <dirent.h>
#include <stdbool.h>
#include <net/if.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fileio.h"
#include "kernel/netdev-resolve.h"
#include "kernel/sysroot.h"

static bool looks_like_pci_address(const char *s)
{
        /* [DOMAIN:]BUS:SLOT.FN — a netdev name has no ':' and '.' both in
         * this order in practice, so only such strings go the PCI way. */
        const char *colon = strchr(s, ':'), *dot = strrchr(s, '.');
        return colon && dot && dot > colon;
}

static int resolve_pci(const char *root, const char *addr, char **ret)
{
        _cleanup_free_ char *dir = sysroot_path(root, "/sys/bus/pci/devices/%s/net", addr);
        _cleanup_free_ char *name = NULL;
        DIR *d;
        struct dirent *de;
        int n = 0;

        if (!dir)
                return -ENOMEM;
        d = opendir(dir);
        if (!d) {
                _cleanup_free_ char *dev = sysroot_path(root, "/sys/bus/pci/devices/%s", addr);
                struct stat st;
                if (dev && stat(dev, &st) == 0)
                        return err_set(-ENODEV, "PCI device %s has no network interface (is its driver bound?)",
                                       addr);
                return err_set(-ENODEV, "no PCI device %s; give a PF netdev name or PCI address", addr);
        }
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                n++;
                if (!name)
                        name = strdup(de->d_name);
        }
        closedir(d);
        if (n == 0)
                return err_set(-ENODEV, "PCI device %s has no network interface (is its driver bound?)", addr);
        if (n > 1)
                return err_set(-EINVAL, "PCI device %s has %d network interfaces; name one of them", addr, n);
        if (!name)
                return -ENOMEM;
        *ret = TAKE_PTR(name);
        return 0;
}

int netdev_resolve(const char *root, const char *arg, char **ret_ifname)
{
        _cleanup_free_ char *path = NULL;
        struct stat st;
        char *name;

        if (!arg || !arg[0])
                return err_set(-EINVAL, "missing PF: give a netdev name or PCI address");
        if (looks_like_pci_address(arg))
                return resolve_pci(root, arg, ret_ifname);
        if (strlen(arg) >= IF_NAMESIZE || strchr(arg, '/'))
                return err_set(-ENODEV, "'%s' is not a network interface name or PCI address", arg);
        path = sysroot_path(root, "/sys/class/net/%s", arg);
        if (!path)
                return -ENOMEM;
        if (stat(path, &st) < 0)
                return err_set(-ENODEV, "no network interface '%s'; give a PF netdev name or PCI address", arg);
        name = strdup(arg);
        if (!name)
                return -ENOMEM;
        *ret_ifname = name;
        return 0;
}

int netdev_device_id(const char *root, const char *ifname, char **ret)
{
        _cleanup_free_ char *link = sysroot_path(root, "/sys/class/net/%s/device", ifname);
        char *id = NULL;

        if (!link)
                return -ENOMEM;
        if (readlink_basename(link, &id) < 0) {
                id = strdup(ifname);
                if (!id)
                        return -ENOMEM;
        }
        *ret = id;
        return 0;
}
