#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/error.h"
#include "base/fileio.h"
#include "kernel/host-resources.h"
#include "kernel/sysroot.h"

/* A decimal number at *P (no sign), advanced past it; -1 when none. */
static long take_number(const char **p)
{
        if (!isdigit((unsigned char)**p))
                return -1;
        long v = 0;
        for (; isdigit((unsigned char)**p); (*p)++) {
                if (v > (LONG_MAX - 9) / 10)
                        return -1;
                v = v * 10 + (**p - '0');
        }
        return v;
}

long host_cpu_list_count(const char *s)
{
        long n = 0;
        const char *p = s;
        for (;;) {
                long a = take_number(&p), b = a;
                if (a < 0)
                        return -EINVAL;
                if (*p == '-') {
                        p++;
                        b = take_number(&p);
                        if (b < a)
                                return -EINVAL;
                }
                if (b - a >= LONG_MAX - n)
                        return -EINVAL;
                n += b - a + 1;
                if (*p == ',') {
                        p++;
                        continue;
                }
                if (*p == '\n')
                        p++;
                return *p ? -EINVAL : n;
        }
}

long host_meminfo_total_kb(const char *text)
{
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                if (strncmp(l, "MemTotal:", 9) != 0)
                        continue;
                const char *p = l + 9;
                while (*p == ' ' || *p == '\t')
                        p++;
                long v = take_number(&p);
                if (v < 0 || strncmp(p, " kB", 3) != 0 || (p[3] != '\n' && p[3] != '\0'))
                        return -EINVAL;
                return v;
        }
        return -EINVAL;
}

long host_stat_btime(const char *text)
{
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                if (strncmp(l, "btime ", 6) != 0)
                        continue;
                const char *p = l + 6;
                long v = take_number(&p);
                return v > 0 && (*p == '\n' || !*p) ? v : -EINVAL;
        }
        return -EINVAL;
}

static int read_root(const char *root, const char *abs, char **ret)
{
        _cleanup_free_ char *p = sysroot_path(root, "%s", abs);
        if (!p)
                return -ENOMEM;
        int r = read_full_file(p, 1u << 20, ret, NULL);
        if (r < 0)
                return err_set(r, "cannot read %s: %s", p, strerror(-r));
        return 0;
}

static void read_cpu_vendor(const char *root, struct host_resources *h)
{
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ char *p = sysroot_path(root, "/proc/cpuinfo");
        /* A courtesy for capabilities:cpu_info:vendor; absent is no error. */
        if (!p || read_full_file(p, 16u << 20, &text, NULL) < 0)
                return;
        const char *v = strstr(text, "vendor_id");
        if (!v)
                return;
        if (strncmp(v + strcspn(v, ":\n"), ": GenuineIntel", 14) == 0)
                snprintf(h->cpu_vendor, sizeof(h->cpu_vendor), "Intel");
        else if (strncmp(v + strcspn(v, ":\n"), ": AuthenticAMD", 14) == 0)
                snprintf(h->cpu_vendor, sizeof(h->cpu_vendor), "AMD");
}

static int disk_size(const char *root, const char *disk_path, long *ret)
{
        _cleanup_free_ char *p = sysroot_path(root, "%s", disk_path);
        if (!p)
                return -ENOMEM;
        size_t base = strlen(p) - strlen(disk_path);
        struct statvfs st;
        /* The instances directory may not exist yet: measure where it will be. */
        while (statvfs(p, &st) < 0) {
                int e = errno;
                char *slash = strrchr(p + base, '/');
                if (e != ENOENT || !slash || (slash == p + base && !slash[1]))
                        return err_set(-e, "cannot measure the file system of %s: %s", p,
                                       strerror(e));
                slash[slash == p + base] = '\0'; /* the root itself keeps its '/' */
        }
        *ret = (long)((unsigned long long)st.f_blocks * st.f_frsize >> 30);
        return 0;
}

static int cell_cmp(const void *a, const void *b)
{
        const struct host_numa_cell *x = a, *y = b;
        return (x->id > y->id) - (x->id < y->id);
}

/* The nodes of /sys/devices/system/node/nodeN; each one's socket is the
 * package of its first CPU (a node without CPUs: unknown). */
static int read_cells(const char *root, struct host_resources *h)
{
        _cleanup_free_ char *dir = sysroot_path(root, "/sys/devices/system/node");
        if (!dir)
                return -ENOMEM;
        DIR *d = opendir(dir);
        if (!d)
                return 0; /* a kernel without NUMA: no cells */
        struct dirent *de;
        while ((de = readdir(d)) && h->n_cells < HOST_MAX_NUMA_CELLS) {
                const char *p = de->d_name;
                if (strncmp(p, "node", 4) != 0)
                        continue;
                p += 4;
                long id = take_number(&p);
                if (id < 0 || id > 1023 || *p)
                        continue;
                struct host_numa_cell *c = &h->cells[h->n_cells++];
                *c = (struct host_numa_cell){.id = (int)id, .socket = -1};
                _cleanup_free_ char *cpus = NULL, *pkg = NULL;
                _cleanup_free_ char *cl = sysroot_path(root, "/sys/devices/system/node/node%ld/cpulist", id);
                if (!cl) {
                        closedir(d);
                        return -ENOMEM;
                }
                if (read_full_file(cl, 1u << 16, &cpus, NULL) < 0)
                        continue;
                const char *q = cpus;
                long cpu = take_number(&q);
                if (cpu < 0)
                        continue;
                _cleanup_free_ char *pp = sysroot_path(
                        root, "/sys/devices/system/cpu/cpu%ld/topology/physical_package_id", cpu);
                if (!pp) {
                        closedir(d);
                        return -ENOMEM;
                }
                if (read_full_file(pp, 64, &pkg, NULL) < 0)
                        continue;
                q = pkg;
                long sock = take_number(&q);
                if (sock >= 0 && sock <= INT_MAX && (*q == '\n' || !*q))
                        c->socket = (int)sock;
        }
        closedir(d);
        qsort(h->cells, h->n_cells, sizeof(h->cells[0]), cell_cmp);
        return 0;
}

int host_resources_read(const char *root, const char *disk_path, struct host_resources *ret)
{
        struct host_resources h = {0};
        _cleanup_free_ char *cpus = NULL, *meminfo = NULL;
        int r = read_root(root, "/sys/devices/system/cpu/online", &cpus);
        if (r < 0)
                return r;
        h.vcpus = host_cpu_list_count(cpus);
        if (h.vcpus <= 0)
                return err_set(-EBADMSG, "%s/sys/devices/system/cpu/online: not a CPU list: "
                               "'%.40s'", root, cpus);
        if ((r = read_root(root, "/proc/meminfo", &meminfo)) < 0)
                return r;
        long kb = host_meminfo_total_kb(meminfo);
        if (kb < 0)
                return err_set(-EBADMSG, "%s/proc/meminfo: no 'MemTotal: N kB' line", root);
        h.memory_mb = kb / 1024;
        if ((r = disk_size(root, disk_path, &h.disk_gb)) < 0)
                return r;
        struct utsname u;
        if (uname(&u) < 0)
                return err_set(-errno, "uname: %s", strerror(errno));
        snprintf(h.arch, sizeof(h.arch), "%s", u.machine);
        read_cpu_vendor(root, &h);
        _cleanup_free_ char *kvm = sysroot_path(root, "/dev/kvm");
        if (!kvm)
                return -ENOMEM;
        h.kvm = access(kvm, F_OK) == 0;
        if ((r = read_cells(root, &h)) < 0)
                return r;
        /* The boot time only words the uptime operators see: a host
         * without it still reports. */
        _cleanup_free_ char *stat = NULL;
        if (read_root(root, "/proc/stat", &stat) >= 0 && host_stat_btime(stat) > 0)
                h.boot_time = host_stat_btime(stat);
        *ret = h;
        return 0;
}
