#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "host/host-check.h"

#define GRUB_HOWTO "(GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub and reboot)"

static const char *const verdict_table[_VERDICT_MAX] = {
        [VERDICT_OK] = "ok",
        [VERDICT_WARN] = "warn",
        [VERDICT_FAIL] = "fail",
        [VERDICT_SKIP] = "skip",
};

const char *check_verdict_to_string(enum check_verdict v)
{
        return v >= 0 && v < _VERDICT_MAX ? verdict_table[v] : NULL;
}

/* Whose IOMMU this is: the firmware's table says it best (an emulated
 * Intel IOMMU can sit under an AMD CPU model); the CPU vendor otherwise. */
static bool is_amd(const struct host_facts *f)
{
        if (f->acpi_dmar || f->klog.acpi_dmar)
                return false;
        if (f->acpi_ivrs || f->klog.acpi_ivrs)
                return true;
        return strcmp(f->cpu_vendor, "AuthenticAMD") == 0;
}

/* Fill one result; the evidence is taken from sb, the remedy is formatted
 * (NULL fmt: no remedy). */
static int set_result(struct host_check *c, enum check_verdict v, struct strbuf *ev, const char *fmt, ...)
    _printf_(4, 5);
static int set_result(struct host_check *c, enum check_verdict v, struct strbuf *ev, const char *fmt, ...)
{
        c->verdict = v;
        c->evidence = strbuf_steal(ev);
        if (!c->evidence)
                return -ENOMEM;
        if (fmt) {
                _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
                char buf[2048];
                va_list ap;

                va_start(ap, fmt);
                vsnprintf(buf, sizeof(buf), fmt, ap);
                va_end(ap);
                if (strbuf_append(&sb, buf) < 0)
                        return -ENOMEM;
                c->remedy = strbuf_steal(&sb);
                if (!c->remedy)
                        return -ENOMEM;
        }
        return 0;
}

static int check_cpu_virt(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT;

        if (!f->cpuinfo_read) {
                strbuf_append(&ev, "/proc/cpuinfo not readable");
                return set_result(c, VERDICT_SKIP, &ev, NULL);
        }
        if (f->cpu_vmx || f->cpu_svm) {
                strbuf_printf(&ev, "/proc/cpuinfo flags: %s", f->cpu_vmx ? "vmx (Intel VT-x)" : "svm (AMD-V)");
                return set_result(c, VERDICT_OK, &ev, NULL);
        }
        strbuf_printf(&ev, "/proc/cpuinfo flags: neither vmx nor svm (vendor %s)",
                      f->cpu_vendor[0] ? f->cpu_vendor : "unknown");
        return set_result(c, VERDICT_FAIL, &ev,
                          "enable %s in the firmware (BIOS/UEFI) setup; in a VM, give the guest nested virtualization",
                          is_amd(f) ? "AMD-V (SVM)" : "Intel VT-x (Virtualization Technology)");
}

static int check_iommu_firmware(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT;
        bool dmar = f->acpi_dmar || f->klog.acpi_dmar, ivrs = f->acpi_ivrs || f->klog.acpi_ivrs;

        if (dmar || ivrs) {
                strbuf_printf(&ev, "ACPI %s table present (%s)", dmar ? "DMAR (Intel VT-d)" : "IVRS (AMD-Vi)",
                              (dmar ? f->acpi_dmar : f->acpi_ivrs) ? "/sys/firmware/acpi/tables" : "kernel log");
                return set_result(c, VERDICT_OK, &ev, NULL);
        }
        if (!f->acpi_tables_read && !f->klog.from_boot) {
                strbuf_append(&ev, "/sys/firmware/acpi/tables not readable and the kernel log does not reach back to boot");
                return set_result(c, VERDICT_SKIP, &ev, "run as root, or pass --kernel-log with a boot log (journalctl -k -b > FILE)");
        }
        strbuf_append(&ev, "no ACPI DMAR or IVRS table: the firmware does not announce an IOMMU");
        return set_result(c, VERDICT_FAIL, &ev,
                          "enable %s in the firmware (BIOS/UEFI) setup",
                          is_amd(f) ? "the IOMMU (AMD-Vi)" : "VT-d (Intel Virtualization Technology for Directed I/O)");
}

static int check_iommu_active(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT;

        if (f->n_iommu_units > 0 && f->n_iommu_groups > 0) {
                strbuf_printf(&ev, "/sys/class/iommu: %s; %zu IOMMU groups in /sys/kernel/iommu_groups",
                              f->iommu_units, f->n_iommu_groups);
                return set_result(c, VERDICT_OK, &ev, NULL);
        }
        if (f->n_iommu_units > 0) {
                strbuf_printf(&ev, "/sys/class/iommu: %s, but no IOMMU groups: devices are not isolated",
                              f->iommu_units);
                return set_result(c, VERDICT_FAIL, &ev,
                                  "remove iommu=off / intel_iommu=off / amd_iommu=off from the kernel command line " GRUB_HOWTO);
        }
        strbuf_append(&ev, "no IOMMU units in /sys/class/iommu");
        if (!(f->acpi_dmar || f->acpi_ivrs || f->klog.acpi_dmar || f->klog.acpi_ivrs))
                return set_result(c, VERDICT_FAIL, &ev, "enable the IOMMU in the firmware first (see iommu-firmware)");
        if (is_amd(f))
                return set_result(c, VERDICT_FAIL, &ev,
                                  "remove amd_iommu=off / iommu=off from the kernel command line " GRUB_HOWTO);
        return set_result(c, VERDICT_FAIL, &ev, "add intel_iommu=on to the kernel command line " GRUB_HOWTO);
}

static int check_kernel_cmdline(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT, fix = STRBUF_INIT;
        const struct kernel_cmdline_facts *k = &f->cmdline;
        enum check_verdict v = VERDICT_OK;

        if (!f->cmdline_read) {
                strbuf_append(&ev, "/proc/cmdline not readable");
                return set_result(c, VERDICT_SKIP, &ev, NULL);
        }
        strbuf_printf(&ev, "/proc/cmdline: %s", k->relevant[0] ? k->relevant : "no IOMMU parameters");

        if (k->iommu_off || k->intel_iommu == 0 || k->amd_iommu_off) {
                v = VERDICT_FAIL;
                strbuf_printf(&ev, "; %s turns the IOMMU off",
                              k->iommu_off ? "iommu=off" : k->intel_iommu == 0 ? "intel_iommu=off" : "amd_iommu=off");
                strbuf_printf(&fix, "remove %s",
                              k->iommu_off ? "iommu=off" : k->intel_iommu == 0 ? "intel_iommu=off" : "amd_iommu=off");
        } else if (!is_amd(f) && k->intel_iommu != 1 && f->n_iommu_units == 0) {
                v = VERDICT_FAIL;
                strbuf_append(&ev, "; intel_iommu=on missing and the IOMMU is not active");
                strbuf_append(&fix, "add intel_iommu=on iommu=pt");
        }
        for (size_t i = 0; i < k->n_ignored; i++) {
                if (v == VERDICT_OK)
                        v = VERDICT_WARN;
                strbuf_printf(&ev, "; %s is ignored: %s", k->ignored[i].param, k->ignored[i].reason);
                strbuf_printf(&fix, "%s%s: %s", fix.len ? "; " : "", k->ignored[i].param, k->ignored[i].fix);
        }
        /* The log confirms what the kernel did with the words it did not know. */
        for (size_t i = 0; i < f->klog.n_unknown; i++)
                strbuf_printf(&ev, "; kernel log: \"%s: Unknown option - '%s'\"", f->klog.unknown[i].source,
                              f->klog.unknown[i].value);
        if (v == VERDICT_OK) {
                if (k->passthrough != 1 && f->n_iommu_units > 0) {
                        strbuf_append(&ev, "; iommu=pt not set: the host's own DMA is translated too");
                        return set_result(c, v, &ev, "optional, for host I/O speed: add iommu=pt " GRUB_HOWTO);
                }
                return set_result(c, v, &ev, NULL);
        }
        return set_result(c, v, &ev, "%s " GRUB_HOWTO, strbuf_str(&fix));
}

enum ir_state host_ir_state(const struct host_facts *f)
{
        const struct kernel_log_facts *l = &f->klog;

        if (l->dmar_ir_enabled || l->amd_ir_enabled || f->interrupts_ir)
                return IR_ENABLED;
        if (f->cmdline.intremap_off)
                return IR_OFF_BY_CMDLINE;
        if (l->ir_disabled_by_kernel)
                return IR_DISABLED_BY_KERNEL;
        /* Every AMD-Vi IOMMU remaps interrupts; on Intel it is ecap bit 3. */
        if (kernel_log_dmar_ir_capable(l) > 0 || f->n_sysfs_ecap_ir > 0 || l->amd_iommu_found)
                return l->from_boot ? IR_NOT_ENABLED : IR_UNKNOWN;
        if (l->n_dmar > 0 || f->n_sysfs_ecap > 0)
                return IR_UNSUPPORTED;
        if (f->n_iommu_units == 0 && (l->from_boot || f->interrupts_read))
                return IR_NO_IOMMU;
        return IR_UNKNOWN;
}

static void ecap_evidence(const struct host_facts *f, struct strbuf *ev)
{
        for (size_t i = 0; i < f->klog.n_dmar; i++)
                strbuf_printf(ev, "%s%s ecap %llx (bit 3 %s)", i ? ", " : "", f->klog.dmar[i].name,
                              (unsigned long long)f->klog.dmar[i].ecap,
                              f->klog.dmar[i].ecap & DMAR_ECAP_IR ? "set" : "clear");
}

static int check_irq_remapping(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT;
        enum ir_state s = host_ir_state(f);

        ecap_evidence(f, &ev);
        if (ev.len)
                strbuf_append(&ev, "; ");
        switch (s) {
        case IR_ENABLED:
                if (f->klog.dmar_ir_enabled)
                        strbuf_printf(&ev, "kernel log: \"DMAR-IR: Enabled IRQ remapping in %s mode\"",
                                      f->klog.dmar_ir_mode);
                else if (f->klog.amd_ir_enabled)
                        strbuf_append(&ev, "kernel log: \"AMD-Vi: Interrupt remapping enabled\"");
                else
                        strbuf_append(&ev, "/proc/interrupts lists IR- (remapped) interrupt chips");
                return set_result(c, VERDICT_OK, &ev, NULL);
        case IR_OFF_BY_CMDLINE:
                strbuf_printf(&ev, "turned off by %s on the kernel command line", f->cmdline.intremap_word);
                return set_result(c, VERDICT_FAIL, &ev, "remove %s from the kernel command line " GRUB_HOWTO,
                                  f->cmdline.intremap_word);
        case IR_DISABLED_BY_KERNEL:
                strbuf_printf(&ev, "the kernel disabled it: \"%s\"", f->klog.ir_disabled_line);
                return set_result(c, VERDICT_FAIL, &ev,
                                  "update the system firmware (BIOS/UEFI); the kernel turns remapping off on known firmware bugs");
        case IR_NOT_ENABLED:
                strbuf_append(&ev, f->klog.amd_iommu_found ? "AMD-Vi IOMMU found" : "supported");
                strbuf_append(&ev, ", but no \"Enabled IRQ remapping\" / \"Interrupt remapping enabled\" in the kernel log");
                return set_result(c, VERDICT_FAIL, &ev,
                                  "look for DMAR-IR / AMD-Vi errors in the kernel log (dmesg | grep -i remap); "
                                  "make sure x2apic and the IOMMU are enabled in the firmware");
        case IR_UNSUPPORTED:
                if (f->klog.n_dmar == 0)
                        strbuf_printf(&ev, "/sys/class/iommu/*/intel-iommu/ecap: bit 3 clear on %zu unit(s)",
                                      f->n_sysfs_ecap);
                strbuf_append(&ev, "no IOMMU unit supports interrupt remapping");
                return set_result(c, VERDICT_FAIL, &ev,
                                  "use a platform whose IOMMU remaps interrupts; otherwise see unsafe-interrupts");
        case IR_NO_IOMMU:
                strbuf_append(&ev, "no IOMMU: no DMAR or AMD-Vi unit in the kernel log or in /sys/class/iommu");
                return set_result(c, VERDICT_FAIL, &ev, "enable the IOMMU first (see iommu-firmware and kernel-cmdline)");
        default:
                if (!f->klog_read)
                        strbuf_printf(&ev, "kernel log not readable (%s)", f->klog_source);
                else
                        strbuf_printf(&ev, "the kernel log (%s) does not reach back to boot", f->klog_source);
                return set_result(c, VERDICT_WARN, &ev,
                                  "run as root, or pass a boot log: journalctl -k -b > /tmp/k.log; "
                                  "vfnet host check --kernel-log /tmp/k.log");
        }
}

static int check_unsafe_interrupts(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT;
        enum ir_state s = host_ir_state(f);
        bool unsafe = f->vfio_unsafe == 1 || f->kvm_unsafe == 1;

        strbuf_printf(&ev, "vfio_iommu_type1 allow_unsafe_interrupts=%s",
                      f->vfio_unsafe < 0 ? "N (module not loaded)" : f->vfio_unsafe ? "Y" : "N");
        if (f->kvm_unsafe >= 0)
                strbuf_printf(&ev, ", kvm allow_unsafe_assigned_interrupts=%s", f->kvm_unsafe ? "Y" : "N");
        if (s == IR_UNKNOWN) {
                strbuf_append(&ev, "; interrupt remapping state unknown (see irq-remapping)");
                return set_result(c, VERDICT_SKIP, &ev, NULL);
        }
        if (s == IR_ENABLED) {
                if (!unsafe) {
                        strbuf_append(&ev, "; interrupt remapping works");
                        return set_result(c, VERDICT_OK, &ev, NULL);
                }
                strbuf_append(&ev, "; on although interrupt remapping works: guests are needlessly exposed to "
                                   "interrupt injection (R27)");
                return set_result(c, VERDICT_WARN, &ev,
                                  "echo N > /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts, and "
                                  "remove allow_unsafe_interrupts=1 from /etc/modprobe.d/ and the kernel command line");
        }
        if (unsafe) {
                strbuf_append(&ev, "; interrupt remapping is missing and unsafe interrupts are allowed: a guest "
                                   "with an assigned device can inject interrupts into the host (R27)");
                return set_result(c, VERDICT_WARN, &ev,
                                  "acceptable only with trusted guests (R29); enable interrupt remapping (see "
                                  "irq-remapping) and turn the option off");
        }
        strbuf_append(&ev, "; interrupt remapping is missing: VFIO refuses to assign devices "
                           "(\"No interrupt remapping support\")");
        if (f->klog.vfio_no_ir)
                strbuf_append(&ev, ", as the kernel log shows");
        return set_result(c, VERDICT_FAIL, &ev,
                          "enable interrupt remapping (see irq-remapping); only if the platform cannot and every "
                          "guest is trusted: echo 'options vfio_iommu_type1 allow_unsafe_interrupts=1' > "
                          "/etc/modprobe.d/vfio-unsafe.conf - a guest can then inject interrupts into the host (R27, R29)");
}

static int check_sriov_driver(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT, fix = STRBUF_INIT;
        enum check_verdict v = VERDICT_OK;

        if (f->n_pfs == 0) {
                strbuf_append(&ev, "no SR-IOV physical function found");
                return set_result(c, VERDICT_SKIP, &ev, NULL);
        }
        for (size_t i = 0; i < f->n_pfs; i++) {
                const struct host_pf_facts *p = &f->pfs[i];

                if (i)
                        strbuf_append(&ev, "; ");
                if (!p->driver[0]) {
                        v = VERDICT_FAIL;
                        strbuf_printf(&ev, "%s: no driver bound", p->address);
                        strbuf_printf(&fix, "%sload the driver of %s (lspci -k -s %s shows the candidate modules)",
                                      fix.len ? "; " : "", p->address, p->address);
                } else if (!p->module[0]) {
                        strbuf_printf(&ev, "%s: %s (built into the kernel)", p->address, p->driver);
                } else if (!p->module_loaded) {
                        v = VERDICT_FAIL;
                        strbuf_printf(&ev, "%s: %s, module %s not in /proc/modules", p->address, p->driver, p->module);
                        strbuf_printf(&fix, "%smodprobe %s", fix.len ? "; " : "", p->module);
                } else
                        strbuf_printf(&ev, "%s: %s (module %s loaded)", p->address, p->driver, p->module);
        }
        return set_result(c, v, &ev, fix.len ? "%s" : NULL, strbuf_str(&fix));
}

static int check_vf_count(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT, fix = STRBUF_INIT;
        enum check_verdict v = VERDICT_OK;

        if (f->n_pfs == 0) {
                strbuf_append(&ev, "no SR-IOV physical function found");
                return set_result(c, VERDICT_SKIP, &ev, NULL);
        }
        for (size_t i = 0; i < f->n_pfs; i++) {
                const struct host_pf_facts *p = &f->pfs[i];

                if (i)
                        strbuf_append(&ev, "; ");
                if (p->persisted < 0) {
                        strbuf_printf(&ev, "%s: %d of %d VFs, none persisted", p->address, p->numvfs, p->totalvfs);
                        if (p->numvfs > 0) {
                                if (v == VERDICT_OK)
                                        v = VERDICT_WARN;
                                strbuf_append(&ev, " (lost at reboot)");
                                strbuf_printf(&fix, "%svfnet vf create %s %d --persist", fix.len ? "; " : "",
                                              p->address, p->numvfs);
                        }
                } else if (p->persisted != p->numvfs) {
                        v = VERDICT_FAIL;
                        strbuf_printf(&ev, "%s: %d VFs live, %d persisted", p->address, p->numvfs, p->persisted);
                        if (p->persisted_by[0])
                                strbuf_printf(&ev, " (%s)", p->persisted_by);
                        strbuf_printf(&fix, "%svfnet vf create %s %d (apply the persisted count) or vfnet vf create "
                                            "%s %d --persist (keep the live one)",
                                      fix.len ? "; " : "", p->address, p->persisted, p->address, p->numvfs);
                } else {
                        strbuf_printf(&ev, "%s: %d VFs live, %d persisted", p->address, p->numvfs, p->persisted);
                        if (p->persisted_by[0])
                                strbuf_printf(&ev, " (%s)", p->persisted_by);
                }
        }
        return set_result(c, v, &ev, fix.len ? "%s" : NULL, strbuf_str(&fix));
}

static int check_iommu_isolation(const struct host_facts *f, struct host_check *c)
{
        _cleanup_strbuf_ struct strbuf ev = STRBUF_INIT;
        size_t grouped = 0, shared = 0;

        for (size_t i = 0; i < f->n_vfs; i++) {
                const struct host_vf_facts *vf = &f->vfs[i];

                if (vf->iommu_group < 0)
                        continue;
                grouped++;
                if (vf->n_peers == 0)
                        continue;
                strbuf_printf(&ev, "%s%s shares IOMMU group %d with %s", shared ? "; " : "", vf->address,
                              vf->iommu_group, vf->peers);
                shared++;
        }
        if (f->n_vfs == 0) {
                strbuf_append(&ev, "no VFs");
                return set_result(c, VERDICT_SKIP, &ev, NULL);
        }
        if (grouped == 0) {
                strbuf_printf(&ev, "%zu VFs, none in an IOMMU group (see iommu-active)", f->n_vfs);
                return set_result(c, VERDICT_SKIP, &ev, NULL);
        }
        if (shared > 0)
                return set_result(c, VERDICT_WARN, &ev,
                                  "these VFs can only be assigned together with their group; enable ACS on the "
                                  "upstream bridges in the firmware, or use a slot whose root port isolates");
        strbuf_printf(&ev, "%zu VFs, each alone in its IOMMU group", grouped);
        return set_result(c, VERDICT_OK, &ev, NULL);
}

int host_check_run(const struct host_facts *f, struct host_report *ret)
{
        static const struct {
                const char *id;
                int (*fn)(const struct host_facts *f, struct host_check *c);
        } table[HOST_CHECK_COUNT] = {
                {"cpu-virt", check_cpu_virt},
                {"iommu-firmware", check_iommu_firmware},
                {"iommu-active", check_iommu_active},
                {"kernel-cmdline", check_kernel_cmdline},
                {"irq-remapping", check_irq_remapping},
                {"unsafe-interrupts", check_unsafe_interrupts},
                {"sriov-driver", check_sriov_driver},
                {"vf-count", check_vf_count},
                {"iommu-isolation", check_iommu_isolation},
        };
        struct host_report r = {0};

        for (size_t i = 0; i < HOST_CHECK_COUNT; i++) {
                int k;

                r.checks[i].id = table[i].id;
                r.n = i + 1;
                k = table[i].fn(f, &r.checks[i]);
                if (k < 0) {
                        host_report_done(&r);
                        return k;
                }
        }
        *ret = r;
        return 0;
}

void host_report_done(struct host_report *r)
{
        for (size_t i = 0; i < r->n; i++) {
                free(r->checks[i].evidence);
                free(r->checks[i].remedy);
        }
        r->n = 0;
}

bool host_report_has_fail(const struct host_report *r)
{
        for (size_t i = 0; i < r->n; i++)
                if (r->checks[i].verdict == VERDICT_FAIL)
                        return true;
        return false;
}

const struct host_check *host_report_find(const struct host_report *r, const char *id)
{
        for (size_t i = 0; i < r->n; i++)
                if (strcmp(r->checks[i].id, id) == 0)
                        return &r->checks[i];
        return NULL;
}
