/* The change report of `vfnet vf set/apply/reset`: the table a user reads
 * and the JSON a script parses, with changed and failed fields, kernel text
 * that needs escaping, several PFs, and nothing changed. */
#include "test-util.h"

#include "base/output.h"
#include "cli/cli-vf-report.h"

static char *print(const struct vf_report *r)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        assert_int_equal(vf_report_print(r, f), 0);
        fclose(f);
        return buf;
}

static struct vf_config vf_state(uint32_t vf, uint16_t vlan, bool trust, enum vf_link_state st)
{
        return (struct vf_config){
                .vf = vf,
                .fields = VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELDS_VLAN_GROUP | VF_FIELD_BIT(VF_FIELD_TRUST) |
                          VF_FIELD_BIT(VF_FIELD_LINK_STATE),
                .mac = {0xfa, 0x16, 0x3e, 0, 0, (uint8_t)vf},
                .vlan = vlan,
                .trust = trust,
                .link_state = st,
        };
}

/* Two VFs of "eth0" and one of a PF whose name needs escaping; VF 3's
 * link state and trust are refused by the kernel, with extack text. */
static void fill(struct vf_report *r)
{
        struct vf_config cur0 = vf_state(0, 0, false, VF_LINK_STATE_AUTO), want0 = vf_state(0, 15, false, VF_LINK_STATE_AUTO);
        struct vf_config cur3 = vf_state(3, 0, false, VF_LINK_STATE_AUTO), want3 = vf_state(3, 0, true, VF_LINK_STATE_DISABLE);
        struct vf_config cur1 = vf_state(1, 7, false, VF_LINK_STATE_AUTO), want1 = vf_state(1, 8, false, VF_LINK_STATE_AUTO);
        struct vf_failure fails[] = {
                {.vf = 3, .field = VF_FIELD_TRUST, .error = -EOPNOTSUPP},
                {.vf = 3, .field = VF_FIELD_LINK_STATE, .error = -EINVAL, .extack = "bad \"state\"\nhere"},
        };

        want0.mac[5] = 0x10;
        assert_int_equal(vf_report_add(r, "eth0", &cur0, &want0,
                                       VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELD_BIT(VF_FIELD_VLAN), fails, 2),
                         0);
        assert_int_equal(vf_report_add(r, "eth0", &cur3, &want3,
                                       VF_FIELD_BIT(VF_FIELD_TRUST) | VF_FIELD_BIT(VF_FIELD_LINK_STATE), fails, 2),
                         0);
        /* nothing changed: no row */
        assert_int_equal(vf_report_add(r, "eth0", &cur1, &cur1, 0, NULL, 0), 0);
        assert_int_equal(vf_report_add(r, "we\"ird", &cur1, &want1, VF_FIELD_BIT(VF_FIELD_VLAN), NULL, 0), 0);
}

static void test_report_table(void **state)
{
        _cleanup_(vf_report_done) struct vf_report r = VF_REPORT_INIT(OUTPUT_TABLE);
        _cleanup_free_ char *out = NULL;

        (void)state;
        fill(&r);
        out = print(&r);
        assert_string_equal(
                out,
                "+--------+----+----------------------------------------------------------+-------------------------------------------------------------------------------------------------------------+\n"
                "| PF     | VF | CHANGED                                                  | FAILED                                                                                                      |\n"
                "+--------+----+----------------------------------------------------------+-------------------------------------------------------------------------------------------------------------+\n"
                "| eth0   | 0  | mac fa:16:3e:00:00:00 -> fa:16:3e:00:00:10, vlan 0 -> 15 |                                                                                                             |\n"
                "| eth0   | 3  |                                                          | trust off -> on (Operation not supported), link_state auto -> disable (Invalid argument - bad \"state\"\n"
                "here) |\n"
                "| we\"ird | 1  | vlan 7 -> 8                                              |                                                                                                             |\n"
                "+--------+----+----------------------------------------------------------+-------------------------------------------------------------------------------------------------------------+\n");
        assert_int_equal(r.n_failed, 2);
        assert_string_equal(r.failed.buf, "eth0 VF 3 trust (Operation not supported), eth0 VF 3 link_state (Invalid argument)");
}

static json_t *row(const char *pf, int vf, const char *field, const char *old, const char *new, const char *result)
{
        return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "pf", pf, "vf", vf, "field", field, "old", old, "new",
                         new, "result", result);
}

static void test_report_json(void **state)
{
        _cleanup_(vf_report_done) struct vf_report r = VF_REPORT_INIT(OUTPUT_JSON);
        _cleanup_json_ json_t *rows = json_array();
        _cleanup_free_ char *out = NULL, *want = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&want, &len);

        (void)state;
        fill(&r);
        out = print(&r);
        json_array_append_new(rows, row("eth0", 0, "mac", "fa:16:3e:00:00:00", "fa:16:3e:00:00:10", "changed"));
        json_array_append_new(rows, row("eth0", 0, "vlan", "0", "15", "changed"));
        json_array_append_new(rows, row("eth0", 3, "trust", "off", "on", "failed: Operation not supported"));
        json_array_append_new(rows, row("eth0", 3, "link_state", "auto", "disable",
                                        "failed: Invalid argument - bad \"state\"\nhere"));
        json_array_append_new(rows, row("we\"ird", 1, "vlan", "7", "8", "changed"));
        assert_int_equal(json_array_size(rows), 5);
        assert_int_equal(output_print_json(f, rows), 0);
        fclose(f);
        /* byte for byte what jansson prints for the same rows */
        assert_string_equal(out, want);
}

static void test_report_nothing_changed(void **state)
{
        _cleanup_(vf_report_done) struct vf_report t = VF_REPORT_INIT(OUTPUT_TABLE);
        _cleanup_(vf_report_done) struct vf_report j = VF_REPORT_INIT(OUTPUT_JSON);
        _cleanup_free_ char *a = NULL, *b = NULL;
        struct vf_config c = vf_state(0, 0, false, VF_LINK_STATE_AUTO);

        (void)state;
        assert_int_equal(vf_report_add(&t, "eth0", &c, &c, 0, NULL, 0), 0);
        a = print(&t);
        b = print(&j);
        assert_string_equal(a, "no changes\n");
        assert_string_equal(b, "[]\n");
        assert_int_equal(t.n_failed + j.n_failed, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_report_table),
                cmocka_unit_test(test_report_json),
                cmocka_unit_test(test_report_nothing_changed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
