#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/log.h"
#include "base/parse.h"
#include "kernel/pci-sysfs.h"
#include "kernel/sriov.h"
#include "kernel/sysroot.h"

static sriov_write_fn writer = write_string_file;

void sriov_set_writer(sriov_write_fn fn)
{
        writer = fn ? fn : write_string_file;
}

void sriov_result_done(struct sriov_result *r)
{
        strv_free(r->vfs);
        r->vfs = NULL;
}

static int read_int(const char *root, const char *pf, const char *file, int *ret)
{
        _cleanup_free_ char *p = sysroot_path(root, "/sys/bus/pci/devices/%s/%s", pf, file), *s = NULL;
        uint32_t v;
        int r;

        if (!p)
                return -ENOMEM;
        r = read_one_line_file(p, &s);
        if (r < 0)
                return r;
        r = parse_u32(s, &v);
        if (r < 0 || v > INT_MAX)
                return -EINVAL;
        *ret = (int)v;
        return 0;
}

static bool path_exists(const char *root, const char *pf, const char *file)
{
        _cleanup_free_ char *p = sysroot_path(root, "/sys/bus/pci/devices/%s/%s", pf, file);
        struct stat st;

        return p && lstat(p, &st) == 0;
}

int sriov_module_max_vfs(const char *root, const char *pf, char **ret_module, int *ret_value)
{
        _cleanup_free_ char *drv = sysroot_path(root, "/sys/bus/pci/devices/%s/driver/module", pf);
        _cleanup_free_ char *mod = NULL, *p = NULL, *s = NULL;
        int64_t v;
        int r;

        if (!drv)
                return -ENOMEM;
        r = readlink_basename(drv, &mod);
        if (r < 0)
                return -ENOENT;
        p = sysroot_path(root, "/sys/module/%s/parameters/max_vfs", mod);
        if (!p)
                return -ENOMEM;
        r = read_one_line_file(p, &s);
        if (r < 0)
                return -ENOENT;
        /* ixgbe shows an unsigned int, igb an int; both are decimal. */
        if (parse_i64(s, &v) < 0 || v < 0 || v > INT_MAX)
                v = 0;
        *ret_module = TAKE_PTR(mod);
        *ret_value = (int)v;
        return 0;
}

/* What the kernel's answer means for the operator. */
static const char *refusal_advice(int r)
{
        switch (-r) {
        case EBUSY:
                return "the VFs are in use (assigned to a guest or held by a driver): release them first";
        case EINVAL:
                return "the driver rejected this count";
        case EPERM:
        case EACCES:
                return "permission denied: run as root";
        case EROFS:
                return "sysfs is mounted read-only (a container?): run this on the host";
        case ENOMEM:
        case ENOSPC:
                return "not enough PCI resources for the VFs: enable SR-IOV in the firmware setup, or add "
                       "pci=realloc to the kernel command line";
        case ENOENT:
                return "no driver is bound to the PF, or its driver cannot create VFs through sysfs";
        case ERANGE:
                return "more than sriov_totalvfs";
        default:
                return "see the kernel log (dmesg) for the driver's reason";
        }
}

static int write_numvfs(const char *root, const char *pf, int n)
{
        _cleanup_free_ char *p = sysroot_path(root, "/sys/bus/pci/devices/%s/sriov_numvfs", pf);
        char buf[16];
        int r;

        if (!p)
                return -ENOMEM;
        snprintf(buf, sizeof(buf), "%d", n);
        r = writer(p, buf);
        log_debug("%s: write %s to sriov_numvfs: %s", pf, buf, r < 0 ? strerror(-r) : "ok");
        return r;
}

static unsigned long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

/* Count the dense virtfn0..N-1 links. */
static int count_vf_links(const char *root, const char *pf)
{
        int n = 0;

        for (;; n++) {
                char name[32];
                snprintf(name, sizeof(name), "virtfn%d", n);
                if (!path_exists(root, pf, name))
                        return n;
        }
}

/* The kernel creates the VF devices while the write runs, but their sysfs
 * entries and driver probes can lag; poll until exactly `count` exist. */
static int wait_for_vfs(const char *root, const char *pf, int count, unsigned timeout_ms)
{
        unsigned long long deadline = now_ms() + timeout_ms;
        int seen;

        for (;;) {
                seen = count_vf_links(root, pf);
                if (seen == count)
                        return 0;
                if (now_ms() >= deadline)
                        break;
                nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
        }
        return err_set(-ETIMEDOUT, "%s: the kernel accepted %d VFs but %d exist after %u ms; see the kernel log (dmesg)",
                       pf, count, seen, timeout_ms);
}

static int no_sriov_error(const char *root, const char *pf, int count)
{
        _cleanup_free_ char *mod = NULL, *parent = NULL;
        _cleanup_free_ char *physfn = sysroot_path(root, "/sys/bus/pci/devices/%s/physfn", pf);
        int cur;

        if (!physfn)
                return -ENOMEM;
        if (readlink_basename(physfn, &parent) >= 0)
                return err_set(-EOPNOTSUPP, "%s is a VF of %s: give the PF (vfnet vf create %s %d)", pf, parent, parent, count);
        if (sriov_module_max_vfs(root, pf, &mod, &cur) >= 0)
                /* Old igb/ixgbe: the VF count comes only from the module option. */
                return err_set(-EOPNOTSUPP,
                               "%s: its driver %s takes the VF count only as a module option: "
                               "echo 'options %s max_vfs=%d' > /etc/modprobe.d/%s.conf, then reload the driver "
                               "(modprobe -r %s; modprobe %s) or reboot",
                               pf, mod, mod, count, mod, mod, mod);
        return err_set(-EOPNOTSUPP, "%s is not an SR-IOV physical function (no sriov_totalvfs); see vfnet pci list --sriov",
                       pf);
}

int sriov_set_numvfs(const char *root, const char *pf, int count, unsigned timeout_ms, struct sriov_result *ret)
{
        int total, old, r;
        bool wrote_zero = false;

        if (read_int(root, pf, "sriov_totalvfs", &total) < 0)
                return no_sriov_error(root, pf, count);
        if (count < 0 || count > total)
                return err_set(-ERANGE, "%s supports at most %d VFs (sriov_totalvfs); %d asked", pf, total, count);
        r = read_int(root, pf, "sriov_numvfs", &old);
        if (r < 0)
                return err_set(r, "%s: cannot read sriov_numvfs: %s", pf, strerror(-r));
        if (count > 0 && !path_exists(root, pf, "driver"))
                return err_set(-ENOENT, "%s: no driver bound; the kernel creates VFs only through the PF's driver: "
                                        "load it first (lspci -k -s %s shows the candidate modules)", pf, pf);

        if (old != count) {
                if (old != 0 && count != 0) {
                        /* The kernel refuses to change a non-zero count directly (EBUSY). */
                        r = write_numvfs(root, pf, 0);
                        if (r < 0)
                                return err_set(r, "%s: removing the %d VFs before creating %d failed (%s): %s; nothing changed",
                                               pf, old, count, strerror(-r), refusal_advice(r));
                        wrote_zero = true;
                }
                r = write_numvfs(root, pf, count);
                if (r < 0) {
                        int k = 0;
                        if (wrote_zero) {
                                k = write_numvfs(root, pf, old);
                                if (k == 0)
                                        (void)wait_for_vfs(root, pf, old, timeout_ms);
                        }
                        if (!wrote_zero)
                                return err_set(r, "%s: the kernel refused %d VFs (%s): %s; nothing changed", pf, count,
                                               strerror(-r), refusal_advice(r));
                        if (k == 0)
                                return err_set(r, "%s: the kernel refused %d VFs (%s): %s; the previous %d VFs were put back",
                                               pf, count, strerror(-r), refusal_advice(r), old);
                        return err_set(r, "%s: the kernel refused %d VFs (%s): %s; putting the previous %d back failed "
                                          "too (%s): the PF has 0 VFs now",
                                       pf, count, strerror(-r), refusal_advice(r), old, strerror(-k));
                }
        }
        r = wait_for_vfs(root, pf, count, timeout_ms);
        if (r < 0)
                return r;
        ret->previous = old;
        ret->numvfs = count;
        return pci_sysfs_pf_vfs(root, pf, &ret->vfs);
}
