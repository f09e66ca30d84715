/* The front's own header checks: a Host value that is not a host is
 * refused, what real clients send passes.  Framing (Content-Length,
 * Transfer-Encoding, Host missing or repeated) is libmicrohttpd's to
 * refuse; tests/e2e/test-http-front.py sees it on the wire. */
#include "test-util.h"

#include "api/request-check.h"

struct field {
        const char *name, *value;
};

static unsigned verdict(const struct field *fields)
{
        struct framing f = {0};
        const char *msg = NULL;
        for (const struct field *x = fields; x->name; x++)
                framing_add(&f, x->name, x->value);
        unsigned status = framing_verdict(&f, &msg);
        assert_true((status == 0) == (msg == NULL));
        return status;
}

#define V(...) verdict((const struct field[]){__VA_ARGS__, {NULL, NULL}})

static void test_sound(void **state)
{
        assert_int_equal(V({"Host", "controller:9696"}), 0);
        assert_int_equal(V({"host", "[fe80::1]:9696"}, {"Content-Length", "0"}), 0);
        assert_int_equal(V({"Host", "x"}, {"Transfer-Encoding", "chunked"}), 0);
        assert_int_equal(V({"Host", ""}), 0); /* empty: allowed by 3.2 */
        assert_int_equal(V({"Accept", "*/*"}), 0); /* missing: libmicrohttpd's to judge */
}

static void test_host(void **state)
{
        const char *bad[] = {"a b", "a\"b", "a<b>", "a/b", "a\\b", "a\x01", "\xc3\xa9"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(V({"Host", bad[i]}), 400);
        assert_int_equal(V({"Host", "a"}, {"Host", "a<b>"}), 400);
}

static void test_media_type(void **state)
{
        char t[64], small[8];
        assert_true(media_type_parse("application/json", t, sizeof(t)));
        assert_string_equal(t, "application/json");
        assert_true(media_type_parse(" Application/JSON ; charset=UTF-8", t, sizeof(t)));
        assert_string_equal(t, "application/json");
        assert_true(media_type_is_json(t));
        assert_true(media_type_parse("application/vnd.openstack.identity-v3+json", t, sizeof(t)));
        assert_true(media_type_is_json(t));
        assert_true(media_type_parse("text/plain;charset=utf-8", t, sizeof(t)));
        assert_string_equal(t, "text/plain");
        assert_false(media_type_is_json(t));
        assert_true(media_type_parse("application/+json", t, sizeof(t)));
        assert_false(media_type_is_json(t)); /* no subtype before +json */
        const char *bad[] = {"", "json", "/json", "application/", "a/b/c", "a b/c", "a/b c",
                             "a/b\"", "a/b,c"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                assert_false(media_type_parse(bad[i], t, sizeof(t)));
                assert_string_equal(t, "");
        }
        assert_false(media_type_parse(NULL, t, sizeof(t)));
        assert_false(media_type_parse("application/json", small, sizeof(small))); /* no room */
        assert_string_equal(small, "");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sound),
                cmocka_unit_test(test_host),
                cmocka_unit_test(test_media_type),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
