/* The front's header checks (RFC 9112 sections 3.2 and 6): each framing a
 * second parser could read another way is refused with the right status,
 * and what real clients send passes. */
#include "test-util.h"

#include "api/request-check.h"

struct field {
        const char *name, *value;
};

static unsigned verdict(bool http11, const struct field *fields)
{
        struct framing f = {0};
        const char *msg = NULL;
        for (const struct field *x = fields; x->name; x++)
                framing_add(&f, x->name, x->value);
        unsigned status = framing_verdict(&f, http11, &msg);
        assert_true((status == 0) == (msg == NULL));
        return status;
}

#define V(http11, ...) verdict(http11, (const struct field[]){__VA_ARGS__, {NULL, NULL}})

static void test_sound(void **state)
{
        assert_int_equal(V(true, {"Host", "controller:9696"}), 0);
        assert_int_equal(V(true, {"host", "[fe80::1]:9696"}, {"Content-Length", "0"}), 0);
        assert_int_equal(V(true, {"Host", "x"}, {"content-length", "114688"}), 0);
        assert_int_equal(V(true, {"Host", "x"}, {"Transfer-Encoding", "chunked"}), 0);
        assert_int_equal(V(true, {"Host", "x"}, {"Transfer-Encoding", " CHUNKED\t"}), 0);
        assert_int_equal(V(true, {"Host", ""}), 0); /* empty: allowed by 3.2 */
        assert_int_equal(V(false, {"Accept", "*/*"}), 0); /* 1.0 needs no Host */
}

static void test_content_length(void **state)
{
        assert_int_equal(V(true, {"Host", "x"}, {"Content-Length", "2"}, {"Content-Length", "5"}),
                         400);
        assert_int_equal(V(true, {"Host", "x"}, {"Content-Length", "2"}, {"Content-Length", "2"}),
                         400);
        const char *bad[] = {"", "-1", "+35", "1e3", "0x10", "5, 5", "18446744073709551617000"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(V(true, {"Host", "x"}, {"Content-Length", bad[i]}), 400);
}

static void test_transfer_encoding(void **state)
{
        assert_int_equal(V(true, {"Host", "x"}, {"Transfer-Encoding", "chunked"},
                           {"Content-Length", "5"}), 400);
        assert_int_equal(V(false, {"Transfer-Encoding", "chunked"}), 400);
        /* chunked missing, not last, repeated, with parameters, an empty element */
        const char *bad[] = {"gzip", "identity", "chunked, identity", "chunked, chunked",
                             "chunked;q=1", "chunked,", ",chunked", "", "chun ked"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(V(true, {"Host", "x"}, {"Transfer-Encoding", bad[i]}), 400);
        assert_int_equal(V(true, {"Host", "x"}, {"Transfer-Encoding", "chunked"},
                           {"Transfer-Encoding", "chunked"}), 400);
        /* chunked last, but a coding before it that nothing here decodes */
        assert_int_equal(V(true, {"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"}), 501);
        assert_int_equal(V(true, {"Host", "x"}, {"Transfer-Encoding", "gzip"},
                           {"Transfer-Encoding", "chunked"}), 501);
}

static void test_host(void **state)
{
        assert_int_equal(V(true, {"Accept", "*/*"}), 400);
        assert_int_equal(V(true, {"Host", "a"}, {"Host", "a"}), 400);
        assert_int_equal(V(false, {"Host", "a"}, {"Host", "b"}), 400);
        const char *bad[] = {"a b", "a\"b", "a<b>", "a/b", "a\\b", "a\x01", "\xc3\xa9"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(V(true, {"Host", bad[i]}), 400);
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
                cmocka_unit_test(test_content_length),
                cmocka_unit_test(test_transfer_encoding),
                cmocka_unit_test(test_host),
                cmocka_unit_test(test_media_type),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
