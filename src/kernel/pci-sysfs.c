#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/log.h"
#include "base/parse.h"
#include "kernel/pci-sysfs.h"
#include "kernel/sysroot.h"
#include "pci/pci-address.h"

static const char *const dev_type_table[_PCI_DEV_TYPE_MAX] = {
        [PCI_DEV_TYPE_PCI] = "type-PCI",
        [PCI_DEV_TYPE_PF] = "type-PF",
        [PCI_DEV_TYPE_VF] = "type-VF",
};

const char *pci_dev_type_to_string(enum pci_dev_type t)
{
        return t >= 0 && t < _PCI_DEV_TYPE_MAX ? dev_type_table[t] : NULL;
}

#define DEV_PATH(root, addr, file) sysroot_path(root, "/sys/bus/pci/devices/%s/%s", addr, file)

static int read_attr(const char *root, const char *addr, const char *file, char **ret)
{
        _cleanup_free_ char *p = DEV_PATH(root, addr, file);

        if (!p)
                return -ENOMEM;
        return read_one_line_file(p, ret);
}

static int read_hex_attr(const char *root, const char *addr, const char *file, uint64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        int r = read_attr(root, addr, file, &s);

        if (r < 0)
                return r;
        return parse_hex_u64(s, ret);
}

/* An int attribute; def when it does not exist or does not parse. */
static int read_int_attr(const char *root, const char *addr, const char *file, int def)
{
        _cleanup_free_ char *s = NULL;
        int64_t v;

        if (read_attr(root, addr, file, &s) < 0 || parse_i64(s, &v) < 0 || v < INT_MIN || v > INT_MAX)
                return def;
        return (int)v;
}

static int link_basename(const char *root, const char *addr, const char *file, char **ret)
{
        _cleanup_free_ char *p = DEV_PATH(root, addr, file);

        if (!p)
                return -ENOMEM;
        return readlink_basename(p, ret);
}

static int strv_push(char ***l, size_t *n, char *s)
{
        char **nl = realloc(*l, (*n + 2) * sizeof(char *));

        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        nl[(*n)++] = s;
        nl[*n] = NULL;
        *l = nl;
        return 0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_netdevs(const char *root, const char *addr, char ***ret)
{
        _cleanup_free_ char *p = DEV_PATH(root, addr, "net");
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        size_t n = 0;
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (!p || !l)
                return -ENOMEM;
        d = opendir(p);
        if (d) {
                while ((de = readdir(d))) {
                        char *s;
                        if (de->d_name[0] == '.')
                                continue;
                        s = strdup(de->d_name);
                        if (!s || strv_push(&l, &n, s) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                }
                closedir(d);
        }
        if (r < 0)
                return r;
        qsort(l, n, sizeof(char *), cmp_str);
        *ret = TAKE_PTR(l);
        return 0;
}

/* The index N of the PF's virtfnN link that points at this VF. */
static int find_vf_index(const char *root, const char *pf, const char *vf)
{
        int total = read_int_attr(root, pf, "sriov_totalvfs", 0);
        /* Scan at least what the PF allows; stop far beyond (links are dense). */
        for (int i = 0; i < (total > 0 ? total : 256); i++) {
                char name[32];
                _cleanup_free_ char *b = NULL;

                snprintf(name, sizeof(name), "virtfn%d", i);
                if (link_basename(root, pf, name, &b) < 0)
                        continue;
                if (strcmp(b, vf) == 0)
                        return i;
        }
        return -1;
}

void pci_device_done(struct pci_device *d)
{
        if (!d)
                return;
        free(d->driver);
        free(d->module);
        strv_free(d->netdevs);
        free(d->link_state);
        free(d->vendor_name);
        free(d->product_name);
        memset(d, 0, sizeof(*d));
}

/* FIND_VF_INDEX false: a VF's vf_index is left -1, for a caller that
 * learns it from the PF (pci_sysfs_list(): one pass over each PF's
 * virtfn links instead of one scan of them per VF). */
static int read_device(const char *root, const char *address, bool find_index, struct pci_device *ret)
{
        struct pci_device d = {0};
        _cleanup_free_ char *dir = sysroot_path(root, "/sys/bus/pci/devices/%s", address);
        _cleanup_free_ char *group = NULL, *parent = NULL;
        uint64_t v;
        struct stat st;
        int r;

        if (!dir)
                return -ENOMEM;
        if (stat(dir, &st) < 0)
                return negative_errno();
        snprintf(d.address, sizeof(d.address), "%s", address);
        d.vf_index = d.sriov_totalvfs = d.sriov_numvfs = d.numa_node = d.iommu_group = -1;

        r = read_hex_attr(root, address, "vendor", &v);
        if (r < 0)
                goto fail;
        d.vendor_id = (uint16_t)v;
        r = read_hex_attr(root, address, "device", &v);
        if (r < 0)
                goto fail;
        d.product_id = (uint16_t)v;
        r = read_hex_attr(root, address, "class", &v);
        if (r < 0)
                goto fail;
        d.class_code = (uint32_t)v;

        if (link_basename(root, address, "driver", &d.driver) >= 0) {
                _cleanup_free_ char *m = sysroot_path(root, "/sys/bus/pci/drivers/%s/module", d.driver);
                if (!m) {
                        r = -ENOMEM;
                        goto fail;
                }
                (void)readlink_basename(m, &d.module); /* none: built in */
        }
        r = read_netdevs(root, address, &d.netdevs);
        if (r < 0)
                goto fail;
        d.numa_node = read_int_attr(root, address, "numa_node", -1);
        if (link_basename(root, address, "iommu_group", &group) >= 0) {
                int64_t g;
                if (parse_i64(group, &g) >= 0 && g >= 0 && g <= INT_MAX)
                        d.iommu_group = (int)g;
        }

        if (link_basename(root, address, "physfn", &parent) >= 0) {
                d.type = PCI_DEV_TYPE_VF;
                snprintf(d.parent_addr, sizeof(d.parent_addr), "%s", parent);
                if (find_index)
                        d.vf_index = find_vf_index(root, parent, address);
        } else {
                d.sriov_totalvfs = read_int_attr(root, address, "sriov_totalvfs", -1);
                if (d.sriov_totalvfs >= 0) {
                        d.type = PCI_DEV_TYPE_PF;
                        d.sriov_numvfs = read_int_attr(root, address, "sriov_numvfs", 0);
                        if (d.netdevs[0]) {
                                _cleanup_free_ char *p = sysroot_path(
                                        root, "/sys/bus/pci/devices/%s/net/%s/operstate", address, d.netdevs[0]);
                                if (!p) {
                                        r = -ENOMEM;
                                        goto fail;
                                }
                                (void)read_one_line_file(p, &d.link_state);
                        }
                }
        }
        *ret = d;
        return 0;
fail:
        log_debug("%s: cannot read device: %s", address, strerror(-r));
        pci_device_done(&d);
        return r;
}

int pci_sysfs_read_device(const char *root, const char *address, struct pci_device *ret)
{
        return read_device(root, address, true, ret);
}

static int cmp_device(const void *a, const void *b)
{
        const struct pci_device *x = a, *y = b;
        struct pci_address pa, pb;

        if (pci_address_parse(x->address, &pa) < 0 || pci_address_parse(y->address, &pb) < 0)
                return strcmp(x->address, y->address);
        return pci_address_compare(&pa, &pb);
}

static struct pci_device *list_find_sorted(struct pci_device_list *l, const char *address)
{
        struct pci_device key = {0};

        snprintf(key.address, sizeof(key.address), "%s", address);
        return bsearch(&key, l->items, l->n, sizeof(*l->items), cmp_device);
}

/* Each VF's index from its PF's virtfnN links, read once per PF.  A VF
 * listed whose PF is not (a PF going away meanwhile) keeps -1. */
static int fill_vf_indexes(const char *root, struct pci_device_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                if (l->items[i].type != PCI_DEV_TYPE_PF)
                        continue;
                _cleanup_strv_free_ char **vfs = NULL;
                char pf[sizeof(l->items[i].address)];

                snprintf(pf, sizeof(pf), "%s", l->items[i].address);
                int r = pci_sysfs_pf_vfs(root, pf, &vfs);
                if (r < 0)
                        return r;
                for (size_t k = 0; vfs[k]; k++) {
                        struct pci_device *vf = list_find_sorted(l, vfs[k]);
                        if (vf && vf->type == PCI_DEV_TYPE_VF && streq(vf->parent_addr, pf))
                                vf->vf_index = (int)k;
                }
        }
        return 0;
}

int pci_sysfs_list(const char *root, bool sriov_only, struct pci_device_list *ret)
{
        _cleanup_free_ char *dir = sysroot_path(root, "/sys/bus/pci/devices");
        struct pci_device_list l = {0};
        struct dirent *de;
        DIR *d;
        int r = 0;

        if (!dir)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return err_set(negative_errno(), "cannot read %s: %s", dir, strerror(errno));
        while ((de = readdir(d))) {
                struct pci_device dev, *n;
                bool wanted;

                if (de->d_name[0] == '.')
                        continue;
                r = read_device(root, de->d_name, false, &dev);
                if (r == -ENOMEM)
                        break;
                if (r < 0) { /* a device going away while we look is not an error */
                        r = 0;
                        continue;
                }
                wanted = dev.type != PCI_DEV_TYPE_PCI || (!sriov_only && (dev.class_code >> 16) == 0x02);
                if (!wanted) {
                        pci_device_done(&dev);
                        continue;
                }
                n = realloc(l.items, (l.n + 1) * sizeof(*n));
                if (!n) {
                        pci_device_done(&dev);
                        r = -ENOMEM;
                        break;
                }
                l.items = n;
                l.items[l.n++] = dev;
        }
        closedir(d);
        if (r < 0) {
                pci_device_list_done(&l);
                return r;
        }
        if (l.n)
                qsort(l.items, l.n, sizeof(*l.items), cmp_device);
        r = fill_vf_indexes(root, &l);
        if (r < 0) {
                pci_device_list_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

void pci_device_list_done(struct pci_device_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                pci_device_done(&l->items[i]);
        free(l->items);
        l->items = NULL;
        l->n = 0;
}

const struct pci_device *pci_device_list_find(const struct pci_device_list *l, const char *address)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->items[i].address, address) == 0)
                        return &l->items[i];
        return NULL;
}

int pci_sysfs_resolve(const char *root, const char *name, char ret_address[16])
{
        struct pci_address a;
        struct stat st;

        if (pci_address_parse(name, &a) >= 0) {
                char buf[PCI_ADDRESS_STRLEN];
                _cleanup_free_ char *p = sysroot_path(root, "/sys/bus/pci/devices/%s", pci_address_format(&a, buf));

                if (!p)
                        return -ENOMEM;
                if (stat(p, &st) < 0)
                        return err_set(-ENODEV, "no PCI device %s on this host; see vfnet pci list --sriov", buf);
                snprintf(ret_address, 16, "%s", buf);
                return 0;
        }
        if (strchr(name, '/') || name[0] == '.' || strlen(name) >= 16)
                return err_set(-ENODEV, "'%s' is neither a PCI address nor a network interface name", name);
        {
                _cleanup_free_ char *dev = sysroot_path(root, "/sys/class/net/%s/device", name);
                _cleanup_free_ char *subsys = sysroot_path(root, "/sys/class/net/%s/device/subsystem", name);
                _cleanup_free_ char *real = NULL, *bus = NULL;
                const char *addr;

                if (!dev || !subsys)
                        return -ENOMEM;
                real = realpath(dev, NULL);
                addr = real ? strrchr(real, '/') + 1 : NULL;
                if (!addr)
                        return err_set(-ENODEV, "no PCI device or network interface named '%s'; see vfnet pci list --sriov", name);
                if (readlink_basename(subsys, &bus) < 0 || strcmp(bus, "pci") != 0 ||
                    pci_address_parse(addr, &a) < 0)
                        return err_set(-ENODEV, "network interface %s is not a PCI device (%s); give the PF's PCI address",
                                       name, bus ? bus : "no bus");
                snprintf(ret_address, 16, "%s", addr);
                return 0;
        }
}

int pci_sysfs_pf_vfs(const char *root, const char *pf_address, char ***ret)
{
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        size_t n = 0;

        if (!l)
                return -ENOMEM;
        for (int i = 0;; i++) {
                char name[32];
                char *b = NULL;

                snprintf(name, sizeof(name), "virtfn%d", i);
                if (link_basename(root, pf_address, name, &b) < 0)
                        break;
                if (strv_push(&l, &n, b) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}
