/* Every verdict of `vfnet host check` on hand-made facts (R4-R8, R27-R29). */
#include "test-util.h"

#include "host/host-check.h"

static void parse_log(struct host_facts *f, const char *text)
{
        kernel_log_parse(text, strlen(text), &f->klog);
}

static struct host_pf_facts pfs[2];
static struct host_vf_facts vfs[2];

/* A healthy Intel host with IR, an 82576 PF with 7 persisted VFs. */
static void good_intel(struct host_facts *f)
{
        static const char log[] = "Linux version 6.1.0\n"
                                  "ACPI: DMAR 0x0000 000050\n"
                                  "DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c22260206 ecap f00f4a\n"
                                  "DMAR-IR: Enabled IRQ remapping in x2apic mode\n";

        memset(f, 0, sizeof(*f));
        f->cpuinfo_read = true;
        strcpy(f->cpu_vendor, "GenuineIntel");
        f->cpu_vmx = true;
        f->acpi_tables_read = true;
        f->acpi_dmar = true;
        f->n_iommu_units = 1;
        strcpy(f->iommu_units, "dmar0");
        f->n_iommu_groups = 12;
        f->interrupts_read = true;
        f->interrupts_ir = true;
        f->cmdline_read = true;
        kernel_cmdline_parse("ro intel_iommu=on iommu=pt", &f->cmdline);
        f->klog_read = true;
        strcpy(f->klog_source, "/dev/kmsg");
        kernel_log_parse(log, sizeof(log) - 1, &f->klog);
        f->vfio_unsafe = 0;
        f->kvm_unsafe = -1;

        memset(pfs, 0, sizeof(pfs));
        strcpy(pfs[0].address, "0000:0b:00.0");
        strcpy(pfs[0].driver, "igb");
        strcpy(pfs[0].module, "igb");
        pfs[0].module_loaded = true;
        pfs[0].numvfs = 7;
        pfs[0].totalvfs = 7;
        pfs[0].persisted = 7;
        f->pfs = pfs;
        f->n_pfs = 1;

        memset(vfs, 0, sizeof(vfs));
        strcpy(vfs[0].address, "0000:0b:10.0");
        vfs[0].iommu_group = 20;
        strcpy(vfs[1].address, "0000:0b:10.2");
        vfs[1].iommu_group = 21;
        f->vfs = vfs;
        f->n_vfs = 2;
}

static const struct host_check *run(const struct host_facts *f, struct host_report *r, const char *id)
{
        assert_int_equal(host_check_run(f, r), 0);
        assert_int_equal(r->n, HOST_CHECK_COUNT);
        return host_report_find(r, id);
}

#define ASSERT_VERDICT(f, id, v, evidence_part)                                                    \
        do {                                                                                       \
                struct host_report _r;                                                             \
                const struct host_check *_c = run(f, &_r, id);                                     \
                assert_non_null(_c);                                                               \
                if (_c->verdict != (v) || !strstr(_c->evidence, evidence_part))                   \
                        fail_msg("%s: got %s \"%s\", want %s containing \"%s\"", id,               \
                                 check_verdict_to_string(_c->verdict), _c->evidence,               \
                                 check_verdict_to_string(v), evidence_part);                       \
                if ((v) == VERDICT_FAIL)                                                           \
                        assert_non_null(_c->remedy);                                               \
                host_report_done(&_r);                                                             \
        } while (0)

static void test_all_ok(void **state)
{
        struct host_facts f;
        struct host_report r;

        good_intel(&f);
        assert_int_equal(host_check_run(&f, &r), 0);
        for (size_t i = 0; i < r.n; i++)
                if (r.checks[i].verdict != VERDICT_OK)
                        fail_msg("%s: %s %s", r.checks[i].id, check_verdict_to_string(r.checks[i].verdict),
                                 r.checks[i].evidence);
        assert_false(host_report_has_fail(&r));
        assert_string_equal(r.checks[0].id, "cpu-virt");
        assert_string_equal(r.checks[8].id, "iommu-isolation");
        assert_null(host_report_find(&r, "nope"));
        host_report_done(&r);
        assert_string_equal(check_verdict_to_string(VERDICT_SKIP), "skip");
        assert_null(check_verdict_to_string(_VERDICT_MAX));
}

static void test_cpu_virt(void **state)
{
        struct host_facts f;

        good_intel(&f);
        ASSERT_VERDICT(&f, "cpu-virt", VERDICT_OK, "vmx");
        f.cpu_vmx = false;
        ASSERT_VERDICT(&f, "cpu-virt", VERDICT_FAIL, "neither vmx nor svm");
        f.cpu_svm = true;
        ASSERT_VERDICT(&f, "cpu-virt", VERDICT_OK, "svm");
        f.cpuinfo_read = false;
        ASSERT_VERDICT(&f, "cpu-virt", VERDICT_SKIP, "not readable");
}

static void test_iommu_firmware(void **state)
{
        struct host_facts f;

        good_intel(&f);
        ASSERT_VERDICT(&f, "iommu-firmware", VERDICT_OK, "DMAR");
        f.acpi_dmar = false;
        ASSERT_VERDICT(&f, "iommu-firmware", VERDICT_OK, "kernel log");
        f.klog.acpi_dmar = false;
        ASSERT_VERDICT(&f, "iommu-firmware", VERDICT_FAIL, "no ACPI DMAR or IVRS");
        f.acpi_ivrs = true;
        ASSERT_VERDICT(&f, "iommu-firmware", VERDICT_OK, "IVRS");
        f.acpi_ivrs = false;
        f.acpi_tables_read = false;
        f.klog.from_boot = false;
        ASSERT_VERDICT(&f, "iommu-firmware", VERDICT_SKIP, "not readable");
}

static void test_iommu_active(void **state)
{
        struct host_facts f;

        good_intel(&f);
        ASSERT_VERDICT(&f, "iommu-active", VERDICT_OK, "12 IOMMU groups");
        f.n_iommu_groups = 0;
        ASSERT_VERDICT(&f, "iommu-active", VERDICT_FAIL, "no IOMMU groups");
        f.n_iommu_units = 0;
        ASSERT_VERDICT(&f, "iommu-active", VERDICT_FAIL, "no IOMMU units");
        {
                struct host_report r;
                const struct host_check *c = run(&f, &r, "iommu-active");
                assert_non_null(strstr(c->remedy, "intel_iommu=on"));
                host_report_done(&r);
                /* An Intel IOMMU (DMAR) under an AMD CPU model, as QEMU makes it. */
                strcpy(f.cpu_vendor, "AuthenticAMD");
                c = run(&f, &r, "iommu-active");
                assert_non_null(strstr(c->remedy, "intel_iommu=on"));
                host_report_done(&r);
                f.acpi_dmar = f.klog.acpi_dmar = false;
                f.acpi_ivrs = true;
                c = run(&f, &r, "iommu-active");
                assert_non_null(strstr(c->remedy, "amd_iommu=off"));
                host_report_done(&r);
                f.acpi_ivrs = false;
                f.acpi_dmar = f.klog.acpi_dmar = false;
                c = run(&f, &r, "iommu-active");
                assert_non_null(strstr(c->remedy, "firmware"));
                host_report_done(&r);
        }
}

static void test_kernel_cmdline(void **state)
{
        struct host_facts f;
        struct host_report r;
        const struct host_check *c;

        good_intel(&f);
        ASSERT_VERDICT(&f, "kernel-cmdline", VERDICT_OK, "intel_iommu=on iommu=pt");

        /* The seed's line: the unknown word is called out with its fix. */
        kernel_cmdline_parse("ro intel_iommu=pt igb.max_vfs=7", &f.cmdline);
        parse_log(&f, "DMAR: Unknown option - 'pt'\n");
        c = run(&f, &r, "kernel-cmdline");
        assert_int_equal(c->verdict, VERDICT_WARN);
        assert_non_null(strstr(c->evidence, "intel_iommu=pt is ignored"));
        assert_non_null(strstr(c->evidence, "kernel log: \"DMAR: Unknown option - 'pt'\""));
        assert_non_null(strstr(c->remedy, "intel_iommu=pt: intel_iommu=on iommu=pt"));
        host_report_done(&r);

        /* ... and when the IOMMU did not come up, it is a failure. */
        f.n_iommu_units = 0;
        c = run(&f, &r, "kernel-cmdline");
        assert_int_equal(c->verdict, VERDICT_FAIL);
        assert_non_null(strstr(c->remedy, "add intel_iommu=on iommu=pt"));
        host_report_done(&r);

        good_intel(&f);
        kernel_cmdline_parse("iommu=off", &f.cmdline);
        ASSERT_VERDICT(&f, "kernel-cmdline", VERDICT_FAIL, "iommu=off turns the IOMMU off");
        kernel_cmdline_parse("intel_iommu=off", &f.cmdline);
        ASSERT_VERDICT(&f, "kernel-cmdline", VERDICT_FAIL, "intel_iommu=off turns");
        kernel_cmdline_parse("amd_iommu=off", &f.cmdline);
        ASSERT_VERDICT(&f, "kernel-cmdline", VERDICT_FAIL, "amd_iommu=off turns");

        /* Without iommu=pt: fine, with an optional remedy. */
        kernel_cmdline_parse("intel_iommu=on", &f.cmdline);
        c = run(&f, &r, "kernel-cmdline");
        assert_int_equal(c->verdict, VERDICT_OK);
        assert_non_null(strstr(c->evidence, "iommu=pt not set"));
        assert_non_null(strstr(c->remedy, "optional"));
        host_report_done(&r);

        /* AMD needs no parameter; amd_iommu=on is ignored by the kernel. */
        strcpy(f.cpu_vendor, "AuthenticAMD");
        f.acpi_dmar = false;
        f.acpi_ivrs = true;
        kernel_cmdline_parse("quiet", &f.cmdline);
        ASSERT_VERDICT(&f, "kernel-cmdline", VERDICT_OK, "no IOMMU parameters");
        kernel_cmdline_parse("amd_iommu=on iommu=pt", &f.cmdline);
        ASSERT_VERDICT(&f, "kernel-cmdline", VERDICT_WARN, "amd_iommu=on is ignored");

        f.cmdline_read = false;
        ASSERT_VERDICT(&f, "kernel-cmdline", VERDICT_SKIP, "not readable");
}

static void test_irq_remapping(void **state)
{
        struct host_facts f;
        struct host_report r;
        const struct host_check *c;

        good_intel(&f);
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_OK, "dmar0 ecap f00f4a (bit 3 set)");
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_OK, "Enabled IRQ remapping in x2apic mode");
        assert_int_equal(host_ir_state(&f), IR_ENABLED);

        /* intremap=off: supported but turned off */
        f.interrupts_ir = false;
        parse_log(&f, "Linux version 6.1\nDMAR: dmar0: ecap f020df\n");
        kernel_cmdline_parse("intel_iommu=on intremap=off", &f.cmdline);
        assert_int_equal(host_ir_state(&f), IR_OFF_BY_CMDLINE);
        c = run(&f, &r, "irq-remapping");
        assert_int_equal(c->verdict, VERDICT_FAIL);
        assert_non_null(strstr(c->evidence, "turned off by intremap=off"));
        assert_non_null(strstr(c->remedy, "remove intremap=off"));
        host_report_done(&r);

        /* supported, not turned off, not enabled */
        kernel_cmdline_parse("intel_iommu=on", &f.cmdline);
        assert_int_equal(host_ir_state(&f), IR_NOT_ENABLED);
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_FAIL, "no \"Enabled IRQ remapping\"");

        /* ecap bit 3 clear: unsupported */
        parse_log(&f, "Linux version 6.1\nDMAR: dmar0: ecap f00f42\n");
        assert_int_equal(host_ir_state(&f), IR_UNSUPPORTED);
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_FAIL, "dmar0 ecap f00f42 (bit 3 clear)");

        /* the same from sysfs when the log has rotated */
        parse_log(&f, "");
        f.n_sysfs_ecap = 1;
        assert_int_equal(host_ir_state(&f), IR_UNSUPPORTED);
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_FAIL, "bit 3 clear on 1 unit(s)");
        f.n_sysfs_ecap_ir = 1;
        assert_int_equal(host_ir_state(&f), IR_UNKNOWN); /* supported; log cannot say if enabled */
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_WARN, "does not reach back to boot");
        f.klog_read = false;
        strcpy(f.klog_source, "/dev/kmsg: Permission denied");
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_WARN, "kernel log not readable (/dev/kmsg: Permission denied)");

        /* AMD: enabled, firmware bug, found but not enabled */
        good_intel(&f);
        f.interrupts_ir = false;
        parse_log(&f, "AMD-Vi: Interrupt remapping enabled\n");
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_OK, "AMD-Vi: Interrupt remapping enabled");
        {
                static const char fw[] = "Linux version 6.1\n[Firmware Bug]: AMD-Vi: IOAPIC[33] not in IVRS table\n"
                                         "AMD-Vi: Disabling interrupt remapping\npci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40\n";
                kernel_log_parse(fw, sizeof(fw) - 1, &f.klog);
        }
        assert_int_equal(host_ir_state(&f), IR_DISABLED_BY_KERNEL);
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_FAIL, "the kernel disabled it: \"AMD-Vi: Disabling interrupt remapping\"");
        parse_log(&f, "Linux version 6.1\npci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40\n");
        assert_int_equal(host_ir_state(&f), IR_NOT_ENABLED);
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_FAIL, "AMD-Vi IOMMU found, but no");

        /* no IOMMU at all */
        good_intel(&f);
        f.interrupts_ir = false;
        f.n_iommu_units = 0;
        parse_log(&f, "Linux version 6.1\n");
        assert_int_equal(host_ir_state(&f), IR_NO_IOMMU);
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_FAIL, "no IOMMU");

        /* IR- chips in /proc/interrupts are enough */
        f.interrupts_ir = true;
        ASSERT_VERDICT(&f, "irq-remapping", VERDICT_OK, "/proc/interrupts");
}

static void test_unsafe_interrupts(void **state)
{
        struct host_facts f;

        good_intel(&f);
        ASSERT_VERDICT(&f, "unsafe-interrupts", VERDICT_OK, "allow_unsafe_interrupts=N");
        f.vfio_unsafe = -1;
        ASSERT_VERDICT(&f, "unsafe-interrupts", VERDICT_OK, "N (module not loaded)");
        /* on although remapping works: needless exposure */
        f.vfio_unsafe = 1;
        ASSERT_VERDICT(&f, "unsafe-interrupts", VERDICT_WARN, "needlessly exposed");
        f.vfio_unsafe = 0;
        f.kvm_unsafe = 1;
        ASSERT_VERDICT(&f, "unsafe-interrupts", VERDICT_WARN, "kvm allow_unsafe_assigned_interrupts=Y");

        /* remapping missing */
        f.kvm_unsafe = -1;
        f.interrupts_ir = false;
        parse_log(&f, "Linux version 6.1\nDMAR: dmar0: ecap f00f42\nvfio_iommu_type1: No interrupt remapping support.\n");
        ASSERT_VERDICT(&f, "unsafe-interrupts", VERDICT_FAIL, "as the kernel log shows");
        {
                struct host_report r;
                const struct host_check *c = run(&f, &r, "unsafe-interrupts");
                assert_non_null(strstr(c->remedy, "allow_unsafe_interrupts=1"));
                assert_non_null(strstr(c->remedy, "inject interrupts"));
                host_report_done(&r);
        }
        f.vfio_unsafe = 1;
        ASSERT_VERDICT(&f, "unsafe-interrupts", VERDICT_WARN, "unsafe interrupts are allowed");

        /* cannot tell */
        parse_log(&f, "random\n");
        f.n_iommu_units = 1;
        f.interrupts_read = false;
        ASSERT_VERDICT(&f, "unsafe-interrupts", VERDICT_SKIP, "state unknown");
}

static void test_sriov_driver(void **state)
{
        struct host_facts f;

        good_intel(&f);
        ASSERT_VERDICT(&f, "sriov-driver", VERDICT_OK, "0000:0b:00.0: igb (module igb loaded)");
        pfs[0].module_loaded = false;
        ASSERT_VERDICT(&f, "sriov-driver", VERDICT_FAIL, "module igb not in /proc/modules");
        pfs[0].module[0] = '\0';
        ASSERT_VERDICT(&f, "sriov-driver", VERDICT_OK, "built into the kernel");
        pfs[0].driver[0] = '\0';
        ASSERT_VERDICT(&f, "sriov-driver", VERDICT_FAIL, "no driver bound");
        f.n_pfs = 0;
        ASSERT_VERDICT(&f, "sriov-driver", VERDICT_SKIP, "no SR-IOV");
}

static void test_vf_count(void **state)
{
        struct host_facts f;
        struct host_report r;
        const struct host_check *c;

        good_intel(&f);
        ASSERT_VERDICT(&f, "vf-count", VERDICT_OK, "7 VFs live, 7 persisted");
        pfs[0].persisted = 4;
        c = run(&f, &r, "vf-count");
        assert_int_equal(c->verdict, VERDICT_FAIL);
        assert_string_equal(c->evidence, "0000:0b:00.0: 7 VFs live, 4 persisted");
        assert_non_null(strstr(c->remedy, "vfnet vf create 0000:0b:00.0 4"));
        host_report_done(&r);
        strcpy(pfs[0].persisted_by, "igb.max_vfs=4 on the kernel command line");
        ASSERT_VERDICT(&f, "vf-count", VERDICT_FAIL, "7 VFs live, 4 persisted (igb.max_vfs=4 on the kernel command line)");
        pfs[0].persisted = 7;
        ASSERT_VERDICT(&f, "vf-count", VERDICT_OK, "7 VFs live, 7 persisted (igb.max_vfs=4");
        pfs[0].persisted_by[0] = '\0';
        pfs[0].persisted = -1;
        c = run(&f, &r, "vf-count");
        assert_int_equal(c->verdict, VERDICT_WARN);
        assert_non_null(strstr(c->evidence, "lost at reboot"));
        assert_string_equal(c->remedy, "vfnet vf create 0000:0b:00.0 7 --persist");
        host_report_done(&r);
        pfs[0].numvfs = 0;
        ASSERT_VERDICT(&f, "vf-count", VERDICT_OK, "0 of 7 VFs, none persisted");
        /* a second PF that fails wins over the first one's warning */
        pfs[0].numvfs = 7;
        pfs[1] = pfs[0];
        strcpy(pfs[1].address, "0000:0b:00.1");
        pfs[1].persisted = 2;
        f.n_pfs = 2;
        ASSERT_VERDICT(&f, "vf-count", VERDICT_FAIL, "0000:0b:00.1: 7 VFs live, 2 persisted");
        f.n_pfs = 0;
        ASSERT_VERDICT(&f, "vf-count", VERDICT_SKIP, "no SR-IOV");
}

static void test_iommu_isolation(void **state)
{
        struct host_facts f;

        good_intel(&f);
        ASSERT_VERDICT(&f, "iommu-isolation", VERDICT_OK, "2 VFs, each alone");
        vfs[1].n_peers = 2;
        strcpy(vfs[1].peers, "0000:0b:00.0, 0000:0b:00.1");
        ASSERT_VERDICT(&f, "iommu-isolation", VERDICT_WARN, "0000:0b:10.2 shares IOMMU group 21 with 0000:0b:00.0, 0000:0b:00.1");
        vfs[0].iommu_group = vfs[1].iommu_group = -1;
        ASSERT_VERDICT(&f, "iommu-isolation", VERDICT_SKIP, "none in an IOMMU group");
        f.n_vfs = 0;
        ASSERT_VERDICT(&f, "iommu-isolation", VERDICT_SKIP, "no VFs");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_all_ok),
                cmocka_unit_test(test_cpu_virt),
                cmocka_unit_test(test_iommu_firmware),
                cmocka_unit_test(test_iommu_active),
                cmocka_unit_test(test_kernel_cmdline),
                cmocka_unit_test(test_irq_remapping),
                cmocka_unit_test(test_unsafe_interrupts),
                cmocka_unit_test(test_sriov_driver),
                cmocka_unit_test(test_vf_count),
                cmocka_unit_test(test_iommu_isolation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
