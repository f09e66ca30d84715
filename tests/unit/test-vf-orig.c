/* The saved original states of a PF's VFs: the table and its text form,
 * without a file (kernel/vf-orig-store keeps the file; test-vf-json.c). */
#include <jansson.h>

#include "test-util.h"

#include "base/error.h"
#include "base/output.h"
#include "vf/vf-orig.h"
#include "rtnl-fake.h"

static void test_table(void **state)
{
        _cleanup_(vf_orig_freep) struct vf_orig *o = NULL;
        struct vf_config a = fake_vf(9), b = fake_vf(2), got;

        assert_int_equal(vf_orig_new("eth0", &o), 0);
        assert_int_equal(vf_orig_count(o), 0);
        assert_false(vf_orig_has(o, 9));
        assert_int_equal(vf_orig_add(o, &a), 1);
        assert_int_equal(vf_orig_add(o, &b), 1);
        /* The first state saved stays the original. */
        b.vlan = 1234;
        assert_int_equal(vf_orig_add(o, &b), 0);
        assert_int_equal(vf_orig_get(o, 2, &got), 0);
        assert_int_equal(got.vlan, fake_vf(2).vlan);
        assert_int_equal(vf_orig_get(o, 3, &got), -ENOENT);
        assert_int_equal(vf_orig_count(o), 2);
        assert_int_equal(vf_orig_remove(o, 9), 1);
        assert_int_equal(vf_orig_remove(o, 9), 0);
        assert_false(vf_orig_has(o, 9));
        assert_true(vf_orig_has(o, 2));
        assert_int_equal(vf_orig_count(o), 1);
}

/* Written in VF order whatever the order of adding, read back the same, and
 * the text is the JSON document it claims to be. */
static void test_text_round_trip(void **state)
{
        _cleanup_(vf_orig_freep) struct vf_orig *o = NULL, *back = NULL;
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT, again = STRBUF_INIT;
        _cleanup_json_ json_t *doc = NULL;
        const uint32_t order[] = {200, 3, 17, 0, 255};

        assert_int_equal(vf_orig_new("we\"ird", &o), 0);
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                struct vf_config c = fake_vf(order[i]);
                if (i == 2)
                        c.fields &= ~VF_FIELD_BIT(VF_FIELD_TRUST); /* not reported */
                assert_int_equal(vf_orig_add(o, &c), 1);
        }
        assert_int_equal(vf_orig_format(o, &sb), 0);
        doc = json_loads(strbuf_str(&sb), 0, NULL);
        assert_non_null(doc);
        assert_string_equal(json_string_value(json_object_get(doc, "pf")), "we\"ird");
        assert_int_equal(json_object_size(json_object_get(doc, "vfs")), ARRAY_SIZE(order));
        assert_true(json_is_null(json_object_get(json_object_get(json_object_get(doc, "vfs"), "17"), "trust")));
        assert_true(strstr(strbuf_str(&sb), "\"0\"") < strstr(strbuf_str(&sb), "\"3\""));
        assert_true(strstr(strbuf_str(&sb), "\"3\"") < strstr(strbuf_str(&sb), "\"200\""));

        assert_int_equal(vf_orig_new("we\"ird", &back), 0);
        assert_int_equal(vf_orig_parse(back, strbuf_str(&sb), "f.json"), 0);
        assert_int_equal(vf_orig_count(back), ARRAY_SIZE(order));
        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                struct vf_config want = fake_vf(order[i]), got;
                if (i == 2)
                        want.fields &= ~VF_FIELD_BIT(VF_FIELD_TRUST);
                assert_int_equal(vf_orig_get(back, order[i], &got), 0);
                assert_int_equal(got.fields, want.fields);
                for (int f = 0; f < _VF_FIELD_MAX; f++)
                        if (vf_config_has(&want, f))
                                assert_true(vf_config_field_equal(&got, &want, f));
        }
        assert_int_equal(vf_orig_format(back, &again), 0);
        assert_string_equal(strbuf_str(&again), strbuf_str(&sb));
}

static void test_damaged_text(void **state)
{
        static const char *const bad[] = {
                "", "{not json", "[]", "{\"pf\": \"eth0\"}", "{\"vfs\": []}",
                "{\"vfs\": {\"1\": {\"mac\": \"zz\"}}}", "{\"vfs\": {\"1\": 5}}",
        };

        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                _cleanup_(vf_orig_freep) struct vf_orig *o = NULL;

                assert_int_equal(vf_orig_new("eth0", &o), 0);
                err_clear();
                if (vf_orig_parse(o, bad[i], "/x/f.json") != -EBADMSG)
                        fail_msg("case %zu '%s' was accepted", i, bad[i]);
                assert_non_null(strstr(err_msg(0), "saved VF state /x/f.json is damaged; move it away to continue"));
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_text_round_trip),
                cmocka_unit_test(test_damaged_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
