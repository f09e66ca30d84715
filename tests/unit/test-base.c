#include <unistd.h>

#include "test-util.h"

#include "base/error.h"
#include "base/fileio.h"
#include "base/json-write.h"
#include "base/output.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/time-format.h"

static void test_strbuf_grows(void **state)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

        assert_string_equal(strbuf_str(&sb), "");
        for (int i = 0; i < 1000; i++)
                assert_int_equal(strbuf_printf(&sb, "%d,", i % 10), 0);
        assert_int_equal(sb.len, 2000);
        assert_memory_equal(strbuf_str(&sb), "0,1,2,", 6);
        _cleanup_free_ char *s = strbuf_steal(&sb);
        assert_int_equal(strlen(s), 2000);
        assert_null(sb.buf);
}

static void test_parse_numbers(void **state)
{
        uint64_t u;
        uint32_t u32;
        int64_t i;

        assert_int_equal(parse_u64("7\n", &u), 0);
        assert_int_equal(u, 7);
        assert_int_equal(parse_u64("-1", &u), -EINVAL);
        assert_int_equal(parse_u64(" 1", &u), -EINVAL);
        assert_int_equal(parse_u64("1x", &u), -EINVAL);
        assert_int_equal(parse_u64("", &u), -EINVAL);
        assert_int_equal(parse_u64("99999999999999999999999", &u), -ERANGE);
        assert_int_equal(parse_u32("4294967296", &u32), -ERANGE);
        assert_int_equal(parse_u32("4294967295", &u32), 0);
        assert_int_equal(parse_i64("-12", &i), 0);
        assert_int_equal(i, -12);
        assert_int_equal(parse_i64("--1", &i), -EINVAL);
        assert_int_equal(parse_hex_u64("0xf00f4a", &u), 0);
        assert_int_equal(u, 0xf00f4a);
        assert_int_equal(parse_hex_u64("d2008c22260206", &u), 0);
        assert_int_equal(u, 0xd2008c22260206ULL);
        assert_int_equal(parse_hex_u64("0x", &u), -EINVAL);
        assert_int_equal(parse_hex_u64("g1", &u), -EINVAL);
}

static void test_parse_boolean(void **state)
{
        assert_int_equal(parse_boolean("True"), 1);
        assert_int_equal(parse_boolean("on"), 1);
        assert_int_equal(parse_boolean("0"), 0);
        assert_int_equal(parse_boolean("False"), 0);
        assert_int_equal(parse_boolean("maybe"), -EINVAL);
}

static void test_error_messages(void **state)
{
        err_clear();
        assert_false(err_has_msg());
        assert_string_equal(err_msg(-ENOENT), "No such file or directory");
        assert_int_equal(err_set(-EBUSY, "device %s is busy", "eth0"), -EBUSY);
        assert_string_equal(err_msg(-EBUSY), "device eth0 is busy");
        err_prefix(-EBUSY, "vf create");
        assert_string_equal(err_msg(-EBUSY), "vf create: device eth0 is busy");
        err_clear();
}

static void test_fileio_roundtrip(void **state)
{
        char dir[] = "/tmp/vfnet-test-XXXXXX";
        char path[256];
        _cleanup_free_ char *line = NULL;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/a/b/c.conf", dir);
        assert_int_equal(write_file_atomic(path, "first line\nsecond\n"), 0);
        assert_int_equal(read_one_line_file(path, &line), 0);
        assert_string_equal(line, "first line");
        assert_int_equal(write_string_file(path, "x"), 0);
        snprintf(path, sizeof(path), "%s/missing", dir);
        assert_int_equal(read_one_line_file(path, &line), -ENOENT);
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

static void test_output_table(void **state)
{
        _cleanup_json_ json_t *rows = json_pack("[{s:s, s:i, s:n, s:[ss]}, {s:s, s:b}]", "name",
                                                "eth0", "vfs", 7, "driver", "netdevs", "a", "b",
                                                "name", "eth1", "vfs", 0);
        static const struct table_column cols[] = {{"name", "Name"}, {"vfs", "VFs"},
                                                   {"driver", "Driver"}, {"netdevs", "Netdevs"}};
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(rows);
        assert_int_equal(output_print_table(f, rows, cols, 4), 0);
        fclose(f);
        assert_string_equal(buf, "+------+-------+--------+---------+\n"
                                 "| Name | VFs   | Driver | Netdevs |\n"
                                 "+------+-------+--------+---------+\n"
                                 "| eth0 | 7     |        | a, b    |\n"
                                 "| eth1 | false |        |         |\n"
                                 "+------+-------+--------+---------+\n");
        free(buf);
        assert_int_equal(output_format_from_string("JSON"), OUTPUT_JSON);
        assert_int_equal(output_format_from_string("yaml"), -EINVAL);
}

/* json_append_string() writes what jansson's dump writes for the string. */
static void check_json_string(const char *s, size_t len)
{
        _cleanup_json_ json_t *v = json_stringn(s, len);
        _cleanup_free_ char *want = NULL;
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

        assert_non_null(v);
        want = json_dumps(v, JSON_ENCODE_ANY);
        assert_non_null(want);
        assert_int_equal(strbuf_append(&sb, "x"), 0);
        assert_int_equal(json_append_string(&sb, s, len), 0);
        assert_string_equal(sb.buf + 1, want);
        assert_int_equal(sb.len, strlen(want) + 1);
}

static void test_json_write_string(void **state)
{
        char one[2];

        (void)state;
        /* every ASCII byte alone, NUL included */
        for (int c = 0; c < 0x80; c++) {
                one[0] = (char)c;
                check_json_string(one, 1);
        }
        static const char *const texts[] = {
                "", "eth0", "a\"b\\c/d\x01\x1f\x7f", "Invalid \"vf\"\n\ttab\r\b\f",
                "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
        };
        for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
                check_json_string(texts[i], strlen(texts[i]));
        /* Each byte that needs escaping, a few that do not and a UTF-8
         * character, at every offset of a string longer than two words,
         * and strings of every length up to it: what is escaped never
         * depends on where. */
        static const char *const specials[] = {"\"", "\\", "\n", "\x1f", " ", "!", "#",
                                               "[", "]", "\x7f", "\xc3\xa9", "\xe2\x82\xac"};
        char text[24];
        for (size_t k = 0; k < ARRAY_SIZE(specials); k++)
                for (size_t at = 0; at + strlen(specials[k]) <= sizeof(text); at++) {
                        memset(text, 'a', sizeof(text));
                        memcpy(text + at, specials[k], strlen(specials[k]));
                        check_json_string(text, sizeof(text));
                        check_json_string(text, at + strlen(specials[k]));
                }
        memset(text, 'a', sizeof(text));
        text[13] = '\0';
        check_json_string(text, sizeof(text));
}

/* A whole output written to the descriptor comes after what the stream
 * still holds, and a stream without a descriptor gets it too. */
static void test_output_write_order(void **state)
{
        int fds[2];
        char buf[64] = "";
        char *mem = NULL;
        size_t len = 0;
        FILE *f, *m;

        (void)state;
        assert_int_equal(pipe(fds), 0);
        f = fdopen(fds[1], "w");
        assert_non_null(f);
        fputs("held ", f);
        assert_int_equal(output_write(f, "then whole\n", 11), 0);
        fclose(f);
        assert_int_equal(read(fds[0], buf, sizeof(buf) - 1), 16);
        assert_string_equal(buf, "held then whole\n");
        close(fds[0]);

        m = open_memstream(&mem, &len);
        assert_non_null(m);
        fputs("a", m);
        assert_int_equal(output_write(m, "bc", 2), 0);
        fclose(m);
        assert_string_equal(mem, "abc");
        free(mem);
}

/* Nova's date-time filters: the forms it takes, and what it refuses. */
static void test_time_parse_iso8601(void **state)
{
        double t;
        assert_int_equal(time_parse_iso8601("2051-01-01T12:34:00Z", &t), 0);
        assert_true(t == 2556189240.0);
        assert_int_equal(time_parse_iso8601("2051-01-01T13:34:00+01:00", &t), 0);
        assert_true(t == 2556189240.0);
        assert_int_equal(time_parse_iso8601("2051-01-01 12:34", &t), 0);
        assert_true(t == 2556189240.0);
        assert_int_equal(time_parse_iso8601("1970-01-01", &t), 0);
        assert_true(t == 0.0);
        assert_int_equal(time_parse_iso8601("1970-01-01T00:00:01.5", &t), 0);
        assert_true(t == 1.5);
        static const char *const bad[] = {"2011/01/01", "2011-13-01", "2011-01-32", "",
                                          "2011-01-01T25:00", "2011-01-01Tx", "2011-01-01Z0",
                                          "2011-01-01T00:00:00+1x"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
                assert_int_equal(time_parse_iso8601(bad[i], &t), -EINVAL);
        char buf[40];
        time_format_iso8601(2556189240.0, false, buf);
        assert_int_equal(time_parse_iso8601(buf, &t), 0);
        assert_true(t == 2556189240.0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_strbuf_grows),
                cmocka_unit_test(test_parse_numbers),
                cmocka_unit_test(test_parse_boolean),
                cmocka_unit_test(test_error_messages),
                cmocka_unit_test(test_fileio_roundtrip),
                cmocka_unit_test(test_output_table),
                cmocka_unit_test(test_json_write_string),
                cmocka_unit_test(test_output_write_order),
                cmocka_unit_test(test_time_parse_iso8601),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
