#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/parse.h"
#include "kernel/sysroot.h"
#include "kernel/vf-persist.h"
#include "pci/pci-address.h"

int vf_persist_parse(const char *text, int *ret)
{
        const char *p = text;
        bool found = false;
        int value = 0;

        while (*p) {
                const char *e = strchr(p, '\n');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                char line[64];
                size_t a = 0, b = n;

                while (a < n && isspace((unsigned char)p[a]))
                        a++;
                while (b > a && isspace((unsigned char)p[b - 1]))
                        b--;
                if (a < b && p[a] != '#') {
                        uint32_t v;
                        if (found || b - a >= sizeof(line))
                                return -EINVAL;
                        memcpy(line, p + a, b - a);
                        line[b - a] = '\0';
                        if (parse_u32(line, &v) < 0 || v > 65535)
                                return -EINVAL;
                        value = (int)v;
                        found = true;
                }
                p += n;
                if (*p == '\n')
                        p++;
        }
        if (!found)
                return -EINVAL;
        *ret = value;
        return 0;
}

int vf_persist_write(const char *root, const char *pf, int count, char **ret_path)
{
        _cleanup_free_ char *path = sysroot_path(root, VF_PERSIST_DIR "/%s.conf", pf);
        char content[256];
        int r;

        if (!path)
                return -ENOMEM;
        snprintf(content, sizeof(content),
                 "# VFs of PF %s, created at boot by vfnet-sriov.service (vfnet vf restore).\n"
                 "# Written by: vfnet vf create %s %d --persist\n%d\n",
                 pf, pf, count, count);
        r = write_file_atomic(path, content);
        if (r < 0)
                return err_set(r, "cannot write %s: %s", path, strerror(-r));
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return 0;
}

int vf_persist_read(const char *root, const char *pf, int *ret)
{
        _cleanup_free_ char *path = sysroot_path(root, VF_PERSIST_DIR "/%s.conf", pf), *text = NULL;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_full_file(path, 64 * 1024, &text, NULL);
        if (r < 0)
                return r;
        r = vf_persist_parse(text, ret);
        if (r < 0)
                return err_set(r, "%s: expected one VF count (a number from 0 to 65535) and # comments", path);
        return 0;
}

static int cmp_entry(const void *a, const void *b)
{
        return strcmp(((const struct vf_persist_entry *)a)->pf, ((const struct vf_persist_entry *)b)->pf);
}

int vf_persist_list(const char *root, struct vf_persist_entry **ret, size_t *ret_n, size_t *ret_bad)
{
        _cleanup_free_ char *dir = sysroot_path(root, VF_PERSIST_DIR);
        _cleanup_free_ struct vf_persist_entry *l = NULL;
        size_t n = 0, bad = 0;
        struct dirent *de;
        DIR *d;

        if (!dir)
                return -ENOMEM;
        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return err_set(negative_errno(), "cannot read %s: %s", dir, strerror(errno));
        } else {
                while ((de = readdir(d))) {
                        size_t len = strlen(de->d_name);
                        char name[64];
                        struct pci_address a;
                        struct vf_persist_entry *nl;
                        int count;

                        if (de->d_name[0] == '.' || len < 6 || len >= sizeof(name) ||
                            strcmp(de->d_name + len - 5, ".conf") != 0)
                                continue;
                        memcpy(name, de->d_name, len - 5);
                        name[len - 5] = '\0';
                        if (pci_address_parse(name, &a) < 0) {
                                err_set(-EINVAL, "%s/%s: the name is not a PCI address", dir, de->d_name);
                                bad++;
                                continue;
                        }
                        if (vf_persist_read(root, name, &count) < 0) {
                                bad++;
                                continue;
                        }
                        nl = realloc(l, (n + 1) * sizeof(*l));
                        if (!nl) {
                                closedir(d);
                                return -ENOMEM;
                        }
                        l = nl;
                        pci_address_format(&a, l[n].pf);
                        l[n].numvfs = count;
                        n++;
                }
                closedir(d);
        }
        if (n)
                qsort(l, n, sizeof(*l), cmp_entry);
        *ret = TAKE_PTR(l);
        *ret_n = n;
        if (ret_bad)
                *ret_bad = bad;
        return 0;
}
