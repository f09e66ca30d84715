/* `vfnet vf create` and `vfnet vf restore` on fixture hosts (R6, R7).
 *
 * sriov_numvfs in a fixture is a plain file, so the test installs a writer
 * (sriov_set_writer) that does what the kernel does on such a write: refuse
 * above sriov_totalvfs (ERANGE), refuse to change a non-zero count (EBUSY),
 * refuse without a bound driver (ENOENT), otherwise create or remove the VF
 * devices with their physfn/virtfnN links at the PF's offset and stride.
 * It can also refuse one chosen write with a chosen errno, to play the
 * driver's refusals, and records every write. */
#include <sys/stat.h>

#include "sysfs-fixture.h"

#include "base/fileio.h"
#include "kernel/pci-sysfs.h"
#include "kernel/sriov.h"
#include "kernel/vf-persist.h"
#include "pci/pci-address.h"

static char writes[64][16];
static size_t n_writes;
static const char *fail_value; /* refuse the write of this value ... */
static int fail_errno;         /* ... with this errno; */
static int fail_times;         /* this many times */
static const char *fail_value2; /* and this one, always */
static int fail_errno2;
static bool lazy;              /* accept the write but create no VF */

static int read_int_file(const char *dir, const char *name)
{
        char p[4096];
        _cleanup_free_ char *s = NULL;

        snprintf(p, sizeof(p), "%s/%s", dir, name);
        if (read_one_line_file(p, &s) < 0)
                return -1;
        return atoi(s);
}

static void write_file(const char *dir, const char *name, const char *content)
{
        char p[4096];
        FILE *f;

        snprintf(p, sizeof(p), "%s/%s", dir, name);
        f = fopen(p, "w");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
}

static int fake_kernel_write(const char *path, const char *value)
{
        char root[4096], pfdir[4096], pf[16], real[4096];
        const char *s = strstr(path, "/sys/bus/pci/devices/");
        struct pci_address a;
        int n, cur, total;

        assert_true(n_writes < 64);
        snprintf(writes[n_writes++], 16, "%s", value);
        if (fail_value && streq(value, fail_value) && fail_times > 0) {
                fail_times--;
                return -fail_errno;
        }
        if (fail_value2 && streq(value, fail_value2))
                return -fail_errno2;
        assert_non_null(s);
        snprintf(root, sizeof(root), "%.*s", (int)(s - path), path);
        snprintf(pf, sizeof(pf), "%.12s", s + strlen("/sys/bus/pci/devices/"));
        snprintf(pfdir, sizeof(pfdir), "%s/sys/bus/pci/devices/%s", root, pf);
        assert_non_null(realpath(pfdir, real));
        n = atoi(value);
        cur = read_int_file(real, "sriov_numvfs");
        total = read_int_file(real, "sriov_totalvfs");
        if (n > total)
                return -ERANGE;
        if (n == cur)
                return 0;
        if (cur != 0 && n != 0)
                return -EBUSY;
        {
                char drv[4096];
                struct stat st;
                snprintf(drv, sizeof(drv), "%s/driver", real);
                if (lstat(drv, &st) < 0)
                        return -ENOENT;
        }
        assert_int_equal(pci_address_parse(pf, &a), 0);
        for (int i = 0; i < (n ? n : cur); i++) {
                int devfn = (a.slot << 3 | a.function) + read_int_file(real, "sriov_offset") +
                            i * read_int_file(real, "sriov_stride");
                char vf[16], vfdir[4096], lnk[4096], tgt[64];

                snprintf(vf, sizeof(vf), "%04x:%02x:%02x.%d", a.domain, a.bus + (devfn >> 8), (devfn >> 3) & 0x1f,
                         devfn & 7);
                snprintf(vfdir, sizeof(vfdir), "%s/../%s", real, vf);
                snprintf(lnk, sizeof(lnk), "%s/virtfn%d", real, i);
                if (n == 0) { /* remove the VF device, as the kernel does */
                        char p[4096];
                        unlink(lnk);
                        snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s", root, vf);
                        unlink(p);
                        assert_int_equal(nftw(vfdir, fixture_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
                        continue;
                }
                if (lazy)
                        continue;
                assert_int_equal(mkdir(vfdir, 0755), 0);
                write_file(vfdir, "vendor", "0x15b3\n");
                write_file(vfdir, "device", "0x1018\n");
                write_file(vfdir, "class", "0x020000\n");
                write_file(vfdir, "numa_node", "1\n");
                snprintf(tgt, sizeof(tgt), "../%s", pf);
                snprintf(lnk, sizeof(lnk), "%s/physfn", vfdir);
                assert_int_equal(symlink(tgt, lnk), 0);
                snprintf(tgt, sizeof(tgt), "../%s", vf);
                snprintf(lnk, sizeof(lnk), "%s/virtfn%d", real, i);
                assert_int_equal(symlink(tgt, lnk), 0);
                snprintf(tgt, sizeof(tgt), "../../../devices/pci0000:00/%s", vf);
                snprintf(lnk, sizeof(lnk), "%s/sys/bus/pci/devices/%s", root, vf);
                assert_int_equal(symlink(tgt, lnk), 0);
        }
        {
                char buf[16];
                snprintf(buf, sizeof(buf), "%d\n", n);
                write_file(real, "sriov_numvfs", buf);
        }
        return 0;
}

static int setup(void **state)
{
        n_writes = 0;
        fail_value = NULL;
        fail_times = 0;
        fail_value2 = NULL;
        lazy = false;
        sriov_set_writer(fake_kernel_write);
        *state = fixture_make("cx5-vfio");
        return 0;
}

static int teardown(void **state)
{
        sriov_set_writer(NULL);
        fixture_remove(*state);
        return 0;
}

#define ASSERT_WRITES(...)                                                                         \
        do {                                                                                       \
                const char *_w[] = {__VA_ARGS__};                                                  \
                assert_int_equal(n_writes, ARRAY_SIZE(_w) - 1);                                    \
                for (size_t _i = 0; _i + 1 < ARRAY_SIZE(_w); _i++)                                 \
                        assert_string_equal(writes[_i], _w[_i]);                                   \
        } while (0)

static int numvfs(const char *root, const char *pf)
{
        char p[4096];
        snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s", root, pf);
        return read_int_file(p, "sriov_numvfs");
}

static int vf_links(const char *root, const char *pf)
{
        _cleanup_strv_free_ char **l = NULL;
        int n = 0;
        assert_int_equal(pci_sysfs_pf_vfs(root, pf, &l), 0);
        while (l[n])
                n++;
        return n;
}

static void test_create_grow_shrink_remove(void **state)
{
        const char *root = *state;
        char *out = NULL;
        _cleanup_json_ json_t *j = NULL;

        /* By netdev name, from 0: one write. */
        assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "3", "-f", "json", NULL), 0);
        ASSERT_WRITES("3", NULL);
        j = fixture_json(out);
        assert_string_equal(json_string_value(json_object_get(j, "pf")), "0000:3b:00.1");
        assert_int_equal(json_integer_value(json_object_get(j, "previous_numvfs")), 0);
        assert_int_equal(json_integer_value(json_object_get(j, "numvfs")), 3);
        assert_true(json_is_null(json_object_get(j, "persisted")));
        assert_int_equal(json_array_size(json_object_get(j, "vfs")), 3);
        /* offset 9 from 3b:00.1 = devfn 0x0a = 3b:01.2 */
        assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "vfs"), 0), "address")),
                            "0000:3b:01.2");
        assert_string_equal(
                json_string_value(json_object_get(json_array_get(json_object_get(j, "vfs"), 2), "parent_addr")),
                "0000:3b:00.1");
        assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "vfs"), 2), "vf_index")), 2);
        free(out);

        /* A different non-zero count: 0 first, then the count. */
        n_writes = 0;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "0000:3b:00.1", "5", NULL), 0);
        ASSERT_WRITES("0", "5", NULL);
        assert_non_null(strstr(out, "0000:3b:00.1: 5 VFs (was 3)"));
        assert_non_null(strstr(out, "| 0000:3b:01.6 "));
        assert_int_equal(vf_links(root, "0000:3b:00.1"), 5);
        free(out);

        /* The same count again: nothing to write. */
        n_writes = 0;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "3b:00.1", "5", NULL), 0);
        ASSERT_WRITES(NULL);
        free(out);

        /* 0 removes them. */
        assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "0", NULL), 0);
        ASSERT_WRITES("0", NULL);
        assert_int_equal(vf_links(root, "0000:3b:00.1"), 0);
        assert_int_equal(numvfs(root, "0000:3b:00.1"), 0);
        free(out);
}

/* `vfnet vf create PF N [A1 A2]` with the library $VFNET_LIBPCI names
 * missing. */
static int create_without_libpci(const char *root, char **out, char **err, const char *pf, const char *n,
                                 const char *a1, const char *a2)
{
        int r;

        setenv("VFNET_LIBPCI", "/nonexistent/libpci.so.3", 1);
        r = fixture_run_err(root, out, err, "vf", "create", pf, n, a1, a2, NULL);
        unsetenv("VFNET_LIBPCI");
        return r;
}

/* Names are a courtesy: without libpci the VFs are created and listed by
 * id, one warning says why, and the command that did its work succeeds. */
static void test_create_without_libpci(void **state)
{
        const char *root = *state;
        char *out = NULL, *err = NULL;
        _cleanup_json_ json_t *j = NULL;
        json_t *vf;
        size_t i;

        assert_int_equal(create_without_libpci(root, &out, &err, "ens1f1np1", "3", "-f", "json"), 0);
        ASSERT_WRITES("3", NULL);
        assert_int_equal(vf_links(root, "0000:3b:00.1"), 3);
        assert_int_equal(fixture_lines(err), 1);
        assert_non_null(strstr(err, "vfnet: warning: showing PCI names needs libpci (apt-get install libpci3): "));
        assert_non_null(strstr(err, "; the ids are shown without names\n"));
        j = fixture_json(out);
        assert_int_equal(json_integer_value(json_object_get(j, "numvfs")), 3);
        assert_int_equal(json_array_size(json_object_get(j, "vfs")), 3);
        json_array_foreach(json_object_get(j, "vfs"), i, vf) {
                assert_string_equal(json_string_value(json_object_get(vf, "vendor_id")), "15b3");
                assert_string_equal(json_string_value(json_object_get(vf, "product_id")), "1018");
                assert_true(json_is_null(json_object_get(vf, "vendor_name")));
                assert_true(json_is_null(json_object_get(vf, "product_name")));
        }
        free(out);
        free(err);

        /* The table: the VFs by id. */
        n_writes = 0;
        assert_int_equal(create_without_libpci(root, &out, &err, "ens1f1np1", "0", NULL, NULL), 0);
        ASSERT_WRITES("0", NULL);
        /* No VF left to name: no warning. */
        assert_string_equal(err, "");
        free(out);
        free(err);
        n_writes = 0;
        assert_int_equal(create_without_libpci(root, &out, &err, "0000:3b:00.1", "2", NULL, NULL), 0);
        ASSERT_WRITES("2", NULL);
        assert_non_null(strstr(out, "0000:3b:00.1: 2 VFs (was 0)"));
        assert_non_null(strstr(out, "| 0000:3b:01.3 "));
        assert_non_null(strstr(out, "| 15b3:1018 "));
        assert_null(strstr(out, "Mellanox"));
        assert_int_equal(fixture_lines(err), 1);
        assert_non_null(strstr(err, "warning: showing PCI names needs libpci"));
        free(out);
        free(err);

        /* With libpci again: names, and nothing on stderr. */
        assert_int_equal(fixture_run_err(root, &out, &err, "vf", "create", "0000:3b:00.1", "2", "-f", "json", NULL), 0);
        assert_string_equal(err, "");
        assert_non_null(strstr(out, "Mellanox"));
        free(out);
        free(err);
}

static void expect_refusal(const char *root, int exit_code, const char *msg, const char *a1, const char *a2)
{
        char *out = NULL;

        n_writes = 0;
        assert_int_equal(fixture_run(root, &out, "vf", "create", a1, a2, NULL), exit_code);
        if (!strstr(err_msg(0), msg))
                fail_msg("message \"%s\" lacks \"%s\"", err_msg(0), msg);
        assert_null(strchr(err_msg(0), '\n')); /* one line */
        free(out);
        ASSERT_WRITES(NULL);
}

static void test_bad_input(void **state)
{
        const char *root = *state;

        expect_refusal(root, 1, "0000:3b:00.1 supports at most 8 VFs (sriov_totalvfs); 9 asked", "ens1f1np1", "9");
        expect_refusal(root, 2, "COUNT must be a whole number from 0 to the PF's sriov_totalvfs, not '-1'", "ens1f1np1", "-1");
        expect_refusal(root, 2, "not 'three'", "ens1f1np1", "three");
        expect_refusal(root, 2, "not '3x'", "ens1f1np1", "3x");
        expect_refusal(root, 2, "not ''", "ens1f1np1", "");
        expect_refusal(root, 2, "not '99999999999'", "ens1f1np1", "99999999999");
        expect_refusal(root, 1, "no PCI device or network interface named 'eth9'", "eth9", "2");
        expect_refusal(root, 1, "no PCI device 0000:99:00.0 on this host", "0000:99:00.0", "2");
        expect_refusal(root, 1, "0000:3b:00.3 is a VF of 0000:3b:00.0: give the PF", "0000:3b:00.3", "1");
        {
                char *out = NULL;
                assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", NULL), 2);
                assert_non_null(strstr(err_msg(0), "missing COUNT"));
                free(out);
                assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "1", "2", NULL), 2);
                free(out);
                assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "1", "--timeout", "x", NULL), 2);
                free(out);
        }
}

static void test_no_sriov_and_module_option(void **state)
{
        char *plain = fixture_make("plain-nic"), *seed = fixture_make("seed-82576"), *noir = fixture_make("intel-noir");
        char p[4096];

        expect_refusal(plain, 1, "0000:02:00.0 is not an SR-IOV physical function (no sriov_totalvfs)", "eth0", "2");
        /* An igb that only takes max_vfs: say exactly what to write. */
        snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:0b:00.0/sriov_totalvfs", seed);
        assert_int_equal(unlink(p), 0);
        expect_refusal(seed, 1,
                       "0000:0b:00.0: its driver igb takes the VF count only as a module option: "
                       "echo 'options igb max_vfs=3' > /etc/modprobe.d/igb.conf, then reload the driver "
                       "(modprobe -r igb; modprobe igb) or reboot",
                       "em1", "3");
        /* No driver bound: the kernel could not do it either. */
        expect_refusal(noir, 1, "0000:05:00.0: no driver bound", "0000:05:00.0", "2");
        fixture_remove(plain);
        fixture_remove(seed);
        fixture_remove(noir);
}

/* The kernel refuses the new count after 0 was written: the old count is
 * put back, the message says so. */
static void refuse_change(const char *root, int err, const char *advice)
{
        char *out = NULL, msg[256];

        n_writes = 0;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "0000:3b:00.0", "3", NULL), 1); /* from 4 */
        free(out);
        ASSERT_WRITES("0", "3", "4", NULL);
        snprintf(msg, sizeof(msg), "0000:3b:00.0: the kernel refused 3 VFs (%s): %s; the previous 4 VFs were put back",
                 strerror(err), advice);
        if (!strstr(err_msg(0), msg))
                fail_msg("message \"%s\" lacks \"%s\"", err_msg(0), msg);
        assert_int_equal(numvfs(root, "0000:3b:00.0"), 4);
        assert_int_equal(vf_links(root, "0000:3b:00.0"), 4);
}

static void test_kernel_refusals_roll_back(void **state)
{
        const char *root = *state;
        static const struct {
                int err;
                const char *advice;
        } cases[] = {
                {EBUSY, "the VFs are in use (assigned to a guest or held by a driver): release them first"},
                {EINVAL, "the driver rejected this count"},
                {EPERM, "permission denied: run as root"},
                {ENOMEM, "not enough PCI resources for the VFs: enable SR-IOV in the firmware setup, or add "
                         "pci=realloc to the kernel command line"},
        };

        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                fail_value = "3";
                fail_errno = cases[i].err;
                fail_times = 1;
                refuse_change(root, cases[i].err, cases[i].advice);
        }
}

static void test_refusals_before_any_change(void **state)
{
        const char *root = *state;
        char *out = NULL;

        /* Read-only sysfs: the very first write fails; nothing changed. */
        fail_value = "0";
        fail_errno = EROFS;
        fail_times = 1;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "0000:3b:00.0", "2", NULL), 1);
        free(out);
        ASSERT_WRITES("0", NULL);
        assert_non_null(strstr(err_msg(0), "removing the 4 VFs before creating 2 failed (Read-only file system): "
                                           "sysfs is mounted read-only"));
        assert_non_null(strstr(err_msg(0), "nothing changed"));
        assert_int_equal(numvfs(root, "0000:3b:00.0"), 4);

        /* From 0, refused: nothing to put back. */
        n_writes = 0;
        fail_value = "2";
        fail_errno = ENOMEM;
        fail_times = 1;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "2", NULL), 1);
        free(out);
        ASSERT_WRITES("2", NULL);
        assert_non_null(strstr(err_msg(0), "refused 2 VFs (Cannot allocate memory)"));
        assert_non_null(strstr(err_msg(0), "nothing changed"));
        assert_int_equal(numvfs(root, "0000:3b:00.1"), 0);

}

static void test_put_back_fails(void **state)
{
        const char *root = *state;
        char *out = NULL;

        fail_value = "3";
        fail_errno = EINVAL;
        fail_times = 1;
        fail_value2 = "4";
        fail_errno2 = EBUSY;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "0000:3b:00.0", "3", NULL), 1);
        free(out);
        ASSERT_WRITES("0", "3", "4", NULL);
        assert_non_null(strstr(err_msg(0), "the kernel refused 3 VFs (Invalid argument): the driver rejected this count; "
                                           "putting the previous 4 back failed too (Device or resource busy): "
                                           "the PF has 0 VFs now"));
        assert_int_equal(numvfs(root, "0000:3b:00.0"), 0);
}

static void test_wait_is_bounded(void **state)
{
        const char *root = *state;
        struct sriov_result res = {0};

        lazy = true;
        assert_int_equal(sriov_set_numvfs(root, "0000:3b:00.1", 2, 100, &res), -ETIMEDOUT);
        assert_non_null(strstr(err_msg(0), "0000:3b:00.1: the kernel accepted 2 VFs but 0 exist after 100 ms"));
}

static void test_persist_and_restore(void **state)
{
        const char *root = *state;
        char *out = NULL, p[4096];
        _cleanup_free_ char *content = NULL;
        int count;

        assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "2", "--persist", NULL), 0);
        assert_non_null(strstr(out, "persisted in /etc/vfnet/sriov-numvfs.d/0000:3b:00.1.conf"));
        free(out);
        assert_int_equal(vf_persist_read(root, "0000:3b:00.1", &count), 0);
        assert_int_equal(count, 2);
        snprintf(p, sizeof(p), "%s/etc/vfnet/sriov-numvfs.d/0000:3b:00.1.conf", root);
        assert_int_equal(read_full_file(p, 4096, &content, NULL), 0);
        assert_non_null(strstr(content, "\n2\n"));

        /* Idempotent: the same again writes nothing to the kernel, same file. */
        n_writes = 0;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "2", "--persist", "-f", "json", NULL), 0);
        {
                _cleanup_json_ json_t *j = fixture_json(out);
                assert_string_equal(json_string_value(json_object_get(j, "persisted")),
                                    "/etc/vfnet/sriov-numvfs.d/0000:3b:00.1.conf");
                assert_int_equal(json_integer_value(json_object_get(j, "previous_numvfs")), 2);
        }
        free(out);
        ASSERT_WRITES(NULL);
        {
                _cleanup_free_ char *again = NULL;
                assert_int_equal(read_full_file(p, 4096, &again, NULL), 0);
                assert_string_equal(again, content);
        }

        /* At boot the VFs are gone; restore brings back both PFs' counts. */
        n_writes = 0;
        assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "0", NULL), 0);
        free(out);
        n_writes = 0;
        assert_int_equal(fixture_run(root, &out, "vf", "restore", "-f", "json", NULL), 0);
        {
                _cleanup_json_ json_t *j = fixture_json(out);
                assert_int_equal(json_array_size(j), 2);
                assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "pf")), "0000:3b:00.0");
                assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "result")), "already 4");
                assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), "result")), "set (was 0)");
        }
        free(out);
        ASSERT_WRITES("2", NULL);
        assert_int_equal(numvfs(root, "0000:3b:00.1"), 2);

        /* A record that does not parse fails restore, the others still apply. */
        snprintf(p, sizeof(p), "%s/etc/vfnet/sriov-numvfs.d/0000:3b:00.0.conf", root);
        assert_int_equal(write_file_atomic(p, "four\n"), 0);
        assert_int_equal(fixture_run(root, &out, "vf", "restore", NULL), 1);
        free(out);
        assert_int_equal(vf_persist_read(root, "0000:3b:00.0", &count), -EINVAL);
        assert_non_null(strstr(err_msg(0), "0000:3b:00.0.conf: expected one VF count"));
}

static void test_persist_failure_goes_back(void **state)
{
        const char *root = *state;
        char *out = NULL, p[4096];

        /* The record's directory is a file: the record cannot be written. */
        snprintf(p, sizeof(p), "%s/etc/vfnet/sriov-numvfs.d", root);
        assert_int_equal(nftw(p, fixture_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
        write_file(root, "etc/vfnet/sriov-numvfs.d", "not a directory\n");
        assert_int_equal(fixture_run(root, &out, "vf", "create", "ens1f1np1", "2", "--persist", NULL), 1);
        free(out);
        ASSERT_WRITES("2", "0", NULL);
        assert_non_null(strstr(err_msg(0), "0000:3b:00.1: not persisted, so the VF count went back to 0"));
        assert_int_equal(numvfs(root, "0000:3b:00.1"), 0);
}

static void test_persist_parse(void **state)
{
        int v;

        assert_int_equal(vf_persist_parse("7\n", &v), 0);
        assert_int_equal(v, 7);
        assert_int_equal(vf_persist_parse("# c\n\n  0  \n# d\n", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(vf_persist_parse("", &v), -EINVAL);
        assert_int_equal(vf_persist_parse("# only\n", &v), -EINVAL);
        assert_int_equal(vf_persist_parse("1\n2\n", &v), -EINVAL);
        assert_int_equal(vf_persist_parse("-1\n", &v), -EINVAL);
        assert_int_equal(vf_persist_parse("65536\n", &v), -EINVAL);
        assert_int_equal(vf_persist_parse("7 VFs\n", &v), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_create_grow_shrink_remove, setup, teardown),
                cmocka_unit_test_setup_teardown(test_create_without_libpci, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
                cmocka_unit_test_setup_teardown(test_no_sriov_and_module_option, setup, teardown),
                cmocka_unit_test_setup_teardown(test_kernel_refusals_roll_back, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refusals_before_any_change, setup, teardown),
                cmocka_unit_test_setup_teardown(test_put_back_fails, setup, teardown),
                cmocka_unit_test_setup_teardown(test_wait_is_bounded, setup, teardown),
                cmocka_unit_test_setup_teardown(test_persist_and_restore, setup, teardown),
                cmocka_unit_test_setup_teardown(test_persist_failure_goes_back, setup, teardown),
                cmocka_unit_test(test_persist_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
