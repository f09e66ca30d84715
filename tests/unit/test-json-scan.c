/* The top-level member walk used to shape listed documents. */
#include "test-util.h"

#include "base/json-scan.h"
#include "base/strbuf.h"

static int collect(const char *key, size_t key_len, const char *value, size_t value_len,
                   void *userdata)
{
        struct strbuf *sb = userdata;
        strbuf_append_len(sb, key, key_len);
        strbuf_append(sb, "=");
        strbuf_append_len(sb, value, value_len);
        strbuf_append(sb, ";");
        return 0;
}

static void expect(const char *text, int ret, const char *members)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        int r = json_scan_object(text, collect, &sb);
        if (r != ret)
                fail_msg("'%s': returned %d, want %d", text, r, ret);
        if (ret == 0 && !streq(strbuf_str(&sb), members))
                fail_msg("'%s': members '%s', want '%s'", text, strbuf_str(&sb), members);
}

static void test_members(void **state)
{
        expect("{}", 0, "");
        expect(" { } ", 0, "");
        expect("{\"a\":1}", 0, "a=1;");
        expect("{\"id\": \"x\", \"n\": null, \"ok\": true, \"f\": -1.5e3}", 0,
               "id=\"x\";n=null;ok=true;f=-1.5e3;");
        expect("{\"fixed_ips\": [{\"ip\": \"1,2}\"}], \"p\": {\"k\": [1, [2]]}}", 0,
               "fixed_ips=[{\"ip\": \"1,2}\"}];p={\"k\": [1, [2]]};");
        expect("{\"q\\\"k\": \"v\\\\\", \"b\": \"\\u00e9\"}", 0,
               "q\\\"k=\"v\\\\\";b=\"\\u00e9\";");
        expect("{\"binding:vif_details\": {}}", 0, "binding:vif_details={};");
}

static void test_malformed(void **state)
{
        static const char *const bad[] = {
                "", "[]", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}",
                "{\"a\":\"unterminated}", "{\"a\":[1,2}", "{\"a\":{\"b\":1}", "{a:1}",
                "{\"a\":1}x", "{\"a\":\"\x01\"}", "{\"a\":\"\\", "{\"a\":@}",
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                expect(bad[i], -EINVAL, NULL);
        /* Deep nesting is refused, not recursed into without end. */
        static char deep[5000] = "{\"a\":";
        for (int i = 0; i < 3000; i++)
                strcat(deep, "[");
        expect(deep, -EINVAL, NULL);
}

static int stop_at_b(const char *key, size_t key_len, const char *value, size_t value_len,
                     void *userdata)
{
        (*(int *)userdata)++;
        return key_len == 1 && key[0] == 'b' ? -ECANCELED : 0;
}

static void test_stop(void **state)
{
        int n = 0;
        assert_int_equal(json_scan_object("{\"a\":1,\"b\":2,\"c\":3}", stop_at_b, &n), -ECANCELED);
        assert_int_equal(n, 2);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_members),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_stop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
