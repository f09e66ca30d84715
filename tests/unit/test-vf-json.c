/* The VF JSON form, the `vf apply` file and the saved original state. */
#include <ftw.h>

#include "test-util.h"

#include "base/error.h"
#include "base/fileio.h"
#include "kernel/sysroot.h"
#include "vf/vf-apply-fast.h"
#include "vf/vf-apply-file.h"
#include "vf/vf-json.h"
#include "kernel/vf-orig-store.h"
#include "rtnl-fake.h"

static void test_json_round_trip(void **state)
{
        for (uint32_t vf = 0; vf < 12; vf++) {
                struct vf_config c = fake_vf(vf), back;
                json_t *o;

                if (vf % 4 == 1)
                        c.fields &= ~(VF_FIELD_BIT(VF_FIELD_TRUST) | VF_FIELD_BIT(VF_FIELD_RSS_QUERY));
                o = vf_config_to_json(&c);
                assert_non_null(o);
                assert_int_equal(json_object_size(o), 1 + _VF_FIELD_MAX);
                assert_int_equal(vf_config_from_json(o, "x", &back), 0);
                assert_int_equal(back.fields, c.fields);
                for (int f = 0; f < _VF_FIELD_MAX; f++)
                        if (vf_config_has(&c, f))
                                assert_true(vf_config_field_equal(&c, &back, f));
                if (vf % 4 == 1)
                        assert_true(json_is_null(json_object_get(o, "trust")));
                /* The text form is the same object. */
                {
                        struct strbuf sb = STRBUF_INIT;
                        json_t *t;
                        assert_int_equal(vf_config_append_json(&c, &sb), 0);
                        t = json_loads(strbuf_str(&sb), 0, NULL);
                        assert_non_null(t);
                        assert_true(json_equal(t, o));
                        json_decref(t);
                        strbuf_done(&sb);
                }
                json_decref(o);
        }
}

static int parse(const char *text, struct vf_apply_file **ret)
{
        err_clear();
        return vf_apply_file_parse(text, "vfs.json", ret);
}

static void test_apply_file_good(void **state)
{
        struct vf_apply_file *f = NULL;
        const char *text = "{\"eth0\": [{\"vf\": 0, \"mac\": \"fa:16:3e:00:00:01\", \"vlan\": 10},"
                           "           {\"vf\": 1, \"vlan\": 20, \"qos\": 3, \"vlan_proto\": \"802.1ad\","
                           "            \"spoofchk\": false, \"trust\": true, \"link_state\": \"disable\","
                           "            \"min_tx_rate\": 10, \"max_tx_rate\": 100, \"rss_query\": null}],"
                           " \"0000:3b:00.0\": []}";

        assert_int_equal(parse(text, &f), 0);
        assert_int_equal(f->n_pfs, 2);
        assert_string_equal(f->pfs[0].pf, "eth0");
        assert_int_equal(f->pfs[0].n_vfs, 2);
        /* vlan alone: QoS 0, 802.1Q */
        assert_int_equal(f->pfs[0].vfs[0].fields, VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELDS_VLAN_GROUP);
        assert_int_equal(f->pfs[0].vfs[0].qos, 0);
        assert_int_equal(f->pfs[0].vfs[0].vlan_proto, VF_VLAN_PROTO_8021Q);
        assert_int_equal(f->pfs[0].vfs[1].vlan_proto, VF_VLAN_PROTO_8021AD);
        assert_int_equal(f->pfs[0].vfs[1].link_state, VF_LINK_STATE_DISABLE);
        assert_false(vf_config_has(&f->pfs[0].vfs[1], VF_FIELD_RSS_QUERY)); /* null: leave */
        assert_int_equal(f->pfs[1].n_vfs, 0);
        vf_apply_file_free(f);
}

static void test_apply_file_errors_name_the_position(void **state)
{
        static const struct {
                const char *text, *msg;
        } cases[] = {
                {"{\"eth0\": [", "vfs.json: line 1"},
                {"[]", "top level must be an object"},
                {"{\"eth0\": {}}", "\"eth0\" must map to a list"},
                {"{\"eth0\": [{\"vf\": 0}, {\"mac\": \"fa:16:3e:00:00:01\"}]}", "eth0[1]: missing \"vf\""},
                {"{\"eth0\": [{\"vf\": 0, \"vlan\": 5000}]}", "eth0[0]: \"vlan\" must be an integer 0-4095"},
                {"{\"eth0\": [{\"vf\": 0, \"qos\": 2}]}", "eth0[0]: \"qos\" and \"vlan_proto\" need \"vlan\""},
                {"{\"eth0\": [{\"vf\": 0, \"vlan\": 1, \"qos\": 9}]}", "\"qos\" must be an integer 0-7"},
                {"{\"eth0\": [{\"vf\": 0, \"mac\": \"fa:16:3e:00:00\"}]}", "eth0[0]: \"mac\" must be a MAC"},
                {"{\"eth0\": [{\"vf\": 0, \"mac\": \"01:00:5e:00:00:01\"}]}", "is multicast"},
                {"{\"eth0\": [{\"vf\": 0, \"link_state\": \"up\"}]}", "\"link_state\" must be"},
                {"{\"eth0\": [{\"vf\": 0, \"spoofchk\": \"on\"}]}", "\"spoofchk\" must be true or false"},
                {"{\"eth0\": [{\"vf\": 0, \"vlan_proto\": \"qinq\", \"vlan\": 2}]}", "\"vlan_proto\" must be"},
                {"{\"eth0\": [{\"vf\": -1}]}", "\"vf\" must be an integer"},
                {"{\"eth0\": [{\"vf\": 0, \"speed\": 10}]}", "eth0[0]: unknown key \"speed\""},
                {"{\"eth0\": [{\"vf\": 2}, {\"vf\": 2}]}", "eth0[1]: VF 2 is listed twice (also at eth0[0])"},
                {"{\"eth0\": [], \"eth0\": []}", "duplicate"},
                {"{\"eth0\": [{\"vf\": 0, \"max_tx_rate\": 1.5}]}", "\"max_tx_rate\" must be an integer"},
                {"{\"eth0\": [7]}", "eth0[0]: a VF must be a JSON object"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct vf_apply_file *f = NULL;
                assert_int_equal(parse(cases[i].text, &f), -EINVAL);
                assert_null(f);
                if (!strstr(err_msg(0), cases[i].msg))
                        fail_msg("case %zu: '%s' does not contain '%s'", i, err_msg(0), cases[i].msg);
        }
}

/* The fast path reads the common shape exactly as the JSON parser does, and
 * leaves everything else (every error above included) to it. */
static void test_apply_file_fast_path_agrees(void **state)
{
        static const char *const same[] = {
                "{}",
                " {\"eth0\": []}\n",
                "{\"eth0\": [{\"vf\": 0, \"mac\": \"FA:16:3E:00:00:01\", \"vlan\": 10},"
                " {\"vf\": 1, \"vlan\": 20, \"qos\": 3, \"vlan_proto\": \"802.1AD\", \"spoofchk\": false,"
                " \"trust\": true, \"link_state\": \"disable\", \"min_tx_rate\": 10,"
                " \"max_tx_rate\": 4294967295, \"rss_query\": null}], \"0000:3b:00.0\": [{\"vf\": 7}]}",
                "{\"a\":[{\"vf\":5},{\"vf\":2,\"vlan\":0},{\"vf\":9,\"trust\":false}],\"b\":[{\"vf\":2}]}",
        };
        static const char *const slow[] = {
                "{\"eth\\u0030\": []}",             /* escape */
                "{\"eth0\": [{\"vf\": 01}]}",        /* not JSON */
                "{\"eth0\": [{\"vf\": 1, \"vf\": 2}]}",
                "{\"eth0\": [{\"vf\": 3}, {\"vf\": 1}, {\"vf\": 3}]}",
                "{\"eth0\": [{\"vf\": 0, \"max_tx_rate\": 4294967296}]}",
                "{\"eth0\": [{\"vf\": 0, \"vlan\": 1e1}]}",
                "{\"eth0\": []} x",
                "{\"eth0\": [{\"vf\": 0, \"mac\": null, \"mac\": null}]}",
                "{\"eth0\": [{\"vf\": 2}, {\"vf\": 2}]}",
                "{\"eth0\": [{\"vf\": 0, \"mac\": \"01:00:5e:00:00:01\"}]}",
                "{\"eth0\": [{\"vf\": 0, \"qos\": 2}]}",
                "{\"eth0\": [], \"eth0\": []}",
                "{\"\": []}",
        };
        for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
                struct vf_apply_file *fast = NULL, *full = NULL;
                assert_int_equal(vf_apply_file_parse_fast(same[i], &fast), 0);
                assert_int_equal(vf_apply_file_parse_json(same[i], "vfs.json", &full), 0);
                if (!vf_apply_file_equal(fast, full))
                        fail_msg("case %zu: the fast path and the JSON parser differ", i);
                vf_apply_file_free(fast);
                vf_apply_file_free(full);
        }
        for (size_t i = 0; i < ARRAY_SIZE(slow); i++) {
                struct vf_apply_file *f = NULL;
                if (vf_apply_file_parse_fast(slow[i], &f) != 1)
                        fail_msg("case %zu: the fast path took '%s'", i, slow[i]);
        }
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
        return remove(p);
}

static void test_orig_store(void **state)
{
        char root[] = "/tmp/vfnet-test-store-XXXXXX";
        struct vf_orig_store *s = NULL;
        struct vf_config a = fake_vf(3), b = fake_vf(4), got;
        _cleanup_free_ char *path = NULL;

        assert_non_null(mkdtemp(root));
        path = sysroot_path(root, VF_ORIG_DIR "/0000:3b:00.0.json");

        assert_int_equal(vf_orig_store_open(root, "0000:3b:00.0", "eth0", &s), 0);
        assert_false(vf_orig_store_has(s, 3));
        assert_int_equal(vf_orig_store_add(s, &a), 1);
        assert_int_equal(vf_orig_store_add(s, &b), 1);
        /* The first state saved stays the original. */
        b.vlan = 1234;
        assert_int_equal(vf_orig_store_add(s, &b), 0);
        assert_int_equal(vf_orig_store_save(s), 0);
        vf_orig_store_free(s);
        assert_int_equal(access(path, F_OK), 0);

        assert_int_equal(vf_orig_store_open(root, "0000:3b:00.0", "eth0", &s), 0);
        assert_true(vf_orig_store_has(s, 3));
        assert_int_equal(vf_orig_store_get(s, 4, &got), 0);
        assert_int_equal(got.vlan, fake_vf(4).vlan);
        assert_int_equal(got.fields, VF_FIELDS_ALL);
        assert_int_equal(vf_orig_store_get(s, 5, &got), -ENOENT);
        vf_orig_store_remove(s, 3);
        vf_orig_store_remove(s, 4);
        assert_int_equal(vf_orig_store_save(s), 0);
        vf_orig_store_free(s);
        /* Nothing left to restore: no file. */
        assert_int_not_equal(access(path, F_OK), 0);

        /* A damaged file is reported, not overwritten. */
        assert_int_equal(write_file_atomic(path, "{not json"), 0);
        err_clear();
        assert_int_equal(vf_orig_store_open(root, "0000:3b:00.0", "eth0", &s), -EBADMSG);
        assert_non_null(strstr(err_msg(0), "damaged"));
        assert_int_equal(vf_orig_store_open(root, "../x", "eth0", &s), -EINVAL);
        nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_json_round_trip),
                cmocka_unit_test(test_apply_file_good),
                cmocka_unit_test(test_apply_file_errors_name_the_position),
                cmocka_unit_test(test_apply_file_fast_path_agrees),
                cmocka_unit_test(test_orig_store),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
