/* The VF session's steps that need no kernel: checking a desired state
 * against the VFs read, a commit with nothing to change (no socket used,
 * nothing saved), a bad entry (nothing saved), and restoring a VF from its
 * saved original.  Programming itself runs in the kernel testbed
 * (tests/vm/cases/vf-*.sh). */
#include <ftw.h>
#include <unistd.h>

#include "test-util.h"

#include "base/error.h"
#include "kernel/sysroot.h"
#include "kernel/vf-orig-store.h"
#include "kernel/vf-session.h"
#include "rtnl-fake.h"

enum { N_VFS = 4 };
#define DEVICE_ID "0000:3b:00.0"

struct fixture {
        char root[64];
        char *orig_path;
        struct vf_session s;
};

/* A session as vf_session_open() leaves it, without a socket: any attempt
 * to send would crash the test. */
static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        snprintf(f->root, sizeof(f->root), "/tmp/vfnet-test-session-XXXXXX");
        assert_non_null(mkdtemp(f->root));
        f->orig_path = sysroot_path(f->root, VF_ORIG_DIR "/" DEVICE_ID ".json");
        f->s.root = strdup(f->root);
        f->s.arg = strdup("eth0");
        f->s.ifname = strdup("eth0");
        f->s.device_id = strdup(DEVICE_ID);
        f->s.link = calloc(1, sizeof(*f->s.link));
        assert_non_null(f->s.link);
        f->s.link->vfs = calloc(N_VFS, sizeof(struct vf_config));
        assert_non_null(f->s.link->vfs);
        f->s.link->ifindex = 7;
        f->s.link->has_num_vf = true;
        f->s.link->num_vf = N_VFS;
        f->s.link->n_vfs = N_VFS;
        for (uint32_t i = 0; i < N_VFS; i++)
                f->s.link->vfs[i] = fake_vf(i);
        *state = f;
        return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
        return remove(p);
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        vf_session_done(&f->s);
        nftw(f->root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        free(f->orig_path);
        free(f);
        return 0;
}

static void test_check_names_the_pf(void **state)
{
        struct fixture *f = *state;
        struct vf_config want = {.vf = 1, .fields = VF_FIELD_BIT(VF_FIELD_VLAN), .vlan = 5};

        assert_int_equal(vf_session_check(&f->s, &want, 1), 0);
        want.vf = N_VFS;
        err_clear();
        assert_int_equal(vf_session_check(&f->s, &want, 1), -EINVAL);
        assert_string_equal(err_msg(0), "eth0: VF 4 is out of range: the PF has 4 VFs (0-3)");
}

static void test_commit_nothing_to_change(void **state)
{
        struct fixture *f = *state;
        struct vf_config wants[2] = {fake_vf(2), fake_vf(0)};
        struct vf_commit c = {0};

        /* Every field as it is now. */
        assert_int_equal(vf_session_commit(&f->s, wants, 2, true, &c), 0);
        assert_int_equal(c.plan.n, 2);
        assert_int_equal(c.plan.n_changing, 0);
        assert_int_equal(c.plan.changed[0], 0);
        assert_int_equal(c.plan.changed[1], 0);
        assert_int_equal(c.plan.before[0].vf, 2);
        assert_int_equal(c.n_failures, 0);
        /* No change, no original saved. */
        assert_int_not_equal(access(f->orig_path, F_OK), 0);
        vf_commit_done(&c);
}

static void test_commit_bad_entry_saves_nothing(void **state)
{
        struct fixture *f = *state;
        struct vf_config wants[2] = {
                {.vf = 0, .fields = VF_FIELD_BIT(VF_FIELD_VLAN), .vlan = 99},
                {.vf = 1, .fields = VF_FIELD_BIT(VF_FIELD_QOS), .qos = 3},
        };
        struct vf_commit c = {0};

        err_clear();
        assert_int_equal(vf_session_commit(&f->s, wants, 2, true, &c), -EINVAL);
        assert_string_equal(err_msg(0), "eth0: VF 1: QoS and VLAN protocol need a VLAN id (vlan N qos Q)");
        assert_null(c.plan.sends);
        assert_int_not_equal(access(f->orig_path, F_OK), 0);
}

static void test_restore_without_saved_state(void **state)
{
        struct fixture *f = *state;
        struct vf_commit c = {0};

        err_clear();
        assert_int_equal(vf_session_restore(&f->s, 2, &c), -ENOENT);
        assert_string_equal(err_msg(0), "nothing saved for VF 2 of eth0: vfnet has not changed it");
}

/* The VF is already as saved: nothing is sent and the saved original is
 * done with; the other VF's stays. */
static void test_restore_already_original(void **state)
{
        struct fixture *f = *state;
        struct vf_orig_store *store = NULL;
        struct vf_config orig3 = fake_vf(3), orig1 = fake_vf(1);
        struct vf_commit c = {0};

        orig1.vlan = 3000;
        assert_int_equal(vf_orig_store_open(f->root, DEVICE_ID, "eth0", &store), 0);
        assert_int_equal(vf_orig_store_add(store, &orig3), 1);
        assert_int_equal(vf_orig_store_add(store, &orig1), 1);
        assert_int_equal(vf_orig_store_save(store), 0);
        vf_orig_store_free(store);

        assert_int_equal(vf_session_restore(&f->s, 3, &c), 0);
        assert_int_equal(c.plan.n, 1);
        assert_int_equal(c.plan.n_changing, 0);
        assert_int_equal(c.plan.before[0].vf, 3);
        vf_commit_done(&c);

        assert_int_equal(vf_orig_store_open(f->root, DEVICE_ID, "eth0", &store), 0);
        assert_false(vf_orig_store_has(store, 3));
        assert_true(vf_orig_store_has(store, 1));
        vf_orig_store_free(store);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_check_names_the_pf, setup, teardown),
                cmocka_unit_test_setup_teardown(test_commit_nothing_to_change, setup, teardown),
                cmocka_unit_test_setup_teardown(test_commit_bad_entry_saves_nothing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_restore_without_saved_state, setup, teardown),
                cmocka_unit_test_setup_teardown(test_restore_already_original, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
