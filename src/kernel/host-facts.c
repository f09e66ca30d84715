#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "host/module-options.h"
#include "kernel/host-facts.h"
#include "kernel/kmsg.h"
#include "kernel/pci-sysfs.h"
#include "kernel/sysroot.h"
#include "kernel/vf-persist.h"

static int read_root_file(const char *root, const char *abs, char **ret)
{
        _cleanup_free_ char *p = sysroot_path(root, "%s", abs);

        if (!p)
                return -ENOMEM;
        return read_full_file(p, 16u << 20, ret, NULL);
}

static bool has_word(const char *line, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = line; (p = strstr(p, word)); p += n)
                if ((p == line || p[-1] == ' ' || p[-1] == '\t') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
                        return true;
        return false;
}

static void gather_cpu(const char *root, struct host_facts *f)
{
        _cleanup_free_ char *text = NULL;
        const char *v, *fl;

        if (read_root_file(root, "/proc/cpuinfo", &text) < 0)
                return;
        f->cpuinfo_read = true;
        v = strstr(text, "vendor_id");
        if (v && (v = strchr(v, ':')))
                sscanf(v + 1, " %15s", f->cpu_vendor);
        fl = strstr(text, "\nflags");
        if (fl && (fl = strchr(fl, ':'))) {
                _cleanup_free_ char *line = strndup(fl + 1, strcspn(fl + 1, "\n"));
                if (line) {
                        f->cpu_vmx = has_word(line, "vmx");
                        f->cpu_svm = has_word(line, "svm");
                }
        }
}

static bool root_exists(const char *root, const char *abs)
{
        _cleanup_free_ char *p = sysroot_path(root, "%s", abs);
        struct stat st;

        return p && stat(p, &st) == 0;
}

static int cmp_strp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of a directory, sorted, skipping dot files; -errno when unreadable. */
static int list_dir(const char *root, const char *abs, char ***ret)
{
        _cleanup_free_ char *p = sysroot_path(root, "%s", abs);
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        size_t n = 0;
        struct dirent *de;
        DIR *d;

        if (!p || !l)
                return -ENOMEM;
        d = opendir(p);
        if (!d)
                return negative_errno();
        while ((de = readdir(d))) {
                char **nl;
                if (de->d_name[0] == '.')
                        continue;
                nl = realloc(l, (n + 2) * sizeof(char *));
                if (!nl || !(nl[n] = strdup(de->d_name))) {
                        l = nl ? nl : l;
                        closedir(d);
                        return -ENOMEM;
                }
                l = nl;
                l[++n] = NULL;
        }
        closedir(d);
        qsort(l, n, sizeof(char *), cmp_strp);
        *ret = TAKE_PTR(l);
        return (int)n;
}

static void gather_iommu(const char *root, struct host_facts *f)
{
        _cleanup_strv_free_ char **units = NULL, **groups = NULL;
        int n;

        f->acpi_tables_read = root_exists(root, "/sys/firmware/acpi/tables");
        f->acpi_dmar = root_exists(root, "/sys/firmware/acpi/tables/DMAR");
        f->acpi_ivrs = root_exists(root, "/sys/firmware/acpi/tables/IVRS");

        n = list_dir(root, "/sys/class/iommu", &units);
        for (int i = 0; i < n; i++) {
                char abs[512];
                _cleanup_free_ char *s = NULL;
                uint64_t ecap;
                size_t used = strlen(f->iommu_units);

                snprintf(f->iommu_units + used, sizeof(f->iommu_units) - used, "%s%s", used ? ", " : "", units[i]);
                f->n_iommu_units++;
                snprintf(abs, sizeof(abs), "/sys/class/iommu/%s/intel-iommu/ecap", units[i]);
                if (read_root_file(root, abs, &s) < 0)
                        continue;
                s[strcspn(s, " \n")] = '\0';
                if (parse_hex_u64(s, &ecap) >= 0) {
                        f->n_sysfs_ecap++;
                        if (ecap & DMAR_ECAP_IR)
                                f->n_sysfs_ecap_ir++;
                }
        }
        n = list_dir(root, "/sys/kernel/iommu_groups", &groups);
        f->n_iommu_groups = n > 0 ? (size_t)n : 0;
}

static int module_param_bool(const char *root, const char *module, const char *param)
{
        char abs[256];
        _cleanup_free_ char *s = NULL;
        int b;

        snprintf(abs, sizeof(abs), "/sys/module/%s/parameters/%s", module, param);
        if (read_root_file(root, abs, &s) < 0)
                return -1;
        s[strcspn(s, "\n")] = '\0';
        b = parse_boolean(s);
        return b < 0 ? -1 : b;
}

/* /proc/modules lists names with '_' where modinfo may say '-'. */
static bool module_loaded(const char *modules, const char *name)
{
        char want[128];

        snprintf(want, sizeof(want), "%s", name);
        for (char *p = want; *p; p++)
                if (*p == '-')
                        *p = '_';
        for (const char *l = modules; l && *l;) {
                size_t n = strcspn(l, " \n");
                if (n == strlen(want) && strncmp(l, want, n) == 0)
                        return true;
                l = strchr(l, '\n');
                if (l)
                        l++;
        }
        return false;
}

/* A VF count set outside vfnet: MODULE.max_vfs= on the kernel command line
 * (it wins, modprobe appends it last) or options in /etc/modprobe.d/. */
static void module_max_vfs(const char *root, const char *cmdline, const char *module, struct host_pf_facts *p)
{
        _cleanup_strv_free_ char **files = NULL;
        char val[32], by[160] = "";
        uint32_t v;
        int n;

        if (cmdline && module_option_from_cmdline(cmdline, module, "max_vfs", val, sizeof(val))) {
                snprintf(by, sizeof(by), "%s.max_vfs=%s on the kernel command line", module, val);
        } else {
                n = list_dir(root, "/etc/modprobe.d", &files); /* in order: the last file wins */
                for (int i = 0; i < n; i++) {
                        char abs[512];
                        _cleanup_free_ char *text = NULL;
                        size_t len = strlen(files[i]);

                        if (len < 6 || strcmp(files[i] + len - 5, ".conf") != 0)
                                continue;
                        snprintf(abs, sizeof(abs), "/etc/modprobe.d/%s", files[i]);
                        if (read_root_file(root, abs, &text) >= 0 &&
                            module_option_from_modprobe(text, module, "max_vfs", val, sizeof(val)))
                                snprintf(by, sizeof(by), "options %s max_vfs=%s in /etc/modprobe.d/%s", module, val,
                                         files[i]);
                }
        }
        /* igb and ixgbe take one count for every port they drive. */
        if (by[0] && parse_u32(val, &v) >= 0 && v <= 65535) {
                p->persisted = (int)v;
                snprintf(p->persisted_by, sizeof(p->persisted_by), "%s", by);
        }
}

static int gather_sriov(const char *root, const char *cmdline, struct host_gathered *g)
{
        struct pci_device_list l = {0};
        _cleanup_free_ char *modules = NULL;
        size_t npf = 0, nvf = 0;
        int r;

        (void)read_root_file(root, "/proc/modules", &modules);
        r = pci_sysfs_list(root, true, &l);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0; /* no PCI in sysfs: nothing to judge */
        g->pfs = calloc(l.n + 1, sizeof(*g->pfs));
        g->vfs = calloc(l.n + 1, sizeof(*g->vfs));
        if (!g->pfs || !g->vfs) {
                pci_device_list_done(&l);
                return -ENOMEM;
        }
        for (size_t i = 0; i < l.n; i++) {
                const struct pci_device *d = &l.items[i];

                if (d->type == PCI_DEV_TYPE_PF) {
                        struct host_pf_facts *p = &g->pfs[npf++];
                        snprintf(p->address, sizeof(p->address), "%s", d->address);
                        snprintf(p->driver, sizeof(p->driver), "%s", d->driver ? d->driver : "");
                        snprintf(p->module, sizeof(p->module), "%s", d->module ? d->module : "");
                        p->module_loaded = !d->module || module_loaded(modules, d->module);
                        p->numvfs = d->sriov_numvfs;
                        p->totalvfs = d->sriov_totalvfs;
                        if (vf_persist_read(root, d->address, &p->persisted) < 0) {
                                p->persisted = -1;
                                if (d->module)
                                        module_max_vfs(root, cmdline, d->module, p);
                        }
                } else if (d->type == PCI_DEV_TYPE_VF) {
                        struct host_vf_facts *v = &g->vfs[nvf++];
                        snprintf(v->address, sizeof(v->address), "%s", d->address);
                        v->iommu_group = d->iommu_group;
                        if (d->iommu_group >= 0) {
                                _cleanup_strv_free_ char **peers = NULL;
                                char abs[128];
                                int n;

                                snprintf(abs, sizeof(abs), "/sys/kernel/iommu_groups/%d/devices", d->iommu_group);
                                n = list_dir(root, abs, &peers);
                                for (int k = 0; k < n; k++) {
                                        size_t used = strlen(v->peers);
                                        if (streq(peers[k], d->address))
                                                continue;
                                        snprintf(v->peers + used, sizeof(v->peers) - used, "%s%s", used ? ", " : "",
                                                 peers[k]);
                                        v->n_peers++;
                                }
                        }
                }
        }
        pci_device_list_done(&l);
        g->facts.pfs = g->pfs;
        g->facts.n_pfs = npf;
        g->facts.vfs = g->vfs;
        g->facts.n_vfs = nvf;
        return 0;
}

int host_facts_gather(const char *root, const char *kernel_log_file, struct host_gathered *ret)
{
        struct host_gathered g = {0};
        struct host_facts *f = &g.facts;
        _cleanup_free_ char *text = NULL, *klog = NULL, *cmdline = NULL;
        size_t klog_len = 0;
        int r;

        gather_cpu(root, f);
        gather_iommu(root, f);
        if (read_root_file(root, "/proc/interrupts", &text) >= 0) {
                f->interrupts_read = true;
                f->interrupts_ir = strstr(text, "IR-") != NULL;
        }
        free(TAKE_PTR(text));
        if (read_root_file(root, "/proc/cmdline", &cmdline) >= 0) {
                f->cmdline_read = true;
                kernel_cmdline_parse(cmdline, &f->cmdline);
        }
        r = kmsg_read(root, kernel_log_file, &klog, &klog_len, f->klog_source, sizeof(f->klog_source));
        if (r < 0 && (kernel_log_file || r == -ENOMEM))
                return r;
        if (r >= 0) {
                f->klog_read = true;
                kernel_log_parse(klog, klog_len, &f->klog);
        }
        f->vfio_unsafe = module_param_bool(root, "vfio_iommu_type1", "allow_unsafe_interrupts");
        f->kvm_unsafe = module_param_bool(root, "kvm", "allow_unsafe_assigned_interrupts");
        r = gather_sriov(root, cmdline, &g);
        if (r < 0) {
                host_gathered_done(&g);
                return r;
        }
        *ret = g;
        return 0;
}

void host_gathered_done(struct host_gathered *g)
{
        free(g->pfs);
        free(g->vfs);
        g->pfs = NULL;
        g->vfs = NULL;
}
